//! When a marketing message may go out: not in the program's quiet hours, and not past the
//! weekly cap. Transactional messages (codes a member asked for) keep neither.

use jiff::civil::Time;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

/// Hours of the night, in the program's time zone, when no marketing message goes out: from
/// `from` until `to`, across midnight when `to` is earlier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    /// When quiet begins.
    pub from: Time,
    /// When it ends.
    pub to: Time,
}

impl QuietHours {
    /// When the quiet that `now` falls in ends; `None` if `now` is not in quiet hours.
    pub fn ends_at(&self, now: Timestamp, tz: &TimeZone) -> Option<Timestamp> {
        let local = tz.to_datetime(now);
        let time = local.time();
        let quiet = if self.from <= self.to {
            self.from <= time && time < self.to
        } else {
            time >= self.from || time < self.to
        };
        if !quiet {
            return None;
        }
        let end_day = if time >= self.to {
            local.date().tomorrow().ok()?
        } else {
            local.date()
        };
        tz.to_timestamp(end_day.to_datetime(self.to)).ok()
    }
}

/// The window the weekly cap counts over.
pub const CAP_WINDOW: SignedDuration = SignedDuration::from_hours(7 * 24);

/// Whether one more marketing message fits under `max` when `sent` went out in the last
/// [`CAP_WINDOW`].
pub fn under_cap(sent: u32, max: Option<u32>) -> bool {
    max.is_none_or(|max| sent < max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notices::testing::{at, shanghai};

    fn night() -> QuietHours {
        QuietHours {
            from: Time::constant(21, 0, 0, 0),
            to: Time::constant(9, 0, 0, 0),
        }
    }

    #[test]
    fn quiet_hours_across_midnight_end_the_next_morning() {
        let tz = shanghai();
        assert_eq!(
            night().ends_at(at("2027-03-01T22:30:00"), &tz),
            Some(at("2027-03-02T09:00:00"))
        );
        assert_eq!(
            night().ends_at(at("2027-03-02T03:00:00"), &tz),
            Some(at("2027-03-02T09:00:00"))
        );
        assert_eq!(night().ends_at(at("2027-03-02T09:00:00"), &tz), None);
        assert_eq!(night().ends_at(at("2027-03-02T20:59:59"), &tz), None);
    }

    #[test]
    fn quiet_hours_within_a_day_end_that_day() {
        let lunch = QuietHours {
            from: Time::constant(12, 0, 0, 0),
            to: Time::constant(14, 0, 0, 0),
        };
        let tz = shanghai();
        assert_eq!(
            lunch.ends_at(at("2027-03-01T12:10:00"), &tz),
            Some(at("2027-03-01T14:00:00"))
        );
        assert_eq!(lunch.ends_at(at("2027-03-01T11:59:00"), &tz), None);
    }

    #[test]
    fn the_cap_counts_what_went_out_this_week() {
        assert!(under_cap(2, Some(3)));
        assert!(!under_cap(3, Some(3)));
        assert!(under_cap(1_000, None));
    }
}
