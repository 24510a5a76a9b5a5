//! The stretch of time a books report covers, as asked: each end a day in the program's time
//! zone (`from` from its first instant, `to` to its last) or an RFC 3339 instant (`to` the
//! instant after the last one counted).

use crate::Engine;
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

/// The longest range a report covers: a century of months is 1,200 periods.
const RANGE_MAX: jiff::SignedDuration = jiff::SignedDuration::from_hours(24 * 36_525);

/// The instants a report runs between: from `from` (included) to `to` (excluded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BooksRange {
    /// The first instant counted.
    pub from: Timestamp,
    /// The instant after the last one counted.
    pub to: Timestamp,
}

/// Which end of the range a text gives.
#[derive(Clone, Copy, PartialEq, Eq)]
enum End {
    From,
    To,
}

impl Engine {
    /// The range `from`–`to` asked for, in the program's time zone; `to` defaults to now and
    /// `from` to the start of the reporting period holding `to`'s last instant.
    pub fn books_range(&self, from: Option<&str>, to: Option<&str>) -> Result<BooksRange> {
        let definition = self.definition();
        let tz = &definition.program.time_zone;
        let to = match to.filter(|t| !t.trim().is_empty()) {
            Some(text) => instant(tz, "to", text, End::To)?,
            None => Timestamp::now(),
        };
        let from = match from.filter(|t| !t.trim().is_empty()) {
            Some(text) => instant(tz, "from", text, End::From)?,
            None => {
                let last = laurel_core::books::just_before(to);
                definition
                    .books_policy()
                    .period
                    .holding(tz, last)
                    .map_err(|e| EngineError::invalid("to", ErrorCode::InvalidDate, e.to_string()))?
                    .start
            }
        };
        if from >= to {
            return Err(EngineError::invalid(
                "from",
                ErrorCode::InvalidDate,
                "must come before `to`",
            ));
        }
        if to.duration_since(from) > RANGE_MAX {
            return Err(EngineError::invalid(
                "from",
                ErrorCode::InvalidDate,
                "a report covers at most 100 years",
            ));
        }
        Ok(BooksRange { from, to })
    }
}

impl Engine {
    /// The instant `text` names in `field`: an RFC 3339 instant, or a day in the program's
    /// time zone from its start.
    pub fn books_instant(&self, field: &str, text: &str) -> Result<Timestamp> {
        instant(&self.definition().program.time_zone, field, text, End::From)
    }
}

/// The instant a day or an RFC 3339 instant names as the `end` of a range.
fn instant(tz: &TimeZone, field: &str, text: &str, end: End) -> Result<Timestamp> {
    let text = text.trim();
    let refused = |why: String| EngineError::invalid(field, ErrorCode::InvalidDate, why);
    if let Ok(day) = text.parse::<Date>()
        && text.len() == 10
    {
        let day = match end {
            End::From => day,
            End::To => day.tomorrow().map_err(|e| refused(e.to_string()))?,
        };
        return day
            .to_zoned_datetime(tz.clone())
            .map(|z| z.timestamp())
            .map_err(|e| refused(e.to_string()));
    }
    text.parse::<Timestamp>().map_err(|_| {
        refused(format!(
            "`{text}` is neither a day (YYYY-MM-DD) nor an RFC 3339 instant"
        ))
    })
}
