//! The books' periods: calendar months, quarters or years in the program's time zone, each
//! named as finance names it (`2026-11`, `2026-Q4`, `2026`), and a report's range cut at them.

use super::policy::ReportingPeriod;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// The earliest year a period is named in.
pub const YEAR_MIN: i16 = 1970;

/// A stretch of time a report covers: a whole period, or the part of one inside the range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// The period's name: `2026-11`, `2026-Q4` or `2026`.
    pub label: String,
    /// Its first instant.
    pub start: Timestamp,
    /// The instant after its last.
    pub end: Timestamp,
    /// Whether it is the whole period (not cut by the range's ends).
    pub whole: bool,
}

impl ReportingPeriod {
    /// Months a period lasts.
    fn months(self) -> i64 {
        match self {
            ReportingPeriod::Month => 1,
            ReportingPeriod::Quarter => 3,
            ReportingPeriod::Year => 12,
        }
    }

    /// The first day of the period holding `day`.
    fn first_day(self, day: Date) -> Date {
        let month = match self {
            ReportingPeriod::Month => day.month(),
            ReportingPeriod::Quarter => (day.month() - 1) / 3 * 3 + 1,
            ReportingPeriod::Year => 1,
        };
        day.first_of_month()
            .with()
            .month(month)
            .build()
            .unwrap_or(day.first_of_month())
    }

    /// The name of the period starting on `first`.
    fn label(self, first: Date) -> String {
        match self {
            ReportingPeriod::Month => format!("{:04}-{:02}", first.year(), first.month()),
            ReportingPeriod::Quarter => {
                format!("{:04}-Q{}", first.year(), (first.month() - 1) / 3 + 1)
            }
            ReportingPeriod::Year => format!("{:04}", first.year()),
        }
    }

    /// The whole period holding the instant `at`, in `tz`.
    pub fn holding(self, tz: &TimeZone, at: Timestamp) -> Result<Span, jiff::Error> {
        let first = self.first_day(tz.to_datetime(at).date());
        self.starting(tz, first)
    }

    /// The whole period starting on `first` (a day this period starts on).
    fn starting(self, tz: &TimeZone, first: Date) -> Result<Span, jiff::Error> {
        // Midnight may not exist on a daylight-saving day; the day then starts after the gap.
        let start = |d: Date| d.to_zoned_datetime(tz.clone()).map(|z| z.timestamp());
        Ok(Span {
            label: self.label(first),
            start: start(first)?,
            end: start(first.checked_add(self.months().months())?)?,
            whole: true,
        })
    }

    /// The period named `label` (as [`Span::label`] writes it), if it is one of this kind.
    pub fn named(self, tz: &TimeZone, label: &str) -> Option<Span> {
        let (year, rest) = match label.split_once('-') {
            Some((y, r)) => (y, Some(r)),
            None => (label, None),
        };
        // No loyalty ledger predates the Unix epoch; a close of an older period would only
        // lock centuries of empty months.
        let year: i16 = year
            .parse()
            .ok()
            .filter(|y| year.len() == 4 && *y >= YEAR_MIN)?;
        let month = match (self, rest) {
            (ReportingPeriod::Year, None) => 1,
            (ReportingPeriod::Quarter, Some(q)) => {
                let q: i8 = q
                    .strip_prefix('Q')?
                    .parse()
                    .ok()
                    .filter(|q| (1..=4).contains(q))?;
                (q - 1) * 3 + 1
            }
            (ReportingPeriod::Month, Some(m)) if m.len() == 2 => {
                m.parse().ok().filter(|m| (1..=12).contains(m))?
            }
            _ => return None,
        };
        let first = Date::new(year, month, 1).ok()?;
        self.starting(tz, first).ok()
    }

    /// The range `[from, to)` cut at this period's boundaries, oldest first; empty when the
    /// range is.
    pub fn spans(
        self,
        tz: &TimeZone,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<Span>, jiff::Error> {
        let mut spans = Vec::new();
        let mut at = from;
        while at < to {
            let whole = self.holding(tz, at)?;
            let end = whole.end.min(to);
            spans.push(Span {
                whole: whole.start == at && whole.end == end,
                label: whole.label,
                start: at,
                end,
            });
            at = end;
        }
        Ok(spans)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn instant(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn a_range_is_cut_at_quarters_in_the_program_time_zone_and_its_ends_are_partial() {
        let tz = TimeZone::get("Asia/Shanghai").unwrap();
        let spans = ReportingPeriod::Quarter
            .spans(
                &tz,
                instant("2026-02-10T00:00:00+08:00"),
                instant("2026-07-01T00:00:00+08:00"),
            )
            .unwrap();
        let labels: Vec<_> = spans.iter().map(|s| (s.label.as_str(), s.whole)).collect();
        assert_eq!(labels, [("2026-Q1", false), ("2026-Q2", true)]);
        assert_eq!(spans[1].start, instant("2026-04-01T00:00:00+08:00"));
        assert_eq!(spans[0].end, spans[1].start);
    }

    #[test]
    fn a_period_is_found_by_its_name_and_only_by_a_name_of_its_kind() {
        let tz = TimeZone::UTC;
        let nov = ReportingPeriod::Month.named(&tz, "2026-11").unwrap();
        assert_eq!(nov.start, instant("2026-11-01T00:00:00Z"));
        assert_eq!(nov.end, instant("2026-12-01T00:00:00Z"));
        let q4 = ReportingPeriod::Quarter.named(&tz, "2026-Q4").unwrap();
        assert_eq!(q4.start, instant("2026-10-01T00:00:00Z"));
        assert_eq!(
            ReportingPeriod::Year.named(&tz, "2026").unwrap().end,
            instant("2027-01-01T00:00:00Z")
        );
        for wrong in ["2026-13", "2026-Q4", "26-11", "2026-1", "2026", "1969-12"] {
            assert!(
                ReportingPeriod::Month.named(&tz, wrong).is_none(),
                "{wrong}"
            );
        }
        assert!(ReportingPeriod::Quarter.named(&tz, "2026-Q5").is_none());
    }
}
