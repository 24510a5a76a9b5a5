//! Conditions: each holds in the situation it names and fails otherwise; line conditions
//! also choose the spend the rule applies to. (Time windows and birthdays: `calendar`.)

use crate::fixtures::{
    basket, by, dec, fixed, grant_of, line, per_unit, purchase, purchase_at, rule,
};
use jiff::civil::{Weekday, date};
use laurel_core::Channel;
use laurel_core::rules::{Basket, Condition, EarnContext, EarningRule, Line};

/// A rule granting 10 points whenever `condition` holds.
fn bonus_when(condition: Condition) -> EarningRule {
    rule("bonus", fixed(10)).when(condition)
}

fn holds(condition: Condition, context: &EarnContext) -> bool {
    grant_of(bonus_when(condition), context).is_some()
}

/// 2 points per yuan on the lines `filter` selects.
fn line_bonus(filter: Condition) -> EarningRule {
    rule("line_bonus", per_unit("2")).when(filter)
}

/// A latte (coffee, 30.00, oat milk), a croissant (bakery, 20.00) and a mocha (coffee, 25.00).
fn cafe_basket() -> EarnContext {
    purchase(
        basket("75")
            .with_line(line("latte", "coffee", "30").with_attribute("milk", "oat"))
            .with_line(line("croissant", "bakery", "20"))
            .with_line(line("mocha", "coffee", "25").with_attribute("milk", "dairy")),
    )
}

fn names(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

#[test]
fn channel_condition_holds_only_on_the_listed_channels() {
    let app_or_web = || Condition::ChannelIn(vec![Channel::App, Channel::Web]);
    assert!(holds(
        app_or_web(),
        &purchase(Basket::new(Channel::App, dec("10")))
    ));
    assert!(holds(
        app_or_web(),
        &purchase(Basket::new(Channel::Web, dec("10")))
    ));
    assert!(!holds(app_or_web(), &purchase(basket("10"))));
}

#[test]
fn store_condition_holds_only_at_the_listed_stores() {
    let flagship = || Condition::StoreIn(names(&["sh-001"]));
    assert!(holds(
        flagship(),
        &purchase(basket("10").at_store("sh-001"))
    ));
    assert!(!holds(
        flagship(),
        &purchase(basket("10").at_store("bj-007"))
    ));
    assert!(!holds(flagship(), &purchase(basket("10"))), "no store");
}

#[test]
fn sku_condition_applies_the_rule_to_the_listed_skus_only() {
    let latte = line_bonus(Condition::SkuIn(names(&["latte", "flat_white"])));
    assert_eq!(grant_of(latte, &cafe_basket()), Some(60)); // 2 × 30.00
}

#[test]
fn category_condition_applies_the_rule_to_lines_of_the_listed_categories() {
    let coffee = line_bonus(Condition::CategoryIn(names(&["coffee"])));
    assert_eq!(grant_of(coffee, &cafe_basket()), Some(110)); // 2 × (30.00 + 25.00)
}

#[test]
fn line_attribute_condition_applies_the_rule_to_lines_with_that_value() {
    let oat = |value: &str| {
        line_bonus(Condition::LineAttribute {
            key: "milk".into(),
            value: value.into(),
        })
    };
    assert_eq!(grant_of(oat("oat"), &cafe_basket()), Some(60));
    assert_eq!(grant_of(oat("soy"), &cafe_basket()), None);
}

#[test]
fn a_line_must_meet_every_line_condition_to_count() {
    let dairy_coffee =
        line_bonus(Condition::CategoryIn(names(&["coffee"]))).when(Condition::LineAttribute {
            key: "milk".into(),
            value: "dairy".into(),
        });
    assert_eq!(grant_of(dairy_coffee, &cafe_basket()), Some(50)); // the mocha only
}

#[test]
fn a_rule_with_line_conditions_does_not_apply_when_no_line_matches() {
    let tea = || bonus_when(Condition::CategoryIn(names(&["tea"])));
    assert_eq!(grant_of(tea(), &cafe_basket()), None);
    assert_eq!(
        grant_of(tea(), &purchase(basket("75"))),
        None,
        "no lines at all"
    );
}

#[test]
fn minimum_spend_is_inclusive_and_counts_the_total_without_line_conditions() {
    let fifty = || Condition::MinimumSpend(dec("50"));
    assert!(holds(fifty(), &purchase(basket("50.00"))));
    assert!(!holds(fifty(), &purchase(basket("49.99"))));
}

#[test]
fn minimum_spend_counts_only_the_matching_lines() {
    let coffee_over = |minimum: &str| {
        bonus_when(Condition::CategoryIn(names(&["coffee"])))
            .when(Condition::MinimumSpend(dec(minimum)))
    };
    // 75.00 in total, 55.00 of it coffee.
    assert_eq!(grant_of(coffee_over("55"), &cafe_basket()), Some(10));
    assert_eq!(grant_of(coffee_over("60"), &cafe_basket()), None);
}

#[test]
fn day_of_week_is_read_in_the_program_time_zone() {
    let tuesday = || Condition::DayOfWeek(vec![Weekday::Tuesday]);
    // Monday 17:00 UTC is already Tuesday 01:00 in Shanghai.
    assert!(holds(
        tuesday(),
        &purchase_at(basket("10"), "2026-06-01T17:00:00Z")
    ));
    assert!(!holds(
        tuesday(),
        &purchase_at(basket("10"), "2026-06-01T15:59:59Z")
    ));
}

#[test]
fn date_range_includes_both_of_its_local_days_entirely() {
    let first_week_of_june = || Condition::DateRange {
        from: date(2026, 6, 1),
        to: date(2026, 6, 7),
    };
    let at = |instant: &str| purchase_at(basket("10"), instant);
    assert!(!holds(first_week_of_june(), &at("2026-05-31T15:59:59Z"))); // 31 May 23:59:59
    assert!(holds(first_week_of_june(), &at("2026-05-31T16:00:00Z"))); // 1 June 00:00
    assert!(holds(first_week_of_june(), &at("2026-06-07T15:59:59Z"))); // 7 June 23:59:59
    assert!(!holds(first_week_of_june(), &at("2026-06-07T16:00:00Z"))); // 8 June 00:00
}

#[test]
fn tier_condition_holds_only_for_members_of_the_listed_tiers() {
    let gold_or_better = || Condition::TierIn(names(&["gold", "platinum"]));
    let in_tier =
        |tier: Option<&str>| by(purchase(basket("10")), |m| m.tier = tier.map(Into::into));
    assert!(holds(gold_or_better(), &in_tier(Some("gold"))));
    assert!(!holds(gold_or_better(), &in_tier(Some("silver"))));
    assert!(!holds(gold_or_better(), &in_tier(None)));
}

#[test]
fn member_attribute_condition_needs_that_exact_value() {
    let students = || Condition::MemberAttribute {
        key: "segment".into(),
        value: "student".into(),
    };
    let segment = |value: &str| {
        by(purchase(basket("10")), |m| {
            m.attributes.insert("segment".into(), value.into());
        })
    };
    assert!(holds(students(), &segment("student")));
    assert!(!holds(students(), &segment("Student")));
    assert!(!holds(students(), &purchase(basket("10"))), "no attribute");
}

#[test]
fn first_purchase_condition_holds_only_on_the_members_first_purchase() {
    let first = by(purchase(basket("10")), |m| m.first_purchase = true);
    assert!(holds(Condition::FirstPurchase, &first));
    assert!(!holds(Condition::FirstPurchase, &purchase(basket("10"))));
}

#[test]
fn every_condition_must_hold() {
    let app_gold = bonus_when(Condition::ChannelIn(vec![Channel::App]))
        .when(Condition::TierIn(names(&["gold"])));
    let app = purchase(Basket::new(Channel::App, dec("10")));
    assert_eq!(grant_of(app_gold.clone(), &app), None);
    let gold_on_app = by(app, |m| m.tier = Some("gold".into()));
    assert_eq!(grant_of(app_gold, &gold_on_app), Some(10));
}

#[test]
fn line_amounts_are_the_spend_not_unit_prices() {
    let two_lattes = purchase(basket("56").with_line(Line::new("latte", 2, dec("28"))));
    let latte = line_bonus(Condition::SkuIn(names(&["latte"])));
    assert_eq!(grant_of(latte, &two_lattes), Some(112)); // 2 × 56.00
}
