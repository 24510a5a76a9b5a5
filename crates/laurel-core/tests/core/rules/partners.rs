//! Coalition partners: a partner's purchase earns by the partner's rules alone, and the
//! program's own purchases by the program's base rate and rules alone.

use crate::fixtures::{basket, earn, fixed, per_unit, purchase, rule};
use laurel_core::rules::{EarningRule, RuleSet};

fn rules() -> Vec<EarningRule> {
    vec![
        rule("own_bonus", fixed(5)),
        rule("cafe_rate", per_unit("2")).at_partner("cafe"),
        rule("deli_rate", per_unit("3")).at_partner("deli"),
    ]
}

#[test]
fn a_purchase_at_a_partner_earns_by_that_partners_rules_alone() {
    let earning = earn(rules(), &purchase(basket("50").at_partner("cafe")));
    let ids: Vec<&str> = earning.grants.iter().map(|g| g.rule_id.as_str()).collect();
    assert_eq!(
        ids,
        ["cafe_rate"],
        "no base earn, no program rule, no other partner's"
    );
    assert_eq!(earning.total.get(), 100);
}

#[test]
fn the_programs_own_purchase_earns_no_partners_rule() {
    let earning = earn(rules(), &purchase(basket("50")));
    let ids: Vec<&str> = earning.grants.iter().map(|g| g.rule_id.as_str()).collect();
    assert_eq!(ids, ["base", "own_bonus"]);
    assert_eq!(earning.total.get(), 55);
}

#[test]
fn a_partners_rule_triggered_by_an_event_or_on_a_base_is_invalid() {
    let on_event = rule("r", fixed(5))
        .at_partner("cafe")
        .on_event("review_written");
    let on_base = rule("m", crate::fixtures::percent("10")).at_partner("cafe");
    let issues = RuleSet::new(vec![on_event, on_base], None).unwrap_err();
    let keys: Vec<&str> = issues.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys, ["rules[0].partner", "rules[1].effect"]);
}
