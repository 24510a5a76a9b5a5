//! How often one member may be acted on by an automation: the period a run belongs to, in
//! the program's calendar. One run per member and period.

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// How often an automation may act on one member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Once ever.
    Once,
    /// Once a calendar year.
    PerYear,
    /// Once a calendar month.
    PerMonth,
    /// Once a week (ISO weeks).
    PerWeek,
    /// Once a day.
    PerDay,
}

impl Limit {
    /// The stable names the program file uses.
    pub const NAMES: [(&'static str, Limit); 5] = [
        ("once", Limit::Once),
        ("per_year", Limit::PerYear),
        ("per_month", Limit::PerMonth),
        ("per_week", Limit::PerWeek),
        ("per_day", Limit::PerDay),
    ];

    /// The key of the period `at` falls in: runs with equal keys are one too many.
    pub fn period(self, at: Timestamp, tz: &TimeZone) -> String {
        let date = tz.to_datetime(at).date();
        match self {
            Limit::Once => "once".to_owned(),
            Limit::PerYear => format!("{:04}", date.year()),
            Limit::PerMonth => format!("{:04}-{:02}", date.year(), date.month()),
            Limit::PerWeek => {
                let week = date.iso_week_date();
                format!("{:04}-W{:02}", week.year(), week.week())
            }
            Limit::PerDay => date.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_follow_the_programs_calendar() {
        let tz = TimeZone::get("Asia/Shanghai").unwrap_or(TimeZone::UTC);
        // 23:30 UTC on 31 December is already New Year's Day in Shanghai.
        let at: Timestamp = "2026-12-31T23:30:00Z"
            .parse()
            .unwrap_or(Timestamp::UNIX_EPOCH);
        assert_eq!(Limit::PerYear.period(at, &tz), "2027");
        assert_eq!(Limit::PerMonth.period(at, &tz), "2027-01");
        assert_eq!(Limit::PerWeek.period(at, &tz), "2026-W53");
        assert_eq!(Limit::PerDay.period(at, &tz), "2027-01-01");
        assert_eq!(Limit::Once.period(at, &tz), "once");
    }
}
