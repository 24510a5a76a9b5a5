//! Stacking: rules combine in priority order; exclusive rules and exclusive groups hold others back.

use crate::fixtures::{basket, earn, fixed, granted, pts, purchase, rule, times};
use laurel_core::rules::{
    Condition, EarnContext, LimitKind, Limits, RuleUsage, Stacking, UsageTotals,
};

fn hundred() -> EarnContext {
    purchase(basket("100"))
}

fn group(name: &str) -> Stacking {
    Stacking::ExclusiveGroup(name.into())
}

/// A condition no purchase in these examples meets.
fn never() -> Condition {
    Condition::TierIn(vec!["diamond".into()])
}

#[test]
fn stackable_rules_all_grant_after_the_base_highest_priority_first() {
    let rules = vec![
        rule("low", fixed(1)).with_priority(1),
        rule("high", fixed(3)).with_priority(3),
        rule("middle", fixed(2)).with_priority(2),
    ];
    let earning = earn(rules, &hundred());
    assert_eq!(
        granted(&earning),
        vec![("base", 100), ("high", 3), ("middle", 2), ("low", 1)]
    );
    assert_eq!(earning.total, pts(106));
}

#[test]
fn rules_of_equal_priority_keep_the_order_they_are_declared_in() {
    let rules = vec![
        rule("b", fixed(1)),
        rule("a", fixed(2)),
        rule("c", fixed(3)),
    ];
    let earning = earn(rules, &hundred());
    assert_eq!(
        granted(&earning),
        vec![("base", 100), ("b", 1), ("a", 2), ("c", 3)]
    );
}

#[test]
fn an_exclusive_rule_that_applies_stops_every_lower_priority_rule_but_not_the_base() {
    let rules = vec![
        rule("above", fixed(5)).with_priority(20),
        rule("black_friday", times("3"))
            .with_priority(10)
            .with_stacking(Stacking::Exclusive),
        rule("below", fixed(7)).with_priority(5),
        rule("below_grouped", fixed(9))
            .with_priority(1)
            .with_stacking(group("g")),
    ];
    let earning = earn(rules, &hundred());
    assert_eq!(
        granted(&earning),
        vec![("base", 100), ("above", 5), ("black_friday", 200)]
    );
}

#[test]
fn an_exclusive_rule_also_stops_later_rules_of_its_own_priority() {
    let rules = vec![
        rule("first", fixed(1)).with_stacking(Stacking::Exclusive),
        rule("second", fixed(2)),
    ];
    assert_eq!(
        granted(&earn(rules, &hundred())),
        vec![("base", 100), ("first", 1)]
    );
}

#[test]
fn an_exclusive_rule_that_does_not_apply_holds_nothing_back() {
    let rules = vec![
        rule("exclusive", fixed(50))
            .with_priority(10)
            .with_stacking(Stacking::Exclusive)
            .when(never()),
        rule("below", fixed(7)),
    ];
    assert_eq!(
        granted(&earn(rules, &hundred())),
        vec![("base", 100), ("below", 7)]
    );
}

#[test]
fn an_exclusive_rule_stopped_by_its_limits_holds_nothing_back() {
    let rules = vec![
        rule("exclusive", fixed(50))
            .with_priority(10)
            .with_stacking(Stacking::Exclusive)
            .with_limits(Limits {
                campaign_budget: Some(pts(1_000)),
                ..Limits::default()
            }),
        rule("below", fixed(7)),
    ];
    let spent = RuleUsage::new().with(
        "exclusive",
        UsageTotals {
            campaign: pts(1_000),
            ..UsageTotals::default()
        },
    );
    let earning = earn(rules, &hundred().with_usage(spent));
    assert_eq!(
        granted(&earning),
        vec![("base", 100), ("exclusive", 0), ("below", 7)]
    );
    assert_eq!(
        earning.grant("exclusive").unwrap().capped_by,
        Some(LimitKind::CampaignBudget)
    );
}

#[test]
fn only_the_highest_priority_rule_of_an_exclusive_group_grants() {
    let rules = vec![
        rule("welcome_small", fixed(10))
            .with_priority(1)
            .with_stacking(group("welcome")),
        rule("welcome_big", fixed(50))
            .with_priority(9)
            .with_stacking(group("welcome")),
        rule("seasonal_a", fixed(3))
            .with_priority(5)
            .with_stacking(group("seasonal")),
        rule("seasonal_b", fixed(4))
            .with_priority(4)
            .with_stacking(group("seasonal")),
        rule("everyday", fixed(1)),
    ];
    let earning = earn(rules, &hundred());
    assert_eq!(
        granted(&earning),
        vec![
            ("base", 100),
            ("welcome_big", 50),
            ("seasonal_a", 3),
            ("everyday", 1)
        ]
    );
}

#[test]
fn when_the_top_rule_of_a_group_does_not_apply_the_next_one_grants() {
    let rules = vec![
        rule("vip_welcome", fixed(50))
            .with_priority(9)
            .with_stacking(group("welcome"))
            .when(never()),
        rule("welcome", fixed(10))
            .with_priority(1)
            .with_stacking(group("welcome")),
    ];
    assert_eq!(
        granted(&earn(rules, &hundred())),
        vec![("base", 100), ("welcome", 10)]
    );
}
