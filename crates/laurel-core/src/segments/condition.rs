//! What a segment asks of a member, and a member's facts as the conditions read them.

use crate::automations::automation::Range;
use crate::automations::{MemberCondition, MemberFacts};
use crate::insight::RfmSegment;
use crate::insight::clv::ChurnRiskLevel;
use jiff::Timestamp;
use std::collections::BTreeMap;

/// One condition of a segment; a member is in the segment when all hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SegmentCondition {
    /// A condition an automation may ask too (tier, days since the last purchase or joining,
    /// balance, consent).
    Member(MemberCondition),
    /// What they spent over the last `days` days, in minor units of the program's currency.
    Spend {
        /// How many days back from the refresh.
        days: i64,
        /// The spend, in minor units.
        range: Range,
    },
    /// How many purchases they made over the last `days` days.
    Purchases {
        /// How many days back from the refresh.
        days: i64,
        /// The count.
        range: Range,
    },
    /// A profile attribute with exactly this value.
    Attribute {
        /// The attribute's name.
        key: String,
        /// Its value.
        value: String,
    },
    /// Scored by the last insight refresh at one of these churn-risk levels.
    ChurnRisk(Vec<ChurnRiskLevel>),
    /// In one of these RFM segments at the last insight refresh.
    Rfm(Vec<RfmSegment>),
}

impl SegmentCondition {
    /// The window this condition counts purchases over, in days, if it counts any.
    pub fn window_days(&self) -> Option<i64> {
        match self {
            SegmentCondition::Spend { days, .. } | SegmentCondition::Purchases { days, .. } => {
                Some(*days)
            }
            _ => None,
        }
    }
}

/// A member's purchases over one window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WindowFacts {
    /// How many days back the window reaches.
    pub days: i64,
    /// Purchases in it.
    pub purchases: i64,
    /// What they paid in it, in minor units.
    pub spend_minor: i64,
}

/// What a segment's conditions know of a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentFacts {
    /// What an automation's conditions know.
    pub member: MemberFacts,
    /// Their purchases over each window the conditions name (a window not listed: none).
    pub windows: Vec<WindowFacts>,
    /// Their profile attributes.
    pub attributes: BTreeMap<String, String>,
    /// Their churn-risk level, if scored and forecast.
    pub risk: Option<ChurnRiskLevel>,
    /// Their RFM segment, if scored.
    pub rfm: Option<RfmSegment>,
}

impl SegmentFacts {
    /// Whether every condition holds at `now`.
    pub fn meet(&self, conditions: &[SegmentCondition], now: Timestamp) -> bool {
        conditions.iter().all(|c| self.meets(c, now))
    }

    fn window(&self, days: i64) -> WindowFacts {
        self.windows
            .iter()
            .find(|w| w.days == days)
            .copied()
            .unwrap_or(WindowFacts {
                days,
                ..WindowFacts::default()
            })
    }

    fn meets(&self, condition: &SegmentCondition, now: Timestamp) -> bool {
        match condition {
            SegmentCondition::Member(c) => self.member.meet(std::slice::from_ref(c), now),
            SegmentCondition::Spend { days, range } => range.holds(self.window(*days).spend_minor),
            SegmentCondition::Purchases { days, range } => {
                range.holds(self.window(*days).purchases)
            }
            SegmentCondition::Attribute { key, value } => self.attributes.get(key) == Some(value),
            // Members not scored (they never bought, or the model could not forecast them)
            // are in no risk level and no RFM segment: a segment of "high risk" is of members
            // the model judged so.
            SegmentCondition::ChurnRisk(levels) => self.risk.is_some_and(|r| levels.contains(&r)),
            SegmentCondition::Rfm(segments) => self.rfm.is_some_and(|s| segments.contains(&s)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(n: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + n * 86_400).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    fn at_least(n: i64) -> Range {
        Range {
            at_least: Some(n),
            at_most: None,
        }
    }

    fn facts() -> SegmentFacts {
        SegmentFacts {
            member: MemberFacts {
                tier: Some("gold".into()),
                last_purchase_at: Some(day(-70)),
                joined_at: day(-400),
                available: 300,
                consents: vec!["email".into()],
                segments: Vec::new(),
            },
            windows: vec![WindowFacts {
                days: 365,
                purchases: 9,
                spend_minor: 120_000,
            }],
            attributes: BTreeMap::from([("city".into(), "Shanghai".into())]),
            risk: Some(ChurnRiskLevel::High),
            rfm: Some(RfmSegment::CantLose),
        }
    }

    #[test]
    fn a_big_spender_gone_quiet_is_in_a_win_back_segment() {
        let win_back = [
            SegmentCondition::Member(MemberCondition::DaysSinceLastPurchase(at_least(60))),
            SegmentCondition::Spend {
                days: 365,
                range: at_least(100_000),
            },
            SegmentCondition::ChurnRisk(vec![ChurnRiskLevel::High, ChurnRiskLevel::Medium]),
            SegmentCondition::Rfm(vec![RfmSegment::CantLose, RfmSegment::AtRisk]),
            SegmentCondition::Attribute {
                key: "city".into(),
                value: "Shanghai".into(),
            },
        ];
        assert!(facts().meet(&win_back, day(0)));
        let other_city = SegmentFacts {
            attributes: BTreeMap::from([("city".into(), "Beijing".into())]),
            ..facts()
        };
        assert!(
            !other_city.meet(&win_back, day(0)),
            "attributes match exactly"
        );
    }

    #[test]
    fn a_window_the_facts_lack_counts_nothing_bought() {
        let frequent = [SegmentCondition::Purchases {
            days: 30,
            range: at_least(1),
        }];
        let idle = [SegmentCondition::Purchases {
            days: 30,
            range: Range {
                at_least: None,
                at_most: Some(0),
            },
        }];
        assert!(!facts().meet(&frequent, day(0)));
        assert!(facts().meet(&idle, day(0)));
    }

    #[test]
    fn members_never_scored_are_in_no_risk_level_or_rfm_segment() {
        let unscored = SegmentFacts {
            risk: None,
            rfm: None,
            ..facts()
        };
        assert!(!unscored.meet(
            &[SegmentCondition::ChurnRisk(ChurnRiskLevel::ALL.to_vec())],
            day(0)
        ));
        assert!(!unscored.meet(&[SegmentCondition::Rfm(vec![RfmSegment::Lost])], day(0)));
    }
}
