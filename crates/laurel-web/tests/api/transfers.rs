//! Transfers over HTTP on both backends: points sent by member id or external id, listed on
//! both sides page by page, with each refusal's status and code.

use crate::common::{PROGRAM, spawn_app_with};
use laurel_testkit::backends;
use serde_json::json;

fn transfers_program() -> String {
    format!("{PROGRAM}\n[transfers]\nmin_points = 10\nfee_points = 2\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn points_are_sent_read_on_both_sides_and_every_refusal_is_coded() {
    for (name, db) in backends() {
        let app = spawn_app_with(&db, &transfers_program()).await;
        let (ann, bo) = (app.enroll("ann").await, app.enroll("bo").await);
        app.purchase(ann, "o-1", "100").await;
        let earned = app.available(ann).await;
        let base = format!("/api/v1/members/{ann}/transfers");

        let body = json!({ "to_member_id": bo, "points": 50, "idempotency_key": "t-1",
                           "message": "for the trip" });
        let sent = app.post(&base, &body).await.ok(200);
        assert_eq!(sent["transfer"]["points"], 50, "[{name}] {sent}");
        assert_eq!(sent["transfer"]["fee"], 2, "[{name}]");
        assert_eq!(sent["transfer"]["to"]["external_id"], "bo", "[{name}]");
        assert_eq!(sent["balance"]["available"], earned - 52, "[{name}]");
        assert_eq!(
            app.post(&base, &body).await.ok(200),
            sent,
            "[{name}] a retry"
        );
        let by_external = json!({ "to_external_id": "bo", "points": 10, "idempotency_key": "t-2" });
        app.post(&base, &by_external).await.ok(200);
        assert_eq!(app.available(bo).await, 60, "[{name}]");

        let page = app
            .get(&format!("/api/v1/members/{bo}/transfers?limit=1"))
            .await
            .ok(200);
        assert_eq!(
            page["transfers"][0]["from"]["external_id"], "ann",
            "[{name}]"
        );
        assert_eq!(page["transfers"][0]["points"], 10, "[{name}] newest first");
        let cursor = page["next_cursor"].as_str().unwrap().to_owned();
        let rest = app
            .get(&format!("/api/v1/members/{bo}/transfers?cursor={cursor}"))
            .await
            .ok(200);
        assert_eq!(rest["transfers"][0]["message"], "for the trip", "[{name}]");
        assert_eq!(rest["next_cursor"], json!(null), "[{name}]");

        let refuse = |to: serde_json::Value, points: i64, key: &str| {
            let mut body = json!({ "points": points, "idempotency_key": key });
            for (k, v) in to.as_object().unwrap() {
                body[k] = v.clone();
            }
            body
        };
        app.post(&base, &refuse(json!({ "to_member_id": ann }), 10, "r-1"))
            .await
            .error(422, "transfer_to_self");
        app.post(
            &base,
            &refuse(json!({ "to_external_id": "nobody" }), 10, "r-2"),
        )
        .await
        .error(422, "unknown_recipient");
        app.post(&base, &refuse(json!({}), 10, "r-3"))
            .await
            .error(422, "missing_field");
        app.post(
            &base,
            &refuse(
                json!({ "to_member_id": bo, "to_external_id": "bo" }),
                10,
                "r-4",
            ),
        )
        .await
        .error(422, "missing_field");
        app.post(&base, &refuse(json!({ "to_member_id": bo }), 9, "r-5"))
            .await
            .error(409, "transfer_below_minimum");
        app.post(
            &base,
            &refuse(json!({ "to_member_id": bo }), 1_000_000, "r-6"),
        )
        .await
        .error(409, "insufficient_points");
        app.post(&base, &refuse(json!({ "to_member_id": bo }), 10, "t-1"))
            .await
            .error(409, "idempotency_conflict");
        app.post(
            "/api/v1/members/999999/transfers",
            &refuse(json!({ "to_member_id": bo }), 10, "r-7"),
        )
        .await
        .error(404, "unknown_member");
        app.get("/api/v1/members/999999/transfers")
            .await
            .error(404, "unknown_member");
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_program_without_transfers_refuses_them() {
    for (name, db) in backends() {
        let app = spawn_app_with(&db, PROGRAM).await;
        let (ann, bo) = (app.enroll("ann").await, app.enroll("bo").await);
        app.purchase(ann, "o-1", "100").await;
        let body = json!({ "to_member_id": bo, "points": 10, "idempotency_key": "t-1" });
        let refused = app
            .post(&format!("/api/v1/members/{ann}/transfers"), &body)
            .await
            .error(422, "transfers_not_offered");
        assert!(refused.contains("transfers"), "[{name}] {refused}");
        app.teardown().await;
    }
}
