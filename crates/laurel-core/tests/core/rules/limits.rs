//! Limits: a rule grants up to what each of its limits still allows, and names the one that cut it.

use crate::fixtures::{basket, earn, per_unit, pts, purchase, rule};
use laurel_core::Points;
use laurel_core::rules::{
    EarnContext, Earning, EarningRule, Grant, LimitKind, Limits, RuleUsage, UsageTotals,
};

/// Limits with one cap of `kind`.
fn only(kind: LimitKind, cap: i64) -> Limits {
    let mut limits = Limits::default();
    let cap = Some(pts(cap));
    match kind {
        LimitKind::PerTransaction => limits.per_transaction = cap,
        LimitKind::PerMemberDay => limits.per_member_day = cap,
        LimitKind::PerMemberWeek => limits.per_member_week = cap,
        LimitKind::PerMemberMonth => limits.per_member_month = cap,
        LimitKind::PerMemberLifetime => limits.per_member_lifetime = cap,
        LimitKind::CampaignBudget => limits.campaign_budget = cap,
    }
    limits
}

/// Usage of `used` points in every period (and in the campaign).
fn used_everywhere(used: i64) -> UsageTotals {
    UsageTotals {
        member_day: pts(used),
        member_week: pts(used),
        member_month: pts(used),
        member_lifetime: pts(used),
        campaign: pts(used),
    }
}

/// The "bonus" rule: 1 extra point per yuan, so it wants 100 on a 100-yuan basket.
fn bonus(limits: Limits) -> EarningRule {
    rule("bonus", per_unit("1")).with_limits(limits)
}

/// A 100-yuan purchase with `usage` already recorded for the "bonus" rule.
fn hundred_after(usage: UsageTotals) -> EarnContext {
    purchase(basket("100")).with_usage(RuleUsage::new().with("bonus", usage))
}

fn bonus_grant(earning: &Earning) -> Grant {
    earning.grant("bonus").cloned().unwrap()
}

#[test]
fn each_limit_grants_up_to_what_is_left_of_it_and_names_itself() {
    for kind in LimitKind::ALL {
        // Every usage is 70; a per-transaction cap ignores usage, so it leaves all 90.
        let left = if kind == LimitKind::PerTransaction {
            90
        } else {
            20
        };
        let earning = earn(
            vec![bonus(only(kind, 90))],
            &hundred_after(used_everywhere(70)),
        );
        let grant = bonus_grant(&earning);
        assert_eq!(grant.points, pts(left), "{kind:?}");
        assert_eq!(grant.capped_by, Some(kind), "{kind:?}");
        assert!(
            grant
                .explanation
                .ends_with(&format!("→ +{left} ({} reached)", kind.describe())),
            "{kind:?}: {}",
            grant.explanation
        );
        assert_eq!(earning.total, pts(100 + left), "{kind:?}");
    }
}

#[test]
fn under_its_limits_a_rule_grants_in_full_and_is_not_capped() {
    for kind in LimitKind::ALL {
        let earning = earn(
            vec![bonus(only(kind, 200))],
            &hundred_after(used_everywhere(100)),
        );
        assert_eq!(bonus_grant(&earning).points, pts(100), "{kind:?}");
        assert_eq!(bonus_grant(&earning).capped_by, None, "{kind:?}");
    }
}

#[test]
fn a_grant_that_exactly_meets_its_limit_is_not_reported_as_capped() {
    let earning = earn(
        vec![bonus(only(LimitKind::PerMemberDay, 150))],
        &hundred_after(used_everywhere(50)),
    );
    assert_eq!(bonus_grant(&earning).points, pts(100));
    assert_eq!(bonus_grant(&earning).capped_by, None);
}

#[test]
fn a_limit_already_reached_grants_nothing_but_says_which_limit() {
    let earning = earn(
        vec![bonus(only(LimitKind::PerMemberWeek, 300))],
        &hundred_after(used_everywhere(300)),
    );
    let grant = bonus_grant(&earning);
    assert_eq!(grant.points, Points::ZERO);
    assert_eq!(grant.capped_by, Some(LimitKind::PerMemberWeek));
    assert_eq!(
        grant.explanation,
        "bonus: 1 per CNY on 100.00 → +0 (weekly limit reached)"
    );
    assert_eq!(earning.total, pts(100));
}

#[test]
fn usage_beyond_a_limit_never_makes_a_grant_negative() {
    // A cap lowered after members earned more than it now allows.
    let earning = earn(
        vec![bonus(only(LimitKind::PerMemberLifetime, 100))],
        &hundred_after(used_everywhere(250)),
    );
    assert_eq!(bonus_grant(&earning).points, Points::ZERO);
}

#[test]
fn the_tightest_limit_is_the_one_named() {
    let limits = Limits {
        per_transaction: Some(pts(80)),
        per_member_day: Some(pts(100)),    // 100 - 40 = 60 left
        per_member_month: Some(pts(1000)), // 1000 - 40 = 960 left
        ..Limits::default()
    };
    let usage = UsageTotals {
        member_day: pts(40),
        member_month: pts(40),
        ..UsageTotals::default()
    };
    let grant = bonus_grant(&earn(vec![bonus(limits)], &hundred_after(usage)));
    assert_eq!(
        (grant.points, grant.capped_by),
        (pts(60), Some(LimitKind::PerMemberDay))
    );
}

#[test]
fn between_equally_tight_limits_the_narrowest_is_named() {
    let limits = Limits {
        per_member_day: Some(pts(50)),
        per_member_week: Some(pts(50)),
        campaign_budget: Some(pts(50)),
        ..Limits::default()
    };
    let grant = bonus_grant(&earn(
        vec![bonus(limits)],
        &hundred_after(UsageTotals::default()),
    ));
    assert_eq!(grant.capped_by, Some(LimitKind::PerMemberDay));
}

#[test]
fn a_campaign_budget_counts_every_members_points_and_stops_the_rule_when_spent() {
    let budget = || bonus(only(LimitKind::CampaignBudget, 10_000));
    let campaign = |spent: i64| UsageTotals {
        campaign: pts(spent),
        ..UsageTotals::default()
    };
    // A member who never earned from the rule still meets a nearly spent budget.
    let nearly = bonus_grant(&earn(vec![budget()], &hundred_after(campaign(9_975))));
    assert_eq!(
        (nearly.points, nearly.capped_by),
        (pts(25), Some(LimitKind::CampaignBudget))
    );
    assert!(
        nearly.explanation.ends_with("(campaign budget reached)"),
        "{}",
        nearly.explanation
    );
    let spent = bonus_grant(&earn(vec![budget()], &hundred_after(campaign(10_000))));
    assert_eq!(
        (spent.points, spent.capped_by),
        (Points::ZERO, Some(LimitKind::CampaignBudget))
    );
}

#[test]
fn usage_counts_only_against_the_rule_it_was_recorded_for() {
    let other_rule_used = purchase(basket("100"))
        .with_usage(RuleUsage::new().with("something_else", used_everywhere(1_000)));
    let earning = earn(
        vec![bonus(only(LimitKind::PerMemberDay, 150))],
        &other_rule_used,
    );
    assert_eq!(bonus_grant(&earning).points, pts(100));
}

#[test]
fn limit_kinds_have_stable_names() {
    for kind in LimitKind::ALL {
        assert_eq!(LimitKind::parse(kind.as_str()), Some(kind));
    }
    assert_eq!(LimitKind::PerMemberDay.to_string(), "per_member_day");
    assert_eq!(LimitKind::parse("per_fortnight"), None);
}
