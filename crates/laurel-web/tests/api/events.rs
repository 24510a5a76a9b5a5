//! Custom events: earning by event rules, idempotency by (member, event id), unknown kinds.

use crate::common::{PROGRAM, just_now, keys, spawn_app_with};
use laurel_testkit::backends;
use reqwest::Method;
use serde_json::json;

/// The default program with an event rule and a declared kind.
fn program() -> String {
    format!(
        r#"{PROGRAM}
[events]
declared = ["store_visit"]

[[rules]]
id = "review_bonus"
name = "Review bonus"
trigger = {{ event = "review_written" }}
effect = {{ fixed = 20 }}
limits = {{ per_member_day = 20 }}
"#
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_earns_its_rules_points_once_and_is_documented() {
    for (name, db) in backends() {
        let app = spawn_app_with(&db, &program()).await;
        let member = app.enroll("reviewer").await;
        let body = json!({
            "event_id": "rev-1", "external_id": "reviewer", "kind": "review_written",
            "attributes": { "rating": "5" }, "occurred_at": just_now(),
        });
        let answer = app.post("/api/v1/events", &body).await.ok(200);
        assert_eq!(
            keys(&answer),
            [
                "balance",
                "event_id",
                "expires_at",
                "grants",
                "kind",
                "member_id",
                "pending_until",
                "points_earned",
                "status"
            ],
            "[{name}] {answer}"
        );
        assert_eq!(answer["member_id"], member, "[{name}] {answer}");
        assert_eq!(answer["event_id"], "rev-1", "[{name}]");
        assert_eq!(answer["kind"], "review_written", "[{name}]");
        assert_eq!(answer["points_earned"], 20, "[{name}] {answer}");
        assert_eq!(answer["grants"][0]["rule_id"], "review_bonus", "[{name}]");
        assert_eq!(answer["grants"][0]["points"], 20, "[{name}]");
        assert_eq!(answer["status"], "available", "[{name}]");
        assert!(answer["expires_at"].is_string(), "[{name}] {answer}");
        assert_eq!(
            answer["balance"],
            json!({ "available": 20, "pending": 0 }),
            "[{name}]"
        );
        // The same event again, by member id this time: the same answer, one effect.
        let mut by_id = body.clone();
        by_id.as_object_mut().unwrap().remove("external_id");
        by_id["member_id"] = json!(member);
        let again = app.post("/api/v1/events", &by_id).await.ok(200);
        assert_eq!(again, answer, "[{name}]");
        let mut changed = body.clone();
        changed["attributes"] = json!({ "rating": "1" });
        app.post("/api/v1/events", &changed)
            .await
            .error(409, "idempotency_conflict");
        let ledger = app.ledger(member).await;
        assert_eq!(ledger.len(), 1, "[{name}] {ledger:?}");
        assert_eq!(ledger[0]["amount"], 20, "[{name}]");
        assert_eq!(ledger[0]["reason"], "event: review_written", "[{name}]");
        assert_eq!(ledger[0]["reference"], "review_written:rev-1", "[{name}]");

        // A declared kind with no rule earns nothing; an undeclared kind is refused.
        let visit = json!({
            "event_id": "visit-1", "member_id": member, "kind": "store_visit",
            "occurred_at": just_now(),
        });
        let visited = app.post("/api/v1/events", &visit).await.ok(200);
        assert_eq!(visited["points_earned"], 0, "[{name}] {visited}");
        assert_eq!(visited["status"], "none", "[{name}]");
        let mut unknown = visit.clone();
        unknown["event_id"] = json!("x-1");
        unknown["kind"] = json!("unheard_of");
        app.post("/api/v1/events", &unknown)
            .await
            .error(422, "unknown_event_kind");
        let mut future = visit.clone();
        future["event_id"] = json!("x-2");
        future["occurred_at"] = json!("2999-01-01T00:00:00Z");
        app.post("/api/v1/events", &future)
            .await
            .error(422, "invalid_date");
        let attributes: serde_json::Map<_, _> =
            (0..51).map(|i| (format!("k{i}"), json!("v"))).collect();
        let mut crowded = visit.clone();
        crowded["event_id"] = json!("x-3");
        crowded["attributes"] = json!(attributes);
        app.post("/api/v1/events", &crowded)
            .await
            .error(422, "invalid_field");
        assert_eq!(app.available(member).await, 20, "[{name}]");

        let doc = app
            .send(Method::GET, "/api/v1/openapi.json", None, None)
            .await
            .ok(200);
        let op = &doc["paths"]["/api/v1/events"]["post"];
        assert!(op.is_object(), "[{name}] POST /api/v1/events is documented");
        assert_eq!(op["security"], json!([{ "api_key": [] }]), "[{name}]");
        for schema in ["EventBody", "EventResponse"] {
            assert!(
                doc["components"]["schemas"][schema].is_object(),
                "[{name}] schema {schema}"
            );
        }
        app.teardown().await;
    }
}
