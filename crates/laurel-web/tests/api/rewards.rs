//! Rewards and coupons over HTTP: the catalog with a member's eligibility, redeeming,
//! a till validating, consuming and releasing a coupon, cancelling, and the refusal codes.

use crate::common::{PROGRAM, TestApp, spawn_app_with};
use laurel_testkit::backends;
use reqwest::Method;
use serde_json::{Value, json};

/// The default program with a coupon, a free product and a gift in short supply.
fn program() -> String {
    format!(
        r#"{PROGRAM}
[[rewards]]
id = "ten_off"
name = "¥10 off"
type = "amount_coupon"
amount = "10"
min_spend = "50"
cost = 100

[[rewards]]
id = "latte"
name = "Free latte"
type = "free_product"
sku = "LATTE"
cost = 300

[[rewards]]
id = "mug"
name = "Mug"
type = "physical_gift"
cost = 200
stock = 1
"#
    )
}

/// A member who earned `total` yuan's worth of points.
async fn member_with(app: &TestApp, external_id: &str, total: &str) -> i64 {
    let id = app.enroll(external_id).await;
    app.purchase(id, &format!("{external_id}-o"), total).await;
    id
}

/// Redeems one ¥10 coupon for the member; the redemption answer.
async fn redeem_ten_off(app: &TestApp, member_id: i64, key: &str) -> Value {
    app.post(
        &format!("/api/v1/members/{member_id}/rewards"),
        &json!({ "reward_id": "ten_off", "idempotency_key": key }),
    )
    .await
    .ok(200)
}

fn basket(total: &str) -> Value {
    json!({ "channel": "pos", "currency": "CNY", "total": total,
            "lines": [{ "sku": "LATTE", "quantity": 1, "unit_price": "28" }] })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_redeems_a_coupon_that_a_till_validates_consumes_and_releases() {
    for (name, db) in backends() {
        let app = spawn_app_with(&db, &program()).await;
        let id = member_with(&app, "amy", "250.00").await;

        let catalog = app
            .get(&format!("/api/v1/rewards?member_id={id}"))
            .await
            .ok(200);
        let rewards = catalog["rewards"].as_array().unwrap();
        assert_eq!(rewards[0]["id"], "ten_off", "[{name}] {catalog}");
        assert_eq!(rewards[0]["can_redeem"], true, "[{name}]");
        assert_eq!(rewards[1]["refusal"], "insufficient_points", "[{name}]");
        assert_eq!(rewards[2]["stock_left"], 1, "[{name}]");

        let redeemed = redeem_ten_off(&app, id, "k-1").await;
        assert_eq!(redeemed["balance"]["available"], 150, "[{name}] {redeemed}");
        let coupon = &redeemed["redemption"]["coupons"][0];
        assert_eq!(coupon["amount"], "10", "[{name}] {coupon}");
        let code = coupon["code"].as_str().unwrap().to_owned();

        let path = |action: &str| format!("/api/v1/coupons/{code}/{action}");
        let short = app
            .post(&path("validate"), &json!({ "basket": basket("40") }))
            .await
            .ok(200);
        assert_eq!(
            (&short["valid"], &short["reason"]),
            (&json!(false), &json!("coupon_min_spend")),
            "[{name}] {short}"
        );
        let fits = app
            .post(&path("validate"), &json!({ "basket": basket("88") }))
            .await
            .ok(200);
        assert_eq!(
            (&fits["valid"], &fits["discount"]),
            (&json!(true), &json!("10"))
        );

        let consume = |order: &str| json!({ "order_id": order, "basket": basket("88") });
        let used = app.post(&path("consume"), &consume("A1")).await.ok(200);
        assert_eq!(used["coupon"]["status"], "consumed", "[{name}] {used}");
        assert_eq!(used["order"], "pos:A1", "[{name}]");
        app.post(&path("consume"), &consume("B2"))
            .await
            .error(409, "coupon_used");
        let looked_up = app
            .get(&format!("/api/v1/coupons/{}", code.to_lowercase()))
            .await
            .ok(200);
        assert_eq!(looked_up["order"], "pos:A1", "[{name}] {looked_up}");
        let released = app
            .post(
                &path("release"),
                &json!({ "order_id": "A1", "channel": "pos" }),
            )
            .await
            .ok(200);
        assert_eq!(
            released["coupon"]["status"], "active",
            "[{name}] {released}"
        );

        let mine = app
            .get(&format!("/api/v1/members/{id}/rewards"))
            .await
            .ok(200);
        assert_eq!(
            mine["redemptions"][0]["reward_id"], "ten_off",
            "[{name}] {mine}"
        );
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_an_unused_reward_gives_the_points_back_and_refusals_have_their_codes() {
    for (name, db) in backends() {
        let app = spawn_app_with(&db, &program()).await;
        let id = member_with(&app, "bo", "500.00").await;
        let other = member_with(&app, "cy", "500.00").await;
        let rewards = |member: i64| format!("/api/v1/members/{member}/rewards");
        let mug = app
            .post(
                &rewards(id),
                &json!({ "reward_id": "mug", "idempotency_key": "m" }),
            )
            .await
            .ok(200);
        let redemption = mug["redemption"]["redemption_id"].as_i64().unwrap();
        app.post(
            &rewards(other),
            &json!({ "reward_id": "mug", "idempotency_key": "m" }),
        )
        .await
        .error(409, "reward_out_of_stock");
        app.post(
            &rewards(id),
            &json!({ "reward_id": "nope", "idempotency_key": "x" }),
        )
        .await
        .error(404, "unknown_reward");
        app.post(
            &rewards(id),
            &json!({ "reward_id": "latte", "quantity": 0, "idempotency_key": "y" }),
        )
        .await
        .error(422, "invalid_quantity");
        app.post(&rewards(id), &json!({ "reward_id": "latte" }))
            .await
            .error(422, "invalid_body");

        let cancelled = app
            .send(
                Method::POST,
                &format!("/api/v1/reward-redemptions/{redemption}/cancel"),
                Some(&app.pos_key),
                None,
            )
            .await
            .ok(200);
        assert_eq!(
            cancelled["redemption"]["status"], "cancelled",
            "[{name}] {cancelled}"
        );
        assert_eq!(cancelled["balance"]["available"], 500, "[{name}]");
        assert_eq!(app.ledger(id).await[0]["kind"], "restore", "[{name}]");
        app.post(
            &rewards(other),
            &json!({ "reward_id": "mug", "idempotency_key": "m" }),
        )
        .await
        .ok(200);
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_consume_requests_for_one_coupon_succeed_once() {
    for (name, db) in backends() {
        let app = spawn_app_with(&db, &program()).await;
        let id = member_with(&app, "dee", "200.00").await;
        let redeemed = redeem_ten_off(&app, id, "k").await;
        let code = redeemed["redemption"]["coupons"][0]["code"]
            .as_str()
            .unwrap()
            .to_owned();
        let path = format!("/api/v1/coupons/{code}/consume");
        let answers = futures_of(&app, &path, 12).await;
        let won = answers.iter().filter(|s| **s == 200).count();
        let lost = answers.iter().filter(|s| **s == 409).count();
        assert_eq!((won, lost), (1, 11), "[{name}] {answers:?}");
        app.teardown().await;
    }
}

/// Sends `n` consume requests for different orders at once; their statuses.
async fn futures_of(app: &TestApp, path: &str, n: usize) -> Vec<u16> {
    let sends = (0..n).map(|i| {
        let body = json!({ "order_id": format!("order-{i}"), "basket": basket("100") });
        let request = app
            .client
            .post(app.url(path))
            .bearer_auth(&app.pos_key)
            .json(&body);
        async move { request.send().await.unwrap().status().as_u16() }
    });
    let mut statuses = Vec::new();
    for handle in sends.map(tokio::spawn).collect::<Vec<_>>() {
        statuses.push(handle.await.unwrap());
    }
    statuses
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_preview_lists_the_rewards_a_member_can_afford_and_the_coupons_that_apply() {
    for (name, db) in backends() {
        let app = spawn_app_with(&db, &program()).await;
        let id = member_with(&app, "eve", "260.00").await;
        let redeemed = redeem_ten_off(&app, id, "k").await;
        let code = &redeemed["redemption"]["coupons"][0]["code"];
        let preview = |total: &str| {
            json!({
                "member_id": id, "order_id": "next", "channel": "pos", "currency": "CNY",
                "total": total, "occurred_at": crate::common::just_now(),
            })
        };
        let big = app
            .post("/api/v1/purchases/preview", &preview("120.00"))
            .await
            .ok(200);
        assert_eq!(
            big["affordable_rewards"],
            json!(["ten_off"]),
            "[{name}] 160 points left: not enough for a latte or the mug: {big}"
        );
        assert_eq!(big["coupons"][0]["coupon"]["code"], *code, "[{name}] {big}");
        assert_eq!(big["coupons"][0]["discount"], "10", "[{name}]");
        let small = app
            .post("/api/v1/purchases/preview", &preview("20.00"))
            .await
            .ok(200);
        assert_eq!(
            small["coupons"],
            json!([]),
            "[{name}] below the coupon's minimum spend: {small}"
        );
        app.teardown().await;
    }
}
