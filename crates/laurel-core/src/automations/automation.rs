//! An automation as the program defines it, checked whole: every problem with its key.

use super::period::Limit;
use crate::Points;
use crate::events::EventKind;
use crate::issue::{Issue, Issues, Message};
use crate::localized::Localized;
use crate::message;

/// The most automations a program may have.
pub const AUTOMATIONS_MAX: usize = 50;

/// What sets an automation off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AutomationTrigger {
    /// Something that happened to a member (`tier.changed`, `points.earned`…).
    Event(EventKind),
    /// Every day, for every member its conditions hold for.
    Daily,
}

/// An inclusive range; an end not given is open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Range {
    /// The least value.
    pub at_least: Option<i64>,
    /// The greatest value.
    pub at_most: Option<i64>,
}

/// A condition on the member acted on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemberCondition {
    /// Holding one of these tiers.
    Tiers(Vec<String>),
    /// Days since their last purchase (a member who never bought has gone forever).
    DaysSinceLastPurchase(Range),
    /// Days since they joined.
    DaysSinceJoining(Range),
    /// Points they may spend.
    Balance(Range),
    /// Consented to this channel.
    Consent(String),
    /// In one of these saved segments (their ids), as of its last refresh.
    Segments(Vec<String>),
}

impl MemberCondition {
    /// What is wrong with the condition in a program with these tiers (nothing if sound).
    pub fn problems(&self, tier_ids: &[String]) -> Vec<Message> {
        match self {
            MemberCondition::Tiers(tiers) => tiers
                .iter()
                .filter(|t| !tier_ids.contains(t))
                .map(|tier| message!("no tier `{tier}` in the program", tier = tier))
                .collect(),
            MemberCondition::Consent(channel)
                if !crate::notices::CHANNELS.contains(&channel.as_str()) =>
            {
                vec![message!("no channel `{got}`", got = channel)]
            }
            MemberCondition::Consent(_) => Vec::new(),
            MemberCondition::Segments(ids) => ids
                .iter()
                .filter(|id| !crate::text::is_valid_id(id))
                .map(|id| {
                    message!(
                        "`{got}` is not a segment id (lower-case letters, digits and underscores)",
                        got = id
                    )
                })
                .collect(),
            MemberCondition::DaysSinceLastPurchase(range)
            | MemberCondition::DaysSinceJoining(range)
            | MemberCondition::Balance(range) => range.problems(),
        }
    }
}

impl Range {
    /// What is wrong with the range: a negative end, or the least above the greatest.
    pub fn problems(&self) -> Vec<Message> {
        let mut found = Vec::new();
        if self.at_least.is_some_and(|n| n < 0) || self.at_most.is_some_and(|n| n < 0) {
            found.push(message!("a range's ends are 0 or more"));
        }
        if let (Some(min), Some(max)) = (self.at_least, self.at_most)
            && min > max
        {
            found.push(message!(
                "at_least ({min}) is above at_most ({max})",
                min = min,
                max = max
            ));
        }
        found
    }
}

/// What an automation does to each member it acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Gives points, with this reason (what the member is told).
    AwardPoints {
        /// How many.
        points: Points,
        /// Why.
        reason: String,
    },
    /// Writes to them, by e-mail (with consent, outside quiet hours, under the cap).
    Send {
        /// The subject, a template per language.
        subject: Localized,
        /// The text, a template per language.
        text: Localized,
    },
    /// Tells the webhook subscribers of `automation.fired`.
    Webhook,
}

/// An automation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Automation {
    /// Its id: stable, it keys the runs.
    pub id: String,
    /// What people call it.
    pub name: Localized,
    /// What sets it off.
    pub trigger: AutomationTrigger,
    /// What must hold of the member.
    pub conditions: Vec<MemberCondition>,
    /// What it does.
    pub actions: Vec<Action>,
    /// How often one member may be acted on.
    pub limit: Limit,
}

impl Automation {
    /// The automations if they are sound, else every problem with its key (`automations.<id>…`).
    pub fn check_all(
        automations: Vec<Automation>,
        tier_ids: &[String],
    ) -> Result<Vec<Automation>, Vec<Issue>> {
        let mut problems = Issues::under("automations");
        if automations.len() > AUTOMATIONS_MAX {
            problems.add(
                "",
                message!("at most {max} automations", max = AUTOMATIONS_MAX),
            );
        }
        let mut seen: Vec<&str> = Vec::new();
        for automation in &automations {
            let id = automation.id.as_str();
            if !crate::text::is_valid_id(id) {
                problems.add(
                    id,
                    message!("an id is 1 to 64 lower-case letters, digits and underscores"),
                );
            }
            if seen.contains(&id) {
                problems.add(id, message!("is defined twice"));
            }
            seen.push(id);
            for (key, words) in automation.name.problems("name", true) {
                problems.add(format!("{id}.{key}"), words);
            }
            if automation.actions.is_empty() {
                problems.add(format!("{id}.actions"), message!("names no action"));
            }
            for condition in &automation.conditions {
                for words in condition.problems(tier_ids) {
                    problems.add(format!("{id}.conditions"), words);
                }
            }
            for action in &automation.actions {
                match action {
                    Action::AwardPoints { points, reason } => {
                        if !points.is_positive() {
                            problems.add(
                                format!("{id}.actions"),
                                message!("points must be above zero"),
                            );
                        }
                        if reason.trim().is_empty() {
                            problems.add(format!("{id}.actions"), message!("points need a reason"));
                        }
                    }
                    Action::Send { subject, text } => {
                        for (key, words) in subject
                            .problems("subject", true)
                            .into_iter()
                            .chain(text.problems("text", true))
                        {
                            problems.add(format!("{id}.actions.{key}"), words);
                        }
                    }
                    Action::Webhook => {}
                }
            }
        }
        problems.result(automations)
    }

    /// Whether it sends letters (and so keeps quiet hours).
    pub fn sends(&self) -> bool {
        self.actions
            .iter()
            .any(|a| matches!(a, Action::Send { .. }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn automation(id: &str) -> Automation {
        Automation {
            id: id.into(),
            name: Localized::Plain("Win back".into()),
            trigger: AutomationTrigger::Daily,
            conditions: vec![],
            actions: vec![Action::Webhook],
            limit: Limit::Once,
        }
    }

    #[test]
    fn every_problem_is_reported_at_its_automation() {
        let bad = vec![
            automation("win_back"),
            automation("win_back"),
            Automation {
                conditions: vec![MemberCondition::Tiers(vec!["platinum".into()])],
                actions: vec![],
                ..automation("Bad Id")
            },
            Automation {
                actions: vec![Action::AwardPoints {
                    points: Points(0),
                    reason: " ".into(),
                }],
                ..automation("gift")
            },
        ];
        let keys: Vec<String> = Automation::check_all(bad, &["gold".into()])
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|i| i.key)
            .collect();
        assert_eq!(
            keys,
            [
                "automations.win_back",
                "automations.Bad Id",
                "automations.Bad Id.actions",
                "automations.Bad Id.conditions",
                "automations.gift.actions",
                "automations.gift.actions",
            ]
        );
    }
}
