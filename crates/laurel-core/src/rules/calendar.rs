//! The program's calendar: an instant's local date and time, birthdays, and usage periods.

use crate::earn::EarnError;
use crate::program::Program;
use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use std::fmt;

/// An instant as a wall clock in the program's time zone shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LocalMoment {
    /// Local calendar date.
    pub date: Date,
    /// Local time of day.
    pub time: Time,
}

impl LocalMoment {
    /// Reads `at` in `time_zone`.
    pub fn new(at: Timestamp, time_zone: &TimeZone) -> LocalMoment {
        let local = time_zone.to_datetime(at);
        LocalMoment {
            date: local.date(),
            time: local.time(),
        }
    }

    /// Local day of the week.
    pub fn weekday(self) -> Weekday {
        self.date.weekday()
    }
}

/// The first instant of local day `date` in `tz` (after the gap when a daylight-saving change
/// skips midnight); `None` past the representable range.
pub fn start_of_day(date: Date, tz: &TimeZone) -> Option<Timestamp> {
    date.to_zoned_datetime(tz.clone())
        .ok()
        .map(|z| z.timestamp())
}

/// The day a birthday is celebrated in `year`: 29 February falls on the 28th in common years.
pub(crate) fn birthday_in(birthday: Date, year: i16) -> Option<Date> {
    Date::new(year, birthday.month(), birthday.day())
        .or_else(|e| match (birthday.month(), birthday.day()) {
            (2, 29) => Date::new(year, 2, 28),
            _ => Err(e),
        })
        .ok()
}

/// True when `date` is the member's birthday (as celebrated that year).
pub(crate) fn is_birthday(date: Date, birthday: Date) -> bool {
    birthday_in(birthday, date.year()) == Some(date)
}

/// True when the member's birthday falls in the ISO week (Monday to Sunday) of `date`.
pub(crate) fn is_birthday_week(date: Date, birthday: Date) -> bool {
    let week = |d: Date| {
        let iso = d.iso_week_date();
        (iso.year(), iso.week())
    };
    // An ISO week can straddle New Year, so the birthday of either neighbouring year may fall in it.
    (date.year() - 1..=date.year() + 1)
        .filter_map(|year| birthday_in(birthday, year))
        .any(|day| week(day) == week(date))
}

/// True when `date` is in the member's birth month.
pub(crate) fn is_birthday_month(date: Date, birthday: Date) -> bool {
    date.month() == birthday.month()
}

/// An ISO 8601 week: the Monday-to-Sunday week numbered within its ISO year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoWeek {
    /// ISO week-numbering year (may differ from the calendar year around New Year).
    pub year: i16,
    /// Week number, 1 to 53.
    pub week: i8,
}

impl fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-W{:02}", self.year, self.week)
    }
}

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    /// Year.
    pub year: i16,
    /// Month, 1 to 12.
    pub month: i8,
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// One calendar period: its key and the instants it covers, from `start` up to `end` excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period<K> {
    /// What names the period (a date, an ISO week, a month).
    pub key: K,
    /// First instant of the period.
    pub start: Timestamp,
    /// First instant after the period.
    pub end: Timestamp,
}

impl<K> Period<K> {
    /// True when `at` falls in the period.
    pub fn contains(&self, at: Timestamp) -> bool {
        self.start <= at && at < self.end
    }
}

/// The local day, ISO week and month an instant falls in: the periods per-member usage is summed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Periods {
    /// The local calendar day.
    pub day: Period<Date>,
    /// The ISO week (Monday to Sunday).
    pub week: Period<IsoWeek>,
    /// The calendar month.
    pub month: Period<YearMonth>,
}

/// The periods `at` falls in, in the program's time zone, with their bounds as instants.
pub fn usage_periods(program: &Program, at: Timestamp) -> Result<Periods, EarnError> {
    let tz = &program.time_zone;
    let date = tz.to_datetime(at).date();
    let iso = date.iso_week_date();
    let monday = iso.first_of_week().map_err(calendar)?.date();
    let first = date.first_of_month();
    let week = IsoWeek {
        year: iso.year(),
        week: iso.week(),
    };
    let month = YearMonth {
        year: date.year(),
        month: date.month(),
    };
    Ok(Periods {
        day: period(tz, date, date, date.tomorrow().map_err(calendar)?)?,
        week: period(
            tz,
            week,
            monday,
            monday.checked_add(7.days()).map_err(calendar)?,
        )?,
        month: period(
            tz,
            month,
            first,
            first.checked_add(1.month()).map_err(calendar)?,
        )?,
    })
}

/// The period named `key` running from the start of local day `from` to the start of `to`.
fn period<K>(tz: &TimeZone, key: K, from: Date, to: Date) -> Result<Period<K>, EarnError> {
    // Midnight may not exist on a DST day; the conversion then takes the first instant after the gap.
    let start_of = |date: Date| {
        date.to_zoned_datetime(tz.clone())
            .map(|z| z.timestamp())
            .map_err(calendar)
    };
    Ok(Period {
        key,
        start: start_of(from)?,
        end: start_of(to)?,
    })
}

fn calendar(e: jiff::Error) -> EarnError {
    EarnError::Calendar(e.to_string())
}
