//! A member as an automation's conditions see them, and the conditions' verdicts.

use super::automation::{MemberCondition, Range};
use jiff::{SignedDuration, Timestamp};

/// What conditions know of a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberFacts {
    /// Their tier.
    pub tier: Option<String>,
    /// When they last bought (none: never).
    pub last_purchase_at: Option<Timestamp>,
    /// When they joined.
    pub joined_at: Timestamp,
    /// Points they may spend.
    pub available: i64,
    /// The channels they consented to.
    pub consents: Vec<String>,
    /// The saved segments they are in.
    pub segments: Vec<String>,
}

/// Whole days from `from` to `to` (0 if `to` is earlier).
fn days_between(from: Timestamp, to: Timestamp) -> i64 {
    (to.duration_since(from).max(SignedDuration::ZERO).as_secs()) / 86_400
}

impl MemberFacts {
    /// Whether every condition holds at `now`.
    pub fn meet(&self, conditions: &[MemberCondition], now: Timestamp) -> bool {
        conditions.iter().all(|c| self.meets(c, now))
    }

    fn meets(&self, condition: &MemberCondition, now: Timestamp) -> bool {
        match condition {
            MemberCondition::Tiers(tiers) => self
                .tier
                .as_ref()
                .is_some_and(|t| tiers.iter().any(|w| w == t)),
            MemberCondition::DaysSinceLastPurchase(range) => match self.last_purchase_at {
                // Never bought: as long ago as can be, so "at least" holds and "at most" not.
                None => range.at_most.is_none(),
                Some(at) => range.holds(days_between(at, now)),
            },
            MemberCondition::DaysSinceJoining(range) => {
                range.holds(days_between(self.joined_at, now))
            }
            MemberCondition::Balance(range) => range.holds(self.available),
            MemberCondition::Consent(channel) => self.consents.iter().any(|c| c == channel),
            MemberCondition::Segments(ids) => self.segments.iter().any(|s| ids.contains(s)),
        }
    }
}

impl Range {
    /// Whether `value` is within the range (both ends included).
    pub fn holds(&self, value: i64) -> bool {
        self.at_least.is_none_or(|min| value >= min) && self.at_most.is_none_or(|max| value <= max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(n: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + n * 86_400).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    fn facts() -> MemberFacts {
        MemberFacts {
            tier: Some("gold".into()),
            last_purchase_at: Some(day(0)),
            joined_at: day(-400),
            available: 120,
            consents: vec!["email".into()],
            segments: vec!["lapsed_gold".into()],
        }
    }

    fn range(at_least: Option<i64>, at_most: Option<i64>) -> Range {
        Range { at_least, at_most }
    }

    #[test]
    fn a_lapsing_gold_member_with_points_meets_a_win_back() {
        let win_back = [
            MemberCondition::Tiers(vec!["gold".into(), "silver".into()]),
            MemberCondition::DaysSinceLastPurchase(range(Some(60), None)),
            MemberCondition::Balance(range(Some(100), None)),
            MemberCondition::Consent("email".into()),
        ];
        assert!(!facts().meet(&win_back, day(59)), "59 days is not lapsing");
        assert!(facts().meet(&win_back, day(60)));
        let poorer = MemberFacts {
            available: 99,
            ..facts()
        };
        assert!(!poorer.meet(&win_back, day(90)));
    }

    #[test]
    fn a_member_who_never_bought_is_long_lapsed_but_not_recent() {
        let never = MemberFacts {
            last_purchase_at: None,
            ..facts()
        };
        let lapsed = [MemberCondition::DaysSinceLastPurchase(range(
            Some(30),
            None,
        ))];
        let recent = [MemberCondition::DaysSinceLastPurchase(range(None, Some(7)))];
        assert!(never.meet(&lapsed, day(1)));
        assert!(!never.meet(&recent, day(1)));
    }

    #[test]
    fn no_conditions_meet_everyone_and_consent_is_per_channel() {
        assert!(facts().meet(&[], day(0)));
        assert!(!facts().meet(&[MemberCondition::Consent("sms".into())], day(0)));
        let vip = [MemberCondition::Segments(vec![
            "vip".into(),
            "lapsed_gold".into(),
        ])];
        assert!(facts().meet(&vip, day(0)), "in one of the segments");
        assert!(!facts().meet(&[MemberCondition::Segments(vec!["vip".into()])], day(0)));
        let joined = [MemberCondition::DaysSinceJoining(range(None, Some(30)))];
        assert!(!facts().meet(&joined, day(0)));
    }
}
