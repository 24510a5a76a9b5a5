//! The rewards catalog: validation with keys, who may redeem what, and what a coupon is worth
//! for a basket.

use crate::fixtures::{days, dec, now, pts, ts};
use laurel_core::rewards::{
    Catalog, Coupon, CouponRefusal, CouponState, CouponTerms, RedemptionFacts, Reward, RewardKind,
    RewardRefusal,
};
use laurel_core::rules::{Basket, Line};
use laurel_core::{Channel, Currency};

fn cny() -> Currency {
    "CNY".parse().unwrap()
}

fn reward(id: &str, kind: RewardKind) -> Reward {
    Reward {
        id: id.into(),
        name: id.into(),
        description: None,
        kind,
        cost: pts(500),
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

fn ten_off() -> Reward {
    reward("ten_off", RewardKind::AmountCoupon { amount: dec("10") })
}

fn facts(quantity: u32) -> RedemptionFacts {
    RedemptionFacts {
        tier: Some("green".into()),
        segments: vec!["students".into()],
        redeemed_by_member: 0,
        redeemed_in_all: 0,
        quantity,
        now: now(),
    }
}

fn keys(rewards: Vec<Reward>, tiers: &[&str]) -> Vec<String> {
    let tiers: Vec<String> = tiers.iter().map(|t| t.to_string()).collect();
    Catalog::new(rewards, cny(), &tiers)
        .unwrap_err()
        .into_iter()
        .map(|i| i.key)
        .collect()
}

// --- catalog ----------------------------------------------------------------------------------

#[test]
fn a_valid_catalog_keeps_its_rewards_in_order_and_finds_them_by_id() {
    let donation = reward(
        "trees",
        RewardKind::Donation {
            cause: "Plant a tree".into(),
        },
    );
    let catalog = Catalog::new(vec![ten_off(), donation], cny(), &[]).unwrap();
    assert_eq!(catalog.rewards().len(), 2);
    assert_eq!(catalog.get("trees").unwrap().kind.as_str(), "donation");
    assert!(catalog.get("nope").is_none());
}

#[test]
fn every_invalid_field_is_reported_with_its_key() {
    let mut bad = reward(
        "bad id!",
        RewardKind::PercentCoupon {
            percent: dec("120"),
            max_discount: Some(dec("0")),
        },
    );
    bad.name = " ".into();
    bad.cost = pts(0);
    bad.tiers = vec!["platinum".into()];
    bad.available_from = Some(ts("2026-07-01T00:00:00Z"));
    bad.available_until = Some(ts("2026-06-01T00:00:00Z"));
    bad.per_member_limit = Some(0);
    bad.coupon = CouponTerms {
        min_spend: Some(dec("-1")),
        valid_days: 0,
    };
    assert_eq!(
        keys(vec![bad], &["green", "gold"]),
        [
            "rewards[0].id",
            "rewards[0].name",
            "rewards[0].cost",
            "rewards[0].tiers",
            "rewards[0].available_until",
            "rewards[0].per_member_limit",
            "rewards[0].percent",
            "rewards[0].max_discount",
            "rewards[0].min_spend",
            "rewards[0].valid_days",
        ]
    );
}

#[test]
fn duplicate_ids_money_finer_than_the_currency_and_misplaced_coupon_terms_are_refused() {
    let mut gift = reward("mug", RewardKind::PhysicalGift);
    gift.coupon.min_spend = Some(dec("10"));
    let fine = reward(
        "mug",
        RewardKind::AmountCoupon {
            amount: dec("1.005"),
        },
    );
    assert_eq!(
        keys(vec![gift, fine], &[]),
        ["rewards[0].min_spend", "rewards[1].amount", "rewards[1].id"]
    );
}

#[test]
fn free_products_and_donations_need_their_sku_and_cause() {
    let sku = reward("latte", RewardKind::FreeProduct { sku: "".into() });
    let cause = reward("give", RewardKind::Donation { cause: "".into() });
    assert_eq!(
        keys(vec![sku, cause], &[]),
        ["rewards[0].sku", "rewards[1].cause"]
    );
}

// --- redemption -------------------------------------------------------------------------------

#[test]
fn a_redemption_costs_the_reward_times_the_quantity() {
    assert_eq!(ten_off().check_redemption(&facts(3)), Ok(pts(1500)));
}

#[test]
fn quantity_must_be_between_one_and_the_maximum() {
    assert_eq!(
        ten_off().check_redemption(&facts(0)),
        Err(RewardRefusal::BadQuantity(0))
    );
    assert_eq!(
        ten_off().check_redemption(&facts(21)),
        Err(RewardRefusal::BadQuantity(21))
    );
}

#[test]
fn outside_its_validity_window_a_reward_is_not_available() {
    let mut r = ten_off();
    r.available_from = Some(now() + days(1));
    assert_eq!(
        r.check_redemption(&facts(1)),
        Err(RewardRefusal::NotYetAvailable(now() + days(1)))
    );
    r.available_from = Some(now() - days(10));
    r.available_until = Some(now());
    let refusal = r.check_redemption(&facts(1)).unwrap_err();
    assert_eq!(refusal, RewardRefusal::NoLongerAvailable(now()));
}

#[test]
fn a_tier_only_reward_refuses_other_tiers_and_members_without_one() {
    let mut r = ten_off();
    r.tiers = vec!["gold".into(), "reserve".into()];
    let refusal = r.check_redemption(&facts(1)).unwrap_err();
    assert!(
        matches!(refusal, RewardRefusal::WrongTier { .. }),
        "{refusal:?}"
    );
    let mut untiered = facts(1);
    untiered.tier = None;
    assert!(r.check_redemption(&untiered).is_err());
    let mut gold = facts(1);
    gold.tier = Some("gold".into());
    assert_eq!(r.check_redemption(&gold), Ok(pts(500)));
}

#[test]
fn a_segment_only_reward_is_for_members_of_any_of_its_segments() {
    let mut r = ten_off();
    r.segments = vec!["lapsed_gold".into()];
    let refusal = r.check_redemption(&facts(1)).unwrap_err();
    assert_eq!(
        refusal,
        RewardRefusal::WrongSegment {
            required: vec!["lapsed_gold".into()]
        }
    );
    r.segments.push("students".into());
    assert_eq!(r.check_redemption(&facts(1)), Ok(pts(500)));
}

#[test]
fn stock_counts_every_members_redemptions() {
    let mut r = ten_off();
    r.stock = Some(10);
    let mut f = facts(3);
    f.redeemed_in_all = 8;
    assert_eq!(
        r.check_redemption(&f),
        Err(RewardRefusal::OutOfStock {
            left: 2,
            requested: 3
        })
    );
    f.quantity = 2;
    assert_eq!(r.check_redemption(&f), Ok(pts(1000)));
    assert_eq!(
        r.stock_left(12),
        Some(0),
        "stock left never goes below zero"
    );
}

#[test]
fn the_per_member_limit_counts_what_the_member_already_has() {
    let mut r = ten_off();
    r.per_member_limit = Some(2);
    let mut f = facts(1);
    f.redeemed_by_member = 2;
    assert_eq!(
        r.check_redemption(&f),
        Err(RewardRefusal::LimitReached { limit: 2, used: 2 })
    );
    f.redeemed_by_member = 1;
    assert!(r.check_redemption(&f).is_ok());
}

// --- coupons ----------------------------------------------------------------------------------

fn coupon(value: RewardKind) -> Coupon {
    Coupon {
        value,
        min_spend: None,
        expires_at: now() + days(30),
        state: CouponState::Active,
    }
}

fn basket(total: &str) -> Basket {
    Basket::new(Channel::Pos, dec(total))
}

fn discount(c: &Coupon, b: &Basket) -> Result<rust_decimal::Decimal, CouponRefusal> {
    c.discount_for(b, 2, now())
}

#[test]
fn an_amount_coupon_takes_its_amount_but_never_more_than_the_basket() {
    let c = coupon(RewardKind::AmountCoupon { amount: dec("10") });
    assert_eq!(discount(&c, &basket("35.50")), Ok(dec("10")));
    assert_eq!(discount(&c, &basket("6.20")), Ok(dec("6.20")));
}

#[test]
fn a_percent_coupon_rounds_down_to_the_cent_and_stops_at_its_cap() {
    let c = coupon(RewardKind::PercentCoupon {
        percent: dec("15"),
        max_discount: Some(dec("20")),
    });
    assert_eq!(discount(&c, &basket("33.33")), Ok(dec("4.99")));
    assert_eq!(discount(&c, &basket("500")), Ok(dec("20")));
}

#[test]
fn a_free_product_coupon_takes_one_unit_of_the_cheapest_matching_line() {
    let c = coupon(RewardKind::FreeProduct {
        sku: "LATTE".into(),
    });
    let b = basket("80")
        .with_line(Line::new("LATTE", 2, dec("32")))
        .with_line(Line::new("LATTE", 1, dec("28")))
        .with_line(Line::new("CAKE", 1, dec("20")));
    assert_eq!(discount(&c, &b), Ok(dec("28")));
    assert_eq!(
        discount(&c, &basket("20").with_line(Line::new("CAKE", 1, dec("20")))),
        Err(CouponRefusal::ProductMissing("LATTE".into()))
    );
}

#[test]
fn a_coupon_needs_its_minimum_spend_and_something_to_discount() {
    let mut c = coupon(RewardKind::AmountCoupon { amount: dec("10") });
    c.min_spend = Some(dec("50"));
    let refusal = discount(&c, &basket("49.99")).unwrap_err();
    assert!(
        matches!(refusal, CouponRefusal::BelowMinimumSpend { .. }),
        "{refusal:?}"
    );
    assert_eq!(discount(&c, &basket("50")), Ok(dec("10")));
    c.min_spend = None;
    assert_eq!(
        discount(&c, &basket("0")),
        Err(CouponRefusal::NothingToDiscount)
    );
}

#[test]
fn an_expired_used_or_cancelled_coupon_applies_to_nothing() {
    let mut c = coupon(RewardKind::AmountCoupon { amount: dec("10") });
    assert_eq!(
        c.discount_for(&basket("50"), 2, c.expires_at),
        Err(CouponRefusal::Expired(c.expires_at)),
        "a coupon is no longer valid from the instant it expires"
    );
    c.state = CouponState::Consumed {
        order: "pos:A1".into(),
        discount: dec("10"),
    };
    assert_eq!(
        discount(&c, &basket("50")),
        Err(CouponRefusal::Used("pos:A1".into()))
    );
    c.state = CouponState::Cancelled;
    assert_eq!(discount(&c, &basket("50")), Err(CouponRefusal::Cancelled));
}

#[test]
fn consuming_again_for_the_same_order_repeats_the_first_answer_and_another_order_is_refused() {
    let mut c = coupon(RewardKind::AmountCoupon { amount: dec("10") });
    assert_eq!(
        c.consume("pos:A1", &basket("50"), 2, now()),
        Ok((dec("10"), false))
    );
    c.state = CouponState::Consumed {
        order: "pos:A1".into(),
        discount: dec("10"),
    };
    assert_eq!(
        c.consume("pos:A1", &basket("999"), 2, now() + days(365)),
        Ok((dec("10"), true)),
        "a retry answers what the first consumption took, even after expiry"
    );
    assert_eq!(
        c.consume("pos:B2", &basket("50"), 2, now()),
        Err(CouponRefusal::Used("pos:A1".into()))
    );
}

#[test]
fn only_the_order_that_used_a_coupon_can_release_it() {
    let mut c = coupon(RewardKind::AmountCoupon { amount: dec("10") });
    assert_eq!(
        c.release("pos:A1"),
        Ok(false),
        "releasing an unused coupon changes nothing"
    );
    c.state = CouponState::Consumed {
        order: "pos:A1".into(),
        discount: dec("10"),
    };
    assert_eq!(
        c.release("pos:B2"),
        Err(CouponRefusal::NotUsedByOrder("pos:B2".into()))
    );
    assert_eq!(c.release("pos:A1"), Ok(true));
    c.state = CouponState::Cancelled;
    assert_eq!(c.release("pos:A1"), Err(CouponRefusal::Cancelled));
}

#[test]
fn a_coupon_stands_ready_until_used_expired_or_cancelled_and_a_redemption_is_ready_while_one_is() {
    use laurel_core::rewards::CouponStanding;
    let coupon = |state: CouponState| Coupon {
        value: RewardKind::AmountCoupon { amount: dec("5") },
        min_spend: None,
        expires_at: ts("2026-06-01T00:00:00Z"),
        state,
    };
    let before = ts("2026-05-31T23:59:59Z");
    let after = ts("2026-06-01T00:00:00Z");
    assert_eq!(
        coupon(CouponState::Active).standing(before),
        CouponStanding::Ready
    );
    assert_eq!(
        coupon(CouponState::Active).standing(after),
        CouponStanding::Expired
    );
    let used = CouponState::Consumed {
        order: "pos:A-1".into(),
        discount: dec("5"),
    };
    assert_eq!(coupon(used).standing(before), CouponStanding::Used);
    assert_eq!(
        coupon(CouponState::Cancelled).standing(before),
        CouponStanding::Cancelled
    );
    assert_eq!(
        CouponStanding::of_all([CouponStanding::Used, CouponStanding::Ready]),
        Some(CouponStanding::Ready)
    );
    assert_eq!(
        CouponStanding::of_all([CouponStanding::Expired, CouponStanding::Used]),
        Some(CouponStanding::Used)
    );
    assert_eq!(CouponStanding::of_all([]), None);
}
