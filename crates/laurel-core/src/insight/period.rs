//! The period KPIs are asked for: whole local days in the program's time zone, and the
//! instants its facts are counted between.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// Most days one period may span (ten years).
pub const PERIOD_DAYS_MAX: i64 = 3660;

/// A period of whole days, `from` and `to` both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// Its first day.
    pub from: Date,
    /// Its last day.
    pub to: Date,
}

/// Why a period cannot be counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// The last day is before the first.
    #[error("the period ends before it starts")]
    Reversed,
    /// More than [`PERIOD_DAYS_MAX`] days.
    #[error("a period spans at most {PERIOD_DAYS_MAX} days")]
    TooLong,
    /// A day the calendar cannot place (out of range).
    #[error("the period's days are out of the calendar's range")]
    OutOfRange,
}

impl Period {
    /// The days from `from` to `to`, both included.
    pub fn new(from: Date, to: Date) -> Result<Period, PeriodError> {
        if to < from {
            return Err(PeriodError::Reversed);
        }
        let period = Period { from, to };
        if period.days() > PERIOD_DAYS_MAX {
            return Err(PeriodError::TooLong);
        }
        Ok(period)
    }

    /// The `days` days (at least one) ending with `last`.
    pub fn ending(last: Date, days: i64) -> Result<Period, PeriodError> {
        let from = last
            .checked_sub((days.clamp(1, PERIOD_DAYS_MAX) - 1).days())
            .map_err(|_| PeriodError::OutOfRange)?;
        Period::new(from, last)
    }

    /// How many days it spans.
    pub fn days(self) -> i64 {
        i64::from((self.to - self.from).get_days()) + 1
    }

    /// The period of as many days just before it.
    pub fn previous(self) -> Result<Period, PeriodError> {
        let to = self.from.yesterday().map_err(|_| PeriodError::OutOfRange)?;
        Period::ending(to, self.days())
    }

    /// The instants its facts are counted between, in `tz`.
    pub fn bounds(self, tz: &TimeZone) -> Result<PeriodBounds, PeriodError> {
        let start = |date: Date| {
            // Midnight may not exist on a daylight-saving day; the day then starts after the gap.
            date.to_zoned_datetime(tz.clone())
                .map(|z| z.timestamp())
                .map_err(|_| PeriodError::OutOfRange)
        };
        let back = |days: i64| {
            self.to
                .tomorrow()
                .and_then(|end| end.checked_sub(days.days()))
                .map_err(|_| PeriodError::OutOfRange)
        };
        Ok(PeriodBounds {
            before: start(self.previous()?.from)?,
            from: start(self.from)?,
            to: start(self.to.tomorrow().map_err(|_| PeriodError::OutOfRange)?)?,
            last_30: start(back(30)?)?,
            last_90: start(back(90)?)?,
        })
    }
}

/// The instants a period's facts are counted between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodBounds {
    /// The start of the period just before, of the same length (for churn and retention).
    pub before: Timestamp,
    /// The period's start.
    pub from: Timestamp,
    /// Its end (not included): the start of the day after its last.
    pub to: Timestamp,
    /// The start of the 30 days up to the end.
    pub last_30: Timestamp,
    /// The start of the 90 days up to the end.
    pub last_90: Timestamp,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn a_period_counts_whole_local_days_and_the_one_before_is_as_long() {
        let p = Period::new(date(2026, 9, 1), date(2026, 11, 29)).unwrap();
        assert_eq!(p.days(), 90);
        let b = p.bounds(&TimeZone::get("Asia/Shanghai").unwrap()).unwrap();
        assert_eq!(b.from, at("2026-08-31T16:00:00Z"));
        assert_eq!(b.to, at("2026-11-29T16:00:00Z"));
        // 90 days before 1 September is 3 June.
        assert_eq!(b.before, at("2026-06-02T16:00:00Z"));
        assert_eq!(b.last_90, b.from);
        assert_eq!(b.last_30, at("2026-10-30T16:00:00Z"));
    }

    #[test]
    fn a_day_of_a_daylight_saving_change_keeps_its_own_length() {
        let p = Period::new(date(2026, 3, 29), date(2026, 3, 29)).unwrap();
        let b = p.bounds(&TimeZone::get("Europe/Berlin").unwrap()).unwrap();
        assert_eq!((b.to - b.from).as_hours(), 23);
    }

    #[test]
    fn a_reversed_or_overlong_period_is_refused() {
        assert_eq!(
            Period::new(date(2026, 2, 2), date(2026, 2, 1)),
            Err(PeriodError::Reversed)
        );
        assert_eq!(
            Period::new(date(2000, 1, 1), date(2026, 1, 1)),
            Err(PeriodError::TooLong)
        );
        assert_eq!(
            Period::ending(date(2026, 1, 31), 31).unwrap().from,
            date(2026, 1, 1)
        );
    }
}
