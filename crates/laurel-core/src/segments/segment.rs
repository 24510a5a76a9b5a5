//! A saved segment and its checks: every problem with its key.

use super::condition::SegmentCondition;
use crate::automations::MemberCondition;
use crate::issue::{Issue, Issues};
use crate::message;

/// The most conditions one segment may have.
pub const CONDITIONS_MAX: usize = 20;

/// The longest window a spend or purchases condition may reach back, in days (ten years,
/// as a KPI period).
pub const WINDOW_DAYS_MAX: i64 = crate::insight::PERIOD_DAYS_MAX;

/// The longest attribute name, as a member's attributes are stored.
const ATTRIBUTE_KEY_MAX: usize = 64;

/// A segment as saved: members are in it when all its conditions hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Its id: 1 to 64 lower-case letters, digits and underscores; rules name it by this.
    pub id: String,
    /// What staff call it.
    pub name: String,
    /// What it is for.
    pub description: Option<String>,
    /// What a member must meet.
    pub conditions: Vec<SegmentCondition>,
}

impl Segment {
    /// Every problem with the segment in a program with these tiers, keyed `id`, `name`,
    /// `conditions[n]`.
    pub fn check(&self, tier_ids: &[String]) -> Result<(), Vec<Issue>> {
        let mut problems = Issues::under("");
        if !crate::text::is_valid_id(&self.id) {
            problems.add(
                "id",
                message!("an id is 1 to 64 lower-case letters, digits and underscores"),
            );
        }
        if self.name.trim().is_empty() {
            problems.add("name", message!("may not be blank"));
        }
        if self.conditions.is_empty() {
            problems.add("conditions", message!("names no condition"));
        }
        if self.conditions.len() > CONDITIONS_MAX {
            problems.add(
                "conditions",
                message!("at most {max} conditions", max = CONDITIONS_MAX),
            );
        }
        for (n, condition) in self.conditions.iter().enumerate() {
            let key = format!("conditions[{n}]");
            for words in problems_of(condition, tier_ids) {
                problems.add(&key, words);
            }
        }
        problems.result(())
    }

    /// The windows (in days) its conditions count purchases over, each once, shortest first.
    pub fn windows(&self) -> Vec<i64> {
        let mut days: Vec<i64> = self
            .conditions
            .iter()
            .filter_map(SegmentCondition::window_days)
            .collect();
        days.sort_unstable();
        days.dedup();
        days
    }
}

fn problems_of(condition: &SegmentCondition, tier_ids: &[String]) -> Vec<crate::issue::Message> {
    match condition {
        // A segment of segments would be worked out before or after the ones it names,
        // depending on the order they are refreshed in.
        SegmentCondition::Member(MemberCondition::Segments(_)) => {
            vec![message!("a segment may not name other segments")]
        }
        SegmentCondition::Member(c) => c.problems(tier_ids),
        SegmentCondition::Spend { days, range } | SegmentCondition::Purchases { days, range } => {
            let mut found = range.problems();
            if !(1..=WINDOW_DAYS_MAX).contains(days) {
                found.push(message!(
                    "must be between {min} and {max}, got {got}",
                    min = 1,
                    max = WINDOW_DAYS_MAX,
                    got = days
                ));
            }
            found
        }
        SegmentCondition::Attribute { key, .. } => {
            if key.trim().is_empty() || key.chars().count() > ATTRIBUTE_KEY_MAX {
                vec![message!(
                    "an attribute's name is 1 to {max} characters",
                    max = ATTRIBUTE_KEY_MAX
                )]
            } else {
                Vec::new()
            }
        }
        SegmentCondition::ChurnRisk(levels) if levels.is_empty() => {
            vec![message!("names no churn-risk level")]
        }
        SegmentCondition::Rfm(segments) if segments.is_empty() => {
            vec![message!("names no RFM segment")]
        }
        SegmentCondition::ChurnRisk(_) | SegmentCondition::Rfm(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::automations::automation::Range;

    fn segment(conditions: Vec<SegmentCondition>) -> Segment {
        Segment {
            id: "lapsed_gold".into(),
            name: "Lapsed gold".into(),
            description: None,
            conditions,
        }
    }

    fn keys(segment: &Segment) -> Vec<String> {
        segment
            .check(&["gold".into()])
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|i| i.key)
            .collect()
    }

    #[test]
    fn every_problem_is_reported_at_its_condition() {
        let bad = Segment {
            id: "Lapsed Gold".into(),
            name: " ".into(),
            ..segment(vec![
                SegmentCondition::Member(MemberCondition::Tiers(vec!["platinum".into()])),
                SegmentCondition::Spend {
                    days: 0,
                    range: Range {
                        at_least: Some(500),
                        at_most: Some(100),
                    },
                },
                SegmentCondition::ChurnRisk(vec![]),
                SegmentCondition::Attribute {
                    key: String::new(),
                    value: "x".into(),
                },
            ])
        };
        assert_eq!(
            keys(&bad),
            [
                "id",
                "name",
                "conditions[0]",
                "conditions[1]",
                "conditions[1]",
                "conditions[2]",
                "conditions[3]",
            ]
        );
        assert_eq!(
            keys(&segment(vec![])),
            ["conditions"],
            "a segment picks someone"
        );
    }

    #[test]
    fn the_windows_to_count_are_each_named_once() {
        let range = Range::default();
        let both = segment(vec![
            SegmentCondition::Spend { days: 365, range },
            SegmentCondition::Purchases { days: 90, range },
            SegmentCondition::Purchases { days: 365, range },
        ]);
        assert!(keys(&both).is_empty());
        assert_eq!(both.windows(), [90, 365]);
    }
}
