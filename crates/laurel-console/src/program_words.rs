//! The program in words, so a loyalty manager reads what it does without reading TOML: each
//! earning rule as a sentence (when, for what, how much, how far), in the page's language.

use crate::i18n::{Locale, Strings};
use jiff::civil::Weekday;
use laurel_core::rules::{BirthdayWindow, Condition, EarningRule, Effect, Stacking, Trigger};
use laurel_core::{Localized, Program};
use laurel_engine::ProgramDefinition;
use std::collections::BTreeMap;

/// The base earning: how much every purchase earns and what a point is worth.
pub(crate) fn base(l: Locale, program: &Program) -> String {
    l.strings().fill(
        "words.base",
        &[
            ("rate", &program.points_per_unit.normalize().to_string()),
            ("currency", l.currency_unit(program.currency)),
            ("value", &l.amount(program.point_value, program.currency)),
        ],
    )
}

/// A reward's name in `l`'s language as the catalog in force names it; one the catalog no
/// longer has, by the name `kept` with what was redeemed.
pub(crate) fn reward_name(
    l: Locale,
    definition: &ProgramDefinition,
    reward_id: &str,
    kept: &str,
) -> String {
    definition
        .catalog
        .get(reward_id)
        .map_or(kept, |reward| l.text(&reward.name))
        .to_owned()
}

/// One earning rule of `definition` as a sentence.
pub(crate) fn rule(l: Locale, definition: &ProgramDefinition, rule: &EarningRule) -> String {
    let t = l.strings();
    let program = &definition.program;
    let when = match &rule.trigger {
        Trigger::Purchase => t.get("words.on_purchase").to_owned(),
        Trigger::Event(kind) => t.with("words.on_event", "kind", &event_name(l, definition, kind)),
    };
    let what = match &rule.effect {
        Effect::PointsPerUnit(rate) => t.fill(
            "words.rate",
            &[
                ("rate", &rate.normalize().to_string()),
                ("currency", l.currency_unit(program.currency)),
            ],
        ),
        Effect::Fixed(points) => t.with("words.fixed", "n", &l.integer(points.get())),
        Effect::Multiplier(m) => t.with("words.multiplier", "m", &m.normalize().to_string()),
        Effect::PercentBonus(p) => t.with("words.percent", "p", &p.normalize().to_string()),
    };
    let mut parts = vec![format!("{when}{}", t.get("words.comma")), what];
    let conditions: Vec<String> = rule
        .conditions
        .iter()
        .map(|c| condition(l, definition, c))
        .collect();
    if !conditions.is_empty() {
        parts.push(t.with(
            "words.if",
            "conditions",
            &conditions.join(t.get("words.and")),
        ));
    }
    let caps = limits(l, rule);
    if !caps.is_empty() {
        parts.push(t.with("words.at_most", "limits", &caps.join(t.get("words.list"))));
    }
    match &rule.stacking {
        Stacking::Stackable => {}
        Stacking::Exclusive => parts.push(t.get("words.exclusive").to_owned()),
        Stacking::ExclusiveGroup(group) => parts.push(t.with("words.group", "group", group)),
    }
    format!(
        "{}{}{}{}",
        l.text(&rule.name),
        t.get("words.colon"),
        parts.join(t.get("words.space")),
        t.get("words.stop")
    )
}

/// An event kind as the program's `[names]` call it, else a standard kind in the page's
/// words, else as written.
fn event_name(l: Locale, definition: &ProgramDefinition, kind: &str) -> String {
    match definition.names.events.get(kind) {
        Some(name) => l.text(name).to_owned(),
        None => l
            .strings()
            .find(&format!("event.{kind}"))
            .map_or_else(|| kind.to_owned(), str::to_owned),
    }
}

/// `codes` as the program's `[names]` call them in `l`'s language (a code with no name as
/// written).
fn named(l: Locale, names: &BTreeMap<String, Localized>, codes: &[String]) -> Vec<String> {
    codes
        .iter()
        .map(|code| {
            names
                .get(code)
                .map_or(code.as_str(), |n| l.text(n))
                .to_owned()
        })
        .collect()
}

/// A tier by its name in the page's language; one the program no longer has, by its id.
pub(crate) fn tier_name(l: Locale, definition: &ProgramDefinition, id: &str) -> String {
    definition
        .tiers
        .as_ref()
        .and_then(|policy| policy.tiers().iter().find(|tier| tier.id == id))
        .map_or_else(|| id.to_owned(), |tier| l.text(&tier.name).to_owned())
}

fn condition(l: Locale, definition: &ProgramDefinition, c: &Condition) -> String {
    let t = l.strings();
    let (program, names) = (&definition.program, &definition.names);
    let list = |items: &[String]| items.join(t.get("words.or"));
    match c {
        Condition::ChannelIn(channels) => t.with(
            "words.channel",
            "list",
            &list(&channels.iter().map(|c| c.to_string()).collect::<Vec<_>>()),
        ),
        Condition::StoreIn(stores) => t.with(
            "words.store",
            "list",
            &list(&named(l, &names.stores, stores)),
        ),
        Condition::SkuIn(skus) => t.with("words.sku", "list", &list(&named(l, &names.skus, skus))),
        Condition::CategoryIn(categories) => t.with(
            "words.category",
            "list",
            &list(&named(l, &names.categories, categories)),
        ),
        Condition::LineAttribute { key, value } => t
            .with("words.line_attribute", "key", key)
            .replace("{value}", value),
        Condition::MinimumSpend(amount) => t.with(
            "words.min_spend",
            "amount",
            &l.amount(*amount, program.currency),
        ),
        Condition::DayOfWeek(days) => t.with("words.days", "list", &weekdays(t, days)),
        Condition::TimeOfDay(window) => {
            let mut text = t
                .with(
                    "words.time",
                    "from",
                    &window.from.strftime("%H:%M").to_string(),
                )
                .replace("{to}", &window.to.strftime("%H:%M").to_string());
            if let Some(days) = &window.days {
                text.push_str(&t.with("words.time_days", "list", &weekdays(t, days)));
            }
            text
        }
        Condition::DateRange { from, to } => t
            .with("words.dates", "from", &from.to_string())
            .replace("{to}", &to.to_string()),
        Condition::SegmentIn(ids) => t.with("words.segment", "list", &list(ids)),
        Condition::TierIn(tiers) => {
            let names: Vec<String> = tiers
                .iter()
                .map(|id| tier_name(l, definition, id))
                .collect();
            t.with("words.tier", "list", &list(&names))
        }
        Condition::MemberAttribute { key, value } => t
            .with("words.member_attribute", "key", key)
            .replace("{value}", value),
        Condition::FirstPurchase => t.get("words.first_purchase").to_owned(),
        Condition::Birthday(window) => t
            .get(match window {
                BirthdayWindow::Day => "words.birthday_day",
                BirthdayWindow::Week => "words.birthday_week",
                BirthdayWindow::Month => "words.birthday_month",
            })
            .to_owned(),
        Condition::EventAttribute { key, value } => t
            .with("words.event_attribute", "key", key)
            .replace("{value}", value),
    }
}

fn weekdays(t: &Strings, days: &[Weekday]) -> String {
    days.iter()
        .map(|d| {
            t.get(&format!("words.day{}", d.to_monday_zero_offset()))
                .to_owned()
        })
        .collect::<Vec<_>>()
        .join(t.get("words.list"))
}

fn limits(l: Locale, rule: &EarningRule) -> Vec<String> {
    let t = l.strings();
    let lim = &rule.limits;
    [
        (lim.per_transaction, "words.per_transaction"),
        (lim.per_member_day, "words.per_day"),
        (lim.per_member_week, "words.per_week"),
        (lim.per_member_month, "words.per_month"),
        (lim.per_member_lifetime, "words.per_lifetime"),
        (lim.campaign_budget, "words.budget"),
    ]
    .into_iter()
    .filter_map(|(cap, key)| cap.map(|n| t.with(key, "n", &l.integer(n.get()))))
    .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use laurel_engine::program_file::parse_program;

    const PROGRAM: &str = r#"
[program]
name = "Words"
currency = "CNY"
time_zone = "Asia/Shanghai"

[earn]
points_per_unit = "1"

[points]
value = "0.01"
expiry = { policy = "never" }

[[rules]]
id = "double_tuesday"
name = "Double points Tuesday"
effect = { multiplier = "2" }
conditions = [ { days_of_week = ["tue"] }, { categories = ["retail"] } ]
limits = { per_member_day = 500 }

[[rules]]
id = "review"
name = "Review reward"
trigger = { event = "review_written" }
effect = { fixed = 20 }
"#;

    fn sentences(l: Locale) -> Vec<String> {
        let d = parse_program(PROGRAM, std::path::Path::new("words.toml")).unwrap();
        d.rules.in_order().iter().map(|r| rule(l, &d, r)).collect()
    }

    #[test]
    fn a_rule_reads_as_one_sentence_with_its_conditions_and_limits() {
        let en = sentences(Locale::En);
        assert!(
            en.contains(&"Double points Tuesday: On a purchase, 2× the base points (counting the base) if on Tuesday and on category retail — at most 500 a day per member.".to_owned()),
            "{en:?}"
        );
        assert!(
            en.contains(
                &"Review reward: When “a review is written” happens, 20 points.".to_owned()
            ),
            "{en:?}"
        );
        let zh = sentences(Locale::ZhCn);
        assert!(
            zh.iter().any(
                |s| s.starts_with("Double points Tuesday：消费时，基础积分的 2 倍")
                    && s.contains("周二")
            ),
            "{zh:?}"
        );
        assert!(
            zh.iter().any(|s| s.contains("发生“写评价”时")),
            "a standard event kind reads in words: {zh:?}"
        );
    }

    #[test]
    fn the_base_rate_names_the_currency_as_each_language_does() {
        let d = parse_program(PROGRAM, std::path::Path::new("words.toml")).unwrap();
        assert_eq!(
            base(Locale::ZhCn, &d.program),
            "每笔消费每 1 元积 1 分；每积分价值 ¥0.01。"
        );
        assert_eq!(
            base(Locale::En, &d.program),
            "Every purchase earns 1 points per CNY; a point is worth CNY 0.01."
        );
    }
}
