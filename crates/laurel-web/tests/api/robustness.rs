//! Requests with absurd numbers must be refused with a 4xx, and must never take the write path
//! down for everyone else: amounts, quantities and points are bounded before they reach
//! arithmetic, and a batch that panics anyway fails alone.

use crate::common::{just_now, spawn_app};
use laurel_testkit::backends;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_line_refund_of_an_absurd_basket_is_refused_and_writes_keep_working() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let member = app.enroll("absurd").await;
        let body = json!({
            "member_id": member, "order_id": "o-1", "channel": "pos", "currency": "CNY",
            "total": "10.00", "occurred_at": just_now(),
            "lines": [{ "sku": "grain", "quantity": 9_000_000_000_000_000_000_i64, "unit_price": "10.00" }],
        });
        let purchase = app.post("/api/v1/purchases", &body).await;
        if purchase.status == 200 {
            let id = purchase.json()["purchase_id"].as_i64().unwrap();
            let refund = json!({ "refund_id": "r-1", "lines": [{ "line": 0, "quantity": 1 }] });
            let resp = app
                .post(&format!("/api/v1/purchases/{id}/refunds"), &refund)
                .await;
            assert!(
                resp.status < 500,
                "[{name}] a client error, not {}: {}",
                resp.status,
                resp.text()
            );
        } else {
            assert!(purchase.status < 500, "[{name}] {}", purchase.text());
        }
        app.enroll("still-working").await;
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_i64_min_adjustment_is_refused_and_writes_keep_working() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let member = app.enroll("min").await;
        let body = json!({ "points": i64::MIN, "reason": "r", "idempotency_key": "k" });
        let resp = app
            .post_admin(&format!("/api/v1/members/{member}/adjustments"), &body)
            .await;
        assert!(
            (400..500).contains(&resp.status),
            "[{name}] {}: {}",
            resp.status,
            resp.text()
        );
        app.enroll("still-working").await;
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credits_past_the_largest_balance_are_refused_and_writes_keep_working() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let member = app.enroll("max").await;
        let path = format!("/api/v1/members/{member}/adjustments");
        for key in ["a", "b"] {
            let body = json!({ "points": i64::MAX, "reason": "r", "idempotency_key": key });
            let resp = app.post_admin(&path, &body).await;
            assert!(
                resp.status < 500,
                "[{name}] {}: {}",
                resp.status,
                resp.text()
            );
        }
        app.enroll("still-working").await;
        app.teardown().await;
    }
}
