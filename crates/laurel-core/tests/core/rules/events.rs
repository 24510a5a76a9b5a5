//! Event triggers: custom events earn through their own rules, filtered by their attributes.

use crate::fixtures::{basket, by, earn, event, fixed, granted, pts, purchase, rule, times};
use laurel_core::rules::{
    Condition, EarningRule, Event, LimitKind, Limits, RuleUsage, UsageTotals,
};

fn review_bonus() -> EarningRule {
    rule("review", fixed(20)).on_event("review_written")
}

fn five_stars() -> Condition {
    Condition::EventAttribute {
        key: "rating".into(),
        value: "5".into(),
    }
}

#[test]
fn an_event_earns_its_rules_fixed_points_and_no_base() {
    let earning = earn(vec![review_bonus()], &event(Event::new("review_written")));
    assert_eq!(granted(&earning), vec![("review", 20)]);
    assert_eq!(earning.total, pts(20));
    assert_eq!(earning.grants[0].explanation, "review: 20 积分 → +20");
}

#[test]
fn an_event_rule_ignores_other_kinds_of_event_and_purchases() {
    let survey = earn(vec![review_bonus()], &event(Event::new("survey_completed")));
    assert_eq!(granted(&survey), Vec::<(&str, i64)>::new());
    assert_eq!(survey.total, pts(0));
    let bought = earn(vec![review_bonus()], &purchase(basket("10")));
    assert_eq!(granted(&bought), vec![("base", 10)]);
}

#[test]
fn purchase_rules_ignore_events() {
    let earning = earn(
        vec![rule("double", times("2"))],
        &event(Event::new("app_installed")),
    );
    assert!(earning.grants.is_empty());
}

#[test]
fn event_attribute_condition_needs_that_exact_value() {
    let rules = || vec![review_bonus().when(five_stars())];
    let rated = |rating: &str| event(Event::new("review_written").with_attribute("rating", rating));
    assert_eq!(granted(&earn(rules(), &rated("5"))), vec![("review", 20)]);
    assert!(earn(rules(), &rated("4")).grants.is_empty());
    assert!(
        earn(rules(), &event(Event::new("review_written")))
            .grants
            .is_empty()
    );
}

#[test]
fn member_conditions_apply_to_events_too() {
    let gold_review = review_bonus().when(Condition::TierIn(vec!["gold".into()]));
    let review = || event(Event::new("review_written"));
    assert!(earn(vec![gold_review.clone()], &review()).grants.is_empty());
    let by_gold = by(review(), |m| m.tier = Some("gold".into()));
    assert_eq!(
        granted(&earn(vec![gold_review], &by_gold)),
        vec![("review", 20)]
    );
}

#[test]
fn declared_event_kinds_earn_like_standard_ones() {
    let check_in = rule("check_in", fixed(5)).on_event("store_check_in");
    let earning = earn(
        vec![check_in],
        &event(Event::new("store_check_in").with_attribute("store", "sh-001")),
    );
    assert_eq!(granted(&earning), vec![("check_in", 5)]);
}

#[test]
fn event_rules_are_held_to_their_limits() {
    // At most three reviews' worth a day.
    let capped = review_bonus().with_limits(Limits {
        per_member_day: Some(pts(60)),
        ..Limits::default()
    });
    let after = |today: i64| {
        event(Event::new("review_written")).with_usage(RuleUsage::new().with(
            "review",
            UsageTotals {
                member_day: pts(today),
                ..UsageTotals::default()
            },
        ))
    };
    assert_eq!(earn(vec![capped.clone()], &after(40)).total, pts(20));
    let fourth = earn(vec![capped], &after(60));
    assert_eq!(fourth.total, pts(0));
    assert_eq!(fourth.grants[0].capped_by, Some(LimitKind::PerMemberDay));
}
