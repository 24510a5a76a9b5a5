//! The core's rule, tier and reward written as the program file's keys: every key the file
//! reads for them, `None` for one left out (its default, or nothing to say), so a key the
//! text had and the item no longer has is removed.

use super::super::rewards::write_instant;
use super::super::rules::weekday_name;
use jiff::civil::{Time, Weekday};
use jiff::tz::TimeZone;
use laurel_core::Localized;
use laurel_core::rewards::{Reward, RewardKind};
use laurel_core::rules::{
    BirthdayWindow, Condition, EarningRule, Effect, LimitKind, Stacking, Trigger,
};
use laurel_core::tiers::Tier;
use rust_decimal::Decimal;
use toml_edit::{Array, InlineTable, Item, Table, Value};

/// A table's keys as written: each with its value, or `None` for a key left out.
pub(super) type Keys = Vec<(&'static str, Option<Value>)>;

/// Sets `key` in `table` to `value` (removing it for `None`): an existing key keeps its place
/// and the comments around it, a new one goes last.
pub(super) fn set(table: &mut Table, key: &str, value: Option<Value>) {
    let Some(mut value) = value else {
        table.remove(key);
        return;
    };
    match table.get_mut(key) {
        Some(Item::Value(old)) => {
            *value.decor_mut() = old.decor().clone();
            *old = value;
        }
        Some(other) => *other = Item::Value(value),
        None => {
            table.insert(key, Item::Value(value));
        }
    }
}

/// An earning rule's keys, in the order the README writes them.
pub(super) fn rule(rule: &EarningRule) -> Keys {
    let limits: Vec<(&str, Value)> = LimitKind::ALL
        .iter()
        .filter_map(|kind| Some((kind.as_str(), Value::from(rule.limits.get(*kind)?.get()))))
        .collect();
    vec![
        ("id", Some(text(&rule.id))),
        ("name", Some(words(&rule.name))),
        (
            "trigger",
            match &rule.trigger {
                Trigger::Purchase => None,
                Trigger::Event(kind) => Some(inline([("event", text(kind))])),
            },
        ),
        (
            "priority",
            (rule.priority != 0).then(|| Value::from(i64::from(rule.priority))),
        ),
        (
            "stacking",
            match &rule.stacking {
                Stacking::Stackable => None,
                Stacking::Exclusive => Some(text("exclusive")),
                Stacking::ExclusiveGroup(group) => Some(inline([("group", text(group))])),
            },
        ),
        (
            "effect",
            Some(inline([(rule.effect.key(), effect(&rule.effect))])),
        ),
        ("partner", rule.partner.as_deref().map(text)),
        ("limits", (!limits.is_empty()).then(|| inline(limits))),
        (
            "conditions",
            (!rule.conditions.is_empty()).then(|| conditions(&rule.conditions)),
        ),
    ]
}

/// An effect's value: points as a number, rates as exact decimal text.
fn effect(effect: &Effect) -> Value {
    match effect {
        Effect::PointsPerUnit(d) | Effect::Multiplier(d) | Effect::PercentBonus(d) => decimal(*d),
        Effect::Fixed(points) => Value::from(points.get()),
    }
}

/// The conditions, one a line when there are several, so a long rule stays readable.
fn conditions(conditions: &[Condition]) -> Value {
    let mut array: Array = conditions.iter().map(condition).collect();
    if array.len() > 1 {
        for value in array.iter_mut() {
            value.decor_mut().set_prefix("\n    ");
        }
        array.set_trailing_comma(true);
        array.set_trailing("\n");
    }
    Value::Array(array)
}

/// One condition as a one-key inline table (`{ channels = ["pos"] }`).
fn condition(condition: &Condition) -> Value {
    let pair = |key: &str, value: &str| inline([("key", text(key)), ("value", text(value))]);
    let (name, value) = match condition {
        Condition::ChannelIn(channels) => ("channels", list(channels.iter().map(|c| c.as_str()))),
        Condition::StoreIn(v) => ("stores", texts(v)),
        Condition::SkuIn(v) => ("skus", texts(v)),
        Condition::CategoryIn(v) => ("categories", texts(v)),
        Condition::LineAttribute { key, value } => ("line_attribute", pair(key, value)),
        Condition::MinimumSpend(d) => ("minimum_spend", decimal(*d)),
        Condition::DayOfWeek(days) => ("days_of_week", weekdays(days)),
        Condition::TimeOfDay(window) => {
            let mut parts = vec![("from", time(window.from)), ("to", time(window.to))];
            if let Some(days) = &window.days {
                parts.push(("days", weekdays(days)));
            }
            ("time_of_day", inline(parts))
        }
        Condition::DateRange { from, to } => (
            "dates",
            inline([
                ("from", text(&from.to_string())),
                ("to", text(&to.to_string())),
            ]),
        ),
        Condition::TierIn(v) => ("tiers", texts(v)),
        Condition::MemberAttribute { key, value } => ("member_attribute", pair(key, value)),
        Condition::SegmentIn(v) => ("segments", texts(v)),
        Condition::FirstPurchase => ("first_purchase", Value::from(true)),
        Condition::Birthday(window) => (
            "birthday",
            text(match window {
                BirthdayWindow::Day => "day",
                BirthdayWindow::Week => "week",
                BirthdayWindow::Month => "month",
            }),
        ),
        Condition::EventAttribute { key, value } => ("event_attribute", pair(key, value)),
    };
    inline([(name, value)])
}

/// A tier's keys; its benefits left out when they are the defaults.
pub(super) fn tier(tier: &Tier) -> Keys {
    let b = &tier.benefits;
    vec![
        ("id", Some(text(&tier.id))),
        ("name", Some(words(&tier.name))),
        ("threshold", Some(decimal(tier.threshold))),
        (
            "earn_multiplier",
            (b.earn_multiplier != Decimal::ONE).then(|| decimal(b.earn_multiplier)),
        ),
        (
            "discount_percent",
            (!b.discount_percent.is_zero()).then(|| decimal(b.discount_percent)),
        ),
        ("perks", (!b.perks.is_empty()).then(|| texts(&b.perks))),
    ]
}

/// A reward's keys, those of other types left out; instants in the program's zone `tz`.
pub(super) fn reward(reward: &Reward, tz: &TimeZone) -> Keys {
    let (mut amount, mut percent, mut max_discount) = (None, None, None);
    let (mut sku, mut cause, mut starts_at, mut location) = (None, None, None, None);
    match &reward.kind {
        RewardKind::AmountCoupon { amount: a } => amount = Some(decimal(*a)),
        RewardKind::PercentCoupon {
            percent: p,
            max_discount: m,
        } => {
            percent = Some(decimal(*p));
            max_discount = m.map(decimal);
        }
        RewardKind::FreeProduct { sku: s } => sku = Some(text(s)),
        RewardKind::PhysicalGift => {}
        RewardKind::Experience {
            starts_at: at,
            location: l,
        } => {
            starts_at = at.map(|at| text(&write_instant(at, tz, false)));
            location = l.as_deref().map(text);
        }
        RewardKind::Donation { cause: c } => cause = Some(text(c)),
    }
    let valid_days = reward.coupon.valid_days;
    let default_days = laurel_core::rewards::CouponTerms::default().valid_days;
    vec![
        ("id", Some(text(&reward.id))),
        ("name", Some(words(&reward.name))),
        ("description", reward.description.as_ref().map(words)),
        ("type", Some(text(reward.kind.as_str()))),
        ("cost", Some(Value::from(reward.cost.get()))),
        ("amount", amount),
        ("percent", percent),
        ("max_discount", max_discount),
        ("sku", sku),
        ("cause", cause),
        ("starts_at", starts_at),
        ("location", location),
        (
            "tiers",
            (!reward.tiers.is_empty()).then(|| texts(&reward.tiers)),
        ),
        (
            "segments",
            (!reward.segments.is_empty()).then(|| texts(&reward.segments)),
        ),
        (
            "available_from",
            reward
                .available_from
                .map(|at| text(&write_instant(at, tz, false))),
        ),
        (
            "available_until",
            reward
                .available_until
                .map(|at| text(&write_instant(at, tz, true))),
        ),
        (
            "stock",
            reward
                .stock
                .map(|n| Value::from(i64::try_from(n).unwrap_or(i64::MAX))),
        ),
        (
            "per_member_limit",
            reward.per_member_limit.map(|n| Value::from(i64::from(n))),
        ),
        ("partner", reward.partner.as_deref().map(text)),
        ("min_spend", reward.coupon.min_spend.map(decimal)),
        (
            "valid_days",
            (reward.kind.issues_coupon() && valid_days != default_days)
                .then(|| Value::from(i64::from(valid_days))),
        ),
    ]
}

/// A name or description: one text, or a table of texts by language.
fn words(words: &Localized) -> Value {
    match words {
        Localized::Plain(t) => text(t),
        Localized::PerLanguage(texts) => {
            inline(texts.iter().map(|(tag, t)| (tag.as_str(), text(t))))
        }
    }
}

/// A decimal as exact text (`"1.5"`), never a float.
fn decimal(d: Decimal) -> Value {
    text(&d.normalize().to_string())
}

/// A time of day: `07:30`, with seconds only when it has them.
fn time(t: Time) -> Value {
    if t.second() == 0 && t.subsec_nanosecond() == 0 {
        text(&t.strftime("%H:%M").to_string())
    } else {
        text(&t.to_string())
    }
}

fn weekdays(days: &[Weekday]) -> Value {
    list(days.iter().map(|d| weekday_name(*d)))
}

fn text(t: &str) -> Value {
    Value::from(t)
}

fn texts(v: &[String]) -> Value {
    list(v.iter().map(String::as_str))
}

fn list<'a>(items: impl IntoIterator<Item = &'a str>) -> Value {
    Value::Array(items.into_iter().collect::<Array>())
}

fn inline<'a>(pairs: impl IntoIterator<Item = (&'a str, Value)>) -> Value {
    Value::InlineTable(pairs.into_iter().collect::<InlineTable>())
}
