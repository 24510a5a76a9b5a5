//! The drafting form of an earning rule: its fields (all named `rule_…`) read as the core's
//! rule, and a rule written back into them to edit it. Every condition is optional, one of
//! each kind; left blank, it is not one of the rule's.

use crate::draft_form::{Reader, Writer};
use crate::form_fields::Fields;
use crate::i18n::Locale;
use crate::messages::Problem;
use jiff::civil::{Date, Time};
use laurel_core::rules::{
    BirthdayWindow, Condition, EarningRule, Effect, LimitKind, Limits, Stacking, TimeWindow,
    Trigger,
};
use laurel_core::{Channel, Points};
use laurel_engine::program_file::{WEEKDAYS, weekday, weekday_name};
use rust_decimal::Decimal;

/// The start of every field's name.
pub(crate) const PREFIX: &str = "rule_";

/// The effects a rule may have, by their names in the program file.
pub(crate) const EFFECTS: [&str; 4] = ["points_per_unit", "fixed", "multiplier", "percent"];

/// How close to a birthday a rule may ask a purchase to be.
pub(crate) const BIRTHDAYS: [&str; 3] = ["day", "week", "month"];

/// The rule the form says, or every field that could not be read.
pub(crate) fn read(fields: &Fields, l: Locale) -> Result<EarningRule, Vec<Problem>> {
    let mut r = Reader::new(fields, PREFIX, l);
    let trigger = match r.text("trigger") {
        "event" => Trigger::Event(r.text("event").to_owned()),
        _ => Trigger::Purchase,
    };
    let effect = match r.text("effect") {
        "fixed" => Effect::Fixed(Points(r.required("effect_value", "draft.not_integer"))),
        kind => {
            let d: Decimal = r.required("effect_value", "draft.not_decimal");
            match kind {
                "multiplier" => Effect::Multiplier(d),
                "percent" => Effect::PercentBonus(d),
                _ => Effect::PointsPerUnit(d),
            }
        }
    };
    let stacking = match r.text("stacking") {
        "exclusive" => Stacking::Exclusive,
        "group" => Stacking::ExclusiveGroup(r.text("group").to_owned()),
        _ => Stacking::Stackable,
    };
    let mut limit = |kind: LimitKind| r.optional(kind.as_str(), "draft.not_integer").map(Points);
    let limits = Limits {
        per_transaction: limit(LimitKind::PerTransaction),
        per_member_day: limit(LimitKind::PerMemberDay),
        per_member_week: limit(LimitKind::PerMemberWeek),
        per_member_month: limit(LimitKind::PerMemberMonth),
        per_member_lifetime: limit(LimitKind::PerMemberLifetime),
        campaign_budget: limit(LimitKind::CampaignBudget),
    };
    let priority = r.optional("priority", "draft.not_integer").unwrap_or(0);
    let conditions = conditions(&mut r);
    let rule = EarningRule {
        id: r.text("id").to_owned(),
        name: r.words("name").unwrap_or_else(|| String::new().into()),
        trigger,
        conditions,
        effect,
        limits,
        priority,
        stacking,
        partner: Some(r.text("partner"))
            .filter(|p| !p.is_empty())
            .map(str::to_owned),
    };
    r.finish(rule)
}

/// A condition on a list of codes.
type ListCondition = fn(Vec<String>) -> Condition;

/// The conditions filled in, in the order the form shows them.
fn conditions(r: &mut Reader<'_>) -> Vec<Condition> {
    let mut found = Vec::new();
    let channels: Vec<Channel> = r
        .ticked("channels")
        .iter()
        .filter_map(|c| c.parse().ok())
        .collect();
    if !channels.is_empty() {
        found.push(Condition::ChannelIn(channels));
    }
    let lists: [(&str, ListCondition); 3] = [
        ("stores", Condition::StoreIn),
        ("skus", Condition::SkuIn),
        ("categories", Condition::CategoryIn),
    ];
    for (name, make) in lists {
        let items = r.list(name);
        if !items.is_empty() {
            found.push(make(items));
        }
    }
    if !r.text("line_key").is_empty() {
        found.push(Condition::LineAttribute {
            key: r.text("line_key").to_owned(),
            value: r.text("line_value").to_owned(),
        });
    }
    if let Some(spend) = r.optional("minimum_spend", "draft.not_decimal") {
        found.push(Condition::MinimumSpend(spend));
    }
    let on_days = days(r, "days");
    if !on_days.is_empty() {
        found.push(Condition::DayOfWeek(on_days));
    }
    let (from, to) = (
        r.optional::<Time>("time_from", "draft.not_time"),
        r.optional::<Time>("time_to", "draft.not_time"),
    );
    if !r.text("time_from").is_empty() || !r.text("time_to").is_empty() {
        let opens = days(r, "time_days");
        match (from, to) {
            (Some(from), Some(to)) => found.push(Condition::TimeOfDay(TimeWindow {
                from,
                to,
                days: (!opens.is_empty()).then_some(opens),
            })),
            (None, _) if r.text("time_from").is_empty() => r.problem("time_from", "draft.required"),
            (_, None) if r.text("time_to").is_empty() => r.problem("time_to", "draft.required"),
            _ => {}
        }
    }
    let (from, to) = (
        r.optional::<Date>("dates_from", "draft.not_date"),
        r.optional::<Date>("dates_to", "draft.not_date"),
    );
    match (from, to) {
        (Some(from), Some(to)) => found.push(Condition::DateRange { from, to }),
        (Some(_), None) if r.text("dates_to").is_empty() => r.problem("dates_to", "draft.required"),
        (None, Some(_)) if r.text("dates_from").is_empty() => {
            r.problem("dates_from", "draft.required");
        }
        _ => {}
    }
    let tiers = r.ticked("tiers");
    if !tiers.is_empty() {
        found.push(Condition::TierIn(tiers));
    }
    let segments = r.list("segments");
    if !segments.is_empty() {
        found.push(Condition::SegmentIn(segments));
    }
    if !r.text("member_key").is_empty() {
        found.push(Condition::MemberAttribute {
            key: r.text("member_key").to_owned(),
            value: r.text("member_value").to_owned(),
        });
    }
    if r.text("first_purchase") == "yes" {
        found.push(Condition::FirstPurchase);
    }
    match r.text("birthday") {
        "day" => found.push(Condition::Birthday(BirthdayWindow::Day)),
        "week" => found.push(Condition::Birthday(BirthdayWindow::Week)),
        "month" => found.push(Condition::Birthday(BirthdayWindow::Month)),
        _ => {}
    }
    if !r.text("event_key").is_empty() {
        found.push(Condition::EventAttribute {
            key: r.text("event_key").to_owned(),
            value: r.text("event_value").to_owned(),
        });
    }
    found
}

/// The days ticked under `name`, Monday first.
fn days(r: &Reader<'_>, name: &str) -> Vec<jiff::civil::Weekday> {
    let ticked = r.ticked(name);
    WEEKDAYS
        .iter()
        .filter(|(short, _)| ticked.iter().any(|t| t == short))
        .filter_map(|(short, _)| weekday(short))
        .collect()
}

/// The form's fields holding `rule`, and whether they hold all of it: a rule with two
/// conditions of one kind (two stores lists) has only the last in the form.
pub(crate) fn fields_of(rule: &EarningRule, editing: &str) -> (Fields, bool) {
    let mut w = Writer::new(PREFIX);
    w.put("editing", editing);
    w.put("id", &rule.id);
    w.words("name", &rule.name);
    match &rule.trigger {
        Trigger::Purchase => w.put("trigger", "purchase"),
        Trigger::Event(kind) => {
            w.put("trigger", "event");
            w.put("event", kind);
        }
    }
    w.put("effect", rule.effect.key());
    w.put(
        "effect_value",
        match &rule.effect {
            Effect::Fixed(points) => points.get().to_string(),
            Effect::PointsPerUnit(d) | Effect::Multiplier(d) | Effect::PercentBonus(d) => {
                d.normalize().to_string()
            }
        },
    );
    if rule.priority != 0 {
        w.put("priority", rule.priority);
    }
    w.maybe("partner", rule.partner.as_deref());
    match &rule.stacking {
        Stacking::Stackable => w.put("stacking", "stackable"),
        Stacking::Exclusive => w.put("stacking", "exclusive"),
        Stacking::ExclusiveGroup(group) => {
            w.put("stacking", "group");
            w.put("group", group);
        }
    }
    for kind in LimitKind::ALL {
        w.maybe(kind.as_str(), rule.limits.get(kind).map(|p| p.get()));
    }
    let mut kinds = std::collections::HashSet::new();
    for condition in &rule.conditions {
        kinds.insert(std::mem::discriminant(condition));
        put_condition(&mut w, condition);
    }
    (w.done(), kinds.len() == rule.conditions.len())
}

/// A time as the form shows it: `07:30`, with seconds only when it has them.
fn time(t: Time) -> String {
    let format = if t.second() == 0 { "%H:%M" } else { "%H:%M:%S" };
    t.strftime(format).to_string()
}

fn put_condition(w: &mut Writer, condition: &Condition) {
    let days =
        |days: &[jiff::civil::Weekday]| days.iter().map(|d| weekday_name(*d)).collect::<Vec<_>>();
    match condition {
        Condition::ChannelIn(channels) => w.tick("channels", channels.iter().map(|c| c.as_str())),
        Condition::StoreIn(v) => w.list("stores", v),
        Condition::SkuIn(v) => w.list("skus", v),
        Condition::CategoryIn(v) => w.list("categories", v),
        Condition::LineAttribute { key, value } => {
            w.put("line_key", key);
            w.put("line_value", value);
        }
        Condition::MinimumSpend(d) => w.put("minimum_spend", d.normalize()),
        Condition::DayOfWeek(v) => w.tick("days", days(v)),
        Condition::TimeOfDay(window) => {
            w.put("time_from", time(window.from));
            w.put("time_to", time(window.to));
            if let Some(v) = &window.days {
                w.tick("time_days", days(v));
            }
        }
        Condition::DateRange { from, to } => {
            w.put("dates_from", from);
            w.put("dates_to", to);
        }
        Condition::TierIn(v) => w.tick("tiers", v.iter().map(String::as_str)),
        Condition::MemberAttribute { key, value } => {
            w.put("member_key", key);
            w.put("member_value", value);
        }
        Condition::SegmentIn(v) => w.list("segments", v),
        Condition::FirstPurchase => w.put("first_purchase", "yes"),
        Condition::Birthday(window) => w.put(
            "birthday",
            match window {
                BirthdayWindow::Day => "day",
                BirthdayWindow::Week => "week",
                BirthdayWindow::Month => "month",
            },
        ),
        Condition::EventAttribute { key, value } => {
            w.put("event_key", key);
            w.put("event_value", value);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use jiff::civil::{Weekday, date};

    #[test]
    fn a_rule_written_into_the_form_reads_back_as_itself() {
        let rule = EarningRule::new("lunch", "Lunch", Effect::Fixed(Points(20)))
            .on_event("review_written")
            .when(Condition::ChannelIn(vec![Channel::Pos, Channel::Web]))
            .when(Condition::StoreIn(vec!["a".into(), "b".into()]))
            .when(Condition::SkuIn(vec!["latte".into()]))
            .when(Condition::CategoryIn(vec!["coffee".into()]))
            .when(Condition::LineAttribute {
                key: "size".into(),
                value: "L".into(),
            })
            .when(Condition::MinimumSpend("12.5".parse().unwrap()))
            .when(Condition::DayOfWeek(vec![Weekday::Tuesday]))
            .when(Condition::TimeOfDay(
                TimeWindow::daily(Time::constant(7, 30, 0, 0), Time::constant(9, 0, 5, 0))
                    .on([Weekday::Sunday]),
            ))
            .when(Condition::DateRange {
                from: date(2026, 1, 1),
                to: date(2026, 1, 31),
            })
            .when(Condition::TierIn(vec!["gold".into()]))
            .when(Condition::SegmentIn(vec!["students".into()]))
            .when(Condition::MemberAttribute {
                key: "k".into(),
                value: "v".into(),
            })
            .when(Condition::FirstPurchase)
            .when(Condition::Birthday(BirthdayWindow::Week))
            .when(Condition::EventAttribute {
                key: "stars".into(),
                value: "5".into(),
            })
            .with_limits(Limits {
                per_member_week: Some(Points(70)),
                campaign_budget: Some(Points(9000)),
                ..Limits::default()
            })
            .with_priority(4)
            .with_stacking(Stacking::ExclusiveGroup("g".into()));
        let (fields, whole) = fields_of(&rule, "lunch");
        assert!(whole);
        assert_eq!(read(&fields, Locale::En), Ok(rule));
    }

    #[test]
    fn a_rule_with_two_conditions_of_a_kind_is_not_shown_whole() {
        let rule = EarningRule::new("r", "R", Effect::Multiplier(Decimal::TWO))
            .when(Condition::StoreIn(vec!["a".into()]))
            .when(Condition::StoreIn(vec!["b".into()]));
        assert!(!fields_of(&rule, "r").1);
    }

    #[test]
    fn what_cannot_be_read_is_named_by_its_label() {
        let fields: Fields = [("rule_effect", "fixed"), ("rule_effect_value", "lots")]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .to_vec();
        let problems = read(&fields, Locale::En).unwrap_err();
        assert_eq!(problems[0].key, "Effect value");
        assert_eq!(problems[0].text, "is not a whole number");
    }
}
