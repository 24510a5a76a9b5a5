//! `[privacy]`: who answers for members' data (named on the portal's privacy notice) and how
//! long an inactive member's data is kept — warned first, then erased.

use crate::issue::{Issue, Issues};
use crate::message;
use jiff::{SignedDuration, Timestamp};

/// The section as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrivacySpec {
    /// Who answers for the data (the business's legal name).
    pub controller: Option<String>,
    /// Where members write about their data (an e-mail address or a web address).
    pub contact: Option<String>,
    /// Days without activity after which a member is erased (none: kept).
    pub retention_days: Option<i64>,
    /// Days before that erasure the member is warned (30 when not said).
    pub retention_warning_days: Option<i64>,
}

/// What the program says about members' data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrivacyPolicy {
    /// Who answers for the data.
    pub controller: Option<String>,
    /// Where members write about it.
    pub contact: Option<String>,
    /// How long an inactive member is kept, if the program limits it.
    pub retention: Option<Retention>,
}

/// How long an inactive member is kept: warned `warning_days` before `inactive_days` of
/// inactivity are up, erased after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Days without activity before erasure.
    pub inactive_days: u32,
    /// Days' warning.
    pub warning_days: u32,
}

/// The fewest days a program may keep inactive members: shorter would erase members between
/// two ordinary visits.
const RETENTION_DAYS_MIN: i64 = 90;
/// The most: ten years.
const RETENTION_DAYS_MAX: i64 = 3650;
/// The warning when not said.
const WARNING_DAYS: i64 = 30;

impl PrivacyPolicy {
    /// Checks `spec`, every problem at its key under `privacy`.
    pub fn new(spec: &PrivacySpec) -> Result<PrivacyPolicy, Vec<Issue>> {
        let mut issues = Issues::under("privacy");
        let text = |issues: &mut Issues, key: &str, value: &Option<String>| {
            let value = value.as_deref().map(str::trim);
            if value.is_some_and(str::is_empty) {
                issues.add(key, message!("must not be empty"));
            }
            value.filter(|v| !v.is_empty()).map(str::to_owned)
        };
        let controller = text(&mut issues, "controller", &spec.controller);
        let contact = text(&mut issues, "contact", &spec.contact);
        let retention = spec.retention_days.and_then(|days| {
            if !(RETENTION_DAYS_MIN..=RETENTION_DAYS_MAX).contains(&days) {
                issues.add(
                    "retention_days",
                    message!(
                        "must be from {least} to {most}, got {got}",
                        least = RETENTION_DAYS_MIN,
                        most = RETENTION_DAYS_MAX,
                        got = days
                    ),
                );
                return None;
            }
            let warning = spec.retention_warning_days.unwrap_or(WARNING_DAYS);
            if !(1..days).contains(&warning) {
                issues.add(
                    "retention_warning_days",
                    message!(
                        "must be from {least} to {most}, got {got}",
                        least = 1,
                        most = days - 1,
                        got = warning
                    ),
                );
                return None;
            }
            Some(Retention {
                inactive_days: u32::try_from(days).ok()?,
                warning_days: u32::try_from(warning).ok()?,
            })
        });
        if spec.retention_days.is_none() && spec.retention_warning_days.is_some() {
            issues.add("retention_warning_days", message!("needs retention_days"));
        }
        issues.result(PrivacyPolicy {
            controller,
            contact,
            retention,
        })
    }
}

impl Retention {
    /// Members last active before this are within the warning's days of erasure at `now`.
    pub fn warned_before(&self, now: Timestamp) -> Timestamp {
        now - days(self.inactive_days - self.warning_days)
    }

    /// Members last active before this are inactive past the retention period at `now`.
    pub fn inactive_before(&self, now: Timestamp) -> Timestamp {
        now - days(self.inactive_days)
    }

    /// When a member last active at `last_active` is erased: when their inactivity is up, but
    /// never sooner than the warning's days after it was sent — and, when none could be sent
    /// (they consented to no channel), the warning's days later than that, as if it had been.
    pub fn erase_at(&self, last_active: Timestamp, warned_at: Option<Timestamp>) -> Timestamp {
        let up = last_active + days(self.inactive_days);
        match warned_at {
            Some(warned) => up.max(warned + days(self.warning_days)),
            None => up + days(self.warning_days),
        }
    }
}

fn days(n: u32) -> SignedDuration {
    SignedDuration::from_hours(24 * i64::from(n))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn at(day: &str) -> Timestamp {
        format!("{day}T00:00:00Z").parse().unwrap()
    }

    #[test]
    fn without_a_section_nothing_is_limited() {
        assert_eq!(
            PrivacyPolicy::new(&PrivacySpec::default()),
            Ok(PrivacyPolicy::default())
        );
    }

    #[test]
    fn a_member_is_warned_then_erased_no_sooner_than_the_warning_allows() {
        let retention = Retention {
            inactive_days: 365,
            warning_days: 30,
        };
        let last = at("2025-01-01");
        // Within the warning's days from 2025-12-02 (335 days on), not before.
        assert_eq!(retention.warned_before(at("2025-12-02")), last);
        assert_eq!(retention.inactive_before(at("2026-01-01")), last);
        assert_eq!(
            retention.erase_at(last, Some(at("2025-12-02"))),
            at("2026-01-01")
        );
        // Warned late (the policy came in after), they still get the warning's days.
        assert_eq!(
            retention.erase_at(last, Some(at("2026-03-01"))),
            at("2026-03-31")
        );
        assert_eq!(retention.erase_at(last, None), at("2026-01-31"));
    }

    #[test]
    fn every_problem_is_reported_at_its_key() {
        let spec = PrivacySpec {
            controller: Some("  ".into()),
            contact: None,
            retention_days: Some(30),
            retention_warning_days: None,
        };
        let keys: Vec<String> = PrivacyPolicy::new(&spec)
            .unwrap_err()
            .into_iter()
            .map(|i| i.key)
            .collect();
        assert_eq!(keys, ["privacy.controller", "privacy.retention_days"]);
        let spec = PrivacySpec {
            retention_days: Some(365),
            retention_warning_days: Some(365),
            ..PrivacySpec::default()
        };
        assert_eq!(
            PrivacyPolicy::new(&spec).unwrap_err()[0].key,
            "privacy.retention_warning_days"
        );
    }
}
