//! The program file's `[[rules]]` and `[events]`: TOML shapes, turned into the core's
//! [`EarningRule`]s. Values the TOML types cannot check (channel names, weekdays, times, dates)
//! are reported here with their key; everything else is the core's validation.

use super::Words;
use crate::decimal;
use jiff::civil::{Date, Time, Weekday};
use laurel_core::issue::{Issues, Message};
use laurel_core::message;
use laurel_core::rewards::unknown_tier;
use laurel_core::rules::{
    BirthdayWindow, Condition, EarningRule, Effect, Limits, RuleIssue, Stacking, TimeWindow,
    Trigger,
};
use laurel_core::{Channel, Points};
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer};

/// `[events]`: the custom event kinds the program declares beyond the standard ones.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct EventsSection {
    #[serde(default)]
    pub declared: Vec<String>,
}

/// One `[[rules]]` table.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RuleSection {
    id: String,
    name: Words,
    #[serde(default)]
    trigger: TriggerSection,
    #[serde(default)]
    priority: i32,
    #[serde(default)]
    stacking: StackingSection,
    effect: EffectSection,
    #[serde(default)]
    limits: LimitsSection,
    #[serde(default)]
    conditions: Vec<ConditionSection>,
    partner: Option<String>,
}

impl RuleSection {
    /// The rule's id as written.
    pub(super) fn id(&self) -> String {
        self.id.clone()
    }
}

/// A decimal written as a string or a number (see [`decimal::deserialize`]).
struct Dec(Decimal);

impl<'de> Deserialize<'de> for Dec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Dec, D::Error> {
        decimal::deserialize(deserializer).map(Dec)
    }
}

#[derive(Deserialize, Default)]
#[serde(untagged)]
enum TriggerSection {
    #[default]
    #[serde(skip)]
    Purchase,
    Name(String),
    Event {
        event: String,
    },
}

#[derive(Deserialize, Default)]
#[serde(untagged)]
enum StackingSection {
    #[default]
    #[serde(skip)]
    Stackable,
    Name(String),
    Group {
        group: String,
    },
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum EffectSection {
    PointsPerUnit(Dec),
    Fixed(i64),
    Multiplier(Dec),
    Percent(Dec),
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct LimitsSection {
    per_transaction: Option<i64>,
    per_member_day: Option<i64>,
    per_member_week: Option<i64>,
    per_member_month: Option<i64>,
    per_member_lifetime: Option<i64>,
    campaign_budget: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyValue {
    key: String,
    value: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WindowSection {
    from: String,
    to: String,
    days: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DatesSection {
    from: String,
    to: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum ConditionSection {
    Channels(Vec<String>),
    Stores(Vec<String>),
    Skus(Vec<String>),
    Categories(Vec<String>),
    LineAttribute(KeyValue),
    MinimumSpend(Dec),
    DaysOfWeek(Vec<String>),
    TimeOfDay(WindowSection),
    Dates(DatesSection),
    Tiers(Vec<String>),
    Segments(Vec<String>),
    MemberAttribute(KeyValue),
    FirstPurchase(bool),
    Birthday(String),
    EventAttribute(KeyValue),
}

/// Checks that every `tiers` condition names a tier the program defines (`tier_ids`).
pub(super) fn check_tier_names(
    rules: Vec<EarningRule>,
    tier_ids: &[String],
) -> Result<Vec<EarningRule>, Vec<RuleIssue>> {
    let mut problems = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        for (k, condition) in rule.conditions.iter().enumerate() {
            let Condition::TierIn(names) = condition else {
                continue;
            };
            for name in names.iter().filter(|n| !tier_ids.contains(n)) {
                problems.push(RuleIssue::new(
                    format!("rules[{i}].conditions[{k}].tiers"),
                    unknown_tier(name, tier_ids),
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(rules)
    } else {
        Err(problems)
    }
}

/// Turns the file's rules into the core's, or every problem the conversion found (the core's
/// own validation runs afterwards, on the converted rules).
pub(super) fn convert(sections: Vec<RuleSection>) -> Result<Vec<EarningRule>, Vec<RuleIssue>> {
    let mut problems = Issues::under("");
    let rules: Vec<EarningRule> = sections
        .into_iter()
        .enumerate()
        .map(|(i, s)| rule(&mut problems, &format!("rules[{i}]"), s))
        .collect();
    problems.result(rules)
}

/// One rule as the file writes it, turned into the core's; its problems added under `key`.
pub(super) fn rule(problems: &mut Issues, key: &str, s: RuleSection) -> EarningRule {
    let trigger = match s.trigger {
        TriggerSection::Purchase => Trigger::Purchase,
        TriggerSection::Name(name) if name == "purchase" => Trigger::Purchase,
        TriggerSection::Name(name) => {
            problems.add(
                format!("{key}.trigger"),
                one_of(&name, "\"purchase\", { event = \"…\" }"),
            );
            Trigger::Purchase
        }
        TriggerSection::Event { event } => Trigger::Event(event),
    };
    let stacking = match s.stacking {
        StackingSection::Stackable => Stacking::Stackable,
        StackingSection::Name(name) => match name.as_str() {
            "stackable" => Stacking::Stackable,
            "exclusive" => Stacking::Exclusive,
            _ => {
                problems.add(
                    format!("{key}.stacking"),
                    one_of(&name, "\"stackable\", \"exclusive\", { group = \"…\" }"),
                );
                Stacking::Stackable
            }
        },
        StackingSection::Group { group } => Stacking::ExclusiveGroup(group),
    };
    let effect = match s.effect {
        EffectSection::PointsPerUnit(Dec(rate)) => Effect::PointsPerUnit(rate),
        EffectSection::Fixed(points) => Effect::Fixed(Points(points)),
        EffectSection::Multiplier(Dec(m)) => Effect::Multiplier(m),
        EffectSection::Percent(Dec(p)) => Effect::PercentBonus(p),
    };
    let l = s.limits;
    let limits = Limits {
        per_transaction: l.per_transaction.map(Points),
        per_member_day: l.per_member_day.map(Points),
        per_member_week: l.per_member_week.map(Points),
        per_member_month: l.per_member_month.map(Points),
        per_member_lifetime: l.per_member_lifetime.map(Points),
        campaign_budget: l.campaign_budget.map(Points),
    };
    let conditions = s
        .conditions
        .into_iter()
        .enumerate()
        .filter_map(|(k, c)| condition(problems, &format!("{key}.conditions[{k}]"), c))
        .collect();
    EarningRule {
        id: s.id,
        name: s.name.0,
        trigger,
        conditions,
        effect,
        limits,
        priority: s.priority,
        stacking,
        partner: s.partner,
    }
}

fn condition(problems: &mut Issues, key: &str, c: ConditionSection) -> Option<Condition> {
    let kv = |kv: KeyValue| (kv.key, kv.value);
    Some(match c {
        ConditionSection::Channels(names) => {
            let mut channels = Vec::with_capacity(names.len());
            for name in names {
                match name.parse::<Channel>() {
                    Ok(channel) => channels.push(channel),
                    Err(_) => {
                        let all: Vec<&str> = Channel::ALL.iter().map(|c| c.as_str()).collect();
                        problems.add(format!("{key}.channels"), one_of(&name, &all.join(", ")));
                        return None;
                    }
                }
            }
            Condition::ChannelIn(channels)
        }
        ConditionSection::Stores(v) => Condition::StoreIn(v),
        ConditionSection::Skus(v) => Condition::SkuIn(v),
        ConditionSection::Categories(v) => Condition::CategoryIn(v),
        ConditionSection::LineAttribute(a) => {
            let (key, value) = kv(a);
            Condition::LineAttribute { key, value }
        }
        ConditionSection::MinimumSpend(Dec(d)) => Condition::MinimumSpend(d),
        ConditionSection::DaysOfWeek(days) => {
            Condition::DayOfWeek(weekdays(problems, &format!("{key}.days_of_week"), &days)?)
        }
        ConditionSection::TimeOfDay(w) => {
            let from = time(problems, &format!("{key}.time_of_day.from"), &w.from);
            let to = time(problems, &format!("{key}.time_of_day.to"), &w.to);
            let days = match w.days {
                Some(days) => Some(weekdays(
                    problems,
                    &format!("{key}.time_of_day.days"),
                    &days,
                )?),
                None => None,
            };
            Condition::TimeOfDay(TimeWindow {
                from: from?,
                to: to?,
                days,
            })
        }
        ConditionSection::Dates(d) => {
            let from = date(problems, &format!("{key}.dates.from"), &d.from);
            let to = date(problems, &format!("{key}.dates.to"), &d.to);
            Condition::DateRange {
                from: from?,
                to: to?,
            }
        }
        ConditionSection::Tiers(v) => Condition::TierIn(v),
        ConditionSection::Segments(v) => Condition::SegmentIn(v),
        ConditionSection::MemberAttribute(a) => {
            let (key, value) = kv(a);
            Condition::MemberAttribute { key, value }
        }
        ConditionSection::FirstPurchase(true) => Condition::FirstPurchase,
        ConditionSection::FirstPurchase(false) => {
            problems.add(
                format!("{key}.first_purchase"),
                "must be true (leave the condition out otherwise)",
            );
            return None;
        }
        ConditionSection::Birthday(window) => Condition::Birthday(match window.as_str() {
            "day" => BirthdayWindow::Day,
            "week" => BirthdayWindow::Week,
            "month" => BirthdayWindow::Month,
            _ => {
                problems.add(
                    format!("{key}.birthday"),
                    one_of(&window, "day, week, month"),
                );
                return None;
            }
        }),
        ConditionSection::EventAttribute(a) => {
            let (key, value) = kv(a);
            Condition::EventAttribute { key, value }
        }
    })
}

/// The days of the week as rules write them, Monday first (full names are read too).
pub const WEEKDAYS: [(&str, Weekday); 7] = [
    ("mon", Weekday::Monday),
    ("tue", Weekday::Tuesday),
    ("wed", Weekday::Wednesday),
    ("thu", Weekday::Thursday),
    ("fri", Weekday::Friday),
    ("sat", Weekday::Saturday),
    ("sun", Weekday::Sunday),
];

/// A day of the week by its short name (`tue`) or its full one (`Tuesday`), in any case.
pub fn weekday(name: &str) -> Option<Weekday> {
    let name = name.to_ascii_lowercase();
    WEEKDAYS
        .iter()
        .find(|(short, day)| name == *short || name == day_name(*day))
        .map(|(_, day)| *day)
}

/// A day's short name, as rules write it.
pub fn weekday_name(day: Weekday) -> &'static str {
    WEEKDAYS
        .iter()
        .find(|(_, d)| *d == day)
        .map_or("mon", |(short, _)| short)
}

/// A day's full name in lower case.
fn day_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => "monday",
        Weekday::Tuesday => "tuesday",
        Weekday::Wednesday => "wednesday",
        Weekday::Thursday => "thursday",
        Weekday::Friday => "friday",
        Weekday::Saturday => "saturday",
        Weekday::Sunday => "sunday",
    }
}

fn weekdays(problems: &mut Issues, key: &str, names: &[String]) -> Option<Vec<Weekday>> {
    let mut days = Vec::with_capacity(names.len());
    for name in names {
        let Some(day) = weekday(name) else {
            problems.add(
                key.to_owned(),
                one_of(name, "mon, tue, wed, thu, fri, sat, sun"),
            );
            return None;
        };
        days.push(day);
    }
    Some(days)
}

fn time(problems: &mut Issues, key: &str, text: &str) -> Option<Time> {
    text.parse::<Time>()
        .map_err(|_| {
            problems.add(
                key.to_owned(),
                message!("`{text}` is not a time such as 07:30", text = text),
            )
        })
        .ok()
}

fn date(problems: &mut Issues, key: &str, text: &str) -> Option<Date> {
    text.parse::<Date>()
        .map_err(|_| {
            problems.add(
                key.to_owned(),
                message!("`{text}` is not a date such as 2026-12-24", text = text),
            )
        })
        .ok()
}

/// A value that is none of those a key takes, with the ones it takes.
pub(super) fn one_of(got: &str, expected: &str) -> Message {
    message!(
        "unknown value `{got}`: expected one of {expected}",
        got = got,
        expected = expected
    )
}
