//! Refunds: by amount, by lines, in full; never more than was paid; idempotent by refund id.

use crate::common::{TestApp, just_now, spawn_app};
use laurel_testkit::backends;
use serde_json::json;

/// A member with a 100.00 purchase of two lines (2 × 25.00 and 1 × 50.00): 100 points.
async fn member_with_purchase(app: &TestApp) -> (i64, i64) {
    let member = app.enroll("refunder").await;
    let body = json!({
        "member_id": member, "order_id": "o-1", "channel": "pos", "currency": "CNY",
        "total": "100.00", "occurred_at": just_now(),
        "lines": [
            { "sku": "mug", "quantity": 2, "unit_price": "25.00" },
            { "sku": "beans", "category": "coffee", "quantity": 1, "unit_price": 50 },
        ],
    });
    let answer = app.post("/api/v1/purchases", &body).await.ok(200);
    assert_eq!(answer["points_earned"], 100, "{answer}");
    (member, answer["purchase_id"].as_i64().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refunds_by_amount_by_lines_and_in_full_reverse_points_in_proportion() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let (member, purchase) = member_with_purchase(&app).await;
        let path = format!("/api/v1/purchases/{purchase}/refunds");

        let by_amount = app
            .post(
                &path,
                &json!({ "refund_id": "r-amount", "amount": "20.00" }),
            )
            .await
            .ok(200);
        assert_eq!(by_amount["purchase_id"], purchase, "[{name}] {by_amount}");
        assert_eq!(by_amount["refund_id"], "r-amount", "[{name}]");
        assert_eq!(by_amount["amount"], "20.00", "[{name}]");
        assert_eq!(by_amount["points_reversed"], 20, "[{name}]");
        assert_eq!(by_amount["shortfall"], 0, "[{name}]");
        assert_eq!(by_amount["member_id"], member, "[{name}]");
        assert_eq!(
            by_amount["balance"],
            json!({ "available": 80, "pending": 0 }),
            "[{name}]"
        );

        let by_lines = app
            .post(
                &path,
                &json!({ "refund_id": "r-lines", "lines": [{ "line": 0, "quantity": 1 }] }),
            )
            .await
            .ok(200);
        assert_eq!(by_lines["amount"], "25.00", "[{name}] one mug: {by_lines}");
        assert_eq!(by_lines["points_reversed"], 25, "[{name}]");
        assert_eq!(by_lines["balance"]["available"], 55, "[{name}]");

        let full = app
            .post(&path, &json!({ "refund_id": "r-full" }))
            .await
            .ok(200);
        assert_eq!(full["amount"], "55.00", "[{name}] what is left: {full}");
        assert_eq!(full["points_reversed"], 55, "[{name}]");
        assert_eq!(
            full["balance"],
            json!({ "available": 0, "pending": 0 }),
            "[{name}]"
        );

        let ledger = app.ledger(member).await;
        let kinds: Vec<&str> = ledger.iter().map(|e| e["kind"].as_str().unwrap()).collect();
        assert_eq!(
            kinds,
            ["reverse", "reverse", "reverse", "earn"],
            "[{name}] newest first"
        );
        let amounts: Vec<i64> = ledger
            .iter()
            .map(|e| e["amount"].as_i64().unwrap())
            .collect();
        assert_eq!(
            amounts,
            [-55, -25, -20, 100],
            "[{name}] every point that left says why"
        );
        assert_eq!(ledger[0]["reason"], "refund", "[{name}]");
        assert_eq!(ledger[0]["reference"], "o-1:r-full", "[{name}]");
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refunding_more_than_is_left_is_409_refund_exceeds_purchase() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let (member, purchase) = member_with_purchase(&app).await;
        let path = format!("/api/v1/purchases/{purchase}/refunds");
        app.post(&path, &json!({ "refund_id": "r-big", "amount": "100.01" }))
            .await
            .error(409, "refund_exceeds_purchase");
        app.post(
            &path,
            &json!({ "refund_id": "r-line", "lines": [{ "line": 1, "quantity": 2 }] }),
        )
        .await
        .error(409, "refund_exceeds_purchase");
        let message = app
            .post(
                &path,
                &json!({ "refund_id": "r-noline", "lines": [{ "line": 7, "quantity": 1 }] }),
            )
            .await
            .error(422, "unknown_line");
        assert!(message.contains("lines"), "[{name}] {message}");
        assert_eq!(
            app.available(member).await,
            100,
            "[{name}] refused refunds changed nothing"
        );

        app.post(&path, &json!({ "refund_id": "r-most", "amount": "90.00" }))
            .await
            .ok(200);
        app.post(&path, &json!({ "refund_id": "r-over", "amount": "10.01" }))
            .await
            .error(409, "refund_exceeds_purchase");
        app.post(&path, &json!({ "refund_id": "r-rest" }))
            .await
            .ok(200);
        app.post(&path, &json!({ "refund_id": "r-after" }))
            .await
            .error(409, "refund_exceeds_purchase");
        app.post(&path, &json!({ "refund_id": "r-cent", "amount": "0.01" }))
            .await
            .error(409, "refund_exceeds_purchase");
        assert_eq!(app.available(member).await, 0, "[{name}]");
        assert_eq!(
            app.ledger(member).await.len(),
            3,
            "[{name}] earn + two reversals"
        );
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retried_refund_has_one_effect_and_the_same_bytes() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let (member, purchase) = member_with_purchase(&app).await;
        let path = format!("/api/v1/purchases/{purchase}/refunds");
        let body = json!({ "refund_id": "r-1", "amount": "30.00" });
        let first = app.post(&path, &body).await;
        first.ok(200);
        let second = app.post(&path, &body).await;
        assert_eq!(second.status, 200, "[{name}] {}", second.text());
        assert_eq!(
            first.bytes,
            second.bytes,
            "[{name}] {} vs {}",
            first.text(),
            second.text()
        );
        assert_eq!(app.available(member).await, 70, "[{name}] reversed once");
        app.post(&path, &json!({ "refund_id": "r-1", "amount": "31.00" }))
            .await
            .error(409, "idempotency_conflict");
        assert_eq!(app.available(member).await, 70, "[{name}]");
        app.teardown().await;
    }
}
