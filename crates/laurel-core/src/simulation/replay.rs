//! The replay: every happening decided again, in the order it was decided, by the same core
//! functions as the write path (award, the ledger's operations, the tier policy, the refund
//! and redemption decisions), against members held in memory instead of the database.
//!
//! What the write path reads back from the database a replay keeps itself: each member's
//! ledger, tier, purchases and grants, everyone's grants per rule (campaign budgets), units of
//! each reward, the lots each redemption drew on, the referrals paid. Behaviour is held fixed:
//! the same purchases, events, refunds and redemptions happen; what the program decides of
//! them may differ, and a redemption the member can no longer afford is refused.

use crate::Points;
use crate::award::{AwardTerms, award};
use crate::earn::{EarnError, lot_schedule};
use crate::ledger::{
    DrawnLot, InvariantViolation, LedgerError, LotEffect, LotId, LotState, MemberLedger, Posting,
};
use crate::referrals::{Contact, ReferralFacts, refund_reverses_referral};
use crate::refund::{RefundAsk, RefundRefusal, RefundablePurchase, decide};
use crate::rewards::{RedemptionFacts, RewardRefusal};
use crate::rules::{Activity, Basket, EarnContext, Earning, Event, MemberFacts, usage_periods};
use crate::simulation::assumptions::Assumptions;
use crate::simulation::happening::{Happening, Job, What};
use crate::simulation::member::{Bought, Granted, SimMember};
use crate::simulation::terms::{Terms, Versions};
use crate::tiers::{ReviewRun, TierChange, TierDecision, TierStatus};
use jiff::Timestamp;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

/// What a replay refused that the history did: the program it replays decides otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A redemption or debit the member's points no longer cover.
    Insufficient(LedgerError),
    /// A reward the program does not have, or may not be redeemed then.
    Reward(Option<RewardRefusal>),
    /// A refund the replayed purchase no longer allows.
    Refund(RefundRefusal),
    /// An activity that would earn more points than one command may move.
    TooManyPoints,
}

impl Refusal {
    /// The refusal's stable name, as reports count it.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Insufficient(_) => "insufficient_points",
            Refusal::Reward(_) => "reward_unavailable",
            Refusal::Refund(_) => "refund_refused",
            Refusal::TooManyPoints => "too_many_points",
        }
    }
}

/// A replay that cannot go on: the history contradicts itself or the calendar failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplayError {
    /// A happening names a member not enrolled before it.
    #[error("member {0} is not enrolled at that point of the history")]
    UnknownMember(i64),
    /// A refund names a purchase not made before it.
    #[error("purchase {0} is not made at that point of the history")]
    UnknownPurchase(i64),
    /// A posting broke the ledger's invariants: a defect, never a refusal.
    #[error("member {member}: {violation}")]
    Invariant {
        /// Whose ledger.
        member: i64,
        /// What broke.
        violation: InvariantViolation,
    },
    /// The ledger refused what the write path could not have been refused (a credit out of
    /// range, a reversal of nothing): a defect, never a refusal.
    #[error("member {member}: {error}")]
    Ledger {
        /// Whose ledger.
        member: i64,
        /// What it said.
        error: LedgerError,
    },
    /// The program's calendar arithmetic failed.
    #[error("calendar: {0}")]
    Calendar(String),
}

/// What a replay tells as it goes: every posting, grant, purchase, refund, tier change and
/// refusal, each at the instant it takes effect (a purchase's and its earn's when it
/// happened, a member's joining when they joined, the rest when recorded). Every method does nothing unless overridden.
pub trait Watch {
    /// A member joined.
    fn enrolled(&mut self, _at: Timestamp, _member: i64) {}
    /// A posting was made to `member`'s ledger.
    fn posted(&mut self, _at: Timestamp, _member: i64, _posting: &Posting) {}
    /// An earn's grants (those above zero).
    fn granted(&mut self, _at: Timestamp, _member: i64, _grants: &[crate::rules::Grant]) {}
    /// A member's purchase of `total_minor`.
    fn purchased(&mut self, _at: Timestamp, _member: i64, _total_minor: i64) {}
    /// A refund of `amount_minor`.
    fn refunded(&mut self, _at: Timestamp, _member: i64, _amount_minor: i64) {}
    /// A member's tier changed.
    fn tier_changed(&mut self, _at: Timestamp, _member: i64, _change: &TierChange) {}
    /// Something the history did that the program replayed refuses.
    fn refused(&mut self, _at: Timestamp, _member: i64, _refusal: &Refusal) {}
}

/// A watch that looks at nothing.
impl Watch for () {}

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
                watch.enrolled(*enrolled_at, *member);
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

    /// The referral (limited by the referrer's count) and the starting tier.
    fn enroll(
        &mut self,
        terms: Terms<'_>,
        member: i64,
        enrolled_at: Timestamp,
        referred_by: Option<i64>,
        watch: &mut impl Watch,
    ) -> Result<(), ReplayError> {
        // A referrer the history does not have (rows written around the write path) refers
        // nobody.
        let referrer = referred_by.filter(|r| self.members.contains_key(r));
        if let (Some(policy), Some(referrer)) = (terms.referrals, referrer) {
            let made = self.member(referrer)?.referrals_made;
            let facts = ReferralFacts {
                referrer: Contact::default(),
                applicant: Contact::default(),
                applicant_already_member: false,
                referrals_made: u64::from(made),
            };
            if policy.check(&facts).is_ok() {
                self.member_mut(referrer)?.referrals_made += 1;
                self.member_mut(member)?.pending_referral = Some((referrer, enrolled_at));
            }
        }
        let Some(policy) = terms.tiers else {
            return Ok(());
        };
        let status = policy.initial(enrolled_at);
        if status.tier.is_none() {
            return Ok(());
        }
        let decision = TierDecision {
            change: Some(TierChange {
                from: None,
                to: status.tier.clone(),
                reason: crate::tiers::TierChangeReason::Qualified,
            }),
            status,
        };
        self.store_decision(member, decision, enrolled_at, watch)
    }

    #[allow(clippy::too_many_arguments)]
    fn purchase(
        &mut self,
        terms: Terms<'_>,
        purchase: i64,
        member: i64,
        occurred_at: Timestamp,
        basket: &Basket,
        total_minor: i64,
        now: Timestamp,
        watch: &mut impl Watch,
    ) -> Result<(), ReplayError> {
        let m = self.member(member)?;
        let referral = match (terms.referrals, m.pending_referral) {
            (Some(policy), Some((referrer, joined)))
                if policy.qualifies(basket.total, occurred_at, joined) =>
            {
                Some(referrer)
            }
            _ => None,
        };
        let welcome = terms.referrals.filter(|_| referral.is_some());
        let activity = Activity::Purchase(basket.clone());
        let Some(earning) =
            self.earning(terms, member, activity, occurred_at, welcome, now, watch)?
        else {
            return Ok(());
        };
        watch.purchased(occurred_at, member, total_minor);
        let lot = self.credit(terms, member, &earning, occurred_at, now, watch)?;
        let m = self.member_mut(member)?;
        m.purchases.push(Bought {
            id: purchase,
            occurred_at,
            total_minor,
            refunded_minor: 0,
            points_earned: earning.total.get(),
            points_reversed: 0,
            lot,
        });
        let index = m.purchases.len() - 1;
        self.purchases.insert(purchase, (member, index));
        if let (Some(referrer), Some(policy)) = (referral, terms.referrals) {
            let bonus = Earning {
                grants: vec![policy.referrer_grant(&member.to_string())],
                total: policy.referrer_points,
            };
            let lot = self.credit(terms, referrer, &bonus, occurred_at, now, watch)?;
            self.member_mut(member)?.pending_referral = None;
            self.referrals_paid.insert(
                purchase,
                Paid {
                    referrer,
                    lot,
                    points: policy.referrer_points,
                },
            );
        }
        self.after_activity(terms, member, now, watch)
    }

    fn event(
        &mut self,
        terms: Terms<'_>,
        member: i64,
        occurred_at: Timestamp,
        event: &Event,
        now: Timestamp,
        watch: &mut impl Watch,
    ) -> Result<(), ReplayError> {
        let activity = Activity::Event(event.clone());
        let Some(earning) = self.earning(terms, member, activity, occurred_at, None, now, watch)?
        else {
            return Ok(());
        };
        self.credit(terms, member, &earning, occurred_at, now, watch)?;
        match terms.tiers {
            Some(policy) if policy.metric.moved_by_event(earning.total) => {
                self.after_activity(terms, member, now, watch)
            }
            _ => Ok(()),
        }
    }

    /// What an activity earns, as the write path's `earning` works it out; `None` (and a
    /// refusal told) when it would be more than one command may move.
    #[allow(clippy::too_many_arguments)]
    fn earning(
        &self,
        terms: Terms<'_>,
        member: i64,
        activity: Activity,
        occurred_at: Timestamp,
        welcome: Option<&crate::referrals::ReferralPolicy>,
        now: Timestamp,
        watch: &mut impl Watch,
    ) -> Result<Option<Earning>, ReplayError> {
        let m = self.member(member)?;
        let first_purchase = terms.rules.asks_first_purchase(&activity) && m.purchases.is_empty();
        let limited = terms.rules.limited_by(&activity);
        let usage = if limited.is_empty() {
            Default::default()
        } else {
            let periods = usage_periods(terms.program, occurred_at).map_err(calendar)?;
            m.usage(&limited, &periods, &self.campaign)
        };
        let segments = if terms.rules.asks_segments(&activity) {
            m.segments.clone()
        } else {
            Vec::new()
        };
        let facts = MemberFacts {
            tier: m.tier.tier.clone(),
            attributes: m.attributes.clone(),
            birthday: m.birthday,
            first_purchase,
            segments,
        };
        let context = EarnContext::new(activity, facts, occurred_at).with_usage(usage);
        let award_terms = AwardTerms {
            program: terms.program,
            rules: terms.rules,
            tiers: terms.tiers,
        };
        match award(award_terms, &context, welcome) {
            Ok(earning) => Ok(Some(earning)),
            Err(EarnError::OutOfRange) => {
                watch.refused(now, member, &Refusal::TooManyPoints);
                Ok(None)
            }
            Err(e) => Err(calendar(e)),
        }
    }

    /// One earn of the earning's total, scheduled from `occurred_at`, expired at once when its
    /// expiry has passed (history recorded late), with its grants kept; the lot it opened.
    fn credit(
        &mut self,
        terms: Terms<'_>,
        member: i64,
        earning: &Earning,
        occurred_at: Timestamp,
        now: Timestamp,
        watch: &mut impl Watch,
    ) -> Result<Option<LotId>, ReplayError> {
        if !earning.total.is_positive() {
            return Ok(None);
        }
        let schedule = lot_schedule(terms.program, occurred_at).map_err(calendar)?;
        let posting = self
            .member(member)?
            .ledger
            .earn(earning.total, occurred_at, schedule, now)
            .map_err(|error| ReplayError::Ledger { member, error })?;
        let lot = self
            .post(member, &posting, occurred_at, watch)?
            .first()
            .copied();
        if schedule.expires_at.is_some_and(|at| at <= now) {
            let expired = self.member(member)?.ledger.expire(now);
            if let Some(posting) = expired {
                self.post(member, &posting, now, watch)?;
            }
        }
        let granted: Vec<_> = earning
            .grants
            .iter()
            .filter(|g| g.points.is_positive())
            .cloned()
            .collect();
        for g in &granted {
            *self.campaign.entry(g.rule_id.clone()).or_default() += g.points.get();
        }
        let m = self.member_mut(member)?;
        m.grants.extend(granted.iter().map(|g| Granted {
            rule_id: g.rule_id.clone(),
            points: g.points.get(),
            occurred_at,
        }));
        watch.granted(occurred_at, member, &granted);
        Ok(lot)
    }

    fn refund(
        &mut self,
        terms: Terms<'_>,
        purchase: i64,
        amount_minor: i64,
        now: Timestamp,
        watch: &mut impl Watch,
    ) -> Result<(), ReplayError> {
        let Some(&(member, index)) = self.purchases.get(&purchase) else {
            // A purchase the replay refused (too many points) has nothing to refund.
            return Ok(());
        };
        let bought = self
            .member(member)?
            .purchases
            .get(index)
            .cloned()
            .ok_or(ReplayError::UnknownPurchase(purchase))?;
        let refundable = RefundablePurchase {
            total_minor: bought.total_minor,
            refunded_minor: bought.refunded_minor,
            points_earned: Points(bought.points_earned),
            lines: &[],
        };
        let decision = match decide(&refundable, &RefundAsk::Amount(amount_minor)) {
            Ok(decision) => decision,
            Err(refusal) => {
                watch.refused(now, member, &Refusal::Refund(refusal));
                return Ok(());
            }
        };
        let mut reversed = Points::ZERO;
        if decision.points.is_positive() {
            let posting = self
                .member(member)?
                .ledger
                .reverse(bought.lot, decision.points, terms.program.clawback)
                .map_err(|error| ReplayError::Ledger { member, error })?;
            reversed = decision.points - posting.shortfall;
            self.post(member, &posting, now, watch)?;
        }
        let refunded_after = bought.refunded_minor + decision.amount_minor;
        if let Some(b) = self.member_mut(member)?.purchases.get_mut(index) {
            b.refunded_minor = refunded_after;
            b.points_reversed += reversed.get();
        }
        watch.refunded(now, member, decision.amount_minor);
        if !refund_reverses_referral(terms.referrals, bought.total_minor, refunded_after) {
            return Ok(());
        }
        let Some(paid) = self.referrals_paid.remove(&purchase) else {
            return Ok(());
        };
        if paid.points.is_positive() {
            let posting = self
                .member(paid.referrer)?
                .ledger
                .reverse(paid.lot, paid.points, terms.program.clawback)
                .map_err(|error| ReplayError::Ledger {
                    member: paid.referrer,
                    error,
                })?;
            self.post(paid.referrer, &posting, now, watch)?;
        }
        let referrer = self.member_mut(paid.referrer)?;
        referrer.referrals_made = referrer.referrals_made.saturating_sub(1);
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn redeem_reward(
        &mut self,
        terms: Terms<'_>,
        redemption: i64,
        member: i64,
        reward_id: &str,
        quantity: u32,
        now: Timestamp,
        watch: &mut impl Watch,
    ) -> Result<(), ReplayError> {
        let Some(reward) = terms.catalog.get(reward_id) else {
            watch.refused(now, member, &Refusal::Reward(None));
            return Ok(());
        };
        let m = self.member(member)?;
        let facts = RedemptionFacts {
            tier: m.tier.tier.clone(),
            segments: m.segments.clone(),
            redeemed_by_member: m.reward_units.get(reward_id).copied().unwrap_or(0),
            redeemed_in_all: self.reward_units.get(reward_id).copied().unwrap_or(0),
            quantity,
            now,
        };
        let cost = match reward.check_redemption(&facts) {
            Ok(cost) => cost,
            Err(refusal) => {
                watch.refused(now, member, &Refusal::Reward(Some(refusal)));
                return Ok(());
            }
        };
        let posting = match m.ledger.redeem(cost) {
            Ok(posting) => posting,
            Err(e) => {
                watch.refused(now, member, &Refusal::Insufficient(e));
                return Ok(());
            }
        };
        let drawn = drawn_lots(&m.ledger, &posting);
        self.post(member, &posting, now, watch)?;
        let units = u64::from(quantity);
        *self
            .member_mut(member)?
            .reward_units
            .entry(reward_id.to_owned())
            .or_default() += units;
        *self.reward_units.entry(reward_id.to_owned()).or_default() += units;
        self.redemptions.insert(
            redemption,
            Redeemed {
                member,
                reward_id: reward_id.to_owned(),
                quantity: units,
                drawn,
            },
        );
        Ok(())
    }

    /// After a purchase (or an event, when points earned qualify): an upgrade, or the end of
    /// a grace period, as the write path's `after_activity` decides it.
    fn after_activity(
        &mut self,
        terms: Terms<'_>,
        member: i64,
        now: Timestamp,
        watch: &mut impl Watch,
    ) -> Result<(), ReplayError> {
        let Some(policy) = terms.tiers else {
            return Ok(());
        };
        let m = self.member(member)?;
        let at_top = policy.rank(m.tier.tier.as_deref()) == policy.tiers().len();
        if at_top && m.tier.downgrade_at.is_none() {
            return Ok(());
        }
        let tz = &terms.program.time_zone;
        let window = policy.activity_window(now, tz);
        let digits = terms.program.currency.minor_digits();
        let value = m.metric(policy.metric, window, digits);
        let decision = policy.after_activity(&m.tier, value, now, tz);
        self.store_decision(member, decision, now, watch)
    }

    /// Keeps a tier decision, scheduling its review, and tells its change.
    fn store_decision(
        &mut self,
        member: i64,
        decision: TierDecision,
        at: Timestamp,
        watch: &mut impl Watch,
    ) -> Result<(), ReplayError> {
        self.set_tier(member, decision.status)?;
        if let Some(change) = &decision.change {
            watch.tier_changed(at, member, change);
        }
        Ok(())
    }

    fn set_tier(&mut self, member: i64, status: TierStatus) -> Result<(), ReplayError> {
        if let Some(at) = status.review_at {
            self.reviews.push(Reverse((at, member)));
        }
        self.member_mut(member)?.tier = status;
        Ok(())
    }

    fn run_job(
        &mut self,
        terms: Terms<'_>,
        job: Job,
        as_of: Timestamp,
        watch: &mut impl Watch,
    ) -> Result<(), ReplayError> {
        let queue = match job {
            Job::Expiry => &mut self.expiries,
            Job::Release => &mut self.releases,
            Job::Tiers => &mut self.reviews,
        };
        let mut due = Vec::new();
        while let Some(&Reverse((at, member))) = queue.peek() {
            if at > as_of {
                break;
            }
            queue.pop();
            due.push(member);
        }
        due.sort_unstable();
        due.dedup();
        for member in due {
            let ledger = &self.member(member)?.ledger;
            let posting = match job {
                Job::Expiry => ledger.expire(as_of),
                Job::Release => ledger.release(as_of),
                Job::Tiers => {
                    self.review(terms, member, as_of, watch)?;
                    None
                }
            };
            if let Some(posting) = posting {
                self.post(member, &posting, as_of, watch)?;
            }
        }
        Ok(())
    }

    /// A member's due reviews, as the write path's review job holds them.
    fn review(
        &mut self,
        terms: Terms<'_>,
        member: i64,
        now: Timestamp,
        watch: &mut impl Watch,
    ) -> Result<(), ReplayError> {
        let m = self.member(member)?;
        let Some(policy) = terms.tiers else {
            // The program dropped its tiers: nothing to review any more.
            let status = TierStatus {
                review_at: None,
                ..m.tier.clone()
            };
            self.member_mut(member)?.tier = status;
            return Ok(());
        };
        let tz = &terms.program.time_zone;
        let digits = terms.program.currency.minor_digits();
        let mut run = ReviewRun::new(m.tier.clone());
        while let Some((at, window)) = run.next_due(policy, now, tz) {
            let value = m.metric(policy.metric, window, digits);
            if let Some(change) = run.review(policy, value, at, tz) {
                watch.tier_changed(now, member, &change);
            }
        }
        self.set_tier(member, run.status)
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

/// The lots a debit draws on, with what their restoring needs, read before it is applied.
fn drawn_lots(ledger: &MemberLedger, posting: &Posting) -> Vec<DrawnLot> {
    posting
        .lots
        .iter()
        .filter_map(|effect| match *effect {
            LotEffect::Draw { lot, amount } => {
                let held = ledger.lots.iter().find(|l| l.id == lot)?;
                Some(DrawnLot {
                    lot,
                    amount,
                    earned_at: held.earned_at,
                    expires_at: held.expires_at,
                })
            }
            _ => None,
        })
        .collect()
}

fn calendar(e: impl std::fmt::Display) -> ReplayError {
    ReplayError::Calendar(e.to_string())
}
