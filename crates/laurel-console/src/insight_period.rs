//! The Insight section's period form: the first and last day (the program's calendar days, both
//! included), by default the last 90 days ending today, with quick choices of the last 30, 90
//! and 365 days. The days are read as typed and the period is the core's (`Period::new`), so a
//! reversed or overlong one is refused by the same rule the engine applies, next to its field.
//! A partner's statement asks for its days with the same form; the books ask with their own
//! range but show it the same way (`PeriodBox`, `templates/period_form.html`).

use crate::i18n::Locale;
use crate::web::PageError;
use axum::http::StatusCode;
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use laurel_core::insight::{PERIOD_DAYS_MAX, Period, PeriodError};
use laurel_engine::Engine;
use serde::Deserialize;

/// Days shown when the form names none.
pub const DEFAULT_DAYS: i64 = 90;
/// The quick choices, in days ending today.
pub const QUICK_DAYS: [i64; 3] = [30, 90, 365];

/// The form as the query carried it; an empty field takes its default.
#[derive(Debug, Default, Deserialize)]
pub struct PeriodForm {
    /// The first day, `YYYY-MM-DD`; by default the page's (Insight: [`DEFAULT_DAYS`] before
    /// the last).
    #[serde(default)]
    pub from: String,
    /// The last day, `YYYY-MM-DD`; by default today.
    #[serde(default)]
    pub to: String,
}

/// What is wrong with the form, by field, in the page's language.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct PeriodErrors {
    /// The first day is not a date, or the period is too long (holds too many periods).
    pub from: Option<String>,
    /// The last day is not a date, or comes before the first.
    pub to: Option<String>,
}

/// A period form as a page shows it (`templates/period_form.html`): Insight's, the books' and
/// a partner's statement's, each asking its own page.
pub struct PeriodBox {
    /// What its elements' ids start with: `period` gives `#period-form`, `#period-from`…
    pub id: &'static str,
    /// The page it asks for.
    pub action: String,
    /// The first day as typed, or that of the period shown.
    pub from: String,
    /// The last day as typed, or that of the period shown.
    pub to: String,
    /// What is wrong with the days, next to their fields.
    pub errors: PeriodErrors,
    /// Links to the usual periods.
    pub quick: Vec<Quick>,
    /// Fields the form carries as they are, so asking for other days keeps them: (name, value).
    pub kept: Vec<(&'static str, String)>,
}

/// A quick choice: its words, its link and whether it is the period shown.
pub struct Quick {
    /// "Last 30 days", "This period".
    pub label: String,
    /// The page for it.
    pub href: String,
    /// Whether the page shows it now.
    pub current: bool,
}

/// Today in the program's time zone.
pub fn today(tz: &jiff::tz::TimeZone) -> Date {
    tz.to_datetime(Timestamp::now()).date()
}

/// The `days` days ending `today`; one day when the calendar cannot reach that far back.
pub fn ending(today: Date, days: i64) -> Period {
    Period::ending(today, days).unwrap_or(Period {
        from: today,
        to: today,
    })
}

/// A period as a query string, for the section's links and downloads.
pub fn query(period: Period) -> String {
    format!("from={}&to={}", period.from, period.to)
}

/// A period in words: "1 Apr 2026 – 30 Jun 2026 (91 days)".
pub fn words(l: Locale, period: Period) -> String {
    l.strings().fill(
        "insight.days",
        &[
            ("from", &l.date(period.from)),
            ("to", &l.date(period.to)),
            ("days", &l.integer(period.days())),
        ],
    )
}

impl PeriodForm {
    /// The period the form asks for (empty fields by their defaults, `today` the program's),
    /// or what is wrong with it, worded in `l`.
    pub fn period(&self, l: Locale, today: Date) -> Result<Period, PeriodErrors> {
        let t = l.strings();
        let bad_date = || t.get("staff_pages.bad_date").to_owned();
        let day = |text: &str, default: Date| match text.trim() {
            "" => Ok(default),
            typed => typed.parse::<Date>().map_err(|_| bad_date()),
        };
        let to = day(&self.to, today);
        let default_from = to
            .as_ref()
            .ok()
            .and_then(|to| to.checked_sub((DEFAULT_DAYS - 1).days()).ok())
            .unwrap_or(today);
        let from = day(&self.from, default_from);
        let (from, to) = match (from, to) {
            (Ok(from), Ok(to)) => (from, to),
            (from, to) => {
                return Err(PeriodErrors {
                    from: from.err(),
                    to: to.err(),
                });
            }
        };
        Period::new(from, to).map_err(|e| match e {
            PeriodError::Reversed => PeriodErrors {
                to: Some(t.get("staff_pages.to_before_from").to_owned()),
                ..PeriodErrors::default()
            },
            PeriodError::TooLong => PeriodErrors {
                from: Some(t.with("insight.too_long", "days", &l.integer(PERIOD_DAYS_MAX))),
                ..PeriodErrors::default()
            },
            PeriodError::OutOfRange => PeriodErrors {
                from: Some(bad_date()),
                ..PeriodErrors::default()
            },
        })
    }

    /// The period a download's query names, today being `engine`'s program's; a bad one is
    /// refused with a page saying `refused` (the download's own page names the field).
    pub fn for_download(
        &self,
        engine: &Engine,
        l: Locale,
        refused: &'static str,
    ) -> Result<Period, PageError> {
        let today = today(&engine.definition().program.time_zone);
        self.period(l, today)
            .map_err(|_| PageError::new(StatusCode::BAD_REQUEST, l, refused))
    }
}

/// The quick choices ending `today` for the page at `path`, marking the one equal to `shown`.
pub fn quick_choices(l: Locale, path: &str, today: Date, shown: Option<Period>) -> Vec<Quick> {
    let t = l.strings();
    QUICK_DAYS
        .into_iter()
        .map(|days| {
            let period = ending(today, days);
            Quick {
                label: t.with("insight.last_days", "days", &l.integer(days)),
                href: format!("{path}?{}", query(period)),
                current: shown == Some(period),
            }
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn form(from: &str, to: &str) -> PeriodForm {
        PeriodForm {
            from: from.into(),
            to: to.into(),
        }
    }

    const TODAY: Date = date(2026, 6, 30);

    #[test]
    fn an_empty_form_is_the_last_90_days_ending_today() {
        let p = form("", "").period(Locale::En, TODAY).unwrap();
        assert_eq!((p.from, p.to), (date(2026, 4, 2), TODAY));
        assert_eq!(p.days(), 90);
        let p = form("", "2026-03-31").period(Locale::En, TODAY).unwrap();
        assert_eq!(
            p.from,
            date(2026, 1, 1),
            "90 days ending the last day given"
        );
    }

    #[test]
    fn a_reversed_period_is_refused_at_its_last_day_in_words() {
        let errors = form("2026-03-02", "2026-03-01")
            .period(Locale::En, TODAY)
            .unwrap_err();
        assert_eq!(errors.from, None);
        assert_eq!(
            errors.to.as_deref(),
            Some("The last day comes before the first.")
        );
        let errors = form("2026-02-30", "")
            .period(Locale::ZhCn, TODAY)
            .unwrap_err();
        assert!(errors.from.is_some() && errors.to.is_none());
        let errors = form("1990-01-01", "")
            .period(Locale::En, TODAY)
            .unwrap_err();
        assert!(errors.from.unwrap().contains("3,660"));
    }

    #[test]
    fn the_quick_choices_end_today_and_mark_the_one_shown() {
        let shown = ending(TODAY, 30);
        let quick = quick_choices(Locale::En, "/admin/insight", TODAY, Some(shown));
        assert_eq!(quick[0].label, "Last 30 days");
        assert_eq!(
            quick[0].href,
            "/admin/insight?from=2026-06-01&to=2026-06-30"
        );
        assert_eq!(
            quick.iter().map(|q| q.current).collect::<Vec<_>>(),
            [true, false, false]
        );
    }
}
