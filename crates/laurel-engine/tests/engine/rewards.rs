//! Rewards and coupons on both backends: redeeming debits points and issues what the reward
//! is; refusals debit nothing; cancelling gives the points back with their original expiry;
//! coupons are used once, even by concurrent checkouts, and stock is never oversold.

use super::*;
use laurel_engine::{
    CheckoutRequest, ConsumeCouponRequest, ErrorCode, RedeemRewardRequest, RedemptionOutcome,
    ReleaseCouponRequest,
};

/// A catalog of every kind of reward (the tasting for gold members, under [`TWO_TIERS`]).
const REWARDS: &str = r#"
[[rewards]]
id = "ten_off"
name = "¥10 off"
type = "amount_coupon"
amount = "10"
min_spend = "50"
cost = 100
valid_days = 30

[[rewards]]
id = "latte"
name = "Free latte"
type = "free_product"
sku = "LATTE"
cost = 300
per_member_limit = 2

[[rewards]]
id = "mug"
name = "Laurel mug"
type = "physical_gift"
cost = 200
stock = 3

[[rewards]]
id = "tasting"
name = "Gold tasting evening"
type = "experience"
cost = 100
tiers = ["gold"]
location = "Roastery"

[[rewards]]
id = "trees"
name = "Plant trees"
type = "donation"
cause = "Yunnan reforestation"
cost = 50

[[rewards]]
id = "xmas"
name = "Christmas blend"
type = "physical_gift"
cost = 10
available_from = "2099-12-01"
"#;

fn catalog() -> ProgramDefinition {
    with_rules(&format!("{TWO_TIERS}{REWARDS}"))
}

pub(super) fn reward(
    member_id: i64,
    reward_id: &str,
    quantity: u32,
    key: &str,
) -> RedeemRewardRequest {
    RedeemRewardRequest {
        partner: None,
        member_id,
        reward_id: reward_id.into(),
        quantity,
        idempotency_key: key.into(),
    }
}

fn checkout(total: &str, lines: &[(&str, i64, &str)]) -> CheckoutRequest {
    CheckoutRequest {
        channel: Channel::Pos,
        store: Some("shop-1".into()),
        currency: "CNY".into(),
        total: dec(total),
        lines: lines
            .iter()
            .map(|(sku, quantity, price)| LineRequest {
                sku: (*sku).into(),
                category: None,
                quantity: *quantity,
                unit_price: dec(price),
            })
            .collect(),
    }
}

fn consume(code: &str, order: &str, total: &str) -> ConsumeCouponRequest {
    ConsumeCouponRequest {
        code: code.into(),
        order_id: order.into(),
        checkout: checkout(total, &[]),
    }
}

fn release(code: &str, order: &str) -> ReleaseCouponRequest {
    ReleaseCouponRequest {
        code: code.into(),
        channel: Channel::Pos,
        order_id: order.into(),
    }
}

/// A member holding `points` (a staff credit, never expiring).
async fn funded(engine: &Engine, external_id: &str, points: i64) -> i64 {
    let id = member(engine, external_id).await;
    engine
        .adjust(
            credit(id, points, &format!("fund-{external_id}")),
            "admin:test",
        )
        .await
        .unwrap();
    id
}

async fn redeem(engine: &Engine, member_id: i64, reward_id: &str, key: &str) -> RedemptionOutcome {
    engine
        .redeem_reward(reward(member_id, reward_id, 1, key))
        .await
        .unwrap()
}

async fn units_left(engine: &Engine, reward_id: &str) -> Option<u64> {
    let catalog = engine.catalog(None).await.unwrap();
    catalog
        .iter()
        .find(|r| r.reward.id == reward_id)
        .unwrap()
        .stock_left
}

#[tokio::test]
async fn redeeming_a_coupon_reward_debits_its_cost_and_issues_one_unguessable_code_per_unit() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, catalog()).await;
        let id = funded(&engine, "m", 1000).await;
        let answer = engine
            .redeem_reward(reward(id, "ten_off", 3, "r-1"))
            .await
            .unwrap();
        let r = &answer.redemption;
        assert_eq!(
            (
                r.reward_id.as_str(),
                r.kind.as_str(),
                r.quantity,
                r.points,
                r.status.as_str()
            ),
            ("ten_off", "amount_coupon", 3, 300, "issued"),
            "[{name}]"
        );
        assert_eq!(answer.balance.available, 700, "[{name}]");
        assert_eq!(r.coupons.len(), 3, "[{name}]");
        let mut codes: Vec<&str> = r.coupons.iter().map(|c| c.code.as_str()).collect();
        for (coupon, code) in r.coupons.iter().zip(&codes) {
            assert_eq!(
                code.len(),
                19,
                "[{name}] 16 characters in groups of 4: {code}"
            );
            assert_eq!(coupon.amount, Some(dec("10")), "[{name}]");
            assert_eq!(coupon.min_spend, Some(dec("50")), "[{name}]");
            assert_eq!(coupon.status, "active", "[{name}]");
            assert_eq!(coupon.expires_at, r.redeemed_at + days(30), "[{name}]");
        }
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 3, "[{name}] every code is distinct");
        let history = entries(&engine, id).await;
        assert_eq!(history[0].kind.as_str(), "redeem", "[{name}]");
        assert_eq!(history[0].meta.reason, "reward: ¥10 off", "[{name}]");
        let listed = engine.member_redemptions(id, 10).await.unwrap();
        assert_eq!(
            listed,
            vec![r.clone()],
            "[{name}] the member's rewards list it"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_retried_redemption_answers_the_same_and_a_reused_key_for_another_reward_is_refused() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, catalog()).await;
        let id = funded(&engine, "m", 1000).await;
        let first = redeem(&engine, id, "latte", "r-1").await;
        let again = redeem(&engine, id, "latte", "r-1").await;
        assert_eq!(first, again, "[{name}]");
        assert_eq!(
            balance(&engine, id).await,
            (700, 0),
            "[{name}] debited once"
        );
        assert_eq!(
            code(engine.redeem_reward(reward(id, "mug", 1, "r-1")).await),
            "idempotency_conflict",
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn every_catalog_refusal_has_its_code_and_debits_nothing() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, catalog()).await;
        let id = funded(&engine, "m", 1000).await;
        let poor = funded(&engine, "poor", 20).await;
        redeem(&engine, id, "latte", "l-1").await;
        redeem(&engine, id, "latte", "l-2").await;
        let other = funded(&engine, "other", 1000).await;
        for i in 0..3 {
            redeem(&engine, other, "mug", &format!("mug-{i}")).await;
        }
        let before = balance(&engine, id).await;
        let cases = [
            (reward(id, "nope", 1, "k1"), "unknown_reward"),
            (reward(id, "latte", 1, "k2"), "reward_limit_reached"),
            (reward(id, "mug", 1, "k3"), "reward_out_of_stock"),
            (reward(id, "tasting", 1, "k4"), "reward_wrong_tier"),
            (reward(id, "xmas", 1, "k5"), "reward_not_available"),
            (reward(id, "ten_off", 0, "k6"), "invalid_quantity"),
            (reward(id, "ten_off", 11, "k7"), "insufficient_points"),
            (reward(poor, "ten_off", 1, "k8"), "insufficient_points"),
            (reward(9_999_999, "ten_off", 1, "k9"), "unknown_member"),
        ];
        for (request, expected) in cases {
            let what = format!("{request:?}");
            assert_eq!(
                code(engine.redeem_reward(request).await),
                expected,
                "[{name}] {what}"
            );
        }
        assert_eq!(
            balance(&engine, id).await,
            before,
            "[{name}] nothing debited"
        );
        assert_eq!(balance(&engine, poor).await, (20, 0), "[{name}]");
        assert_eq!(
            engine.member_redemptions(id, 10).await.unwrap().len(),
            2,
            "[{name}] no redemption recorded for a refusal"
        );
        assert_eq!(units_left(&engine, "mug").await, Some(0), "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn the_catalog_tells_a_member_what_they_may_redeem_now_and_why_not() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, catalog()).await;
        let id = funded(&engine, "m", 150).await;
        let views = engine.catalog(Some(id)).await.unwrap();
        let refusal = |reward_id: &str| {
            views
                .iter()
                .find(|v| v.reward.id == reward_id)
                .unwrap()
                .refusal
                .map(ErrorCode::as_str)
        };
        assert_eq!(refusal("ten_off"), None, "[{name}]");
        assert_eq!(refusal("latte"), Some("insufficient_points"), "[{name}]");
        assert_eq!(refusal("tasting"), Some("reward_wrong_tier"), "[{name}]");
        assert_eq!(refusal("xmas"), Some("reward_not_available"), "[{name}]");
        assert_eq!(
            views
                .iter()
                .map(|v| v.reward.id.as_str())
                .collect::<Vec<_>>(),
            ["ten_off", "latte", "mug", "tasting", "trees", "xmas"],
            "[{name}] in program order"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn cancelling_an_unused_reward_returns_the_points_with_their_original_expiry() {
    for (name, db) in laurel_testkit::backends() {
        let expiring = catalog().program;
        let mut definition = catalog();
        definition.program = laurel_core::Program {
            expiry: laurel_core::ExpiryPolicy::MonthsAfterEarning(12),
            ..expiring
        };
        let engine = start(&db, definition).await;
        let id = member(&engine, "m").await;
        // Two lots earned a month apart, so they expire a month apart.
        buy_at(&engine, id, "o-1", "80.00", recently() - days(60)).await;
        buy_at(&engine, id, "o-2", "80.00", recently() - days(30)).await;
        let expiries = engine.balance(id).await.unwrap().next_expiries;
        assert_eq!(expiries.len(), 2, "[{name}]");

        let redeemed = redeem(&engine, id, "ten_off", "r-1").await;
        let redemption_id = redeemed.redemption.redemption_id;
        assert_eq!(balance(&engine, id).await, (60, 0), "[{name}]");
        let cancelled = engine
            .cancel_redemption(redemption_id, "pos:till-3")
            .await
            .unwrap();
        assert_eq!(cancelled.redemption.status, "cancelled", "[{name}]");
        assert_eq!(
            cancelled.redemption.closed_by.as_deref(),
            Some("pos:till-3")
        );
        assert_eq!(
            cancelled.redemption.coupons[0].status, "cancelled",
            "[{name}]"
        );
        assert_eq!(cancelled.balance.available, 160, "[{name}]");
        assert_eq!(
            engine.balance(id).await.unwrap().next_expiries,
            expiries,
            "[{name}] the points are back in their lots, expiring as before"
        );
        let history = entries(&engine, id).await;
        assert_eq!(history[0].kind.as_str(), "restore", "[{name}]");
        assert_eq!(
            engine
                .cancel_redemption(redemption_id, "pos:till-3")
                .await
                .unwrap(),
            cancelled,
            "[{name}] cancelling again answers the same"
        );
        let code_ = &cancelled.redemption.coupons[0].code;
        assert_eq!(
            code(engine.consume_coupon(consume(code_, "A1", "100")).await),
            "coupon_cancelled",
            "[{name}]"
        );
        assert_eq!(
            balance(&engine, id).await,
            (160, 0),
            "[{name}] restored once"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_cancelled_reward_goes_back_to_stock_and_to_the_members_limit() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, catalog()).await;
        let id = funded(&engine, "m", 1000).await;
        let mug = redeem(&engine, id, "mug", "m-1").await;
        assert_eq!(units_left(&engine, "mug").await, Some(2), "[{name}]");
        engine
            .cancel_redemption(mug.redemption.redemption_id, "admin:test")
            .await
            .unwrap();
        assert_eq!(units_left(&engine, "mug").await, Some(3), "[{name}]");
        let first = redeem(&engine, id, "latte", "l-1").await;
        redeem(&engine, id, "latte", "l-2").await;
        engine
            .cancel_redemption(first.redemption.redemption_id, "admin:test")
            .await
            .unwrap();
        redeem(&engine, id, "latte", "l-3").await;
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn gifts_are_fulfilled_once_and_then_can_no_longer_be_cancelled() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, catalog()).await;
        let id = funded(&engine, "m", 1000).await;
        let mug = redeem(&engine, id, "mug", "m-1")
            .await
            .redemption
            .redemption_id;
        let done = engine.fulfil_redemption(mug, "pos:till-1").await.unwrap();
        assert_eq!(done.redemption.status, "fulfilled", "[{name}]");
        assert_eq!(
            engine.fulfil_redemption(mug, "pos:till-1").await.unwrap(),
            done,
            "[{name}] fulfilling again answers the same"
        );
        assert_eq!(
            code(engine.cancel_redemption(mug, "pos:till-1").await),
            "redemption_closed",
            "[{name}]"
        );
        let coupon = redeem(&engine, id, "ten_off", "c-1")
            .await
            .redemption
            .redemption_id;
        assert_eq!(
            code(engine.fulfil_redemption(coupon, "pos:till-1").await),
            "redemption_not_fulfillable",
            "[{name}]"
        );
        assert_eq!(
            code(engine.cancel_redemption(9_999_999, "pos:till-1").await),
            "unknown_redemption",
            "[{name}]"
        );
        assert_eq!(balance(&engine, id).await, (700, 0), "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_donation_records_its_cause_and_value_and_is_final() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, catalog()).await;
        let id = funded(&engine, "m", 1000).await;
        let gift = engine
            .redeem_reward(reward(id, "trees", 4, "d-1"))
            .await
            .unwrap()
            .redemption;
        let donation = gift.donation.clone().unwrap();
        assert_eq!(
            (
                donation.cause.as_str(),
                donation.value,
                donation.currency.as_str()
            ),
            ("Yunnan reforestation", dec("2"), "CNY"),
            "[{name}] 200 points at ¥0.01"
        );
        assert_eq!(gift.status, "fulfilled", "[{name}]");
        assert_eq!(
            code(
                engine
                    .cancel_redemption(gift.redemption_id, "admin:test")
                    .await
            ),
            "redemption_closed",
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_coupon_is_validated_for_a_basket_used_once_and_released_only_by_its_order() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, catalog()).await;
        let id = funded(&engine, "m", 1000).await;
        let issued = redeem(&engine, id, "ten_off", "r-1").await;
        let code_ = issued.redemption.coupons[0].code.clone();

        let small = engine
            .check_coupon(&code_, checkout("40", &[]))
            .await
            .unwrap();
        assert_eq!(
            ErrorCode::from(&small.verdict.unwrap_err()),
            "coupon_min_spend",
            "[{name}]"
        );
        let fits = engine
            .check_coupon(&code_, checkout("88", &[]))
            .await
            .unwrap();
        assert_eq!(fits.verdict, Ok(dec("10")), "[{name}]");
        for typed in [
            code_.to_lowercase(),
            code_.replace('-', " "),
            code_.replace('0', "o"),
        ] {
            assert_eq!(
                engine
                    .check_coupon(&typed, checkout("88", &[]))
                    .await
                    .unwrap()
                    .coupon
                    .code,
                code_,
                "[{name}] `{typed}` is the same code, however typed"
            );
        }
        assert_eq!(
            code(
                engine
                    .check_coupon("NOPE-NOPE-NOPE-NOPE", checkout("88", &[]))
                    .await
            ),
            "unknown_coupon",
            "[{name}]"
        );

        let used = engine
            .consume_coupon(consume(&code_, "A1", "88"))
            .await
            .unwrap();
        assert_eq!(
            (used.discount, used.repeated, used.coupon.status.as_str()),
            (Some(dec("10")), false, "consumed"),
            "[{name}]"
        );
        assert_eq!(used.order, "pos:A1", "[{name}]");
        let retry = engine
            .consume_coupon(consume(&code_, "A1", "88"))
            .await
            .unwrap();
        assert!(retry.repeated, "[{name}] the same order again is a retry");
        assert_eq!(retry.discount, used.discount, "[{name}]");
        assert_eq!(
            code(engine.consume_coupon(consume(&code_, "B2", "88")).await),
            "coupon_used",
            "[{name}]"
        );
        assert_eq!(
            code(
                engine
                    .cancel_redemption(issued.redemption.redemption_id, "x")
                    .await
            ),
            "coupon_used",
            "[{name}] a used coupon's reward cannot be cancelled"
        );
        assert_eq!(
            code(engine.release_coupon(release(&code_, "B2")).await),
            "coupon_not_used_by_order",
            "[{name}]"
        );
        let released = engine.release_coupon(release(&code_, "A1")).await.unwrap();
        assert_eq!(
            (released.coupon.status.as_str(), released.repeated),
            ("active", false),
            "[{name}]"
        );
        assert!(
            engine
                .release_coupon(release(&code_, "A1"))
                .await
                .unwrap()
                .repeated,
            "[{name}] releasing again changes nothing"
        );
        let reused = engine
            .consume_coupon(consume(&code_, "B2", "60"))
            .await
            .unwrap();
        assert_eq!(
            reused.order, "pos:B2",
            "[{name}] a released coupon can be used again"
        );
        assert_eq!(
            balance(&engine, id).await,
            (900, 0),
            "[{name}] coupons move no points"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_free_product_coupon_takes_one_unit_of_that_product_off() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, catalog()).await;
        let id = funded(&engine, "m", 1000).await;
        let code_ = redeem(&engine, id, "latte", "r-1").await.redemption.coupons[0]
            .code
            .clone();
        let basket = checkout("94", &[("LATTE", 2, "32"), ("CAKE", 1, "30")]);
        let check = engine.check_coupon(&code_, basket.clone()).await.unwrap();
        assert_eq!(check.verdict, Ok(dec("32")), "[{name}]");
        let no_latte = checkout("30", &[("CAKE", 1, "30")]);
        assert_eq!(
            code(
                engine
                    .consume_coupon(ConsumeCouponRequest {
                        code: code_.clone(),
                        order_id: "A1".into(),
                        checkout: no_latte,
                    })
                    .await
            ),
            "coupon_product_missing",
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_checkouts_consume_one_coupon_exactly_once() {
    for (name, db) in laurel_testkit::backends() {
        // Two API nodes, so the race also crosses write paths.
        let first = Arc::new(start(&db, catalog()).await);
        let second = Arc::new(start(&db, catalog()).await);
        let id = funded(&first, "m", 1000).await;
        let code_ = redeem(&first, id, "ten_off", "r-1")
            .await
            .redemption
            .coupons[0]
            .code
            .clone();
        let answers = while_member_locked(first.store(), id, || {
            (0..16)
                .map(|i| {
                    let engine = if i % 2 == 0 {
                        first.clone()
                    } else {
                        second.clone()
                    };
                    let request = consume(&code_, &format!("order-{i}"), "100");
                    tokio::spawn(async move { engine.consume_coupon(request).await })
                })
                .collect()
        })
        .await;
        let mut used_on = Vec::new();
        for answer in answers {
            match answer {
                Ok(u) => used_on.push(u.order),
                Err(e) => assert_eq!(e.code(), "coupon_used", "[{name}] {e:?}"),
            }
        }
        assert_eq!(used_on.len(), 1, "[{name}] one checkout wins: {used_on:?}");
        let stored = first.coupon(&code_).await.unwrap();
        assert_eq!(stored.order, Some(used_on[0].clone()), "[{name}]");
        unshare(second).shutdown().await;
        finish(name, unshare(first)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_redemptions_by_many_members_never_oversell_stock() {
    for (name, db) in laurel_testkit::backends() {
        let first = Arc::new(start(&db, catalog()).await);
        let second = Arc::new(start(&db, catalog()).await);
        let mut members = Vec::new();
        for i in 0..12 {
            members.push(funded(&first, &format!("m-{i}"), 500).await);
        }
        let tasks: Vec<_> = members
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let engine = if i % 2 == 0 {
                    first.clone()
                } else {
                    second.clone()
                };
                let request = reward(*id, "mug", 1, "mug");
                tokio::spawn(async move { engine.redeem_reward(request).await })
            })
            .collect();
        let (mut ok, mut sold_out) = (0, 0);
        for task in tasks {
            match task.await.unwrap() {
                Ok(_) => ok += 1,
                Err(e) => {
                    assert_eq!(e.code(), "reward_out_of_stock", "[{name}] {e:?}");
                    sold_out += 1;
                }
            }
        }
        assert_eq!((ok, sold_out), (3, 9), "[{name}] three mugs in stock");
        assert_eq!(units_left(&first, "mug").await, Some(0), "[{name}]");
        let mut spent = 0;
        for id in &members {
            spent += 500 - balance(&first, *id).await.0;
        }
        assert_eq!(spent, 3 * 200, "[{name}] only the winners paid");
        unshare(second).shutdown().await;
        finish(name, unshare(first)).await;
    }
}

#[test]
fn the_program_file_reports_every_reward_problem_with_its_key() {
    let text = PROGRAM.to_owned()
        + r#"
[[rewards]]
id = "a"
name = "A"
type = "amount_coupon"
cost = 100
percent = "10"
available_from = "soon"

[[rewards]]
id = "b"
name = "B"
type = "physical_gift"
cost = 0
valid_days = 10
tiers = ["gold"]
"#;
    let problems = parse_program(&text, Path::new("rewards.toml"))
        .unwrap_err()
        .problems;
    let keys: Vec<&str> = problems
        .iter()
        .map(|p| p.split('`').nth(1).unwrap_or(p))
        .collect();
    assert_eq!(
        keys,
        [
            "rewards[0].amount",
            "rewards[0].percent",
            "rewards[0].available_from",
            "rewards[1].valid_days",
        ],
        "{problems:?}"
    );
}
