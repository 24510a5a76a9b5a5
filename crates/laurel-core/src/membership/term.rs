//! One term of a membership: when it runs, what it cost, and how much of its fee has been
//! earned by an instant (evenly over the term) or would be refunded if it were cut then.

use super::plan::{MembershipPlan, add_in_zone};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// A term paid for (or a free trial).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// 1 for the first term, then counting up with each renewal.
    pub number: u32,
    /// When its benefits begin.
    pub starts_at: Timestamp,
    /// When it ends as paid for.
    pub ends_at: Timestamp,
    /// What it cost, in minor units (0 for a trial).
    pub fee: i64,
    /// Whether it is a free trial.
    pub trial: bool,
    /// When it was cut short by a cancellation at once, if it was.
    pub cut_at: Option<Timestamp>,
    /// What the cut gave back, in minor units.
    pub refund: i64,
}

impl Term {
    /// The first term of `plan` begun at `now`: a trial of the plan's trial days when
    /// `trial`, else a paid term.
    pub fn first(plan: &MembershipPlan, trial: bool, now: Timestamp, tz: &TimeZone) -> Term {
        if trial && plan.trial_days > 0 {
            return Term {
                number: 1,
                starts_at: now,
                ends_at: add_in_zone(now, i64::from(plan.trial_days).days(), tz),
                fee: 0,
                trial: true,
                cut_at: None,
                refund: 0,
            };
        }
        Term::paid(plan, 1, now, tz)
    }

    /// The term after this one: paid, beginning where this one ends.
    pub fn next(&self, plan: &MembershipPlan, tz: &TimeZone) -> Term {
        Term::paid(plan, self.number + 1, self.ends_at, tz)
    }

    fn paid(plan: &MembershipPlan, number: u32, start: Timestamp, tz: &TimeZone) -> Term {
        Term {
            number,
            starts_at: start,
            ends_at: plan.term.end(start, tz),
            fee: plan.fee,
            trial: false,
            cut_at: None,
            refund: 0,
        }
    }

    /// When its benefits end: its end as paid for, or the instant it was cut.
    pub fn ends(&self) -> Timestamp {
        self.cut_at.unwrap_or(self.ends_at)
    }

    /// Whether its benefits hold at `at`.
    pub fn runs_at(&self, at: Timestamp) -> bool {
        self.starts_at <= at && at < self.ends()
    }

    /// The fee's share of the time from `at` to the term's end, rounded down to the minor
    /// unit: what cutting it at `at` gives back pro rata (all of it before it begins).
    pub fn pro_rata(&self, at: Timestamp) -> i64 {
        self.fee - self.share(at)
    }

    /// The fee earned by `at`: nothing before the term begins, then evenly over the time it
    /// runs (the share of a cut term's time up to its cut is the fee less its refund).
    pub fn earned(&self, at: Timestamp) -> i64 {
        match self.cut_at {
            Some(cut) if at >= cut => self.fee - self.refund,
            _ => self.share(at),
        }
    }

    /// The fee's share of the term elapsed by `at`, rounded up so that a refund of the
    /// rest (rounded down) and it add up to the fee.
    fn share(&self, at: Timestamp) -> i64 {
        if at <= self.starts_at {
            return 0;
        }
        if at >= self.ends_at {
            return self.fee;
        }
        let whole = micros(self.ends_at) - micros(self.starts_at);
        let elapsed = micros(at) - micros(self.starts_at);
        let fee = i128::from(self.fee);
        // The refund is rounded down, so the earned share is the rest of the fee.
        let rest = fee * (whole - elapsed) / whole;
        i64::try_from(fee - rest).unwrap_or(self.fee)
    }
}

fn micros(at: Timestamp) -> i128 {
    i128::from(at.as_microsecond())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::membership::plan::tests::plus;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn tz() -> TimeZone {
        TimeZone::get("Asia/Shanghai").unwrap()
    }

    #[test]
    fn a_fee_is_earned_evenly_over_its_term_and_a_refund_is_the_rest() {
        // ¥120 for a year of 2027 (365 days, from local midnight).
        let term = Term::first(&plus(), false, at("2026-12-31T16:00:00Z"), &tz());
        assert_eq!(term.ends_at, at("2027-12-31T16:00:00Z"));
        assert_eq!(term.earned(term.starts_at), 0);
        assert_eq!(term.pro_rata(term.starts_at), 12_000);
        // After 73 of 365 days a fifth is earned.
        let day_73 = at("2027-03-14T16:00:00Z");
        assert_eq!(term.earned(day_73), 2_400);
        assert_eq!(term.pro_rata(day_73), 9_600);
        // One second in, the earned share is rounded up, the refund down; they add up.
        let second = at("2026-12-31T16:00:01Z");
        assert_eq!(term.earned(second), 1);
        assert_eq!(term.pro_rata(second) + term.earned(second), 12_000);
        assert_eq!(term.earned(term.ends_at), 12_000);
        assert_eq!(term.pro_rata(term.ends_at), 0);
    }

    #[test]
    fn a_cut_term_has_earned_its_fee_less_its_refund_from_the_cut_on() {
        let mut term = Term::first(&plus(), false, at("2026-12-31T16:00:00Z"), &tz());
        let cut = at("2027-03-14T16:00:00Z");
        term.refund = term.pro_rata(cut);
        term.cut_at = Some(cut);
        assert_eq!(term.earned(at("2027-01-31T16:00:00Z")), 1_020);
        assert_eq!(term.earned(cut), 2_400);
        assert_eq!(term.earned(term.ends_at), 2_400);
        assert!(term.runs_at(at("2027-03-14T15:59:59Z")));
        assert!(!term.runs_at(cut));
    }

    #[test]
    fn a_trial_is_free_and_runs_its_days_then_the_next_term_is_paid_from_its_end() {
        let mut plan = plus();
        plan.trial_days = 14;
        plan.term = crate::membership::TermLength::Month;
        let trial = Term::first(&plan, true, at("2027-01-20T02:00:00Z"), &tz());
        assert!(trial.trial);
        assert_eq!(trial.fee, 0);
        assert_eq!(trial.ends_at, at("2027-02-03T02:00:00Z"));
        let next = trial.next(&plan, &tz());
        assert_eq!((next.number, next.fee, next.trial), (2, 12_000, false));
        assert_eq!(next.starts_at, trial.ends_at);
        assert_eq!(next.ends_at, at("2027-03-03T02:00:00Z"));
        // A member who had the plan before gets no trial.
        assert!(!Term::first(&plan, false, at("2027-01-20T02:00:00Z"), &tz()).trial);
    }
}
