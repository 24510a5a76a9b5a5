//! A run of a member's due reviews: each due review in turn, judged on the metric the caller
//! measures over its window, until none is due — shared by the write path's review job and a
//! simulation's replay of it.

use super::decide::{TierChange, TierStatus};
use super::policy::TierPolicy;
use super::window::Window;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use rust_decimal::Decimal;

/// Reviews a run catches up with at most for one member (a job that has not run for years);
/// the rest wait for the next run.
pub const REVIEWS_PER_RUN_MAX: usize = 24;

/// A member's due reviews being worked through, one at a time.
#[derive(Debug, Clone)]
pub struct ReviewRun {
    /// The status so far.
    pub status: TierStatus,
    done: usize,
}

impl ReviewRun {
    /// A run from the member's status.
    pub fn new(status: TierStatus) -> ReviewRun {
        ReviewRun { status, done: 0 }
    }

    /// The next review due at or before `now` and the window its metric is measured over,
    /// if any is left for this run.
    pub fn next_due(
        &self,
        policy: &TierPolicy,
        now: Timestamp,
        tz: &TimeZone,
    ) -> Option<(Timestamp, Window)> {
        if self.done >= REVIEWS_PER_RUN_MAX {
            return None;
        }
        let at = self.status.review_at.filter(|at| *at <= now)?;
        Some((at, policy.review_window(at, tz)))
    }

    /// Judges the review due at `at` on the metric's `value`; the change it made, if any.
    pub fn review(
        &mut self,
        policy: &TierPolicy,
        value: Decimal,
        at: Timestamp,
        tz: &TimeZone,
    ) -> Option<TierChange> {
        let decision = policy.review(&self.status, value, at, tz);
        let stuck = decision.status.review_at == Some(at);
        self.status = decision.status;
        self.done += 1;
        if stuck {
            // A review that schedules itself again at the same instant would loop.
            self.status.review_at = None;
            self.done = REVIEWS_PER_RUN_MAX;
        }
        decision.change
    }
}
