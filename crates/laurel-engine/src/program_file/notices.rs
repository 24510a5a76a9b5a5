//! The program file's `[notices]`: the language members are written to, quiet hours, the
//! weekly cap, and the notices the program sends by itself.
//!
//! ```toml
//! [notices]
//! language = "zh-CN"
//! channels = ["email", "sms"]   # in order of preference
//! quiet_hours = { from = "21:00", to = "09:00" }
//! max_per_week = 3
//! points_expiring = { days_before = 14 }
//! birthday = { points = 100 }
//! welcome = { days = [0, 3, 10] }
//! tier_at_risk = { days_before = 14 }
//! ```

use laurel_core::Points;
use laurel_core::issue::{Issue, Issues};
use laurel_core::message;
use laurel_core::notices::{NoticePolicy, QuietHours};
use serde::Deserialize;

/// `[notices]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct NoticesSection {
    language: Option<String>,
    channels: Option<Vec<String>>,
    quiet_hours: Option<QuietHoursSection>,
    max_per_week: Option<u32>,
    points_expiring: Option<DaysBefore>,
    birthday: Option<BirthdaySection>,
    welcome: Option<WelcomeSection>,
    tier_at_risk: Option<DaysBefore>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuietHoursSection {
    from: String,
    to: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DaysBefore {
    days_before: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BirthdaySection {
    #[serde(default)]
    points: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WelcomeSection {
    days: Vec<u32>,
}

/// The policy the section sets (sending nothing without one), or every problem.
pub(super) fn convert(section: Option<NoticesSection>) -> Result<NoticePolicy, Vec<Issue>> {
    let Some(section) = section else {
        return Ok(NoticePolicy::default());
    };
    let mut problems = Issues::under("notices.quiet_hours");
    let quiet_hours = section.quiet_hours.and_then(|q| {
        let mut time = |key: &str, text: &str| match text.parse::<jiff::civil::Time>() {
            Ok(time) => Some(time),
            Err(_) => {
                problems.add(
                    key,
                    message!("must be a time like 21:00, got `{got}`", got = text),
                );
                None
            }
        };
        let from = time("from", &q.from);
        let to = time("to", &q.to);
        Some(QuietHours {
            from: from?,
            to: to?,
        })
    });
    let policy = NoticePolicy {
        language: section
            .language
            .unwrap_or_else(|| NoticePolicy::default().language),
        channels: section
            .channels
            .unwrap_or_else(|| NoticePolicy::default().channels),
        quiet_hours,
        max_per_week: section.max_per_week,
        expiring_days_before: section.points_expiring.map(|p| p.days_before),
        birthday: section.birthday.is_some(),
        birthday_points: Points(section.birthday.map_or(0, |b| b.points)),
        welcome_days: section.welcome.map(|w| w.days).unwrap_or_default(),
        tier_at_risk_days_before: section.tier_at_risk.map(|t| t.days_before),
    };
    let mut all: Vec<Issue> = problems.result(()).err().unwrap_or_default();
    match NoticePolicy::new(policy) {
        Ok(policy) if all.is_empty() => Ok(policy),
        Ok(_) => Err(all),
        Err(more) => {
            all.extend(more);
            Err(all)
        }
    }
}
