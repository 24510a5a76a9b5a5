//! Tiers: qualification by metric and window, upgrades at once, downgrades only at review
//! after grace and by at most the configured steps, manual assignment, the earn bonus.

use crate::fixtures::{dec, pts, ts};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use laurel_core::Rounding;
use laurel_core::tiers::{
    ManualTier, Tier, TierBenefits, TierChangeReason, TierMetric, TierPolicy, TierPolicySpec,
    TierStatus, TierWindow, Window,
};

fn tz() -> TimeZone {
    TimeZone::get("Asia/Shanghai").unwrap()
}

fn tier(id: &str, threshold: &str, multiplier: &str) -> Tier {
    Tier {
        id: id.into(),
        name: format!("{}{}", id[..1].to_uppercase(), &id[1..]).into(),
        threshold: dec(threshold),
        benefits: TierBenefits {
            earn_multiplier: dec(multiplier),
            ..TierBenefits::default()
        },
    }
}

/// Spend over the calendar year: green from 0, silver from 1000, gold from 5000, platinum
/// from 20000; 30 days' grace; down one tier at a time.
fn spec() -> TierPolicySpec {
    TierPolicySpec {
        metric: TierMetric::Spend,
        window: TierWindow::CalendarYear,
        grace_days: 30,
        max_steps_down: Some(1),
        tiers: vec![
            tier("green", "0", "1"),
            tier("silver", "1000", "1.25"),
            tier("gold", "5000", "1.5"),
            tier("platinum", "20000", "2"),
        ],
    }
}

fn policy(edit: impl FnOnce(&mut TierPolicySpec)) -> TierPolicy {
    let mut s = spec();
    edit(&mut s);
    TierPolicy::new(s).unwrap()
}

fn standard() -> TierPolicy {
    policy(|_| {})
}

fn holding(tier: &str, since: &str) -> TierStatus {
    TierStatus {
        tier: Some(tier.into()),
        since: Some(ts(since)),
        ..TierStatus::default()
    }
}

/// Local midnight in Shanghai (UTC+8) of a date, as an instant.
fn local_midnight(date: &str) -> Timestamp {
    ts(&format!("{date}T00:00:00+08:00"))
}

mod qualification {
    use super::*;

    #[test]
    fn a_new_member_starts_in_the_tier_whose_threshold_is_zero() {
        let status = standard().initial(ts("2026-03-01T00:00:00Z"));
        assert_eq!(status.tier.as_deref(), Some("green"));
        assert_eq!(status.since, Some(ts("2026-03-01T00:00:00Z")));
        assert_eq!(status.review_at, None);
    }

    #[test]
    fn without_a_zero_threshold_a_new_member_has_no_tier() {
        let p = policy(|s| {
            s.tiers.remove(0);
        });
        assert_eq!(p.initial(ts("2026-03-01T00:00:00Z")), TierStatus::default());
    }

    #[test]
    fn the_qualified_tier_is_the_highest_threshold_reached() {
        let p = standard();
        assert_eq!(p.qualified_rank(dec("999.99")), 1);
        assert_eq!(p.qualified_rank(dec("1000")), 2);
        assert_eq!(p.qualified_rank(dec("19999")), 3);
        assert_eq!(p.qualified_rank(dec("1000000")), 4);
    }

    #[test]
    fn an_activity_that_reaches_a_threshold_upgrades_at_once_skipping_tiers() {
        let p = standard();
        let now = ts("2026-05-10T12:00:00Z");
        let d = p.after_activity(
            &holding("green", "2026-01-01T00:00:00Z"),
            dec("6000"),
            now,
            &tz(),
        );
        assert_eq!(d.status.tier.as_deref(), Some("gold"));
        assert_eq!(d.status.since, Some(now));
        let change = d.change.unwrap();
        assert_eq!(
            (change.from.as_deref(), change.to.as_deref(), change.reason),
            (Some("green"), Some("gold"), TierChangeReason::Qualified)
        );
        // A calendar-year program reviews on the next local 1 January.
        assert_eq!(d.status.review_at, Some(local_midnight("2027-01-01")));
    }

    #[test]
    fn an_activity_never_downgrades() {
        let p = standard();
        let status = holding("gold", "2025-06-01T00:00:00Z");
        let d = p.after_activity(&status, dec("10"), ts("2026-05-10T12:00:00Z"), &tz());
        assert_eq!(d.status, status);
        assert_eq!(d.change, None);
    }

    #[test]
    fn requalifying_during_grace_cancels_the_pending_downgrade() {
        let p = standard();
        let status = TierStatus {
            downgrade_at: Some(local_midnight("2026-01-31")),
            review_at: Some(local_midnight("2026-01-31")),
            ..holding("gold", "2025-06-01T00:00:00Z")
        };
        let now = ts("2026-01-20T00:00:00Z");
        let d = p.after_activity(&status, dec("5000"), now, &tz());
        assert_eq!(d.status.tier.as_deref(), Some("gold"));
        assert_eq!(d.status.downgrade_at, None);
        assert_eq!(d.status.review_at, Some(local_midnight("2027-01-01")));
        assert_eq!(d.change, None);
    }

    #[test]
    fn every_metric_compares_with_the_same_thresholds() {
        for metric in [TierMetric::Purchases, TierMetric::PointsEarned] {
            let p = policy(|s| {
                s.metric = metric;
                s.tiers = vec![tier("regular", "0", "1"), tier("fan", "10", "1.1")];
            });
            let d = p.after_activity(
                &p.initial(ts("2026-01-01T00:00:00Z")),
                dec("10"),
                ts("2026-02-01T00:00:00Z"),
                &tz(),
            );
            assert_eq!(d.status.tier.as_deref(), Some("fan"), "{metric:?}");
        }
    }
}

mod windows {
    use super::*;

    #[test]
    fn a_calendar_year_window_is_the_local_year() {
        let w = standard().activity_window(ts("2026-12-31T17:00:00Z"), &tz());
        // 01:00 on 1 January 2027 in Shanghai: already next year there.
        assert_eq!(w.from, Some(local_midnight("2027-01-01")));
        assert_eq!(w.to, Some(local_midnight("2028-01-01")));
    }

    #[test]
    fn a_review_on_new_years_day_judges_the_year_that_ended() {
        let w = standard().review_window(local_midnight("2027-01-01"), &tz());
        assert_eq!(
            w,
            Window {
                from: Some(local_midnight("2026-01-01")),
                to: Some(local_midnight("2027-01-01")),
            }
        );
    }

    #[test]
    fn a_rolling_window_reaches_back_n_calendar_months() {
        let p = policy(|s| s.window = TierWindow::RollingMonths(12));
        let at = local_midnight("2026-07-01");
        let review = p.review_window(at, &tz());
        assert_eq!(review.from, Some(local_midnight("2025-07-01")));
        assert_eq!(review.to, Some(at));
        assert!(review.contains(local_midnight("2025-07-01")));
        assert!(!review.contains(at));
        assert_eq!(p.activity_window(at, &tz()).to, None);
        assert_eq!(p.next_review(at, &tz()), Some(local_midnight("2026-08-01")));
    }

    #[test]
    fn since_joining_counts_everything_before_the_review() {
        let p = policy(|s| s.window = TierWindow::SinceJoining);
        let at = local_midnight("2026-07-01");
        assert_eq!(
            p.review_window(at, &tz()),
            Window {
                from: None,
                to: Some(at)
            }
        );
        assert!(
            p.activity_window(at, &tz())
                .contains(ts("1990-01-01T00:00:00Z"))
        );
    }

    #[test]
    fn reviews_fall_on_local_midnights() {
        let p = standard();
        assert_eq!(
            p.next_review(local_midnight("2026-01-01"), &tz()),
            Some(local_midnight("2027-01-01"))
        );
        let monthly = policy(|s| s.window = TierWindow::RollingMonths(3));
        assert_eq!(
            monthly.next_review(ts("2026-01-31T16:30:00Z"), &tz()),
            Some(local_midnight("2026-03-01")),
            "00:30 on 1 February in Shanghai is past February's review"
        );
    }
}

mod reviews {
    use super::*;

    fn due(status: TierStatus, at: &str) -> TierStatus {
        TierStatus {
            review_at: Some(local_midnight(at)),
            ..status
        }
    }

    #[test]
    fn a_member_who_still_qualifies_keeps_the_tier_until_the_next_review() {
        let p = standard();
        let at = local_midnight("2027-01-01");
        let d = p.review(
            &due(holding("gold", "2026-04-01T00:00:00Z"), "2027-01-01"),
            dec("5000"),
            at,
            &tz(),
        );
        assert_eq!(d.change, None);
        assert_eq!(d.status.tier.as_deref(), Some("gold"));
        assert_eq!(d.status.since, Some(ts("2026-04-01T00:00:00Z")));
        assert_eq!(d.status.review_at, Some(local_midnight("2028-01-01")));
    }

    #[test]
    fn falling_short_starts_a_grace_period_and_a_review_at_its_end() {
        let p = standard();
        let at = local_midnight("2027-01-01");
        let d = p.review(
            &due(holding("gold", "2026-04-01T00:00:00Z"), "2027-01-01"),
            dec("100"),
            at,
            &tz(),
        );
        assert_eq!(d.change, None, "no downgrade before the grace period ends");
        assert_eq!(d.status.tier.as_deref(), Some("gold"));
        assert_eq!(d.status.downgrade_at, Some(local_midnight("2027-01-31")));
        assert_eq!(d.status.review_at, Some(local_midnight("2027-01-31")));
    }

    #[test]
    fn after_grace_a_member_goes_down_at_most_the_configured_steps() {
        let p = standard();
        let status = TierStatus {
            downgrade_at: Some(local_midnight("2027-01-31")),
            ..due(holding("platinum", "2025-04-01T00:00:00Z"), "2027-01-31")
        };
        let at = local_midnight("2027-01-31");
        let d = p.review(&status, dec("0"), at, &tz());
        assert_eq!(
            d.status.tier.as_deref(),
            Some("gold"),
            "one step, not to green"
        );
        assert_eq!(d.status.since, Some(at));
        assert_eq!(d.status.downgrade_at, None);
        let change = d.change.unwrap();
        assert_eq!(change.reason, TierChangeReason::Review);
        assert_eq!(change.from.as_deref(), Some("platinum"));
        assert_eq!(d.status.review_at, Some(local_midnight("2028-01-01")));
    }

    #[test]
    fn without_a_step_limit_a_member_goes_to_the_tier_they_qualify_for() {
        let p = policy(|s| {
            s.max_steps_down = None;
            s.grace_days = 0;
        });
        let at = local_midnight("2027-01-01");
        let d = p.review(
            &due(holding("platinum", "2025-04-01T00:00:00Z"), "2027-01-01"),
            dec("1500"),
            at,
            &tz(),
        );
        assert_eq!(d.status.tier.as_deref(), Some("silver"));
    }

    #[test]
    fn a_member_down_at_the_lowest_tier_needs_no_more_reviews() {
        let p = policy(|s| s.grace_days = 0);
        let at = local_midnight("2027-01-01");
        let d = p.review(
            &due(holding("silver", "2026-04-01T00:00:00Z"), "2027-01-01"),
            dec("0"),
            at,
            &tz(),
        );
        assert_eq!(d.status.tier.as_deref(), Some("green"));
        assert_eq!(d.status.review_at, None);
    }

    #[test]
    fn a_review_within_the_grace_period_keeps_the_deadline() {
        let p = policy(|s| {
            s.window = TierWindow::RollingMonths(12);
            s.grace_days = 90;
        });
        let status = TierStatus {
            downgrade_at: Some(local_midnight("2027-03-31")),
            ..due(holding("gold", "2025-04-01T00:00:00Z"), "2027-02-01")
        };
        let d = p.review(&status, dec("10"), local_midnight("2027-02-01"), &tz());
        assert_eq!(d.change, None);
        assert_eq!(d.status.downgrade_at, Some(local_midnight("2027-03-31")));
        assert_eq!(d.status.review_at, Some(local_midnight("2027-03-01")));
    }

    #[test]
    fn a_manual_tier_holds_until_its_end_then_is_reviewed_like_any_other() {
        let p = policy(|s| s.grace_days = 0);
        let until = local_midnight("2027-03-01");
        let assigned = p.assign(
            &holding("silver", "2026-04-01T00:00:00Z"),
            "platinum",
            "VIP guest",
            Some(until),
            ts("2026-06-01T00:00:00Z"),
            &tz(),
        );
        let change = assigned.change.clone().unwrap();
        assert_eq!(change.reason, TierChangeReason::Manual);
        assert_eq!(assigned.status.tier.as_deref(), Some("platinum"));
        assert_eq!(
            assigned.status.manual,
            Some(ManualTier {
                reason: "VIP guest".into(),
                until: Some(until)
            })
        );
        assert_eq!(assigned.status.review_at, Some(until));
        // Before its end, a review leaves it alone.
        let early = p.review(
            &assigned.status,
            dec("0"),
            local_midnight("2027-01-01"),
            &tz(),
        );
        assert_eq!(early.status.tier.as_deref(), Some("platinum"));
        assert_eq!(early.change, None);
        // At its end, the member goes down one step (grace 0).
        let ended = p.review(&assigned.status, dec("0"), until, &tz());
        assert_eq!(ended.status.manual, None);
        assert_eq!(ended.status.tier.as_deref(), Some("gold"));
    }

    #[test]
    fn an_open_ended_manual_tier_needs_no_review_and_yields_to_a_higher_qualification() {
        let p = standard();
        let assigned = p.assign(
            &TierStatus::default(),
            "silver",
            "staff",
            None,
            ts("2026-06-01T00:00:00Z"),
            &tz(),
        );
        assert_eq!(assigned.status.review_at, None);
        let d = p.after_activity(
            &assigned.status,
            dec("5000"),
            ts("2026-07-01T00:00:00Z"),
            &tz(),
        );
        assert_eq!(d.status.tier.as_deref(), Some("gold"));
        assert_eq!(d.status.manual, None);
    }
}

mod benefits {
    use super::*;

    #[test]
    fn the_multiplier_grants_the_extra_share_of_the_base_earn_rounded_by_the_program() {
        let p = standard();
        let grant = p
            .bonus_grant(Some("silver"), pts(30), Rounding::Floor)
            .unwrap()
            .unwrap();
        assert_eq!(grant.rule_id, "tier:silver");
        assert_eq!(grant.points, pts(7), "0.25 × 30 = 7.5, floored");
        assert!(
            grant.explanation.contains("Silver"),
            "{}",
            grant.explanation
        );
        let nearest = p
            .bonus_grant(Some("silver"), pts(30), Rounding::Nearest)
            .unwrap()
            .unwrap();
        assert_eq!(nearest.points, pts(8));
    }

    #[test]
    fn no_bonus_without_a_tier_a_multiplier_above_one_or_a_base() {
        let p = standard();
        assert_eq!(
            p.bonus_grant(None, pts(100), Rounding::Floor).unwrap(),
            None
        );
        assert_eq!(
            p.bonus_grant(Some("green"), pts(100), Rounding::Floor)
                .unwrap(),
            None
        );
        assert_eq!(
            p.bonus_grant(Some("gold"), pts(0), Rounding::Floor)
                .unwrap(),
            None
        );
        assert_eq!(
            p.bonus_grant(Some("retired"), pts(100), Rounding::Floor)
                .unwrap(),
            None
        );
    }

    #[test]
    fn progress_names_the_next_tier_what_is_still_needed_and_the_deadline() {
        let p = standard();
        let now = ts("2026-06-01T00:00:00Z");
        let window = p.activity_window(now, &tz());
        let progress = p.progress(
            &holding("silver", "2026-02-01T00:00:00Z"),
            dec("3200.50"),
            window,
        );
        let next = progress.next.unwrap();
        assert_eq!(next.tier.id, "gold");
        assert_eq!(next.needed, dec("1799.50"));
        assert_eq!(progress.deadline, Some(local_midnight("2027-01-01")));
        let top = p.progress(
            &holding("platinum", "2026-02-01T00:00:00Z"),
            dec("0"),
            window,
        );
        assert_eq!(top.next, None);
    }
}

mod validation {
    use super::*;

    fn keys(edit: impl FnOnce(&mut TierPolicySpec)) -> Vec<String> {
        let mut s = spec();
        edit(&mut s);
        TierPolicy::new(s)
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|i| i.key)
            .collect()
    }

    #[test]
    fn a_valid_policy_has_no_issues() {
        assert!(keys(|_| {}).is_empty());
    }

    #[test]
    fn thresholds_must_rise_tier_by_tier() {
        assert_eq!(
            keys(|s| s.tiers[2].threshold = dec("1000")),
            ["tiers.levels[2].threshold"]
        );
    }

    #[test]
    fn counted_metrics_need_whole_thresholds() {
        assert_eq!(
            keys(|s| {
                s.metric = TierMetric::Purchases;
                s.tiers[1].threshold = dec("2.5");
            }),
            ["tiers.levels[1].threshold"]
        );
    }

    #[test]
    fn every_problem_is_reported_with_its_key() {
        let found = keys(|s| {
            s.grace_days = 10_000;
            s.window = TierWindow::RollingMonths(0);
            s.max_steps_down = Some(0);
            s.tiers[0].id = "Green!".into();
            s.tiers[1].id = "gold".into();
            s.tiers[1].benefits.earn_multiplier = dec("0.5");
            s.tiers[3].benefits.discount_percent = dec("120");
            s.tiers[3].name = " ".into();
        });
        for key in [
            "tiers.grace_days",
            "tiers.months",
            "tiers.max_steps_down",
            "tiers.levels[0].id",
            "tiers.levels[2].id",
            "tiers.levels[1].earn_multiplier",
            "tiers.levels[3].discount_percent",
            "tiers.levels[3].name",
        ] {
            assert!(
                found.iter().any(|k| k == key),
                "{key} missing from {found:?}"
            );
        }
    }

    #[test]
    fn at_least_one_tier() {
        assert_eq!(keys(|s| s.tiers.clear()), ["tiers.levels"]);
    }

    #[test]
    fn an_unknown_tier_ranks_as_none() {
        assert_eq!(standard().rank(Some("bronze")), 0);
        assert_eq!(standard().rank(None), 0);
    }
}

// --- the checkout discount ---------------------------------------------------------------------

fn with_discount(percent: &str) -> TierPolicy {
    policy(|s| s.tiers[2].benefits.discount_percent = dec(percent))
}

#[test]
fn the_tier_discount_is_its_percentage_of_the_basket_rounded_down_to_the_minor_unit() {
    use laurel_core::tiers::tier_discount;
    let gold = TierBenefits {
        discount_percent: dec("5"),
        ..TierBenefits::default()
    };
    for (amount, digits, expected) in [
        ("123.45", 2, "6.17"),
        ("10.10", 2, "0.50"),
        ("0.19", 2, "0.00"),
        ("1999", 0, "99"),
        ("0", 2, "0"),
        ("-5", 2, "0"),
    ] {
        assert_eq!(
            tier_discount(&gold, dec(amount), digits),
            dec(expected),
            "5% of {amount} with {digits} decimals"
        );
    }
    let everything = TierBenefits {
        discount_percent: dec("100"),
        ..TierBenefits::default()
    };
    assert_eq!(tier_discount(&everything, dec("12.34"), 2), dec("12.34"));
    assert_eq!(
        tier_discount(&TierBenefits::default(), dec("100"), 2),
        dec("0")
    );
}

#[test]
fn the_tier_discount_applies_to_what_is_left_after_a_coupon_and_only_for_a_tier_with_one() {
    let policy = with_discount("10");
    assert_eq!(
        policy.discount_for(Some("gold"), dec("88"), dec("0"), 2),
        dec("8.8")
    );
    assert_eq!(
        policy.discount_for(Some("gold"), dec("88"), dec("10"), 2),
        dec("7.8"),
        "10% of the 78 the coupon left"
    );
    assert_eq!(
        policy.discount_for(Some("gold"), dec("8"), dec("10"), 2),
        dec("0"),
        "a coupon worth more than the basket leaves nothing to discount"
    );
    assert_eq!(
        policy.discount_for(Some("silver"), dec("88"), dec("0"), 2),
        dec("0")
    );
    assert_eq!(policy.discount_for(None, dec("88"), dec("0"), 2), dec("0"));
    assert_eq!(
        policy.discount_for(Some("retired"), dec("88"), dec("0"), 2),
        dec("0"),
        "a tier the policy no longer has"
    );
}

#[test]
fn each_metric_counts_its_own_measure_of_a_purchase_and_only_points_move_with_events() {
    assert_eq!(TierMetric::Spend.from_raw(12_345, 2), dec("123.45"));
    assert_eq!(TierMetric::Purchases.from_raw(3, 2), dec("3"));
    assert_eq!(TierMetric::PointsEarned.from_raw(500, 2), dec("500"));
    let (spend, points) = (dec("88.80"), pts(88));
    assert_eq!(TierMetric::Spend.added_by_purchase(spend, points), spend);
    assert_eq!(
        TierMetric::Purchases.added_by_purchase(spend, points),
        dec("1")
    );
    assert_eq!(
        TierMetric::PointsEarned.added_by_purchase(spend, points),
        dec("88")
    );
    assert!(TierMetric::PointsEarned.moved_by_event(pts(5)));
    assert!(!TierMetric::PointsEarned.moved_by_event(pts(0)));
    assert!(!TierMetric::Spend.moved_by_event(pts(5)));
}

mod paid {
    //! A tier held by a paid membership: a floor until the term's end, then the metric's
    //! tier at once when the paid tier is the one held — and the usual grace otherwise.
    use super::*;

    fn at(s: &str) -> Timestamp {
        ts(s)
    }

    #[test]
    fn a_paid_tier_holds_through_reviews_until_its_term_ends_then_drops_at_once() {
        let p = standard();
        let green = holding("green", "2027-01-01T00:00:00Z");
        let until = at("2027-06-01T00:00:00Z");
        let held = p.hold_paid(&green, "gold", until, at("2027-01-10T00:00:00Z"), &tz());
        assert_eq!(held.status.tier.as_deref(), Some("gold"));
        assert_eq!(
            held.change.map(|c| c.reason),
            Some(TierChangeReason::Membership)
        );
        assert_eq!(held.status.review_at, Some(until));
        // A review before the end keeps gold whatever the metric says.
        let mid = p.review(&held.status, dec("0"), at("2027-03-01T00:00:00Z"), &tz());
        assert_eq!(mid.status.tier.as_deref(), Some("gold"));
        // At the end, straight to what the metric gives: no grace for a paid tier.
        let end = p.review(&held.status, dec("1200"), until, &tz());
        assert_eq!(end.status.tier.as_deref(), Some("silver"));
        assert_eq!(end.status.paid, None);
        assert_eq!(
            end.change.map(|c| c.reason),
            Some(TierChangeReason::Membership)
        );
    }

    #[test]
    fn a_paid_tier_above_an_assignment_ends_the_assignment_so_the_term_s_end_is_felt() {
        let p = standard();
        let assigned = p.assign(
            &holding("green", "2027-01-01T00:00:00Z"),
            "silver",
            "goodwill",
            None,
            at("2027-01-02T00:00:00Z"),
            &tz(),
        );
        let until = at("2027-06-01T00:00:00Z");
        let held = p.hold_paid(
            &assigned.status,
            "gold",
            until,
            at("2027-01-10T00:00:00Z"),
            &tz(),
        );
        assert_eq!(held.status.manual, None);
        let end = p.review(&held.status, dec("0"), until, &tz());
        assert_eq!(end.status.tier.as_deref(), Some("green"));
        assert_eq!(end.status.review_at, None);
    }

    #[test]
    fn a_lower_paid_tier_ending_leaves_a_higher_tier_its_grace_and_step_limit() {
        let p = standard();
        // Platinum by the metric, below it now: grace runs to 30 January.
        let platinum = TierStatus {
            downgrade_at: Some(at("2027-01-30T00:00:00Z")),
            ..holding("platinum", "2026-06-01T00:00:00Z")
        };
        let held = p.hold_paid(
            &platinum,
            "gold",
            at("2027-01-10T00:00:00Z"),
            at("2027-01-02T00:00:00Z"),
            &tz(),
        );
        assert_eq!(held.status.tier.as_deref(), Some("platinum"));
        let end = p.review(&held.status, dec("0"), at("2027-01-10T00:00:00Z"), &tz());
        assert_eq!(
            end.status.tier.as_deref(),
            Some("platinum"),
            "grace still runs"
        );
        let after = p.review(&end.status, dec("0"), at("2027-01-30T00:00:00Z"), &tz());
        assert_eq!(after.status.tier.as_deref(), Some("gold"), "one step down");
    }
}
