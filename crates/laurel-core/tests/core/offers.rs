//! Personal offers: over a café's hand-made program, what ranks first for a member and why,
//! and that nothing they could not take up is offered.

use crate::fixtures::{dec, fixed, now, per_unit, pts, rule, rule_set, shanghai, times};
use laurel_core::insight::RfmSegment;
use laurel_core::insight::clv::ChurnRiskLevel;
use laurel_core::offers::{
    CategorySpend, OfferFacts, OfferProgram, OfferReason, SpendFacts, rank_offers,
};
use laurel_core::rewards::{Catalog, CouponTerms, Reward, RewardKind};
use laurel_core::rules::{BirthdayWindow, Condition, Limits, UsageTotals};
use laurel_core::tiers::{
    NextTier, Tier, TierBenefits, TierMetric, TierPolicy, TierPolicySpec, TierProgress, TierWindow,
};
use laurel_core::{Program, rules::RuleSet};

fn tier(id: &str, threshold: &str) -> Tier {
    Tier {
        id: id.into(),
        name: id.into(),
        threshold: dec(threshold),
        benefits: TierBenefits::default(),
    }
}

/// Spend over the calendar year: green from 0, silver from 1000, gold from 5000.
fn tiers() -> TierPolicy {
    TierPolicy::new(TierPolicySpec {
        metric: TierMetric::Spend,
        window: TierWindow::CalendarYear,
        grace_days: 0,
        max_steps_down: None,
        tiers: vec![
            tier("green", "0"),
            tier("silver", "1000"),
            tier("gold", "5000"),
        ],
    })
    .unwrap()
}

fn reward(id: &str, kind: RewardKind, cost: i64) -> Reward {
    Reward {
        id: id.into(),
        name: id.into(),
        description: None,
        kind,
        cost: pts(cost),
        tiers: Vec::new(),
        segments: Vec::new(),
        available_from: None,
        available_until: None,
        stock: None,
        per_member_limit: None,
        coupon: CouponTerms::default(),
        partner: None,
    }
}

/// The café's rewards: a tote bag (a gift, 300), ten yuan off (a coupon, 1000), the gold
/// lounge (gold only, 200), a mug sold out (stock 1, 1 out) and a retired poster.
fn catalog() -> Catalog {
    let lounge = Reward {
        tiers: vec!["gold".into()],
        ..reward("gold_lounge", RewardKind::PhysicalGift, 200)
    };
    let mug = Reward {
        stock: Some(1),
        ..reward("mug", RewardKind::PhysicalGift, 100)
    };
    let poster = Reward {
        available_until: Some(now() - crate::fixtures::days(1)),
        ..reward("poster", RewardKind::PhysicalGift, 100)
    };
    let rewards = vec![
        reward("tote", RewardKind::PhysicalGift, 300),
        reward(
            "ten_off",
            RewardKind::AmountCoupon { amount: dec("10") },
            1000,
        ),
        lounge,
        mug,
        poster,
    ];
    let tier_ids = ["green", "silver", "gold"].map(String::from);
    Catalog::new(rewards, "CNY".parse().unwrap(), &tier_ids).unwrap()
}

/// The café's rules: double points on coffee, a point a yuan more on tea, 100 for gold
/// members, a spring campaign that ended, 200 in the birthday month, and 50 for a review,
/// once a lifetime.
fn rules() -> RuleSet {
    let category = |c: &str| Condition::CategoryIn(vec![c.into()]);
    rule_set(vec![
        rule("coffee_double", times("2")).when(category("coffee")),
        rule("tea_bonus", per_unit("1")).when(category("tea")),
        rule("gold_bonus", fixed(100)).when(Condition::TierIn(vec!["gold".into()])),
        rule("spring", fixed(30)).when(Condition::DateRange {
            from: jiff::civil::date(2026, 3, 1),
            to: jiff::civil::date(2026, 3, 31),
        }),
        rule("birthday", fixed(200)).when(Condition::Birthday(BirthdayWindow::Month)),
        rule("review", fixed(50))
            .on_event("review_written")
            .with_limits(Limits {
                per_member_lifetime: Some(pts(50)),
                ..Limits::default()
            }),
    ])
}

struct Cafe {
    program: Program,
    rules: RuleSet,
    tiers: TierPolicy,
    catalog: Catalog,
}

impl Cafe {
    fn new() -> Cafe {
        Cafe {
            program: shanghai(),
            rules: rules(),
            tiers: tiers(),
            catalog: catalog(),
        }
    }

    /// The offers' ids with their reasons, best first.
    fn rank(&self, facts: &OfferFacts) -> Vec<(String, OfferReason)> {
        let program = OfferProgram {
            program: &self.program,
            rules: &self.rules,
            tiers: Some(&self.tiers),
            catalog: &self.catalog,
        };
        rank_offers(program, facts, now())
            .into_iter()
            .map(|o| (o.subject.id().to_owned(), o.reason))
            .collect()
    }

    fn ids(&self, facts: &OfferFacts) -> Vec<String> {
        self.rank(facts).into_iter().map(|(id, _)| id).collect()
    }
}

/// A green member with no points who spent 800 on coffee and 200 on tea in 10 purchases,
/// the mug sold out to someone else and their review already rewarded.
fn regular() -> OfferFacts {
    let mut facts = OfferFacts {
        spend: SpendFacts {
            categories: vec![
                CategorySpend {
                    category: "coffee".into(),
                    spend_minor: 80_000,
                },
                CategorySpend {
                    category: "tea".into(),
                    spend_minor: 20_000,
                },
            ],
            line_spend_minor: 100_000,
            purchases: 10,
            spend_minor: 100_000,
            coupons_used: 0,
        },
        ..OfferFacts::default()
    };
    facts.member.tier = Some("green".into());
    facts.redeemed.insert("mug".into(), (0, 1));
    facts.usage.set(
        "review",
        UsageTotals {
            member_lifetime: pts(50),
            ..UsageTotals::default()
        },
    );
    facts
}

#[test]
fn the_rule_on_the_category_they_buy_most_ranks_first_with_its_share() {
    let ranked = Cafe::new().rank(&regular());
    assert_eq!(
        ranked[..2],
        [
            (
                "coffee_double".to_owned(),
                OfferReason::BuysInCategory {
                    category: "coffee".into(),
                    share_percent: 80
                }
            ),
            (
                "tea_bonus".to_owned(),
                OfferReason::BuysInCategory {
                    category: "tea".into(),
                    share_percent: 20
                }
            ),
        ]
    );
}

#[test]
fn nothing_they_could_not_take_up_is_offered() {
    // Sold out (mug), past its dates (poster), another tier's (gold lounge, gold bonus), a
    // campaign that ended (spring), a birthday not this month, a limit used up (review).
    assert_eq!(
        Cafe::new().ids(&regular()),
        ["coffee_double", "tea_bonus", "tote", "ten_off"]
    );
}

#[test]
fn a_reward_they_can_afford_now_outranks_one_they_must_save_for() {
    let facts = OfferFacts {
        available: pts(400),
        ..regular()
    };
    let ranked = Cafe::new().rank(&facts);
    let tote = ranked.iter().position(|(id, _)| id == "tote").unwrap();
    let ten_off = ranked.iter().position(|(id, _)| id == "ten_off").unwrap();
    assert!(tote < ten_off, "{ranked:?}");
    assert_eq!(ranked[tote].1, OfferReason::CanAffordNow);
    assert_eq!(
        ranked[ten_off].1,
        OfferReason::PointsShort { points: pts(600) }
    );
}

#[test]
fn a_reward_nearly_theirs_outranks_the_rules_they_barely_fit() {
    // 900 of ten off's 1000: 90% of the way, worth more than a 20% share of spend on tea.
    let facts = OfferFacts {
        available: pts(900),
        ..regular()
    };
    let ids = Cafe::new().ids(&facts);
    assert_eq!(ids[..3], ["tote", "coffee_double", "ten_off"]);
}

#[test]
fn a_member_who_pays_with_coupons_is_offered_money_off_before_a_gift() {
    let mut facts = OfferFacts {
        available: pts(2000),
        ..regular()
    };
    facts.spend.coupons_used = 8;
    let ranked = Cafe::new().rank(&facts);
    let ten_off = ranked.iter().position(|(id, _)| id == "ten_off").unwrap();
    let tote = ranked.iter().position(|(id, _)| id == "tote").unwrap();
    assert!(ten_off < tote, "{ranked:?}");
    // Affording it weighs more than the coupons; the reason told is the stronger.
    assert_eq!(ranked[ten_off].1, OfferReason::CanAffordNow);
}

#[test]
fn a_gold_member_is_offered_what_only_gold_has_as_a_perk() {
    let mut facts = regular();
    facts.member.tier = Some("gold".into());
    let ranked = Cafe::new().rank(&facts);
    let perk = OfferReason::TierPerk {
        tier: "gold".into(),
    };
    assert!(
        ranked.contains(&("gold_bonus".to_owned(), perk.clone())),
        "{ranked:?}"
    );
    // The lounge they cannot afford yet is still theirs to save for; its tier weighs more.
    assert!(
        ranked.contains(&("gold_lounge".to_owned(), perk)),
        "{ranked:?}"
    );
}

#[test]
fn a_member_a_purchase_from_the_next_tier_is_told_so_on_every_purchase_rule() {
    let mut facts = regular();
    let silver = tiers().tier("silver").unwrap().clone();
    facts.progress = Some(TierProgress {
        value: dec("900"),
        next: Some(NextTier {
            tier: silver,
            needed: dec("100"),
        }),
        deadline: None,
    });
    // Nothing on tea, so the tier is the reason a tea bonus fits.
    facts.spend.categories.truncate(1);
    facts.spend.categories[0].spend_minor = 100_000;
    let ranked = Cafe::new().rank(&facts);
    assert_eq!(
        ranked[1],
        (
            "tea_bonus".to_owned(),
            OfferReason::ReachesNextTier {
                tier: "silver".into(),
                needed: dec("100"),
                metric: TierMetric::Spend,
            }
        )
    );
}

#[test]
fn the_next_tier_far_beyond_two_usual_orders_is_no_reason() {
    let mut facts = regular();
    let gold = tiers().tier("gold").unwrap().clone();
    facts.progress = Some(TierProgress {
        value: dec("1000"),
        next: Some(NextTier {
            tier: gold,
            needed: dec("4000"),
        }),
        deadline: None,
    });
    let reasons: Vec<OfferReason> = Cafe::new()
        .rank(&facts)
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    assert!(
        !reasons.iter().any(|r| r.code() == "reaches_next_tier"),
        "{reasons:?}"
    );
}

#[test]
fn a_lapsing_member_is_won_back_with_what_they_can_take_now() {
    for (segment, risk) in [
        (Some(RfmSegment::AtRisk), None),
        (Some(RfmSegment::Loyal), Some(ChurnRiskLevel::High)),
    ] {
        let mut facts = OfferFacts {
            available: pts(300),
            segment,
            risk,
            ..regular()
        };
        facts.spend.categories.clear();
        let ranked = Cafe::new().rank(&facts);
        // The tote they can afford: affording it and coming back add up.
        assert_eq!(ranked[0], ("tote".to_owned(), OfferReason::CanAffordNow));
        assert_eq!(
            ranked[1],
            ("coffee_double".to_owned(), OfferReason::WinBack)
        );
    }
}

#[test]
fn a_birthday_rule_is_offered_in_the_birthday_month_only_and_ranks_first() {
    let mut facts = regular();
    // Now is 1 June 2026 in Shanghai.
    facts.member.birthday = Some(jiff::civil::date(1990, 6, 20));
    assert_eq!(
        Cafe::new().rank(&facts)[0],
        ("birthday".to_owned(), OfferReason::Birthday)
    );
    facts.member.birthday = Some(jiff::civil::date(1990, 7, 20));
    assert!(!Cafe::new().ids(&facts).contains(&"birthday".to_owned()));
}

#[test]
fn a_first_purchase_rule_is_offered_only_to_who_never_bought() {
    let cafe = Cafe {
        rules: rule_set(vec![
            rule("welcome", fixed(100)).when(Condition::FirstPurchase),
        ]),
        ..Cafe::new()
    };
    let mut facts = regular();
    assert!(!cafe.ids(&facts).contains(&"welcome".to_owned()));
    facts.member.first_purchase = true;
    assert!(cafe.ids(&facts).contains(&"welcome".to_owned()));
}

#[test]
fn a_member_with_no_history_gets_every_open_offer_in_the_programs_order() {
    let mut facts = OfferFacts::default();
    facts.member.tier = Some("green".into());
    let ranked = Cafe::new().rank(&facts);
    assert_eq!(
        ranked.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(),
        [
            "tote",
            "ten_off",
            "mug",
            "coffee_double",
            "tea_bonus",
            "review"
        ]
    );
    assert_eq!(ranked[3].1, OfferReason::OpenToYou);
}
