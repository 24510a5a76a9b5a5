//! Awards: what a purchase or event earns in all — the rules, the tier's bonus on the base,
//! a referral's welcome — within the most one command may move; and what the caller must
//! look up before deciding (limited rules' usage, whether it is a first purchase).

use crate::fixtures::{basket, by, dec, event, fixed, pts, purchase, rule, rule_set, shanghai};
use laurel_core::award::{AwardTerms, award};
use laurel_core::earn::EarnError;
use laurel_core::points::POINTS_MAX;
use laurel_core::referrals::ReferralPolicy;
use laurel_core::rules::{Condition, Event, LimitedRules, Limits};
use laurel_core::tiers::{Tier, TierBenefits, TierMetric, TierPolicy, TierPolicySpec, TierWindow};

/// Green from 0 (no bonus), gold from 1000 spent (1.5 × the base).
fn tiers() -> TierPolicy {
    let tier = |id: &str, threshold: &str, multiplier: &str| Tier {
        id: id.into(),
        name: id.into(),
        threshold: dec(threshold),
        benefits: TierBenefits {
            earn_multiplier: dec(multiplier),
            ..TierBenefits::default()
        },
    };
    TierPolicy::new(TierPolicySpec {
        metric: TierMetric::Spend,
        window: TierWindow::CalendarYear,
        grace_days: 0,
        max_steps_down: None,
        tiers: vec![tier("green", "0", "1"), tier("gold", "1000", "1.5")],
    })
    .unwrap()
}

fn welcome(points: i64) -> ReferralPolicy {
    ReferralPolicy {
        referrer_points: pts(500),
        referee_points: pts(points),
        min_purchase: dec("0"),
        within_days: None,
        max_per_referrer: None,
        reverse_on_refund: false,
    }
}

#[test]
fn a_gold_members_purchase_earns_the_rules_then_the_tier_bonus_then_the_referral_welcome() {
    let program = shanghai();
    let rules = rule_set(vec![rule("double", fixed(10))]);
    let tiers = tiers();
    let terms = AwardTerms {
        program: &program,
        rules: &rules,
        membership: None,
        tiers: Some(&tiers),
    };
    let gold = by(purchase(basket("100")), |m| m.tier = Some("gold".into()));
    let earned = award(terms, &gold, Some(&welcome(200))).unwrap();
    let granted: Vec<_> = earned
        .grants
        .iter()
        .map(|g| (g.rule_id.as_str(), g.points.get()))
        .collect();
    assert_eq!(granted[0], ("base", 100));
    assert_eq!(granted[1], ("double", 10));
    assert_eq!(granted[2].1, 50, "half the base again: {granted:?}");
    assert_eq!(granted[3].1, 200, "the welcome comes last: {granted:?}");
    assert_eq!(earned.total, pts(360));

    let green = by(purchase(basket("100")), |m| m.tier = Some("green".into()));
    let earned = award(terms, &green, None).unwrap();
    assert_eq!(earned.total, pts(110), "no bonus at 1 ×, no welcome");
}

#[test]
fn an_award_above_the_most_one_command_may_move_is_out_of_range() {
    let program = shanghai();
    let rules = rule_set(vec![rule("huge", fixed(POINTS_MAX))]);
    let terms = AwardTerms {
        program: &program,
        rules: &rules,
        membership: None,
        tiers: None,
    };
    let context = purchase(basket("1"));
    assert_eq!(award(terms, &context, None), Err(EarnError::OutOfRange));
}

#[test]
fn only_the_limited_rules_an_activity_triggers_need_their_usage_loaded() {
    let daily = Limits {
        per_member_day: Some(pts(100)),
        ..Limits::default()
    };
    let budget = Limits {
        campaign_budget: Some(pts(10_000)),
        ..Limits::default()
    };
    let rules = rule_set(vec![
        rule("daily", fixed(5)).with_limits(daily),
        rule("budget", fixed(5)).with_limits(budget),
        rule("free", fixed(5)),
        rule("review", fixed(5))
            .on_event("review_written")
            .with_limits(daily),
    ]);
    let limited = rules.limited_by(&purchase(basket("10")).activity);
    assert_eq!(limited.member, vec!["daily".to_owned()]);
    assert_eq!(limited.campaign, vec!["budget".to_owned()]);
    let review = event(Event::new("review_written")).activity;
    assert_eq!(rules.limited_by(&review).member, vec!["review".to_owned()]);
    assert!(
        rules
            .limited_by(&event(Event::new("app_installed")).activity)
            .is_empty()
    );
    assert_eq!(
        LimitedRules::default(),
        rule_set(vec![]).limited_by(&review)
    );
}

#[test]
fn whether_it_is_a_first_purchase_matters_only_when_a_triggered_rule_asks() {
    let asking = rule_set(vec![
        rule("welcome", fixed(50)).when(Condition::FirstPurchase),
    ]);
    let purchase = purchase(basket("10")).activity;
    assert!(asking.asks_first_purchase(&purchase));
    assert!(!asking.asks_first_purchase(&event(Event::new("review_written")).activity));
    assert!(!rule_set(vec![rule("plain", fixed(1))]).asks_first_purchase(&purchase));
}
