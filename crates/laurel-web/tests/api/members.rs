//! Enrollment and lookup.

use crate::common::{encode, spawn_app};
use laurel_testkit::backends;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enroll_answers_201_with_the_new_member() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let body = json!({
            "external_id": "cust-1", "email": "ann@example.com", "phone": "+86 138 0000 0000",
            "name": "Ann", "birthday": "1990-05-17", "channel": "pos",
            "attributes": { "segment": "student", "city": "上海" },
        });
        let member = app.post("/api/v1/members", &body).await.ok(201);
        assert!(
            member["id"].as_i64().is_some_and(|id| id > 0),
            "[{name}] id: {member}"
        );
        assert_eq!(member["external_id"], "cust-1", "[{name}]");
        assert_eq!(member["email"], "ann@example.com", "[{name}]");
        assert_eq!(member["phone"], "+86 138 0000 0000", "[{name}]");
        assert_eq!(member["name"], "Ann", "[{name}]");
        assert_eq!(member["birthday"], "1990-05-17", "[{name}]");
        assert_eq!(member["channel"], "pos", "[{name}]");
        assert_eq!(member["status"], "active", "[{name}]");
        assert_eq!(
            member["attributes"],
            json!({ "city": "上海", "segment": "student" }),
            "[{name}]"
        );
        assert!(
            member["enrolled_at"]
                .as_str()
                .is_some_and(|t| t.parse::<jiff::Timestamp>().is_ok()),
            "[{name}] {member}"
        );
        assert_eq!(
            member["balance"],
            json!({ "available": 0, "pending": 0 }),
            "[{name}]"
        );

        // A charset parameter on the content type is fine.
        let request = app
            .client
            .post(app.url("/api/v1/members"))
            .bearer_auth(&app.pos_key)
            .header("Content-Type", "application/json; charset=utf-8")
            .body(r#"{"external_id": "cust-3"}"#);
        crate::common::read(request).await.ok(201);

        // Only external_id is required; the channel defaults to web.
        let minimal = app
            .post("/api/v1/members", &json!({ "external_id": "cust-2" }))
            .await
            .ok(201);
        assert_eq!(minimal["channel"], "web", "[{name}]");
        assert!(
            minimal["email"].is_null() && minimal["birthday"].is_null(),
            "[{name}] {minimal}"
        );
        assert_ne!(minimal["id"], member["id"], "[{name}]");
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enroll_takes_the_instant_a_member_joined_and_refuses_one_in_the_future_or_malformed() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let body = json!({ "external_id": "old-1", "enrolled_at": "2025-03-04T10:20:30.5+08:00" });
        let member = app.post("/api/v1/members", &body).await.ok(201);
        assert_eq!(
            member["enrolled_at"], "2025-03-04T02:20:30.5Z",
            "[{name}] {member}"
        );
        let id = member["id"].as_i64().unwrap();
        let read = app.get(&format!("/api/v1/members/{id}")).await.ok(200);
        assert_eq!(read, member, "[{name}] stored as answered");

        let refused = [
            (
                json!(crate::common::ago(jiff::SignedDuration::from_hours(-24))),
                "invalid_date",
            ),
            (json!("2025-03-04"), "invalid_date"),
            (json!("yesterday"), "invalid_date"),
            (json!(1_741_055_000), "invalid_body"),
        ];
        for (i, (enrolled_at, code)) in refused.into_iter().enumerate() {
            let body = json!({ "external_id": format!("bad-{i}"), "enrolled_at": enrolled_at });
            let message = app.post("/api/v1/members", &body).await.error(422, code);
            assert!(
                code == "invalid_body" || message.starts_with("enrolled_at: "),
                "[{name}] {enrolled_at}: {message}"
            );
            app.get(&format!("/api/v1/members?external_id=bad-{i}"))
                .await
                .error(404, "unknown_member");
        }
        app.teardown().await;
    }
    let doc = serde_json::to_value(laurel_web::openapi()).unwrap();
    let field = &doc["components"]["schemas"]["EnrollBody"]["properties"]["enrolled_at"];
    assert_eq!(field["format"], "date-time", "documented: {field}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrolling_a_taken_external_id_is_409_member_exists_and_keeps_the_first() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let first = app
            .post(
                "/api/v1/members",
                &json!({ "external_id": "dup", "name": "First" }),
            )
            .await
            .ok(201);
        let again = app
            .post(
                "/api/v1/members",
                &json!({ "external_id": "dup", "name": "Second" }),
            )
            .await;
        let message = again.error(409, "member_exists");
        assert!(
            message.contains("dup"),
            "[{name}] message names the id: {message}"
        );
        let stored = app.get("/api/v1/members?external_id=dup").await.ok(200);
        assert_eq!(stored["id"], first["id"], "[{name}]");
        assert_eq!(
            stored["name"], "First",
            "[{name}] the first enrollment is untouched"
        );
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_reads_the_same_by_id_and_by_external_id() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        // An external id that needs escaping in a query string.
        let external_id = "会员 #7&x=y/+";
        let created = app
            .post(
                "/api/v1/members",
                &json!({ "external_id": external_id, "name": "Bo" }),
            )
            .await
            .ok(201);
        let id = created["id"].as_i64().unwrap();
        let by_id = app.get(&format!("/api/v1/members/{id}")).await.ok(200);
        let by_ext = app
            .get(&format!(
                "/api/v1/members?external_id={}",
                encode(external_id)
            ))
            .await
            .ok(200);
        assert_eq!(
            by_id, created,
            "[{name}] GET by id answers what enroll answered"
        );
        assert_eq!(
            by_ext, created,
            "[{name}] GET by external_id answers what enroll answered"
        );
        // The lookup needs its parameter.
        app.get("/api/v1/members").await.error(400, "invalid_query");
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_member_is_404_unknown_member_everywhere() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let known = app.enroll("known").await;
        let unknown = known + 1000;
        app.get(&format!("/api/v1/members/{unknown}"))
            .await
            .error(404, "unknown_member");
        app.get("/api/v1/members?external_id=nobody")
            .await
            .error(404, "unknown_member");
        app.get(&format!("/api/v1/members/{unknown}/balance"))
            .await
            .error(404, "unknown_member");
        app.get(&format!("/api/v1/members/{unknown}/ledger"))
            .await
            .error(404, "unknown_member");
        let redeem = json!({ "points": 1, "idempotency_key": "k", "reference": "r" });
        app.post(&format!("/api/v1/members/{unknown}/redemptions"), &redeem)
            .await
            .error(404, "unknown_member");
        let adjust = json!({ "points": 5, "reason": "r", "idempotency_key": "k" });
        app.post_admin(&format!("/api/v1/members/{unknown}/adjustments"), &adjust)
            .await
            .error(404, "unknown_member");
        let purchase = json!({
            "external_id": "nobody", "order_id": "o-1", "channel": "pos", "currency": "CNY",
            "total": "10.00", "occurred_at": crate::common::just_now(),
        });
        app.post("/api/v1/purchases", &purchase)
            .await
            .error(404, "unknown_member");
        let refund = json!({ "refund_id": "r-1" });
        app.post("/api/v1/purchases/999999/refunds", &refund)
            .await
            .error(404, "unknown_purchase");
        assert_eq!(app.available(known).await, 0, "[{name}]");
        app.teardown().await;
    }
}
