//! Calendar days as filters read them: a day typed in a form is the program's day, from its
//! first instant; a range's last day counts whole, up to the next day's start.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

/// The instant `day` starts in `tz`.
pub(crate) fn start_of(day: Date, tz: &TimeZone) -> Option<Timestamp> {
    day.to_zoned_datetime(tz.clone())
        .ok()
        .map(|z| z.timestamp())
}

/// The instant after `day` ends in `tz` (the next day's start): "to 31 March" takes in all
/// of 31 March.
pub(crate) fn end_of(day: Date, tz: &TimeZone) -> Option<Timestamp> {
    start_of(day.tomorrow().ok()?, tz)
}
