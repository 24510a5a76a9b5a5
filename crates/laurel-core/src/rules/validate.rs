//! Validation of earning rules: every problem, each with the key path it concerns.

use super::condition::Condition;
use super::effect::Effect;
use super::limits::LimitKind;
use super::rule::{BASE_RULE_ID, EarningRule, STANDARD_EVENT_KINDS, Stacking, Trigger};
use crate::issue::{Issue, Issues};
use crate::message;
use crate::points::Points;
use rust_decimal::Decimal;
use std::collections::HashMap;

/// One problem found in a rule, with the key path it concerns (`rules[2].effect.multiplier`).
pub type RuleIssue = Issue;

/// Checks a whole rule list: each rule, then that ids are unique. Empty when all is well.
///
/// With `declared_events`, an event trigger must name a declared kind or one of
/// [`STANDARD_EVENT_KINDS`]; without it, any non-empty kind is accepted.
pub fn validate_rules(rules: &[EarningRule], declared_events: Option<&[String]>) -> Vec<RuleIssue> {
    let mut issues: Vec<RuleIssue> = rules
        .iter()
        .enumerate()
        .flat_map(|(index, rule)| rule.issues(index, declared_events))
        .collect();
    let mut first_use: HashMap<&str, usize> = HashMap::new();
    for (index, rule) in rules.iter().enumerate() {
        let id = rule.id.trim();
        if id.is_empty() {
            continue;
        }
        if let Some(first) = first_use.get(id) {
            issues.push(RuleIssue::new(
                format!("rules[{index}].id"),
                message!(
                    "duplicate id `{id}`, already used by {first}",
                    id = id,
                    first = format!("rules[{first}]")
                ),
            ));
        } else {
            first_use.insert(id, index);
        }
    }
    issues
}

impl EarningRule {
    /// Every problem with this rule, keyed as `rules[index]…`; ids are not compared across rules.
    pub fn issues(&self, index: usize, declared_events: Option<&[String]>) -> Vec<RuleIssue> {
        let mut issues = Issues::under(format!("rules[{index}]"));
        if self.id.trim().is_empty() {
            issues.add("id", "must not be empty");
        } else if self.id == BASE_RULE_ID {
            issues.add(
                "id",
                message!("`{id}` is reserved for the base earn", id = BASE_RULE_ID),
            );
        } else if self.id.starts_with(crate::tiers::TIER_RULE_PREFIX) {
            issues.add("id", "ids starting `tier:` are reserved for tier bonuses");
        } else if self
            .id
            .starts_with(crate::membership::MEMBERSHIP_RULE_PREFIX)
        {
            issues.add(
                "id",
                "ids starting `membership:` are reserved for membership bonuses",
            );
        } else if self.id == crate::referrals::REFERRAL_RULE_ID {
            issues.add(
                "id",
                message!(
                    "`{id}` is reserved for referral bonuses",
                    id = crate::referrals::REFERRAL_RULE_ID
                ),
            );
        }
        for (key, problem) in self.name.problems("name", true) {
            issues.add(key, problem);
        }
        if let Trigger::Event(kind) = &self.trigger {
            check_event_kind(&mut issues, kind, declared_events);
        }
        for (k, condition) in self.conditions.iter().enumerate() {
            check_condition(
                &mut issues,
                &format!("conditions[{k}].{}", condition.key()),
                condition,
                &self.trigger,
            );
        }
        check_effect(&mut issues, &self.effect, &self.trigger);
        if self.partner.is_some() {
            check_partner_rule(&mut issues, self);
        }
        for kind in LimitKind::ALL {
            if let Some(cap) = self.limits.get(kind)
                && cap < Points::ZERO
            {
                issues.add(
                    format!("limits.{kind}"),
                    message!("must not be negative, got {got}", got = cap),
                );
            }
        }
        if let Stacking::ExclusiveGroup(group) = &self.stacking
            && group.trim().is_empty()
        {
            issues.add("stacking.group", "must not be empty");
        }
        issues.into_vec()
    }
}

fn check_event_kind(issues: &mut Issues, kind: &str, declared: Option<&[String]>) {
    if kind.trim().is_empty() {
        issues.add("trigger.event", "must not be empty");
        return;
    }
    let Some(declared) = declared else {
        return;
    };
    let known = STANDARD_EVENT_KINDS.contains(&kind) || declared.iter().any(|d| d == kind);
    if !known {
        let mut all: Vec<&str> = STANDARD_EVENT_KINDS.to_vec();
        all.extend(declared.iter().map(String::as_str));
        issues.add(
            "trigger.event",
            message!(
                "unknown event kind `{kind}`: expected one of {expected}",
                kind = kind,
                expected = all.join(", ")
            ),
        );
    }
}

fn check_condition(issues: &mut Issues, key: &str, condition: &Condition, trigger: &Trigger) {
    if let Trigger::Event(kind) = trigger
        && condition.needs_purchase()
    {
        issues.add(
            key,
            message!(
                "applies to purchases, but this rule is triggered by `{kind}` events",
                kind = kind
            ),
        );
    }
    if matches!(trigger, Trigger::Purchase) && condition.needs_event() {
        issues.add(
            key,
            "applies to events, but this rule is triggered by purchases",
        );
    }
    let names = |issues: &mut Issues, names: &[String]| {
        if names.is_empty() {
            issues.add(key, "must list at least one value");
        } else if names.iter().any(|n| n.trim().is_empty()) {
            issues.add(key, "must not contain an empty value");
        }
    };
    let attribute = |issues: &mut Issues, name: &str| {
        if name.trim().is_empty() {
            issues.add(format!("{key}.key"), "must not be empty");
        }
    };
    match condition {
        Condition::ChannelIn(channels) => {
            if channels.is_empty() {
                issues.add(key, "must list at least one channel");
            }
        }
        Condition::StoreIn(list)
        | Condition::SkuIn(list)
        | Condition::CategoryIn(list)
        | Condition::TierIn(list) => names(issues, list),
        Condition::SegmentIn(list) => {
            names(issues, list);
            for id in list.iter().filter(|id| !crate::text::is_valid_id(id)) {
                issues.add(
                    key,
                    message!(
                        "`{got}` is not a segment id (lower-case letters, digits and underscores)",
                        got = id
                    ),
                );
            }
        }
        Condition::LineAttribute { key: name, .. }
        | Condition::MemberAttribute { key: name, .. }
        | Condition::EventAttribute { key: name, .. } => attribute(issues, name),
        Condition::MinimumSpend(minimum) => {
            if *minimum < Decimal::ZERO {
                issues.add(
                    key,
                    message!("must not be negative, got {got}", got = minimum),
                );
            }
        }
        Condition::DayOfWeek(days) => {
            if days.is_empty() {
                issues.add(key, "must list at least one day");
            }
        }
        Condition::TimeOfDay(window) => {
            if window.from == window.to {
                issues.add(
                    key,
                    message!(
                        "from and to are both {at}: the window would be empty",
                        at = window.from
                    ),
                );
            }
            if window.days.as_ref().is_some_and(Vec::is_empty) {
                issues.add(
                    format!("{key}.days"),
                    "must list at least one day (leave it out for every day)",
                );
            }
        }
        Condition::DateRange { from, to } => {
            if from > to {
                issues.add(
                    key,
                    message!(
                        "ends on {to}, before it starts on {from}",
                        to = to,
                        from = from
                    ),
                );
            }
        }
        Condition::FirstPurchase | Condition::Birthday(_) => {}
    }
}

fn check_effect(issues: &mut Issues, effect: &Effect, trigger: &Trigger) {
    let key = format!("effect.{}", effect.key());
    match effect {
        Effect::PointsPerUnit(rate) => {
            if *rate <= Decimal::ZERO {
                issues.add(&key, message!("must be above 0, got {got}", got = rate));
            }
        }
        Effect::Fixed(points) => {
            if *points <= Points::ZERO {
                issues.add(&key, message!("must be above 0, got {got}", got = points));
            }
        }
        Effect::Multiplier(m) => {
            if *m <= Decimal::ONE {
                issues.add(
                    &key,
                    message!("must be above 1 (2 is double points), got {got}", got = m),
                );
            }
        }
        Effect::PercentBonus(percent) => {
            if *percent <= Decimal::ZERO {
                issues.add(&key, message!("must be above 0, got {got}", got = percent));
            }
        }
    }
    if let Trigger::Event(kind) = trigger
        && effect.needs_spend()
    {
        issues.add(
            &key,
            message!(
                "needs a purchase's spend, but this rule is triggered by `{kind}` events: use a fixed effect",
                kind = kind
            ),
        );
    }
}

/// A partner's rule earns on the partner's purchases alone, where no base earn exists for a
/// multiplier or a percentage to work on.
fn check_partner_rule(issues: &mut Issues, rule: &EarningRule) {
    if let Trigger::Event(_) = rule.trigger {
        issues.add("partner", "a partner's rule must be triggered by purchases");
    }
    if matches!(rule.effect, Effect::Multiplier(_) | Effect::PercentBonus(_)) {
        issues.add(
            "effect",
            "a partner's rule earns points per unit or fixed points: no base earn is made at a partner",
        );
    }
}
