//! The replay: every happening decided again, in the order it was decided, by the same core
//! functions as the write path (award, the ledger's operations, the tier policy, the refund
//! and redemption decisions), against members held in memory instead of the database.
//!
//! What the write path reads back from the database a replay keeps itself: each member's
//! ledger, tier, purchases and grants, everyone's grants per rule (campaign budgets), units of
//! each reward, the lots each redemption drew on, the referrals paid. Behaviour is held fixed:
//! the same purchases, events, refunds and redemptions happen; what the program decides of
//! them may differ, and a redemption the member can no longer afford is refused.
//!
//! `earning.rs` enrollments, purchases and events (what they earn, the earn posting, a
//! referral's payout); `points.rs` refunds and reward redemptions; `tiers.rs` tier decisions
//! and the scheduled jobs; `watch.rs` what a replay tells and refuses.

mod earning;
mod points;
mod tiers;
mod watch;

pub use watch::{Refusal, ReplayError, Watch};

use crate::Points;
use crate::earn::lot_schedule;
use crate::ledger::{DrawnLot, LedgerError, LotEffect, LotId, LotState, Posting};
use crate::simulation::assumptions::Assumptions;
use crate::simulation::happening::{Happening, What};
use crate::simulation::member::SimMember;
use crate::simulation::terms::Versions;
use jiff::Timestamp;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

/// A redemption kept for its cancellation.
#[derive(Debug, Clone)]
struct Redeemed {
    member: i64,
    reward_id: String,
    quantity: u64,
    drawn: Vec<DrawnLot>,
}

/// A referral paid out on a purchase, kept for a refund that takes it back.
#[derive(Debug, Clone, Copy)]
struct Paid {
    referrer: i64,
    lot: Option<LotId>,
    points: Points,
}

/// Instants at which a member has something due, soonest first.
type Due = BinaryHeap<Reverse<(Timestamp, i64)>>;

/// The state of a replay: every member and what the program's decisions read.
#[derive(Debug, Clone, Default)]
pub struct Replay {
    members: HashMap<i64, SimMember>,
    /// Each purchase's buyer and its place among their purchases.
    purchases: HashMap<i64, (i64, usize)>,
    redemptions: HashMap<i64, Redeemed>,
    /// Each point hold still held: whose, and what it drew.
    point_holds: HashMap<i64, (i64, Vec<crate::ledger::DrawnLot>)>,
    referrals_paid: HashMap<i64, Paid>,
    /// Points each rule granted everyone.
    campaign: HashMap<String, i64>,
    /// Units of each reward redeemed and not cancelled.
    reward_units: HashMap<String, u64>,
    last_lot: i64,
    /// What the manager stated the program changes in behaviour (the draft's replay only).
    assumptions: Assumptions,
    /// The last id given to a purchase or redemption the assumptions added (below zero, so
    /// no stored refund or cancellation names one).
    last_added: i64,
    expiries: Due,
    releases: Due,
    reviews: Due,
}

impl Replay {
    /// An empty replay, before anything happened.
    pub fn new() -> Replay {
        Replay::default()
    }

    /// From now on, applies `assumptions` to what happens: purchases and redemptions added
    /// or dropped, redemptions of points scaled.
    pub fn assume(&mut self, assumptions: Assumptions) {
        self.assumptions = assumptions;
    }

    /// An id for something the assumptions added.
    fn added_id(&mut self) -> i64 {
        self.last_added -= 1;
        self.last_added
    }

    /// The members as they stand.
    pub fn members(&self) -> &HashMap<i64, SimMember> {
        &self.members
    }

    /// Decides `happening` again under the program `versions` says was in force, telling
    /// `watch` what it did.
    pub fn apply(
        &mut self,
        happening: &Happening,
        versions: &impl Versions,
        watch: &mut impl Watch,
    ) -> Result<(), ReplayError> {
        let now = happening.at;
        match &happening.what {
            What::Enrolled {
                member,
                enrolled_at,
                birthday,
                attributes,
                segments,
                referred_by,
            } => {
                let joined = SimMember {
                    birthday: *birthday,
                    attributes: attributes.clone(),
                    segments: segments.clone(),
                    ..SimMember::default()
                };
                self.members.insert(*member, joined);
                self.enroll(versions.at(now), *member, *enrolled_at, *referred_by, watch)
            }
            What::Purchased {
                purchase,
                member,
                occurred_at,
                basket,
                total_minor,
            } => {
                let tier = self.member(*member)?.tier.tier.as_deref();
                let copies = self.assumptions.purchase_copies(*purchase, tier);
                for copy in 0..copies {
                    let id = if copy == 0 {
                        *purchase
                    } else {
                        self.added_id()
                    };
                    let terms = versions.at(*occurred_at);
                    self.purchase(
                        terms,
                        id,
                        *member,
                        *occurred_at,
                        basket,
                        *total_minor,
                        now,
                        watch,
                    )?;
                }
                Ok(())
            }
            What::Refunded {
                purchase,
                amount_minor,
            } => self.refund(versions.at(now), *purchase, *amount_minor, now, watch),
            What::Event {
                member,
                occurred_at,
                event,
            } => self.event(
                versions.at(*occurred_at),
                *member,
                *occurred_at,
                event,
                now,
                watch,
            ),
            What::Redeemed { member, points } => {
                let points = self.assumptions.redeemed_points(*points);
                if points <= 0 {
                    return Ok(());
                }
                let posting = self.member(*member)?.ledger.redeem(Points(points));
                self.post_or_refuse(*member, posting, now, watch)
            }
            What::Adjusted { member, points } => {
                let terms = versions.at(now);
                let ledger = &self.member(*member)?.ledger;
                let posting = if *points > 0 {
                    let expires_at = lot_schedule(terms.program, now)
                        .map_err(calendar)?
                        .expires_at;
                    ledger.adjust_credit(Points(*points), now, expires_at)
                } else {
                    ledger.adjust_debit(Points(-*points))
                };
                self.post_or_refuse(*member, posting, now, watch)
            }
            What::RewardRedeemed {
                redemption,
                member,
                reward_id,
                quantity,
            } => {
                for copy in 0..self.assumptions.reward_copies(*redemption) {
                    let id = if copy == 0 {
                        *redemption
                    } else {
                        self.added_id()
                    };
                    let terms = versions.at(now);
                    self.redeem_reward(terms, id, *member, reward_id, *quantity, now, watch)?;
                }
                Ok(())
            }
            What::RedemptionCancelled { redemption } => {
                // One the replay refused has nothing to give back.
                let Some(r) = self.redemptions.remove(redemption) else {
                    return Ok(());
                };
                let m = self.member_mut(r.member)?;
                if let Some(units) = m.reward_units.get_mut(&r.reward_id) {
                    *units = units.saturating_sub(r.quantity);
                }
                if let Some(units) = self.reward_units.get_mut(&r.reward_id) {
                    *units = units.saturating_sub(r.quantity);
                }
                let posting = self.member(r.member)?.ledger.restore(&r.drawn, now);
                self.post_or_refuse(r.member, posting, now, watch)
            }
            What::TierAssigned {
                member,
                tier,
                reason,
                until,
            } => {
                let terms = versions.at(now);
                let Some(policy) = terms.tiers else {
                    return Ok(());
                };
                let tz = &terms.program.time_zone;
                let status = &self.member(*member)?.tier;
                let decision = policy.assign(status, tier, reason, *until, now, tz);
                self.store_decision(*member, decision, now, watch)
            }
            What::PointsHeld {
                hold,
                member,
                points,
            } => self.hold_points(*hold, *member, *points, now, watch),
            What::PointHoldClosed { hold, captured } => {
                self.close_point_hold(*hold, *captured, now, watch)
            }
            What::Transferred {
                from,
                to,
                points,
                kind,
            } => {
                let terms = versions.at(now);
                self.transfer(terms, *from, *to, *points, *kind, now, watch)
            }
            What::MembershipSet {
                member,
                plan,
                from,
                until,
            } => {
                let terms = versions.at(now);
                self.membership_set(terms, *member, plan.as_deref(), *from, *until, now, watch)
            }
            What::JobRan { job, as_of } => self.run_job(versions.at(now), *job, *as_of, watch),
        }
    }

    fn member(&self, id: i64) -> Result<&SimMember, ReplayError> {
        self.members.get(&id).ok_or(ReplayError::UnknownMember(id))
    }

    fn member_mut(&mut self, id: i64) -> Result<&mut SimMember, ReplayError> {
        self.members
            .get_mut(&id)
            .ok_or(ReplayError::UnknownMember(id))
    }

    /// Posts a decision, or tells its refusal.
    fn post_or_refuse(
        &mut self,
        member: i64,
        posting: Result<Posting, LedgerError>,
        now: Timestamp,
        watch: &mut impl Watch,
    ) -> Result<(), ReplayError> {
        match posting {
            Ok(posting) => self.post(member, &posting, now, watch).map(drop),
            Err(e) => {
                watch.refused(now, member, &Refusal::Insufficient(e));
                Ok(())
            }
        }
    }

    /// Applies a posting taking effect at `at` to the member's ledger, giving the lots it
    /// opens the next ids and scheduling their expiry and release; the lots opened.
    fn post(
        &mut self,
        member: i64,
        posting: &Posting,
        at: Timestamp,
        watch: &mut impl Watch,
    ) -> Result<Vec<LotId>, ReplayError> {
        let Replay {
            members,
            last_lot,
            expiries,
            releases,
            ..
        } = self;
        let m = members
            .get_mut(&member)
            .ok_or(ReplayError::UnknownMember(member))?;
        let mut opened = Vec::new();
        m.ledger
            .apply(posting, || {
                *last_lot += 1;
                opened.push(LotId(*last_lot));
                LotId(*last_lot)
            })
            .map_err(|violation| ReplayError::Invariant { member, violation })?;
        for effect in &posting.lots {
            let (expires_at, pending_until) = match effect {
                LotEffect::Open(new) => (
                    new.expires_at,
                    match new.state {
                        LotState::Pending { until } => Some(until),
                        LotState::Available => None,
                    },
                ),
                LotEffect::Refill(d) => (d.expires_at, None),
                _ => (None, None),
            };
            if let Some(at) = expires_at {
                expiries.push(Reverse((at, member)));
            }
            if let Some(at) = pending_until {
                releases.push(Reverse((at, member)));
            }
        }
        watch.posted(at, member, posting);
        Ok(opened)
    }
}

fn calendar(e: impl std::fmt::Display) -> ReplayError {
    ReplayError::Calendar(e.to_string())
}
