//! The program's `[notices]`: the language members are written to when they chose none,
//! quiet hours, the weekly cap, and which notices it sends.

use super::manners::QuietHours;
use crate::Points;
use crate::issue::{Issue, Issues};
use crate::localized::LANGUAGES;
use crate::message;
use crate::states;

states! {
    /// A kind of message the program sends a member.
    pub enum NoticeKind ("notice kind") {
        /// A one-time code to sign in to the portal (transactional).
        SignInCode = "sign_in_code",
        /// A one-time code to confirm a new e-mail address (transactional).
        ContactCode = "contact_code",
        /// Points about to expire.
        PointsExpiring = "points_expiring",
        /// A birthday greeting, with the gift if the program gives one.
        Birthday = "birthday",
        /// A step of the welcome series after enrollment.
        Welcome = "welcome",
        /// The member's tier is at risk at their next review.
        TierAtRisk = "tier_at_risk",
        /// The member has been inactive long enough that their data will be erased
        /// (`[privacy] retention_days`) unless they come back.
        RetentionWarning = "retention_warning",
    }
}

impl NoticeKind {
    /// Whether it needs the member's consent to the channel and keeps quiet hours and the
    /// weekly cap: everything but the codes a member asked for.
    pub fn is_marketing(self) -> bool {
        !matches!(self, NoticeKind::SignInCode | NoticeKind::ContactCode)
    }
}

/// The channels a member may be written on, each needing their consent.
pub const CHANNELS: [&str; 3] = ["email", "sms", "push"];

/// The most steps a welcome series may have.
pub const WELCOME_STEPS_MAX: usize = 10;
/// The furthest ahead a notice may be sent, in days.
const DAYS_BEFORE_MAX: u32 = 365;

/// What the program sends by itself, and how politely.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticePolicy {
    /// The language of members who chose none (one of [`LANGUAGES`]).
    pub language: String,
    /// The channels letters go out on, in order of preference: each member is written on the
    /// first they consented to and can be reached on.
    pub channels: Vec<String>,
    /// Hours in the program's time zone when no marketing message goes out.
    pub quiet_hours: Option<QuietHours>,
    /// The most marketing messages a member is sent per channel in seven days.
    pub max_per_week: Option<u32>,
    /// Days before points expire that the member is told (none: not told).
    pub expiring_days_before: Option<u32>,
    /// Whether members are greeted on their birthday.
    pub birthday: bool,
    /// Points given with the birthday greeting, once a year.
    pub birthday_points: Points,
    /// Days after enrollment of each welcome message (empty: no series).
    pub welcome_days: Vec<u32>,
    /// Days before a review that a member about to lose their tier is told (none: not told).
    pub tier_at_risk_days_before: Option<u32>,
}

impl Default for NoticePolicy {
    fn default() -> NoticePolicy {
        NoticePolicy {
            language: "en".to_owned(),
            channels: vec!["email".to_owned()],
            quiet_hours: None,
            max_per_week: None,
            expiring_days_before: None,
            birthday: false,
            birthday_points: Points::ZERO,
            welcome_days: Vec::new(),
            tier_at_risk_days_before: None,
        }
    }
}

impl NoticePolicy {
    /// The policy if it is sound, else every problem with its key under `notices`.
    pub fn new(policy: NoticePolicy) -> Result<NoticePolicy, Vec<Issue>> {
        let mut problems = Issues::under("notices");
        if !LANGUAGES.contains(&policy.language.as_str()) {
            problems.add(
                "language",
                message!(
                    "must be one of {languages}, got `{got}`",
                    languages = LANGUAGES.join(", "),
                    got = policy.language
                ),
            );
        }
        if policy.channels.is_empty() {
            problems.add("channels", message!("names no channel"));
        }
        for channel in &policy.channels {
            if !CHANNELS.contains(&channel.as_str()) {
                problems.add(
                    "channels",
                    message!(
                        "must be among {channels}, got `{got}`",
                        channels = CHANNELS.join(", "),
                        got = channel
                    ),
                );
            }
        }
        if policy.max_per_week == Some(0) {
            problems.add("max_per_week", message!("must be at least 1"));
        }
        for (key, days) in [
            ("points_expiring.days_before", policy.expiring_days_before),
            ("tier_at_risk.days_before", policy.tier_at_risk_days_before),
        ] {
            if let Some(days) = days.filter(|d| !(1..=DAYS_BEFORE_MAX).contains(d)) {
                problems.add(
                    key,
                    message!(
                        "must be between {min} and {max}, got {got}",
                        min = 1,
                        max = DAYS_BEFORE_MAX,
                        got = days
                    ),
                );
            }
        }
        if policy.birthday_points.get() < 0 {
            problems.add("birthday.points", message!("may not be negative"));
        }
        if policy.welcome_days.len() > WELCOME_STEPS_MAX {
            problems.add(
                "welcome.days",
                message!("has at most {max} steps", max = WELCOME_STEPS_MAX),
            );
        }
        if policy.welcome_days.windows(2).any(|w| w[0] >= w[1]) {
            problems.add("welcome.days", message!("must be days in increasing order"));
        }
        problems.result(policy)
    }

    /// Whether it sends anything by itself.
    pub fn sends_any(&self) -> bool {
        self.expiring_days_before.is_some()
            || self.birthday
            || !self.welcome_days.is_empty()
            || self.tier_at_risk_days_before.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_sends_nothing_and_is_sound() {
        let policy = NoticePolicy::new(NoticePolicy::default()).unwrap_or_default();
        assert!(!policy.sends_any());
    }

    #[test]
    fn every_problem_is_reported_at_its_key() {
        let bad = NoticePolicy {
            language: "fr".into(),
            max_per_week: Some(0),
            expiring_days_before: Some(0),
            birthday_points: Points(-5),
            welcome_days: vec![3, 1],
            ..NoticePolicy::default()
        };
        let keys: Vec<String> = NoticePolicy::new(bad)
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|i| i.key)
            .collect();
        assert_eq!(
            keys,
            [
                "notices.language",
                "notices.max_per_week",
                "notices.points_expiring.days_before",
                "notices.birthday.points",
                "notices.welcome.days",
            ]
        );
    }

    #[test]
    fn only_the_codes_a_member_asked_for_are_transactional() {
        let transactional: Vec<NoticeKind> = NoticeKind::ALL
            .iter()
            .copied()
            .filter(|k| !k.is_marketing())
            .collect();
        assert_eq!(
            transactional,
            [NoticeKind::SignInCode, NoticeKind::ContactCode]
        );
    }
}
