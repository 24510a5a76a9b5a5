//! Validation: every problem in a rule list is reported, each with its key path.

use crate::fixtures::{dec, fixed, per_unit, percent, pts, rule, times};
use jiff::civil::{Weekday, date, time};
use laurel_core::Channel;
use laurel_core::rules::{
    BirthdayWindow, Condition, EarningRule, Limits, RuleSet, Stacking, TimeWindow, validate_rules,
};

fn keys(rules: &[EarningRule], declared: Option<&[String]>) -> Vec<String> {
    validate_rules(rules, declared)
        .into_iter()
        .map(|issue| issue.key)
        .collect()
}

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|v| (*v).to_owned()).collect()
}

fn review() -> EarningRule {
    rule("review", fixed(20)).on_event("review_written")
}

/// A purchase rule with one condition.
fn when(condition: Condition) -> EarningRule {
    rule("r", fixed(1)).when(condition)
}

/// Rules using every condition, effect, limit and stacking, all valid.
fn everything_valid() -> Vec<EarningRule> {
    vec![
        rule("coffee", per_unit("2"))
            .when(Condition::ChannelIn(vec![Channel::Pos, Channel::App]))
            .when(Condition::StoreIn(strings(&["sh-001"])))
            .when(Condition::SkuIn(strings(&["latte"])))
            .when(Condition::CategoryIn(strings(&["coffee"])))
            .when(Condition::LineAttribute {
                key: "milk".into(),
                value: "oat".into(),
            })
            .when(Condition::MinimumSpend(dec("0")))
            .when(Condition::FirstPurchase),
        rule("tuesday", times("2"))
            .when(Condition::DayOfWeek(vec![Weekday::Tuesday]))
            .when(Condition::TimeOfDay(
                TimeWindow::daily(time(22, 0, 0, 0), time(2, 0, 0, 0)).on([Weekday::Friday]),
            ))
            .when(Condition::DateRange {
                from: date(2026, 6, 1),
                to: date(2026, 6, 1),
            })
            .with_stacking(Stacking::Exclusive)
            .with_priority(10),
        rule("birthday", percent("10"))
            .when(Condition::Birthday(BirthdayWindow::Month))
            .when(Condition::TierIn(strings(&["gold"])))
            .when(Condition::MemberAttribute {
                key: "segment".into(),
                value: "student".into(),
            })
            .with_stacking(Stacking::ExclusiveGroup("celebrations".into()))
            .with_limits(Limits {
                per_transaction: Some(pts(0)),
                per_member_day: Some(pts(1)),
                per_member_week: Some(pts(2)),
                per_member_month: Some(pts(3)),
                per_member_lifetime: Some(pts(4)),
                campaign_budget: Some(pts(5)),
            }),
        review().when(Condition::EventAttribute {
            key: "rating".into(),
            value: "5".into(),
        }),
    ]
}

#[test]
fn rules_using_every_feature_validate() {
    assert_eq!(keys(&everything_valid(), None), Vec::<String>::new());
    assert_eq!(
        keys(&everything_valid(), Some(&strings(&[]))),
        Vec::<String>::new()
    );
}

#[test]
fn each_problem_is_reported_with_its_key_path() {
    let named = |id: &str, name: &str| {
        let mut r = rule(id, fixed(1));
        r.name = name.into();
        r
    };
    let on_event = |condition: Condition| review().when(condition);
    let cases: Vec<(&str, EarningRule)> = vec![
        ("rules[0].id", named(" ", "Bonus")),
        ("rules[0].id", named("base", "Bonus")),
        ("rules[0].id", named("tier:gold", "Bonus")),
        ("rules[0].name", named("bonus", "")),
        ("rules[0].trigger.event", rule("r", fixed(1)).on_event("")),
        ("rules[0].effect.points_per_unit", rule("r", per_unit("-1"))),
        ("rules[0].effect.points_per_unit", rule("r", per_unit("0"))),
        ("rules[0].effect.fixed", rule("r", fixed(0))),
        ("rules[0].effect.fixed", rule("r", fixed(-5))),
        ("rules[0].effect.multiplier", rule("r", times("1"))),
        ("rules[0].effect.multiplier", rule("r", times("0.5"))),
        ("rules[0].effect.percent", rule("r", percent("0"))),
        ("rules[0].effect.percent", rule("r", percent("-10"))),
        (
            "rules[0].effect.multiplier",
            rule("r", times("2")).on_event("review_written"),
        ),
        (
            "rules[0].limits.per_member_day",
            rule("r", fixed(1)).with_limits(Limits {
                per_member_day: Some(pts(-1)),
                ..Limits::default()
            }),
        ),
        (
            "rules[0].limits.campaign_budget",
            rule("r", fixed(1)).with_limits(Limits {
                campaign_budget: Some(pts(-100)),
                ..Limits::default()
            }),
        ),
        (
            "rules[0].stacking.group",
            rule("r", fixed(1)).with_stacking(Stacking::ExclusiveGroup(String::new())),
        ),
        (
            "rules[0].conditions[0].channels",
            when(Condition::ChannelIn(vec![])),
        ),
        (
            "rules[0].conditions[0].stores",
            when(Condition::StoreIn(vec![])),
        ),
        (
            "rules[0].conditions[0].skus",
            when(Condition::SkuIn(strings(&[""]))),
        ),
        (
            "rules[0].conditions[0].categories",
            when(Condition::CategoryIn(vec![])),
        ),
        (
            "rules[0].conditions[0].tiers",
            when(Condition::TierIn(vec![])),
        ),
        (
            "rules[0].conditions[0].days_of_week",
            when(Condition::DayOfWeek(vec![])),
        ),
        (
            "rules[0].conditions[0].minimum_spend",
            when(Condition::MinimumSpend(dec("-0.01"))),
        ),
        (
            "rules[0].conditions[0].time_of_day",
            when(Condition::TimeOfDay(TimeWindow::daily(
                time(9, 0, 0, 0),
                time(9, 0, 0, 0),
            ))),
        ),
        (
            "rules[0].conditions[0].time_of_day.days",
            when(Condition::TimeOfDay(
                TimeWindow::daily(time(9, 0, 0, 0), time(10, 0, 0, 0)).on([]),
            )),
        ),
        (
            "rules[0].conditions[0].dates",
            when(Condition::DateRange {
                from: date(2026, 6, 2),
                to: date(2026, 6, 1),
            }),
        ),
        (
            "rules[0].conditions[0].line_attribute.key",
            when(Condition::LineAttribute {
                key: String::new(),
                value: "x".into(),
            }),
        ),
        (
            "rules[0].conditions[0].member_attribute.key",
            when(Condition::MemberAttribute {
                key: " ".into(),
                value: "x".into(),
            }),
        ),
        (
            "rules[0].conditions[0].event_attribute.key",
            on_event(Condition::EventAttribute {
                key: String::new(),
                value: "x".into(),
            }),
        ),
        (
            "rules[0].conditions[0].event_attribute",
            when(Condition::EventAttribute {
                key: "rating".into(),
                value: "5".into(),
            }),
        ),
        (
            "rules[0].conditions[0].channels",
            on_event(Condition::ChannelIn(vec![Channel::App])),
        ),
        (
            "rules[0].conditions[0].first_purchase",
            on_event(Condition::FirstPurchase),
        ),
        (
            "rules[0].conditions[0].categories",
            on_event(Condition::CategoryIn(strings(&["coffee"]))),
        ),
    ];
    for (key, rule) in cases {
        assert_eq!(
            keys(std::slice::from_ref(&rule), None),
            vec![key],
            "{rule:?}"
        );
    }
}

#[test]
fn duplicate_ids_are_reported_at_every_later_use() {
    let rules = vec![
        rule("a", fixed(1)),
        rule("b", fixed(1)),
        rule("a", fixed(2)),
        rule("a", fixed(3)),
    ];
    let issues = validate_rules(&rules, None);
    let keys: Vec<&str> = issues.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys, vec!["rules[2].id", "rules[3].id"]);
    assert!(
        issues[0].message.contains("rules[0]"),
        "{}",
        issues[0].message
    );
}

#[test]
fn every_problem_of_every_rule_is_reported_at_once() {
    let mut broken = rule("", times("1")).when(Condition::DayOfWeek(vec![]));
    broken.name = "".into();
    let rules = vec![broken, rule("fine", fixed(1)), rule("late", percent("0"))];
    assert_eq!(
        keys(&rules, None),
        vec![
            "rules[0].id",
            "rules[0].name",
            "rules[0].conditions[0].days_of_week",
            "rules[0].effect.multiplier",
            "rules[2].effect.percent",
        ]
    );
}

#[test]
fn with_declared_event_kinds_an_event_rule_must_name_a_known_kind() {
    let declared = strings(&["store_check_in"]);
    let on = |kind: &str| vec![rule("r", fixed(1)).on_event(kind)];
    assert!(keys(&on("store_check_in"), Some(&declared)).is_empty());
    assert!(
        keys(&on("social_share"), Some(&declared)).is_empty(),
        "standard kinds are known"
    );
    let issues = validate_rules(&on("reveiw_written"), Some(&declared));
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].key, "rules[0].trigger.event");
    assert!(
        issues[0].message.contains("reveiw_written"),
        "{}",
        issues[0].message
    );
    assert!(
        issues[0].message.contains("store_check_in"),
        "{}",
        issues[0].message
    );
    // Without a declared list any kind is accepted.
    assert!(keys(&on("reveiw_written"), None).is_empty());
}

#[test]
fn issues_name_their_key_and_explain_the_problem() {
    let issues = validate_rules(&[rule("double", times("0.9"))], None);
    let shown = issues[0].to_string();
    assert!(
        shown.starts_with("key `rules[0].effect.multiplier`:"),
        "{shown}"
    );
    assert!(
        shown.contains("above 1") && shown.contains("0.9"),
        "{shown}"
    );
    let reversed = validate_rules(
        &[when(Condition::DateRange {
            from: date(2026, 6, 2),
            to: date(2026, 6, 1),
        })],
        None,
    );
    assert!(
        reversed[0].message.contains("2026-06-01"),
        "{}",
        reversed[0].message
    );
}

#[test]
fn a_rule_set_takes_only_valid_rules_and_orders_them_by_priority() {
    let invalid = vec![rule("a", fixed(1)), rule("a", fixed(1))];
    assert_eq!(
        RuleSet::new(invalid.clone(), None).unwrap_err(),
        validate_rules(&invalid, None)
    );
    let set = RuleSet::new(everything_valid(), None).unwrap();
    let order: Vec<&str> = set.in_order().iter().map(|r| r.id.as_str()).collect();
    assert_eq!(order, vec!["tuesday", "coffee", "birthday", "review"]);
    assert_eq!(set.len(), 4);
    assert_eq!(set.get("review").map(|r| r.priority), Some(0));
    assert!(RuleSet::empty().is_empty());
}
