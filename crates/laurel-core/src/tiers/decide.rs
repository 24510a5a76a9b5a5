//! Tier decisions: upgrades after activity, reviews with grace, manual assignment, the bonus.

use super::policy::TierPolicy;
use crate::earn::{EarnError, round_points};
use crate::points::Points;
use crate::program::Rounding;
use crate::rules::explain::without_money;
use crate::rules::{Grant, GrantBasis};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use rust_decimal::Decimal;

/// Where a member stands: their tier and what is scheduled for it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TierStatus {
    /// Current tier id; `None` below the lowest tier.
    pub tier: Option<String>,
    /// Since when the member holds it.
    pub since: Option<Timestamp>,
    /// An admin's assignment, holding until its end date whatever the metric says.
    pub manual: Option<ManualTier>,
    /// Set while a grace period runs: the member goes down at this instant unless they
    /// requalify first.
    pub downgrade_at: Option<Timestamp>,
    /// A tier a paid membership holds the member in until its term ends, whatever the
    /// metric says.
    pub paid: Option<PaidTier>,
    /// When the member is next due for a review; `None` when nothing can change by review.
    pub review_at: Option<Timestamp>,
}

/// An admin's tier assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManualTier {
    /// Why (required).
    pub reason: String,
    /// When it ends; `None` keeps it until changed.
    pub until: Option<Timestamp>,
}

/// A tier held by a paid membership: the member is at least in it until `until`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaidTier {
    /// The plan's tier id.
    pub tier: String,
    /// When the term paid for ends.
    pub until: Timestamp,
}

/// Why a tier changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TierChangeReason {
    /// The member reached a higher tier's threshold.
    Qualified,
    /// A review found the member below their tier after the grace period.
    Review,
    /// An admin assigned it.
    Manual,
    /// A paid membership's term began (to its tier) or ended (to the tier the metric
    /// gives).
    Membership,
}

impl TierChangeReason {
    /// The name stored in the history and shown by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            TierChangeReason::Qualified => "qualified",
            TierChangeReason::Review => "review",
            TierChangeReason::Manual => "manual",
            TierChangeReason::Membership => "membership",
        }
    }
}

/// A change of tier, for the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierChange {
    /// The tier before (`None`: no tier).
    pub from: Option<String>,
    /// The tier after.
    pub to: Option<String>,
    /// Why.
    pub reason: TierChangeReason,
}

/// A decision: the status to store and the change to record, if the tier changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierDecision {
    /// The member's status afterwards.
    pub status: TierStatus,
    /// The change, if any.
    pub change: Option<TierChange>,
}

impl TierPolicy {
    /// A new member's status: the lowest tier if its threshold is zero, else none.
    pub fn initial(&self, enrolled_at: Timestamp) -> TierStatus {
        let tier = self.at_rank(self.qualified_rank(Decimal::ZERO));
        TierStatus {
            tier: tier.map(|t| t.id.clone()),
            since: tier.map(|_| enrolled_at),
            ..TierStatus::default()
        }
    }

    /// After an activity at `now` that left the metric at `value` (over
    /// [`activity_window`](TierPolicy::activity_window)): an upgrade if the member now
    /// qualifies for a higher tier (ending any manual assignment), or the end of a running
    /// grace period if they requalified for their own. Never a downgrade.
    pub fn after_activity(
        &self,
        status: &TierStatus,
        value: Decimal,
        now: Timestamp,
        tz: &TimeZone,
    ) -> TierDecision {
        let mut next = status.clone();
        let (current, qualified) = self.ranks(status, value, now);
        let mut change = None;
        if qualified > current {
            change = Some(self.move_to(&mut next, qualified, now, TierChangeReason::Qualified));
            next.manual = None;
        } else if qualified == current && next.downgrade_at.is_some() {
            next.downgrade_at = None;
        } else {
            return TierDecision {
                status: next,
                change: None,
            };
        }
        self.decided(next, change, now, tz)
    }

    /// A review at `at` (the member's due [`TierStatus::review_at`]), with the metric at
    /// `value` over [`review_window`](TierPolicy::review_window). A manual assignment holds
    /// until its end. A member below their tier keeps it through the grace period; if they
    /// have not requalified when it ends, they go down to the tier they qualify for, at most
    /// `max_steps_down` tiers. A member above their tier goes up. When a paid membership's
    /// term has ended, a member it held above what the metric gives goes straight down to
    /// that: the paid benefit ends exactly at the term's end, with no grace.
    pub fn review(
        &self,
        status: &TierStatus,
        value: Decimal,
        at: Timestamp,
        tz: &TimeZone,
    ) -> TierDecision {
        let mut next = status.clone();
        let (current, qualified) = self.ranks(status, value, at);
        let mut change = None;
        let manual_holds = next
            .manual
            .as_ref()
            .is_some_and(|m| m.until.is_none_or(|until| until > at));
        if !manual_holds {
            next.manual = None;
        }
        // A paid tier whose term has ended, and whether it is the tier the member holds:
        // only then does its end take them down at once (a higher tier of their own keeps
        // its grace and step limit).
        let paid_ended = next.paid.as_ref().is_some_and(|p| p.until <= at);
        let held_by_paid = paid_ended
            && next
                .paid
                .as_ref()
                .is_some_and(|p| self.rank(Some(&p.tier)) == current);
        if paid_ended {
            next.paid = None;
        }
        if qualified > current {
            change = Some(self.move_to(&mut next, qualified, at, TierChangeReason::Qualified));
            next.manual = None;
        } else if qualified == current || manual_holds {
            next.downgrade_at = None;
        } else if held_by_paid {
            change = Some(self.move_to(&mut next, qualified, at, TierChangeReason::Membership));
            next.downgrade_at = None;
        } else {
            match next.downgrade_at {
                None if self.grace_days > 0 => {
                    next.downgrade_at = at
                        .to_zoned_datetime(tz.clone())
                        .checked_add(i64::from(self.grace_days).days())
                        .ok()
                        .map(|z| z.timestamp());
                }
                Some(deadline) if at < deadline => {}
                _ => {
                    let floor = self
                        .max_steps_down
                        .map_or(0, |steps| current.saturating_sub(steps as usize));
                    let target = qualified.max(floor);
                    change = Some(self.move_to(&mut next, target, at, TierChangeReason::Review));
                    next.downgrade_at = None;
                }
            }
        }
        self.decided(next, change, at, tz)
    }

    /// Whether the review at `at` would set the member on the way down if their metric were
    /// `value`: lower their tier, or start the grace period before it is lowered.
    pub fn at_risk(
        &self,
        status: &TierStatus,
        value: Decimal,
        at: Timestamp,
        tz: &TimeZone,
    ) -> bool {
        let decision = self.review(status, value, at, tz);
        let lower = self.rank(decision.status.tier.as_deref()) < self.rank(status.tier.as_deref());
        let grace_starts = status.downgrade_at.is_none() && decision.status.downgrade_at.is_some();
        lower || grace_starts
    }

    /// An admin puts the member in `tier` for `reason`, until `until` if given. The caller
    /// checks that the tier exists and `until` is after `now`.
    pub fn assign(
        &self,
        status: &TierStatus,
        tier: &str,
        reason: &str,
        until: Option<Timestamp>,
        now: Timestamp,
        tz: &TimeZone,
    ) -> TierDecision {
        let mut next = status.clone();
        let change = self.move_to(
            &mut next,
            self.rank(Some(tier)),
            now,
            TierChangeReason::Manual,
        );
        next.manual = Some(ManualTier {
            reason: reason.to_owned(),
            until,
        });
        next.downgrade_at = None;
        self.decided(next, Some(change), now, tz)
    }

    /// A paid membership holds the member in `tier` until `until` (its term's end): they
    /// go up to it now if they are below it; a higher tier they hold stays.
    pub fn hold_paid(
        &self,
        status: &TierStatus,
        tier: &str,
        until: Timestamp,
        now: Timestamp,
        tz: &TimeZone,
    ) -> TierDecision {
        let mut next = status.clone();
        next.paid = Some(PaidTier {
            tier: tier.to_owned(),
            until,
        });
        let rank = self.rank(Some(tier));
        let mut change = None;
        if rank > self.rank(status.tier.as_deref()) {
            change = Some(self.move_to(&mut next, rank, now, TierChangeReason::Membership));
            next.downgrade_at = None;
            // As qualifying higher does, a paid tier above an assignment ends the assignment.
            next.manual = None;
        }
        self.decided(next, change, now, tz)
    }

    /// A paid membership's tier ends at `at` (its term cut short): a review then, with
    /// the metric at `value`, takes the member straight to the tier it gives.
    pub fn end_paid(
        &self,
        status: &TierStatus,
        value: Decimal,
        at: Timestamp,
        tz: &TimeZone,
    ) -> TierDecision {
        let mut ended = status.clone();
        if let Some(paid) = &mut ended.paid {
            paid.until = paid.until.min(at);
        }
        self.review(&ended, value, at, tz)
    }

    /// The extra points a tier's earn multiplier grants on a base earn: `(m − 1) × base`,
    /// rounded as the program rounds. `None` without a tier, a multiplier, or a base.
    pub fn bonus_grant(
        &self,
        tier: Option<&str>,
        base: Points,
        rounding: Rounding,
    ) -> Result<Option<Grant>, EarnError> {
        let Some(tier) = tier.and_then(|id| self.tier(id)) else {
            return Ok(None);
        };
        let m = tier.benefits.earn_multiplier;
        if m <= Decimal::ONE || !base.is_positive() {
            return Ok(None);
        }
        let raw = (m - Decimal::ONE)
            .checked_mul(Decimal::from(base.get()))
            .ok_or(EarnError::OutOfRange)?;
        let points = round_points(raw, rounding)?;
        if !points.is_positive() {
            return Ok(None);
        }
        let basis = GrantBasis::Tier {
            name: tier.name.fallback().to_owned(),
            multiplier: m,
            base,
        };
        Ok(Some(Grant {
            rule_id: tier_rule_id(&tier.id),
            points,
            capped_by: None,
            explanation: without_money(&basis, points),
            basis,
        }))
    }

    /// The member's current rank and the rank they are entitled to at `at`: what `value`
    /// qualifies for, or a paid tier still held if that is higher.
    fn ranks(&self, status: &TierStatus, value: Decimal, at: Timestamp) -> (usize, usize) {
        let paid = status
            .paid
            .as_ref()
            .filter(|p| p.until > at)
            .map_or(0, |p| self.rank(Some(&p.tier)));
        (
            self.rank(status.tier.as_deref()),
            self.qualified_rank(value).max(paid),
        )
    }

    /// The decision for a status changed at `at`: its next review scheduled from then.
    fn decided(
        &self,
        mut status: TierStatus,
        change: Option<TierChange>,
        at: Timestamp,
        tz: &TimeZone,
    ) -> TierDecision {
        status.review_at = self.schedule(&status, at, tz);
        TierDecision { status, change }
    }

    /// Moves `status` to the tier at `rank` as of `at`; returns the change.
    fn move_to(
        &self,
        status: &mut TierStatus,
        rank: usize,
        at: Timestamp,
        reason: TierChangeReason,
    ) -> TierChange {
        let to = self.at_rank(rank).map(|t| t.id.clone());
        let from = std::mem::replace(&mut status.tier, to.clone());
        if from != to {
            status.since = to.as_ref().map(|_| at);
        }
        TierChange { from, to, reason }
    }

    /// When a member in `status` is next due for review after `after`: the end of a manual
    /// assignment, the end of a grace period, or the next regular review — whichever comes
    /// first — and never while nothing could change (below or at the lowest qualifying tier,
    /// or an open-ended manual assignment).
    fn schedule(&self, status: &TierStatus, after: Timestamp, tz: &TimeZone) -> Option<Timestamp> {
        let paid = status.paid.as_ref().map(|p| p.until);
        let without_paid = self.schedule_unpaid(status, after, tz);
        match (without_paid, paid) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// [`Self::schedule`] as if no paid membership held a tier.
    fn schedule_unpaid(
        &self,
        status: &TierStatus,
        after: Timestamp,
        tz: &TimeZone,
    ) -> Option<Timestamp> {
        if let Some(manual) = &status.manual {
            return manual.until;
        }
        if self.rank(status.tier.as_deref()) <= self.qualified_rank(Decimal::ZERO) {
            return None;
        }
        let regular = self.next_review(after, tz);
        match (regular, status.downgrade_at) {
            (Some(r), Some(d)) => Some(r.min(d)),
            (r, d) => r.or(d),
        }
    }
}

/// What a tier bonus's grant id starts with; no earning rule's id may.
pub const TIER_RULE_PREFIX: &str = "tier:";

/// The grant id under which a tier's bonus is recorded (`tier:gold`).
pub fn tier_rule_id(tier: &str) -> String {
    format!("{TIER_RULE_PREFIX}{tier}")
}

/// The tier whose bonus a grant id records (`gold` for `tier:gold`), if it is a tier bonus's.
pub fn tier_of_rule_id(rule_id: &str) -> Option<&str> {
    rule_id.strip_prefix(TIER_RULE_PREFIX)
}
