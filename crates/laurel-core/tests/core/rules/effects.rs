//! Effects: what a rule grants on its spend, rounded the program's way, and how it says so.

use crate::fixtures::{
    basket, dec, earn, earn_in, fixed, granted, line, per_unit, percent, program, purchase, rule,
    times,
};
use laurel_core::Rounding;
use laurel_core::rules::{Condition, EarningRule, Effect};

/// Points `effect` grants on a basket of `spend` under `rounding` (1 point per yuan base).
fn grants(effect: Effect, spend: &str, rounding: Rounding) -> i64 {
    let program = program(|s| s.rounding = rounding);
    let earning = earn_in(&program, vec![rule("r", effect)], &purchase(basket(spend)));
    earning.points_of("r").get()
}

const ROUNDINGS: [Rounding; 3] = [Rounding::Floor, Rounding::Nearest, Rounding::Ceil];

#[test]
fn points_per_unit_multiplies_the_spend_and_rounds_the_program_way() {
    // 0.5 × 15 = 7.5 and 1.5 × 10.99 = 16.485.
    let expected = [(7, 16), (8, 16), (8, 17)];
    for (rounding, (half, fraction)) in ROUNDINGS.into_iter().zip(expected) {
        assert_eq!(
            grants(per_unit("0.5"), "15", rounding),
            half,
            "{rounding:?}"
        );
        assert_eq!(
            grants(per_unit("1.5"), "10.99", rounding),
            fraction,
            "{rounding:?}"
        );
    }
}

#[test]
fn fixed_points_ignore_the_spend() {
    assert_eq!(grants(fixed(50), "0", Rounding::Floor), 50);
    assert_eq!(grants(fixed(50), "999.99", Rounding::Floor), 50);
}

#[test]
fn a_multiplier_grants_the_base_again_m_minus_one_times() {
    let earning = earn(
        vec![rule("double", times("2"))],
        &purchase(basket("128.50")),
    );
    assert_eq!(granted(&earning), vec![("base", 128), ("double", 128)]);
    assert_eq!(earning.total.get(), 2 * 128);
}

#[test]
fn a_multiplier_works_on_the_rounded_base_so_base_plus_rule_is_m_times_base() {
    // Base 1.5/yuan on 10.99 = 16.485, rounded to 16; triple points adds 2 × 16, not 2 × 16.485.
    let program = program(|s| {
        s.points_per_unit = dec("1.5");
        s.rounding = Rounding::Nearest;
    });
    let earning = earn_in(
        &program,
        vec![rule("triple", times("3"))],
        &purchase(basket("10.99")),
    );
    assert_eq!(granted(&earning), vec![("base", 16), ("triple", 32)]);
    assert_eq!(earning.total.get(), 3 * 16);
}

#[test]
fn a_fractional_multiplier_rounds_its_grant_the_program_way() {
    // 1.5× on a base of 15: the rule grants 0.5 × 15 = 7.5.
    let expected = [7, 8, 8];
    for (rounding, grant) in ROUNDINGS.into_iter().zip(expected) {
        assert_eq!(grants(times("1.5"), "15", rounding), grant, "{rounding:?}");
    }
}

#[test]
fn a_percentage_bonus_is_that_share_of_the_base_rounded_the_program_way() {
    // 10% of a base of 128 is 12.8.
    let expected = [12, 13, 13];
    for (rounding, grant) in ROUNDINGS.into_iter().zip(expected) {
        assert_eq!(
            grants(percent("10"), "128", rounding),
            grant,
            "{rounding:?}"
        );
    }
    assert_eq!(grants(percent("150"), "10", Rounding::Floor), 15);
}

#[test]
fn spend_effects_work_on_the_matching_lines_only() {
    let coffee = || Condition::CategoryIn(vec!["coffee".into()]);
    let on_coffee = |id: &str, effect: Effect| rule(id, effect).when(coffee());
    let rules = vec![
        on_coffee("per_unit", per_unit("2")),
        on_coffee("triple", times("3")),
        on_coffee("percent", percent("50")),
        on_coffee("fixed", fixed(5)),
    ];
    let context = purchase(
        basket("50")
            .with_line(line("latte", "coffee", "30"))
            .with_line(line("croissant", "bakery", "20")),
    );
    let earning = earn(rules, &context);
    assert_eq!(
        granted(&earning),
        vec![
            ("base", 50),
            ("per_unit", 60),
            ("triple", 60),
            ("percent", 15),
            ("fixed", 5)
        ]
    );
}

#[test]
fn an_effect_that_rounds_to_nothing_grants_nothing_and_is_not_listed() {
    let earning = earn(vec![rule("tiny", percent("10"))], &purchase(basket("5")));
    assert_eq!(granted(&earning), vec![("base", 5)]);
}

#[test]
fn a_negative_total_earns_nothing_rather_than_taking_points() {
    let earning = earn(vec![rule("double", times("2"))], &purchase(basket("-20")));
    assert_eq!(granted(&earning), vec![("base", 0)]);
    assert_eq!(earning.total.get(), 0);
}

// --- explanations ----------------------------------------------------------------------------

fn named(id: &str, name: &str, effect: Effect) -> EarningRule {
    let mut rule = rule(id, effect);
    rule.name = name.into();
    rule
}

#[test]
fn each_grant_explains_itself_in_a_sentence() {
    let rules = vec![
        named("tuesday", "Double points Tuesday", times("2")),
        named("coffee", "Coffee bonus", per_unit("0.5"))
            .when(Condition::SkuIn(vec!["latte".into()])),
        named("birthday", "Birthday bonus", percent("10")),
        named("welcome", "Welcome gift", fixed(100)),
    ];
    let context = purchase(basket("128").with_line(line("latte", "coffee", "30")));
    let explanations: Vec<String> = earn(rules, &context)
        .grants
        .into_iter()
        .map(|g| g.explanation)
        .collect();
    assert_eq!(
        explanations,
        vec![
            "Base earn: 1 per CNY on 128.00 → +128",
            "Double points Tuesday: 2× on 128.00 → +128",
            "Coffee bonus: 0.5 per CNY on 30.00 → +15",
            "Birthday bonus: 10% of base 128 on 128.00 → +12",
            "Welcome gift: 100 积分 → +100",
        ]
    );
}

#[test]
fn amounts_in_explanations_use_the_currencys_decimals() {
    let yen = program(|s| s.currency = "JPY".into());
    let earning = earn_in(
        &yen,
        vec![rule("double", times("2"))],
        &purchase(basket("1280")),
    );
    assert_eq!(
        earning.grants[0].explanation,
        "Base earn: 1 per JPY on 1280 → +1280"
    );
    assert_eq!(earning.grants[1].explanation, "double: 2× on 1280 → +1280");
}

#[test]
fn each_grant_carries_the_basis_its_sentence_is_written_from() {
    use laurel_core::Points;
    use laurel_core::rules::{GrantBasis, explain};
    let program = program(|_| {});
    let rules = vec![named("tuesday", "Double points Tuesday", times("2"))];
    let earning = earn(rules, &purchase(basket("128")));
    assert_eq!(
        earning.grants[0].basis,
        GrantBasis::Base {
            rate: dec("1"),
            spend: dec("128")
        }
    );
    assert_eq!(
        earning.grants[1].basis,
        GrantBasis::Rule {
            name: "Double points Tuesday".into(),
            effect: times("2"),
            spend: Some(dec("128")),
            base: Some(Points(128)),
        }
    );
    for grant in &earning.grants {
        assert_eq!(
            explain(&program, &grant.basis, grant.points, grant.capped_by),
            grant.explanation,
            "the sentence is told again from the basis alone"
        );
    }
}

#[test]
fn an_effect_is_named_back_from_its_key_and_figure() {
    for effect in [per_unit("0.5"), fixed(100), times("2"), percent("10")] {
        assert_eq!(
            Effect::from_key(effect.key(), effect.factor()),
            Some(effect.clone())
        );
    }
    assert_eq!(
        Effect::from_key("fixed", dec("1.5")),
        None,
        "fixed points are whole"
    );
    assert_eq!(Effect::from_key("bogus", dec("1")), None);
}
