//! The books in the page's language: a reporting period by name ("Mar 2026", "2026年第1季度"),
//! the days a part of one covers, an expected redemption rate as a percentage, and who acted.

use crate::i18n::Locale;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use laurel_core::books::{ReportingPeriod, Span};
use rust_decimal::Decimal;

/// The period `span` is of, by name: a month as the locale writes one, a quarter or a year in
/// words.
pub fn period(l: Locale, kind: ReportingPeriod, span: &Span, tz: &TimeZone) -> String {
    let first = tz.to_datetime(span.start).date();
    let t = l.strings();
    match kind {
        ReportingPeriod::Month => l.month(first),
        ReportingPeriod::Quarter => t.fill(
            "books.quarter",
            &[
                ("year", &first.year().to_string()),
                ("quarter", &((first.month() - 1) / 3 + 1).to_string()),
            ],
        ),
        ReportingPeriod::Year => t.with("books.year", "year", &first.year().to_string()),
    }
}

/// The days a part of a period covers, when the range cuts it ("1 Mar – 24 Mar"); nothing
/// for a whole period.
pub fn part(l: Locale, span: &Span, tz: &TimeZone) -> Option<String> {
    (!span.whole).then(|| between(l, span.start, span.end, tz, Locale::day_month))
}

/// The days from `from` up to the instant before `to`, in words ("1 Jan 2026 – 24 Mar 2026").
pub fn days(l: Locale, from: Timestamp, to: Timestamp, tz: &TimeZone) -> String {
    between(l, from, to, tz, Locale::date)
}

/// The days from `from` up to the instant before `to`, each written by `day`.
fn between(
    l: Locale,
    from: Timestamp,
    to: Timestamp,
    tz: &TimeZone,
    day: fn(Locale, Date) -> String,
) -> String {
    let last = laurel_core::books::just_before(to);
    l.strings().fill(
        "books.days",
        &[
            ("from", &day(l, tz.to_datetime(from).date())),
            ("to", &day(l, tz.to_datetime(last).date())),
        ],
    )
}

/// An expected redemption rate as a percentage with every digit it has: `80%`, `72.5%`.
pub fn rate(rate: Decimal) -> String {
    format!("{}%", (rate * Decimal::ONE_HUNDRED).normalize())
}

/// Who recorded an estimate or closed a period: a staff member by email, a key by prefix.
pub fn actor(l: Locale, actor: &str) -> String {
    match actor.split_once(':') {
        Some(("staff", email)) => email.to_owned(),
        Some(("key", prefix)) => l.strings().with("books.by_key", "prefix", prefix),
        _ => actor.to_owned(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn periods_and_rates_read_in_both_languages() {
        let tz = TimeZone::UTC;
        let q1 = ReportingPeriod::Quarter.named(&tz, "2026-Q1").unwrap();
        assert_eq!(
            period(Locale::ZhCn, ReportingPeriod::Quarter, &q1, &tz),
            "2026年第1季度"
        );
        assert_eq!(
            period(Locale::En, ReportingPeriod::Quarter, &q1, &tz),
            "Q1 2026"
        );
        let march = ReportingPeriod::Month.named(&tz, "2026-03").unwrap();
        assert_eq!(
            period(Locale::En, ReportingPeriod::Month, &march, &tz),
            "Mar 2026"
        );
        assert_eq!(part(Locale::En, &march, &tz), None);
        assert_eq!(rate("0.725".parse().unwrap()), "72.5%");
        assert_eq!(rate("0.80".parse().unwrap()), "80%");
        assert_eq!(actor(Locale::En, "key:lk_ab12"), "API key lk_ab12");
        assert_eq!(actor(Locale::En, "staff:li@example.com"), "li@example.com");
    }
}
