//! Windows the metric is measured over, and when reviews fall, in the program's time zone.

use super::policy::{TierPolicy, TierWindow};
use crate::rules::calendar::start_of_day;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// A span of time: activity that occurred at `from <= t < to` counts; an open end is unbounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// First instant inside, if bounded.
    pub from: Option<Timestamp>,
    /// First instant after, if bounded.
    pub to: Option<Timestamp>,
}

impl Window {
    /// Whether `at` falls inside.
    pub fn contains(&self, at: Timestamp) -> bool {
        self.from.is_none_or(|f| at >= f) && self.to.is_none_or(|t| at < t)
    }
}

/// The local calendar year holding `at`, as a window.
fn year_of(at: Timestamp, tz: &TimeZone) -> Window {
    let year = tz.to_datetime(at).year();
    Window {
        from: Date::new(year, 1, 1).ok().and_then(|d| start_of_day(d, tz)),
        to: Date::new(year.saturating_add(1), 1, 1)
            .ok()
            .and_then(|d| start_of_day(d, tz)),
    }
}

/// `at` less `months` calendar months, on the local clock.
fn months_before(at: Timestamp, months: u32, tz: &TimeZone) -> Option<Timestamp> {
    at.to_zoned_datetime(tz.clone())
        .checked_sub(i64::from(months).months())
        .ok()
        .map(|z| z.timestamp())
}

impl TierPolicy {
    /// The window an upgrade is judged on at `now`: this calendar year, the last N months, or
    /// everything. Open towards the future, so activity dated a moment ahead still counts.
    pub fn activity_window(&self, now: Timestamp, tz: &TimeZone) -> Window {
        match self.window {
            TierWindow::CalendarYear => year_of(now, tz),
            TierWindow::RollingMonths(m) => Window {
                from: months_before(now, m, tz),
                to: None,
            },
            TierWindow::SinceJoining => Window {
                from: None,
                to: None,
            },
        }
    }

    /// The window a review at `at` judges: the calendar year that ended (a review on
    /// 1 January judges the year before), the N months before `at`, or everything before it.
    pub fn review_window(&self, at: Timestamp, tz: &TimeZone) -> Window {
        let before = at.checked_sub(1.microsecond()).unwrap_or(at);
        match self.window {
            TierWindow::CalendarYear => year_of(before, tz),
            TierWindow::RollingMonths(m) => Window {
                from: months_before(at, m, tz),
                to: Some(at),
            },
            TierWindow::SinceJoining => Window {
                from: None,
                to: Some(at),
            },
        }
    }

    /// The first regular review strictly after `after`: the next local 1 January for a
    /// calendar-year window, the next local 1st of a month otherwise.
    pub fn next_review(&self, after: Timestamp, tz: &TimeZone) -> Option<Timestamp> {
        let date = tz.to_datetime(after).date();
        let next = match self.window {
            TierWindow::CalendarYear => Date::new(date.year().checked_add(1)?, 1, 1).ok()?,
            TierWindow::RollingMonths(_) | TierWindow::SinceJoining => {
                date.first_of_month().checked_add(1.month()).ok()?
            }
        };
        // A local midnight at or before `after` cannot happen (next is a later date), but a
        // time zone's transition could make it equal; step on once more in that case.
        start_of_day(next, tz).filter(|t| *t > after)
    }
}
