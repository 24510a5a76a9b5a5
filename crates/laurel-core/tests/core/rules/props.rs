//! Properties of every evaluation, over random rule sets, baskets, events, members, instants
//! and usage: the total adds up, nothing is negative, no grant passes a limit, exclusive rules
//! and groups hold back what they promise, and stacking decides only which rules grant.

use crate::fixtures::{program, ts};
use jiff::civil::{Date, Weekday, date, time};
use jiff::{SignedDuration, ToSpan};
use laurel_core::rules::{
    Activity, Basket, BirthdayWindow, Condition, EarnContext, EarningRule, Effect, Event,
    LimitKind, Limits, Line, MemberFacts, RuleSet, RuleUsage, Stacking, TimeWindow, UsageTotals,
    evaluate,
};
use laurel_core::{Channel, Points, Program, Rounding};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use rust_decimal::Decimal;
use std::collections::BTreeSet;

const RULES_MAX: usize = 6;
const WEEKDAYS: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|v| (*v).to_owned()).collect()
}

fn cents(range: std::ops::Range<i64>) -> impl Strategy<Value = Decimal> {
    range.prop_map(|c| Decimal::new(c, 2))
}

fn day_of_2026(offset: i64) -> Date {
    date(2026, 1, 1).checked_add(offset.days()).unwrap()
}

// --- rules -----------------------------------------------------------------------------------

/// Conditions any trigger can meet: calendar and member facts.
fn any_condition() -> impl Strategy<Value = Condition> {
    prop_oneof![
        subsequence(WEEKDAYS.to_vec(), 1..=7).prop_map(Condition::DayOfWeek),
        (0_i8..24, 0_i8..24, any::<bool>())
            .prop_filter("a window is never empty", |(from, to, _)| from != to)
            .prop_map(|(from, to, fridays)| {
                let window = TimeWindow::daily(time(from, 0, 0, 0), time(to, 0, 0, 0));
                Condition::TimeOfDay(if fridays {
                    window.on([Weekday::Friday])
                } else {
                    window
                })
            }),
        (0_i64..400, 0_i64..200).prop_map(|(start, length)| Condition::DateRange {
            from: day_of_2026(start),
            to: day_of_2026(start + length),
        }),
        subsequence(strings(&["silver", "gold"]), 1..=2).prop_map(Condition::TierIn),
        select(vec![
            BirthdayWindow::Day,
            BirthdayWindow::Week,
            BirthdayWindow::Month
        ])
        .prop_map(Condition::Birthday),
        Just(Condition::MemberAttribute {
            key: "segment".into(),
            value: "student".into(),
        }),
    ]
}

/// Conditions only a purchase meets.
fn purchase_condition() -> impl Strategy<Value = Condition> {
    prop_oneof![
        subsequence(Channel::ALL.to_vec(), 1..=4).prop_map(Condition::ChannelIn),
        subsequence(strings(&["s1", "s2"]), 1..=2).prop_map(Condition::StoreIn),
        subsequence(strings(&["a", "b", "c"]), 1..=3).prop_map(Condition::SkuIn),
        subsequence(strings(&["x", "y"]), 1..=2).prop_map(Condition::CategoryIn),
        Just(Condition::LineAttribute {
            key: "promo".into(),
            value: "yes".into(),
        }),
        cents(0..30_000).prop_map(Condition::MinimumSpend),
        Just(Condition::FirstPurchase),
    ]
}

fn event_condition() -> impl Strategy<Value = Condition> {
    Just(Condition::EventAttribute {
        key: "rating".into(),
        value: "5".into(),
    })
}

fn fixed_effect() -> impl Strategy<Value = Effect> {
    (1_i64..150).prop_map(|n| Effect::Fixed(Points(n)))
}

fn spend_effect() -> impl Strategy<Value = Effect> {
    prop_oneof![
        fixed_effect(),
        select(vec!["0.5", "1", "2", "3.3"])
            .prop_map(|r| Effect::PointsPerUnit(r.parse().unwrap())),
        select(vec!["1.5", "2", "3"]).prop_map(|m| Effect::Multiplier(m.parse().unwrap())),
        select(vec!["5", "10", "33.3", "150"])
            .prop_map(|p| Effect::PercentBonus(p.parse().unwrap())),
    ]
}

fn cap() -> impl Strategy<Value = Option<Points>> {
    proptest::option::weighted(0.15, (0_i64..400).prop_map(Points))
}

fn limits() -> impl Strategy<Value = Limits> {
    (cap(), cap(), cap(), cap(), cap(), cap()).prop_map(|(t, d, w, m, l, c)| Limits {
        per_transaction: t,
        per_member_day: d,
        per_member_week: w,
        per_member_month: m,
        per_member_lifetime: l,
        campaign_budget: c,
    })
}

fn stacking() -> impl Strategy<Value = Stacking> {
    prop_oneof![
        3 => Just(Stacking::Stackable),
        1 => Just(Stacking::Exclusive),
        2 => select(vec!["g1", "g2"]).prop_map(|g| Stacking::ExclusiveGroup(g.into())),
    ]
}

/// Up to two conditions, more often fewer, so that rules apply often enough to contend.
fn conditions(
    condition: impl Strategy<Value = Condition> + Clone,
) -> impl Strategy<Value = Vec<Condition>> {
    (
        proptest::option::weighted(0.5, condition.clone()),
        proptest::option::weighted(0.25, condition),
    )
        .prop_map(|(first, second)| first.into_iter().chain(second).collect())
}

/// A valid rule; its id is given once the list is drawn.
fn earning_rule() -> impl Strategy<Value = EarningRule> {
    let purchase_rule = (
        conditions(prop_oneof![any_condition(), purchase_condition()]),
        spend_effect(),
    )
        .prop_map(|(conditions, effect)| EarningRule {
            conditions,
            ..EarningRule::new("", "", effect)
        });
    let event_rule = (
        conditions(prop_oneof![any_condition(), event_condition()]),
        fixed_effect(),
    )
        .prop_map(|(conditions, effect)| EarningRule {
            conditions,
            ..EarningRule::new("", "", effect).on_event("review_written")
        });
    (
        prop_oneof![3 => purchase_rule, 1 => event_rule],
        limits(),
        -2_i32..=2,
        stacking(),
    )
        .prop_map(|(rule, limits, priority, stacking)| {
            rule.with_limits(limits)
                .with_priority(priority)
                .with_stacking(stacking)
        })
}

fn rules() -> impl Strategy<Value = Vec<EarningRule>> {
    vec(earning_rule(), 0..=RULES_MAX).prop_map(|rules| {
        rules
            .into_iter()
            .enumerate()
            .map(|(i, mut rule)| {
                rule.id = format!("r{i}");
                rule.name = format!("Rule {i}").into();
                rule
            })
            .collect()
    })
}

// --- contexts --------------------------------------------------------------------------------

fn line() -> impl Strategy<Value = Line> {
    (
        select(vec!["a", "b", "c", "d"]),
        proptest::option::of(select(vec!["x", "y", "z"])),
        any::<bool>(),
        1_i64..4,
        cents(0..10_000),
    )
        .prop_map(|(sku, category, promo, quantity, price)| {
            let mut line = Line::new(sku, quantity, price);
            line.category = category.map(Into::into);
            if promo {
                line = line.with_attribute("promo", "yes");
            }
            line
        })
}

fn activity() -> impl Strategy<Value = Activity> {
    let basket = (
        select(Channel::ALL.to_vec()),
        proptest::option::of(select(vec!["s1", "s2", "s3"])),
        cents(0..60_000),
        vec(line(), 0..4),
    )
        .prop_map(|(channel, store, total, lines)| {
            Activity::Purchase(Basket {
                channel,
                store: store.map(Into::into),
                total,
                lines,
                partner: None,
            })
        });
    let event = (
        select(vec!["review_written", "survey_completed"]),
        proptest::option::of(select(vec!["4", "5"])),
    )
        .prop_map(|(kind, rating)| {
            let event = Event::new(kind);
            Activity::Event(match rating {
                Some(rating) => event.with_attribute("rating", rating),
                None => event,
            })
        });
    prop_oneof![3 => basket, 1 => event]
}

fn member() -> impl Strategy<Value = MemberFacts> {
    (
        proptest::option::of(select(vec!["silver", "gold", "platinum"])),
        any::<bool>(),
        proptest::option::of(prop_oneof![
            Just(date(2000, 2, 29)),
            (0_i64..366).prop_map(|d| date(1988, 1, 1).checked_add(d.days()).unwrap()),
        ]),
        any::<bool>(),
    )
        .prop_map(|(tier, student, birthday, first_purchase)| {
            let mut member = MemberFacts {
                tier: tier.map(Into::into),
                birthday,
                first_purchase,
                ..MemberFacts::default()
            };
            if student {
                member.attributes.insert("segment".into(), "student".into());
            }
            member
        })
}

fn usage_totals() -> impl Strategy<Value = UsageTotals> {
    (0_i64..200, 0_i64..200, 0_i64..200, 0_i64..200, 0_i64..200).prop_map(|(d, w, m, l, c)| {
        UsageTotals {
            member_day: Points(d),
            member_week: Points(w),
            member_month: Points(m),
            member_lifetime: Points(l),
            campaign: Points(c),
        }
    })
}

fn context() -> impl Strategy<Value = EarnContext> {
    (
        activity(),
        member(),
        0_i64..(400 * 86_400),
        vec(usage_totals(), RULES_MAX),
    )
        .prop_map(|(activity, member, seconds, usage)| {
            let occurred_at = ts("2026-01-01T00:00:00Z") + SignedDuration::from_secs(seconds);
            let usage = usage
                .into_iter()
                .enumerate()
                .fold(RuleUsage::new(), |all, (i, totals)| {
                    all.with(format!("r{i}"), totals)
                });
            EarnContext::new(activity, member, occurred_at).with_usage(usage)
        })
}

fn any_program() -> impl Strategy<Value = Program> {
    (
        select(vec!["0", "0.5", "1", "1.5", "10"]),
        select(vec![Rounding::Floor, Rounding::Nearest, Rounding::Ceil]),
        select(vec!["Asia/Shanghai", "America/New_York", "Europe/Berlin"]),
    )
        .prop_map(|(rate, rounding, time_zone)| {
            program(|s| {
                s.points_per_unit = rate.parse().unwrap();
                s.rounding = rounding;
                s.time_zone = time_zone.into();
            })
        })
}

// --- properties ------------------------------------------------------------------------------

fn rule_set(rules: &[EarningRule]) -> Result<RuleSet, TestCaseError> {
    RuleSet::new(rules.to_vec(), None)
        .map_err(|issues| TestCaseError::fail(format!("generated rules are invalid: {issues:?}")))
}

/// What a limit leaves given the usage, worked out here rather than trusted from the library.
fn left_of(limits: &Limits, kind: LimitKind, used: &UsageTotals) -> Option<i64> {
    let (cap, used) = match kind {
        LimitKind::PerTransaction => (limits.per_transaction, Points::ZERO),
        LimitKind::PerMemberDay => (limits.per_member_day, used.member_day),
        LimitKind::PerMemberWeek => (limits.per_member_week, used.member_week),
        LimitKind::PerMemberMonth => (limits.per_member_month, used.member_month),
        LimitKind::PerMemberLifetime => (limits.per_member_lifetime, used.member_lifetime),
        LimitKind::CampaignBudget => (limits.campaign_budget, used.campaign),
    };
    cap.map(|cap| (cap.get() - used.get()).max(0))
}

/// Points `rule` grants when it is the only rule.
fn alone(
    program: &Program,
    rule: &EarningRule,
    context: &EarnContext,
) -> Result<Points, TestCaseError> {
    let set = rule_set(std::slice::from_ref(rule))?;
    Ok(evaluate(program, &set, context)
        .unwrap()
        .points_of(&rule.id))
}

/// Where each rule stands in evaluation order.
fn position(set: &RuleSet, id: &str) -> usize {
    set.in_order().iter().position(|r| r.id == id).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_earning_adds_up_and_keeps_within_every_limit(
        program in any_program(),
        rules in rules(),
        context in context(),
    ) {
        let set = rule_set(&rules)?;
        let earning = evaluate(&program, &set, &context).unwrap();
        let sum: Points = earning.grants.iter().map(|g| g.points).sum();
        prop_assert_eq!(earning.total, sum);

        let is_purchase = matches!(context.activity, Activity::Purchase(_));
        prop_assert_eq!(earning.grants.first().is_some_and(|g| g.rule_id == "base"), is_purchase);

        let mut seen = BTreeSet::new();
        for grant in &earning.grants {
            prop_assert!(grant.points >= Points::ZERO, "negative grant {:?}", grant);
            prop_assert!(seen.insert(grant.rule_id.clone()), "{} granted twice", grant.rule_id);
            if grant.rule_id == "base" {
                continue;
            }
            let rule = set.get(&grant.rule_id).unwrap();
            let used = context.usage.of(&rule.id);
            for kind in LimitKind::ALL {
                if let Some(left) = left_of(&rule.limits, kind, &used) {
                    prop_assert!(grant.points.get() <= left, "{:?} passes {:?} ({} left)", grant, kind, left);
                }
            }
            match grant.capped_by {
                Some(kind) => prop_assert_eq!(Some(grant.points.get()), left_of(&rule.limits, kind, &used)),
                None => prop_assert!(grant.points.is_positive(), "an uncapped zero grant {:?}", grant),
            }
        }
        // Rule grants come in evaluation order.
        let positions: Vec<usize> = earning.grants.iter()
            .filter(|g| g.rule_id != "base")
            .map(|g| position(&set, &g.rule_id))
            .collect();
        prop_assert!(positions.is_sorted(), "grants out of order: {:?}", positions);
    }

    #[test]
    fn exclusive_rules_and_groups_hold_back_what_they_promise(
        program in any_program(),
        rules in rules(),
        context in context(),
    ) {
        let set = rule_set(&rules)?;
        let earning = evaluate(&program, &set, &context).unwrap();
        let granting: Vec<&EarningRule> = earning.grants.iter()
            .filter(|g| g.rule_id != "base" && g.points.is_positive())
            .map(|g| set.get(&g.rule_id).unwrap())
            .collect();
        // Once an exclusive rule grants, no rule after it appears at all.
        if let Some(exclusive) = granting.iter().find(|r| r.stacking == Stacking::Exclusive) {
            let cutoff = position(&set, &exclusive.id);
            for grant in earning.grants.iter().filter(|g| g.rule_id != "base") {
                prop_assert!(position(&set, &grant.rule_id) <= cutoff,
                    "{} granted after exclusive {}", grant.rule_id, exclusive.id);
            }
        }
        // At most one rule of each group grants: the first of the group that would grant alone.
        for group in ["g1", "g2"] {
            let stacking = Stacking::ExclusiveGroup(group.into());
            let members: Vec<&&EarningRule> = granting.iter().filter(|r| r.stacking == stacking).collect();
            prop_assert!(members.len() <= 1, "group {} granted by {:?}", group, members);
            if let Some(winner) = members.first() {
                let earlier = set.in_order()[..position(&set, &winner.id)]
                    .iter()
                    .filter(|r| r.stacking == stacking);
                for rule in earlier {
                    prop_assert!(!alone(&program, rule, &context)?.is_positive(),
                        "{} would grant but {} took group {}", rule.id, winner.id, group);
                }
            }
        }
    }

    #[test]
    fn stacking_only_decides_which_rules_grant_never_how_much(
        program in any_program(),
        rules in rules(),
        context in context(),
        all_stackable in any::<bool>(),
    ) {
        let rules: Vec<EarningRule> = if all_stackable {
            rules.into_iter().map(|r| r.with_stacking(Stacking::Stackable)).collect()
        } else {
            rules
        };
        let set = rule_set(&rules)?;
        let together = evaluate(&program, &set, &context).unwrap();
        for rule in &rules {
            let alone = evaluate(&program, &rule_set(std::slice::from_ref(rule))?, &context).unwrap();
            let alone = alone.grant(&rule.id);
            match together.grant(&rule.id) {
                Some(grant) => prop_assert_eq!(Some(grant), alone),
                None if all_stackable => prop_assert_eq!(None, alone),
                None => {}
            }
        }
    }
}
