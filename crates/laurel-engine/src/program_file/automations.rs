//! The program file's `[[automations]]`: a trigger, conditions on the member, actions and a
//! limit per member.
//!
//! ```toml
//! [[automations]]
//! id = "win_back"
//! name = { en = "Win back", zh-CN = "唤回" }
//! trigger = "daily"                      # or { event = "tier.changed" }
//! limit = "per_month"                    # once (default), per_year, per_month, per_week, per_day
//! conditions = [
//!   { days_since_last_purchase = { at_least = 60 } },
//!   { balance = { at_least = 100 } },
//!   { consent = "email" },
//!   { segments = ["lapsed_gold"] },      # in one of these saved segments
//! ]
//! actions = [
//!   { award_points = 50, reason = "We miss you" },
//!   { send = { subject = "…", text = "…" } },
//!   { webhook = true },
//! ]
//! ```

use super::words::Words;
use laurel_core::Points;
use laurel_core::automations::automation::Range;
use laurel_core::automations::{Action, Automation, AutomationTrigger, Limit, MemberCondition};
use laurel_core::events::EventKind;
use laurel_core::issue::{Issue, Issues};
use laurel_core::message;
use serde::Deserialize;

/// One `[[automations]]` table.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AutomationSection {
    id: String,
    name: Words,
    trigger: TriggerSection,
    #[serde(default)]
    limit: Option<String>,
    #[serde(default)]
    conditions: Vec<ConditionSection>,
    actions: Vec<ActionSection>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum TriggerSection {
    Named(String),
    Event { event: String },
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum ConditionSection {
    Tiers(Vec<String>),
    DaysSinceLastPurchase(RangeSection),
    DaysSinceJoining(RangeSection),
    Balance(RangeSection),
    Consent(String),
    Segments(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RangeSection {
    at_least: Option<i64>,
    at_most: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionSection {
    award_points: Option<i64>,
    reason: Option<String>,
    send: Option<SendSection>,
    webhook: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SendSection {
    subject: Words,
    text: Words,
}

/// The automations, checked against the program's tiers, or every problem.
pub(super) fn convert(
    sections: Vec<AutomationSection>,
    tier_ids: &[String],
) -> Result<Vec<Automation>, Vec<Issue>> {
    let mut problems = Issues::under("automations");
    let mut automations = Vec::new();
    for section in sections {
        let id = section.id.clone();
        let trigger = match section.trigger {
            TriggerSection::Named(name) if name == "daily" => Some(AutomationTrigger::Daily),
            TriggerSection::Named(name) => {
                problems.add(
                    format!("{id}.trigger"),
                    message!(
                        "must be \"daily\" or an event table (event = \"…\"), got `{got}`",
                        got = name
                    ),
                );
                None
            }
            TriggerSection::Event { event } => match event.parse::<EventKind>() {
                Ok(kind) => Some(AutomationTrigger::Event(kind)),
                Err(_) => {
                    problems.add(
                        format!("{id}.trigger"),
                        message!("no event type `{got}`", got = event),
                    );
                    None
                }
            },
        };
        let limit = match section.limit.as_deref() {
            None => Some(Limit::Once),
            Some(name) => {
                let found = Limit::NAMES
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, l)| *l);
                if found.is_none() {
                    let names: Vec<&str> = Limit::NAMES.iter().map(|(n, _)| *n).collect();
                    problems.add(
                        format!("{id}.limit"),
                        message!(
                            "must be one of {names}, got `{got}`",
                            names = names.join(", "),
                            got = name
                        ),
                    );
                }
                found
            }
        };
        let mut actions = Vec::new();
        for action in section.actions {
            match (action.award_points, action.send, action.webhook) {
                (Some(points), None, None) => actions.push(Action::AwardPoints {
                    points: Points(points),
                    reason: action.reason.unwrap_or_default(),
                }),
                (None, Some(send), None) if action.reason.is_none() => actions.push(Action::Send {
                    subject: send.subject.0,
                    text: send.text.0,
                }),
                (None, None, Some(true)) if action.reason.is_none() => {
                    actions.push(Action::Webhook)
                }
                _ => problems.add(
                    format!("{id}.actions"),
                    message!(
                        "each action is one of: award_points with a reason, send with a subject \
                         and a text, or webhook = true"
                    ),
                ),
            }
        }
        let conditions = section
            .conditions
            .into_iter()
            .map(|c| {
                let range = |r: RangeSection| Range {
                    at_least: r.at_least,
                    at_most: r.at_most,
                };
                match c {
                    ConditionSection::Tiers(t) => MemberCondition::Tiers(t),
                    ConditionSection::DaysSinceLastPurchase(r) => {
                        MemberCondition::DaysSinceLastPurchase(range(r))
                    }
                    ConditionSection::DaysSinceJoining(r) => {
                        MemberCondition::DaysSinceJoining(range(r))
                    }
                    ConditionSection::Balance(r) => MemberCondition::Balance(range(r)),
                    ConditionSection::Consent(c) => MemberCondition::Consent(c),
                    ConditionSection::Segments(ids) => MemberCondition::Segments(ids),
                }
            })
            .collect();
        if let (Some(trigger), Some(limit)) = (trigger, limit) {
            automations.push(Automation {
                id,
                name: section.name.0,
                trigger,
                conditions,
                actions,
                limit,
            });
        }
    }
    let mut all: Vec<Issue> = problems.result(()).err().unwrap_or_default();
    match Automation::check_all(automations, tier_ids) {
        Ok(automations) if all.is_empty() => Ok(automations),
        Ok(_) => Err(all),
        Err(more) => {
            all.extend(more);
            Err(all)
        }
    }
}
