//! Holds of points over HTTP on both backends: placed with `points`, read and captured at
//! `/api/v1/holds/{id}` like wallet holds, the balance showing what is held, each refusal
//! coded.

use crate::common::{PROGRAM, spawn_app_with};
use laurel_testkit::backends;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn points_are_held_captured_in_part_and_the_rest_comes_back() {
    for (name, db) in backends() {
        let app = spawn_app_with(&db, PROGRAM).await;
        let member = app.enroll("holder").await;
        app.purchase(member, "o-1", "100").await;
        let earned = app.available(member).await;
        let holds = format!("/api/v1/members/{member}/holds");

        let body = json!({ "points": 60, "idempotency_key": "h-1", "reference": "order-5" });
        let placed = app.post(&holds, &body).await.ok(200);
        assert_eq!(placed["hold"]["state"], "held", "[{name}] {placed}");
        assert_eq!(placed["hold"]["points"], 60, "[{name}]");
        assert_eq!(placed["points"]["available"], earned - 60, "[{name}]");
        assert_eq!(placed["points"]["held"], 60, "[{name}]");
        let balance = app.balance(member).await;
        assert_eq!(balance["held"], 60, "[{name}] {balance}");
        assert_eq!(
            app.post(&holds, &body).await.ok(200),
            placed,
            "[{name}] a retry"
        );

        let id = placed["hold"]["hold_id"].as_i64().unwrap();
        let read = app.get(&format!("/api/v1/holds/{id}")).await.ok(200);
        assert_eq!(read, placed["hold"], "[{name}]");
        let capture = format!("/api/v1/holds/{id}/capture");
        app.post(&capture, &json!({ "amount": "1", "currency": "CNY" }))
            .await
            .error(422, "invalid_field");
        app.post(&capture, &json!({ "points": 61 }))
            .await
            .error(409, "capture_exceeds_hold");
        let captured = app.post(&capture, &json!({ "points": 45 })).await.ok(200);
        assert_eq!(
            captured["hold"]["captured_points"], 45,
            "[{name}] {captured}"
        );
        assert_eq!(captured["points"]["available"], earned - 45, "[{name}]");
        assert_eq!(captured["points"]["held"], 0, "[{name}]");
        app.post(&format!("/api/v1/holds/{id}/void"), &json!({}))
            .await
            .error(409, "hold_closed");

        app.post(
            &holds,
            &json!({ "points": 1_000_000, "idempotency_key": "h-2", "reference": "o" }),
        )
        .await
        .error(409, "insufficient_points");
        app.post(
            &holds,
            &json!({ "points": 5, "amount": "5", "currency": "CNY", "idempotency_key": "h-3", "reference": "o" }),
        )
        .await
        .error(422, "invalid_field");
        app.post(
            &holds,
            &json!({ "amount": "5", "idempotency_key": "h-6", "reference": "o" }),
        )
        .await
        .error(422, "missing_field");
        app.post(
            &holds,
            &json!({ "idempotency_key": "h-4", "reference": "o" }),
        )
        .await
        .error(422, "missing_field");
        let second = app
            .post(
                &holds,
                &json!({ "points": 10, "idempotency_key": "h-5", "reference": "order-6" }),
            )
            .await
            .ok(200);
        let second = second["hold"]["hold_id"].as_i64().unwrap();
        assert_ne!(second, id, "[{name}] one series of ids");
        let voided = app
            .post(&format!("/api/v1/holds/{second}/void"), &json!({}))
            .await
            .ok(200);
        assert_eq!(
            voided["points"]["available"],
            earned - 45,
            "[{name}] {voided}"
        );
        app.teardown().await;
    }
}
