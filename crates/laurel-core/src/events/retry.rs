//! When a delivery that failed is tried again: exponential backoff with jitter, for a day,
//! then given up (dead-lettered) until someone replays it. The randomness of the jitter is
//! an argument, so the schedule is a pure function.

use jiff::{SignedDuration, Timestamp};

/// How failed deliveries are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The wait after the first failure.
    pub first_delay: SignedDuration,
    /// Each wait is this many times the one before…
    pub factor: i32,
    /// …but never longer than this.
    pub longest_delay: SignedDuration,
    /// No attempt is made this long after the first one; the delivery is then given up.
    pub give_up_after: SignedDuration,
}

/// What follows a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Try again then.
    At(Timestamp),
    /// Tried for long enough: dead-lettered.
    GiveUp,
}

/// Jitter spreads each wait over ±20%, so endpoints that failed together are not all tried
/// again in the same second.
const JITTER: f64 = 0.2;

impl RetryPolicy {
    /// Laurel's schedule: 30 s, then ×3 a time (1.5 min, 4.5 min, … ) up to 6 h a wait, for
    /// 24 hours — about eleven attempts.
    pub const STANDARD: RetryPolicy = RetryPolicy {
        first_delay: SignedDuration::from_secs(30),
        factor: 3,
        longest_delay: SignedDuration::from_hours(6),
        give_up_after: SignedDuration::from_hours(24),
    };

    /// What follows the `failures`-th failed attempt (1 for the first), made at `failed_at`,
    /// of a delivery first attempted at `first_attempt_at`. `jitter` is a random number in
    /// [0, 1). The last attempt falls on the deadline itself rather than before it.
    pub fn after_failure(
        &self,
        first_attempt_at: Timestamp,
        failed_at: Timestamp,
        failures: u32,
        jitter: f64,
    ) -> Retry {
        let deadline = later(first_attempt_at, self.give_up_after);
        if failed_at >= deadline {
            return Retry::GiveUp;
        }
        let delay = self.delay(failures, jitter);
        Retry::At(later(failed_at, delay).min(deadline))
    }

    /// The wait after the `failures`-th failure, jittered.
    fn delay(&self, failures: u32, jitter: f64) -> SignedDuration {
        let mut delay = self.first_delay;
        for _ in 1..failures.max(1) {
            delay = delay.saturating_mul(self.factor);
            if delay >= self.longest_delay {
                break;
            }
        }
        let delay = delay.min(self.longest_delay);
        let spread = 1.0 - JITTER + 2.0 * JITTER * jitter.clamp(0.0, 1.0);
        delay.mul_f64(spread)
    }
}

/// `at` plus `by`, at most the last instant there is.
fn later(at: Timestamp, by: SignedDuration) -> Timestamp {
    at.saturating_add(by).unwrap_or(Timestamp::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIDDLE: f64 = 0.5;

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + seconds).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    #[test]
    fn waits_grow_threefold_up_to_six_hours() {
        let policy = RetryPolicy::STANDARD;
        let waits: Vec<i64> = (1..=9).map(|n| policy.delay(n, MIDDLE).as_secs()).collect();
        assert_eq!(waits, [30, 90, 270, 810, 2430, 7290, 21600, 21600, 21600]);
    }

    #[test]
    fn jitter_spreads_a_wait_by_a_fifth_either_way() {
        let policy = RetryPolicy::STANDARD;
        assert_eq!(policy.delay(1, 0.0).as_secs(), 24);
        assert_eq!(policy.delay(1, 0.999_999).as_secs(), 35);
        assert_eq!(policy.delay(1, 7.0), policy.delay(1, 1.0));
    }

    #[test]
    fn retries_last_a_day_and_the_last_falls_on_the_deadline() {
        let policy = RetryPolicy::STANDARD;
        let first = at(0);
        let mut now = first;
        let mut attempts = 1;
        while let Retry::At(next) = policy.after_failure(first, now, attempts, MIDDLE) {
            assert!(next > now);
            now = next;
            attempts += 1;
        }
        assert_eq!(now, at(24 * 3600), "the last attempt is at the deadline");
        assert_eq!(attempts, 11);
    }

    #[test]
    fn a_failure_past_the_deadline_gives_up() {
        let policy = RetryPolicy::STANDARD;
        assert_eq!(
            policy.after_failure(at(0), at(24 * 3600), 3, MIDDLE),
            Retry::GiveUp
        );
    }
}
