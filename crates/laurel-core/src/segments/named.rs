//! The saved segments a program names, each with the key it is named at, so the engine can
//! refuse a program naming a segment not saved, and a segment's deletion while a program
//! names it.

use crate::automations::{Automation, MemberCondition};
use crate::rewards::Catalog;
use crate::rules::{Condition, RuleSet};

/// Every segment id the program's rules, rewards and automations name, with its key
/// (`rules[0].conditions[1].segments`, `rewards[2].segments`, `automations.win_back.conditions`),
/// in the program's order.
pub fn named_segments(
    rules: &RuleSet,
    catalog: &Catalog,
    automations: &[Automation],
) -> Vec<(String, String)> {
    let mut named = Vec::new();
    for (i, rule) in rules.in_order().iter().enumerate() {
        for (k, condition) in rule.conditions.iter().enumerate() {
            if let Condition::SegmentIn(ids) = condition {
                let key = format!("rules[{i}].conditions[{k}].segments");
                named.extend(ids.iter().map(|id| (key.clone(), id.clone())));
            }
        }
    }
    for (i, reward) in catalog.rewards().iter().enumerate() {
        let key = format!("rewards[{i}].segments");
        named.extend(reward.segments.iter().map(|id| (key.clone(), id.clone())));
    }
    for automation in automations {
        for condition in &automation.conditions {
            if let MemberCondition::Segments(ids) = condition {
                let key = format!("automations.{}.conditions", automation.id);
                named.extend(ids.iter().map(|id| (key.clone(), id.clone())));
            }
        }
    }
    named
}
