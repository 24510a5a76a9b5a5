//! Whether a member may send a transfer now: the policy's limits, judged on what the write
//! path read under the sender's lock.

use super::policy::TransferPolicy;
use crate::points::Points;
use jiff::{SignedDuration, Timestamp};

/// What a transfer is judged by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransferAsk {
    /// Points to move.
    pub points: Points,
    /// Points the sender has already sent in the local day of `now`.
    pub sent_today: Points,
    /// When the sender enrolled.
    pub enrolled_at: Timestamp,
    /// The instant of the transfer.
    pub now: Timestamp,
}

/// Why a transfer is refused by the program's policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransferRefusal {
    /// Fewer points than the least a transfer may move.
    #[error("a transfer moves at least {min} points")]
    BelowMinimum {
        /// The least.
        min: Points,
    },
    /// More than the sender may still send today.
    #[error("at most {max} points may be sent in a day; {sent} already sent today")]
    OverDailyMax {
        /// The most per day.
        max: Points,
        /// Already sent today.
        sent: Points,
    },
    /// The sender has not been a member long enough.
    #[error("members may send points {days} days after they join: from {from}")]
    TooSoon {
        /// Days required.
        days: u32,
        /// When the sender may first send.
        from: Timestamp,
    },
}

/// The local day (in `tz`) that `now` falls in, as the instants it runs between: what the
/// daily most counts over.
pub fn day_around(now: Timestamp, tz: &jiff::tz::TimeZone) -> (Timestamp, Timestamp) {
    let date = tz.to_datetime(now).date();
    let start = crate::rules::start_of_day(date, tz).unwrap_or(now);
    let end = date
        .tomorrow()
        .ok()
        .and_then(|d| crate::rules::start_of_day(d, tz))
        .unwrap_or(Timestamp::MAX);
    (start, end)
}

impl TransferPolicy {
    /// Whether `ask` is within the policy: the least per transfer, the most per day, the
    /// sender's time as a member. The fee is the ledger's to afford.
    pub fn check(&self, ask: TransferAsk) -> Result<(), TransferRefusal> {
        if ask.points < self.min_points {
            return Err(TransferRefusal::BelowMinimum {
                min: self.min_points,
            });
        }
        let from = ask
            .enrolled_at
            .checked_add(SignedDuration::from_hours(
                24 * i64::from(self.min_member_days),
            ))
            .unwrap_or(Timestamp::MAX);
        if ask.now < from {
            return Err(TransferRefusal::TooSoon {
                days: self.min_member_days,
                from,
            });
        }
        if let Some(max) = self.daily_max
            && ask.sent_today + ask.points > max
        {
            return Err(TransferRefusal::OverDailyMax {
                max,
                sent: ask.sent_today,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transfers::TransferFee;

    fn policy() -> TransferPolicy {
        TransferPolicy {
            min_points: Points(100),
            daily_max: Some(Points(1_000)),
            min_member_days: 30,
            fee: TransferFee::default(),
        }
    }

    fn ask(points: i64, sent_today: i64, days_a_member: i64) -> TransferAsk {
        let now = Timestamp::from_second(1_800_000_000).unwrap_or_default();
        TransferAsk {
            points: Points(points),
            sent_today: Points(sent_today),
            enrolled_at: now - SignedDuration::from_hours(24 * days_a_member),
            now,
        }
    }

    #[test]
    fn the_day_is_the_programs_local_day() {
        let tz = jiff::tz::TimeZone::get("Asia/Shanghai").unwrap_or(jiff::tz::TimeZone::UTC);
        let at: Timestamp = "2026-12-06T17:30:00Z".parse().unwrap_or_default();
        let (start, end) = day_around(at, &tz);
        assert_eq!(start.to_string(), "2026-12-06T16:00:00Z");
        assert_eq!(end.to_string(), "2026-12-07T16:00:00Z");
    }

    #[test]
    fn a_transfer_within_every_limit_may_be_made() {
        assert_eq!(policy().check(ask(100, 900, 30)), Ok(()));
    }

    #[test]
    fn too_few_points_are_refused_with_the_least() {
        assert_eq!(
            policy().check(ask(99, 0, 365)),
            Err(TransferRefusal::BelowMinimum { min: Points(100) })
        );
    }

    #[test]
    fn the_daily_most_counts_what_was_sent_today() {
        assert_eq!(
            policy().check(ask(101, 900, 365)),
            Err(TransferRefusal::OverDailyMax {
                max: Points(1_000),
                sent: Points(900)
            })
        );
    }

    #[test]
    fn a_new_member_waits_the_days_the_program_asks() {
        let a = ask(100, 0, 29);
        let refusal = policy().check(a);
        assert_eq!(
            refusal,
            Err(TransferRefusal::TooSoon {
                days: 30,
                from: a.enrolled_at + SignedDuration::from_hours(24 * 30)
            })
        );
    }
}
