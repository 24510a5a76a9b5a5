//! A replay's tier decisions (after activity, stored with their review scheduled) and the
//! scheduled jobs run for every member due at the instant they ran as of.

use super::{Replay, ReplayError, Watch};
use crate::simulation::happening::Job;
use crate::simulation::terms::Terms;
use crate::tiers::{ReviewRun, TierDecision, TierStatus};
use jiff::Timestamp;
use std::cmp::Reverse;

impl Replay {
    /// After a purchase (or an event, when points earned qualify): an upgrade, or the end of
    /// a grace period, as the write path's `after_activity` decides it.
    pub(super) fn after_activity(
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
    pub(super) fn store_decision(
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

    pub(super) fn set_tier(&mut self, member: i64, status: TierStatus) -> Result<(), ReplayError> {
        if let Some(at) = status.review_at {
            self.reviews.push(Reverse((at, member)));
        }
        self.member_mut(member)?.tier = status;
        Ok(())
    }

    pub(super) fn run_job(
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

    /// A paid membership's term begun or cut, as the write path keeps the member in step:
    /// the plan in force (whose multiplier earns), and the tier its plan holds them in until
    /// the term's end, or, once cut, the tier the metric gives at once.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn membership_set(
        &mut self,
        terms: Terms<'_>,
        member: i64,
        plan: Option<&str>,
        from: Timestamp,
        until: Timestamp,
        now: Timestamp,
        watch: &mut impl Watch,
    ) -> Result<(), ReplayError> {
        // As the write path keeps it: running until the term's end, or its cut.
        let plan = plan.filter(|_| until > now);
        self.member_mut(member)?.plan = plan.map(|p| (p.to_owned(), from, until));
        let Some(policy) = terms.tiers else {
            return Ok(());
        };
        let tz = &terms.program.time_zone;
        let m = self.member(member)?;
        let paid_tier = plan
            .and_then(|p| terms.memberships.plan(p))
            .and_then(|p| p.benefits.tier.as_deref())
            .filter(|t| policy.tier(t).is_some());
        let decision = match (plan, paid_tier) {
            (Some(_), Some(tier)) => policy.hold_paid(&m.tier, tier, until, now, tz),
            _ if m.tier.paid.is_some() => {
                let window = policy.review_window(now, tz);
                let digits = terms.program.currency.minor_digits();
                let value = m.metric(policy.metric, window, digits);
                policy.end_paid(&m.tier, value, now, tz)
            }
            _ => return Ok(()),
        };
        self.store_decision(member, decision, now, watch)
    }

    /// A member's due reviews, as the write path's review job holds them.
    pub(super) fn review(
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
}
