//! Purchases: earning, rounding, idempotency by order id.

use crate::common::{PENDING_PROGRAM, just_now, keys, spawn_app, spawn_app_with};
use jiff::{SignedDuration, Timestamp};
use laurel_testkit::backends;
use serde_json::{Value, json};

fn purchase_body(member_id: i64, order_id: &str, total: &str, occurred_at: &str) -> Value {
    json!({
        "member_id": member_id, "order_id": order_id, "channel": "pos", "store": "shop-1",
        "currency": "CNY", "total": total, "occurred_at": occurred_at,
    })
}

fn instant(value: &Value) -> Timestamp {
    value
        .as_str()
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("not an instant: {value}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_purchase_earns_points_rounded_down_and_answers_every_field() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let member = app.enroll("buyer").await;
        let occurred_at = just_now();
        let answer = app
            .post(
                "/api/v1/purchases",
                &purchase_body(member, "o-1", "99.99", &occurred_at),
            )
            .await
            .ok(200);
        // Without tiers there is no tier change to answer.
        assert_eq!(
            keys(&answer),
            [
                "balance",
                "expires_at",
                "grants",
                "member_id",
                "pending_until",
                "points_earned",
                "purchase_id",
                "status",
                "tier_discount"
            ],
            "[{name}] {answer}"
        );
        assert!(
            answer["purchase_id"].as_i64().is_some_and(|id| id > 0),
            "[{name}] {answer}"
        );
        assert_eq!(answer["member_id"], member, "[{name}]");
        assert_eq!(
            answer["points_earned"], 99,
            "[{name}] 99.99 yuan at 1/yuan, floor: {answer}"
        );
        assert_eq!(answer["status"], "available", "[{name}]");
        assert!(
            answer["pending_until"].is_null(),
            "[{name}] no return window: {answer}"
        );
        let expires = instant(&answer["expires_at"]);
        let occurred: Timestamp = occurred_at.parse().unwrap();
        let lifetime = expires.duration_since(occurred);
        assert!(
            lifetime >= SignedDuration::from_hours(24 * 364)
                && lifetime <= SignedDuration::from_hours(24 * 367),
            "[{name}] points expire about 12 months after the purchase: {answer}"
        );
        assert_eq!(
            answer["balance"],
            json!({ "available": 99, "pending": 0 }),
            "[{name}]"
        );

        // Number totals work too, and fractions keep rounding down.
        let number = json!({ "member_id": member, "order_id": "o-2", "channel": "web", "currency": "CNY", "total": 0.5, "occurred_at": just_now() });
        let small = app.post("/api/v1/purchases", &number).await.ok(200);
        assert_eq!(small["points_earned"], 0, "[{name}] {small}");
        assert_eq!(small["status"], "none", "[{name}] {small}");
        assert!(
            small["expires_at"].is_null(),
            "[{name}] nothing earned, nothing expires: {small}"
        );

        let balance = app.balance(member).await;
        assert_eq!(balance["available"], 99, "[{name}]");
        let ledger = app.ledger(member).await;
        assert_eq!(
            ledger.len(),
            1,
            "[{name}] only the earning purchase posted: {ledger:?}"
        );
        assert_eq!(ledger[0]["kind"], "earn", "[{name}]");
        assert_eq!(ledger[0]["amount"], 99, "[{name}]");
        assert_eq!(ledger[0]["reference"], "pos:o-1", "[{name}]");
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_order_twice_has_one_effect_and_the_same_bytes() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let member = app.enroll("repeat").await;
        let body = purchase_body(member, "o-1", "42.00", &just_now());
        let first = app.post("/api/v1/purchases", &body).await;
        first.ok(200);
        // Something else happens in between: the replay must still answer as the first time.
        app.purchase(member, "o-2", "8.00").await;
        let second = app.post("/api/v1/purchases", &body).await;
        assert_eq!(second.status, 200, "[{name}] {}", second.text());
        assert_eq!(
            first.bytes,
            second.bytes,
            "[{name}] byte-identical answer: {} vs {}",
            first.text(),
            second.text()
        );
        // The same total spelled differently is the same request.
        let mut spelled = body.clone();
        spelled["total"] = json!(42);
        let third = app.post("/api/v1/purchases", &spelled).await;
        assert_eq!(
            first.bytes,
            third.bytes,
            "[{name}] 42 and \"42.00\" are one order: {}",
            third.text()
        );
        assert_eq!(
            app.available(member).await,
            50,
            "[{name}] earned once per order"
        );
        let earns = app
            .ledger(member)
            .await
            .iter()
            .filter(|e| e["kind"] == "earn")
            .count();
        assert_eq!(earns, 2, "[{name}]");
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_id_reused_with_a_different_total_is_409_idempotency_conflict() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let member = app.enroll("conflict").await;
        let occurred_at = just_now();
        app.post(
            "/api/v1/purchases",
            &purchase_body(member, "o-1", "10.00", &occurred_at),
        )
        .await
        .ok(200);
        let message = app
            .post(
                "/api/v1/purchases",
                &purchase_body(member, "o-1", "11.00", &occurred_at),
            )
            .await
            .error(409, "idempotency_conflict");
        assert!(
            message.contains("o-1"),
            "[{name}] message names the order: {message}"
        );
        assert_eq!(
            app.available(member).await,
            10,
            "[{name}] the conflict changed nothing"
        );
        // The same order id on another channel is another order.
        let mut web = purchase_body(member, "o-1", "11.00", &occurred_at);
        web["channel"] = json!("web");
        app.post("/api/v1/purchases", &web).await.ok(200);
        assert_eq!(app.available(member).await, 21, "[{name}]");
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_purchase_can_name_the_member_by_external_id() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let member = app.enroll("ext-buyer").await;
        let body = json!({
            "external_id": "ext-buyer", "order_id": "o-ext", "channel": "app",
            "currency": "CNY", "total": "30.00", "occurred_at": just_now(),
            "lines": [{ "sku": "latte", "category": "coffee", "quantity": 2, "unit_price": "15.00" }],
        });
        let answer = app.post("/api/v1/purchases", &body).await.ok(200);
        assert_eq!(answer["member_id"], member, "[{name}] {answer}");
        assert_eq!(answer["points_earned"], 30, "[{name}]");
        assert_eq!(app.available(member).await, 30, "[{name}]");
        // Naming the member twice is refused; naming none is a non-member's purchase.
        let mut both = body.clone();
        both["member_id"] = json!(member);
        both["order_id"] = json!("o-both");
        let refused = app.post("/api/v1/purchases", &both).await;
        let code = refused.json()["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(
            ["missing_field", "invalid_field"].contains(&code.as_str()),
            "[{name}] {}",
            refused.text()
        );
        let message = refused.error(422, &code);
        assert!(message.contains("member_id"), "[{name}] {message}");
        let mut neither = body.clone();
        neither.as_object_mut().unwrap().remove("external_id");
        neither["order_id"] = json!("o-neither");
        let guest = app.post("/api/v1/purchases", &neither).await.ok(200);
        assert_eq!(guest["points_earned"], 0, "[{name}] {guest}");
        assert_eq!(app.available(member).await, 30, "[{name}]");
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_purchase_in_the_return_window_earns_pending_points() {
    for (name, db) in backends() {
        let app = spawn_app_with(&db, PENDING_PROGRAM).await;
        let member = app.enroll("pending").await;
        let occurred_at = just_now();
        let answer = app
            .post(
                "/api/v1/purchases",
                &purchase_body(member, "o-1", "100.00", &occurred_at),
            )
            .await
            .ok(200);
        assert_eq!(answer["status"], "pending", "[{name}] {answer}");
        assert_eq!(answer["points_earned"], 100, "[{name}]");
        assert_eq!(
            answer["balance"],
            json!({ "available": 0, "pending": 100 }),
            "[{name}]"
        );
        let until = instant(&answer["pending_until"]);
        let window = until.duration_since(occurred_at.parse().unwrap());
        assert!(
            window >= SignedDuration::from_hours(24 * 6)
                && window <= SignedDuration::from_hours(24 * 8),
            "[{name}] pending for about 7 days: {answer}"
        );
        let balance = app.balance(member).await;
        assert_eq!(balance["available"], 0, "[{name}] {balance}");
        assert_eq!(balance["pending"], 100, "[{name}] {balance}");
        assert_eq!(balance["value"]["currency"], "CNY", "[{name}] {balance}");
        assert_eq!(
            balance["value"]["amount"]
                .as_str()
                .unwrap()
                .parse::<f64>()
                .unwrap(),
            0.0,
            "[{name}] pending points are worth nothing yet"
        );
        // Pending points cannot be spent.
        let redeem = json!({ "points": 1, "idempotency_key": "k", "reference": "r" });
        app.post(&format!("/api/v1/members/{member}/redemptions"), &redeem)
            .await
            .error(409, "insufficient_points");
        // A full refund takes the pending points back.
        let purchase_id = answer["purchase_id"].as_i64().unwrap();
        let refund = app
            .post(
                &format!("/api/v1/purchases/{purchase_id}/refunds"),
                &json!({ "refund_id": "r-1" }),
            )
            .await
            .ok(200);
        assert_eq!(refund["points_reversed"], 100, "[{name}] {refund}");
        assert_eq!(
            refund["balance"],
            json!({ "available": 0, "pending": 0 }),
            "[{name}]"
        );
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_purchase_answers_the_grants_of_each_earning_rule_with_explanations() {
    // The scenario is a fixed Tuesday in 2025: reported late, within a window that wide, and
    // its points must not have expired since.
    let program = format!(
        "{}{}",
        crate::common::PROGRAM
            .replace(
                "rounding = \"floor\"\n",
                "rounding = \"floor\"\nbackdating_days = 3650\n"
            )
            .replace(
                "{ policy = \"months_after_earning\", months = 12 }",
                "{ policy = \"never\" }"
            ),
        r#"
[[rules]]
id = "double_tuesday"
name = "Double points Tuesday"
effect = { multiplier = "2" }
conditions = [ { days_of_week = ["tue"] } ]

[[rules]]
id = "beans"
name = "Beans bonus"
effect = { points_per_unit = "2" }
limits = { per_member_day = 100 }
conditions = [ { categories = ["retail"] } ]
"#
    );
    for (name, db) in backends() {
        let app = spawn_app_with(&db, &program).await;
        let member = app.enroll("rules").await;
        // Tuesday 3 June 2025, noon in Shanghai.
        let mut body = purchase_body(member, "o-1", "140.00", "2025-06-03T04:00:00Z");
        body["lines"] = json!([
            { "sku": "latte", "category": "coffee", "quantity": 2, "unit_price": "30.00" },
            { "sku": "yunnan-250g", "category": "retail", "quantity": 1, "unit_price": "80.00" },
        ]);
        let answer = app.post("/api/v1/purchases", &body).await.ok(200);
        assert_eq!(
            answer["grants"],
            json!([
                { "rule_id": "base", "points": 140, "capped_by": null,
                  "explanation": "Base earn: 1 per CNY on 140.00 → +140" },
                { "rule_id": "double_tuesday", "points": 140, "capped_by": null,
                  "explanation": "Double points Tuesday: 2× on 140.00 → +140" },
                { "rule_id": "beans", "points": 100, "capped_by": "per_member_day",
                  "explanation": "Beans bonus: 2 per CNY on 80.00 → +100 (daily limit reached)" },
            ]),
            "[{name}] {answer}"
        );
        assert_eq!(answer["points_earned"], 380, "[{name}] {answer}");
        // One earn posting for the whole purchase.
        let ledger = app.ledger(member).await;
        assert_eq!(ledger.len(), 1, "[{name}] {ledger:?}");
        assert_eq!(ledger[0]["amount"], 380, "[{name}]");
        // The ledger says why, as the purchase did, with what each sentence is written from.
        let said: Vec<&Value> = answer["grants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| &g["explanation"])
            .collect();
        let kept: Vec<&Value> = ledger[0]["grants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| &g["explanation"])
            .collect();
        assert_eq!(kept, said, "[{name}] {:?}", ledger[0]);
        assert_eq!(
            ledger[0]["grants"][2],
            json!({ "rule_id": "beans", "points": 100, "capped_by": "per_member_day",
                    "explanation": "Beans bonus: 2 per CNY on 80.00 → +100 (daily limit reached)",
                    "basis": { "kind": "rule", "name": "Beans bonus", "effect": "points_per_unit",
                               "factor": "2", "spend": "80.00" } }),
            "[{name}]"
        );
        assert_eq!(
            ledger[0]["grants"][0]["basis"],
            json!({ "kind": "base", "effect": "points_per_unit", "factor": "1", "spend": "140.00" }),
            "[{name}]"
        );
        // A plain purchase answers its base grant alone.
        let plain = app
            .post(
                "/api/v1/purchases",
                &purchase_body(member, "o-2", "10.00", "2025-06-04T04:00:00Z"),
            )
            .await
            .ok(200);
        assert_eq!(
            plain["grants"].as_array().map(Vec::len),
            Some(1),
            "[{name}] {plain}"
        );
        assert_eq!(plain["grants"][0]["rule_id"], "base", "[{name}]");
        app.teardown().await;
    }
}
