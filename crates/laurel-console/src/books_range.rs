//! The books page's range form: the first and last day (the program's calendar days, both
//! included), by default the last [`DEFAULT_PERIODS`] reporting periods ending today, with
//! quick choices of this period, those 12 and this year. The days are read by the engine's
//! own rule (`Engine::books_range`), so a day that is not one, or a range that runs
//! backwards, is refused next to its field as the API would refuse it.

use crate::i18n::Locale;
use crate::page::query_string;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use laurel_core::books::{ReportingPeriod, Span, just_before};
use laurel_engine::{BooksRange, Engine, EngineError};

/// Periods shown when the form names no day: a year of months.
pub const DEFAULT_PERIODS: usize = 12;
/// Most periods a page shows at once (ten years of months); the journal takes any range.
pub const PERIODS_MAX: usize = 120;

// The form, its errors and its quick choices are the Insight period's: two days, each
// refused next to its field, and links to the usual ranges.
pub use crate::insight_period::{PeriodErrors as RangeErrors, PeriodForm as RangeForm, Quick};

/// The last day counted by a range ending at `end`, in `tz`.
pub fn last_day(end: Timestamp, tz: &TimeZone) -> Date {
    tz.to_datetime(just_before(end)).date()
}

/// The first and last day of `range` in `tz`, as the form and links write them.
pub fn days(range: BooksRange, tz: &TimeZone) -> (Date, Date) {
    (tz.to_datetime(range.from).date(), last_day(range.to, tz))
}

/// A range's days as a query string, for the page's links and its download.
pub fn query((from, to): (Date, Date)) -> String {
    format!("from={from}&to={to}")
}

/// The first day of the period `back` periods before the one holding `now`.
fn periods_back(period: ReportingPeriod, tz: &TimeZone, now: Timestamp, back: usize) -> Date {
    let mut span = period.holding(tz, now).ok();
    for _ in 0..back {
        span = span.and_then(|s| period.holding(tz, just_before(s.start)).ok());
    }
    let start = span.map_or(now, |s| s.start);
    tz.to_datetime(start).date()
}

/// The days of the default range: the last [`DEFAULT_PERIODS`] periods, ending today.
fn default_days(period: ReportingPeriod, tz: &TimeZone, now: Timestamp) -> (Date, Date) {
    (
        periods_back(period, tz, now, DEFAULT_PERIODS - 1),
        tz.to_datetime(now).date(),
    )
}

impl RangeForm {
    /// The range the form asks for (both fields empty: the default), or what is wrong with
    /// it, worded in `l`.
    pub fn range(&self, engine: &Engine, l: Locale) -> Result<BooksRange, RangeErrors> {
        let t = l.strings();
        let definition = engine.definition();
        let tz = &definition.program.time_zone;
        let period = definition.books_policy().period;
        let (from, to) = (self.from.trim(), self.to.trim());
        let (from, to) = if from.is_empty() && to.is_empty() {
            let (from, to) = default_days(period, tz, Timestamp::now());
            (from.to_string(), to.to_string())
        } else {
            (from.to_owned(), to.to_owned())
        };
        let bad_date = || Some(t.get("books.bad_day").to_owned());
        let typed = |field: &str, text: &str| {
            !text.is_empty() && engine.books_instant(field, text).is_err()
        };
        let errors = RangeErrors {
            from: typed("from", &from).then(bad_date).flatten(),
            to: typed("to", &to).then(bad_date).flatten(),
        };
        if errors != RangeErrors::default() {
            return Err(errors);
        }
        let some = |text: &str| Some(text.to_owned()).filter(|t| !t.is_empty());
        let range = engine
            .books_range(some(&from).as_deref(), some(&to).as_deref())
            .map_err(|e| match e {
                // Each day reads: what is left is their order (or a day past the calendar's).
                EngineError::InvalidField { field, .. } if field == "from" => RangeErrors {
                    to: Some(t.get("staff_pages.to_before_from").to_owned()),
                    ..RangeErrors::default()
                },
                _ => RangeErrors {
                    to: bad_date(),
                    ..RangeErrors::default()
                },
            })?;
        Ok(range)
    }

    /// [`RangeForm::range`], refused when it holds more periods than a page shows.
    pub fn page_range(&self, engine: &Engine, l: Locale) -> Result<BooksRange, RangeErrors> {
        let range = self.range(engine, l)?;
        let definition = engine.definition();
        let spans = definition.books_policy().period.spans(
            &definition.program.time_zone,
            range.from,
            range.to,
        );
        if spans.map_or(0, |s| s.len()) > PERIODS_MAX {
            return Err(RangeErrors {
                from: Some(l.strings().with(
                    "books.too_many_periods",
                    "max",
                    &l.integer(PERIODS_MAX as i64),
                )),
                ..RangeErrors::default()
            });
        }
        Ok(range)
    }

    /// `path` with the form's days and `more` as its query, so a form posted from the page
    /// comes back to the range it showed.
    pub fn link(&self, path: &str, more: &[(&str, &str)]) -> String {
        let mut fields = vec![("from", self.from.as_str()), ("to", self.to.as_str())];
        fields.extend_from_slice(more);
        match query_string(&fields) {
            query if query.is_empty() => path.to_owned(),
            query => format!("{path}?{query}"),
        }
    }
}

/// The quick choices as of `now`, marking the one whose days are `shown`'s.
pub fn quick_choices(
    l: Locale,
    period: ReportingPeriod,
    tz: &TimeZone,
    now: Timestamp,
    shown: Option<(Date, Date)>,
) -> Vec<Quick> {
    let t = l.strings();
    let today = tz.to_datetime(now).date();
    let this_year = Date::new(today.year(), 1, 1).unwrap_or(today);
    [
        (
            t.get("books.this_period").to_owned(),
            (periods_back(period, tz, now, 0), today),
        ),
        (
            t.with(
                "books.last_periods",
                "count",
                &l.integer(DEFAULT_PERIODS as i64),
            ),
            default_days(period, tz, now),
        ),
        (t.get("books.this_year").to_owned(), (this_year, today)),
    ]
    .into_iter()
    .map(|(label, days)| Quick {
        label,
        href: format!("/admin/books?{}", query(days)),
        current: shown == Some(days),
    })
    .collect()
}

/// The periods that may be closed as of `now`: the last [`DEFAULT_PERIODS`] that have ended,
/// those after `closed_through` (the end of the last close), newest first.
pub fn closable(
    period: ReportingPeriod,
    tz: &TimeZone,
    now: Timestamp,
    closed_through: Option<Timestamp>,
) -> Vec<Span> {
    let Ok(current) = period.holding(tz, now) else {
        return Vec::new();
    };
    // From a period's first day, so every span is a whole period.
    let first = periods_back(period, tz, now, DEFAULT_PERIODS);
    let Ok(first) = first.to_zoned_datetime(tz.clone()).map(|z| z.timestamp()) else {
        return Vec::new();
    };
    let mut spans: Vec<Span> = period
        .spans(tz, first, current.start)
        .unwrap_or_default()
        .into_iter()
        .filter(|s| closed_through.is_none_or(|through| s.end > through))
        .collect();
    spans.reverse();
    spans
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn the_default_is_twelve_periods_ending_today() {
        let tz = TimeZone::get("Asia/Shanghai").unwrap();
        let now = at("2026-03-24T10:00:00+08:00");
        let (from, to) = default_days(ReportingPeriod::Month, &tz, now);
        assert_eq!(
            (from.to_string(), to.to_string()),
            ("2025-04-01".into(), "2026-03-24".into())
        );
        let (from, _) = default_days(ReportingPeriod::Quarter, &tz, now);
        assert_eq!(from.to_string(), "2023-04-01");
    }

    #[test]
    fn the_quick_choices_mark_the_range_shown() {
        let tz = TimeZone::UTC;
        let now = at("2026-03-24T10:00:00Z");
        let shown = default_days(ReportingPeriod::Month, &tz, now);
        let quick = quick_choices(Locale::En, ReportingPeriod::Month, &tz, now, Some(shown));
        assert_eq!(quick[0].href, "/admin/books?from=2026-03-01&to=2026-03-24");
        assert_eq!(quick[2].href, "/admin/books?from=2026-01-01&to=2026-03-24");
        assert_eq!(
            quick.iter().map(|q| q.current).collect::<Vec<_>>(),
            [false, true, false]
        );
    }

    #[test]
    fn periods_that_may_be_closed_have_ended_and_come_after_the_last_close() {
        let tz = TimeZone::UTC;
        let now = at("2026-03-24T10:00:00Z");
        let labels = |through| -> Vec<String> {
            closable(ReportingPeriod::Month, &tz, now, through)
                .into_iter()
                .map(|s| s.label)
                .collect()
        };
        let all = labels(None);
        assert_eq!(all.len(), DEFAULT_PERIODS);
        assert_eq!((all[0].as_str(), all[11].as_str()), ("2026-02", "2025-03"));
        assert_eq!(
            labels(Some(at("2026-01-01T00:00:00Z"))),
            ["2026-02", "2026-01"]
        );
        assert!(labels(Some(at("2026-03-01T00:00:00Z"))).is_empty());
    }
}
