//! Bearer keys: every `/api/v1` call needs one.

use crate::common::spawn_app;
use laurel_testkit::backends;
use reqwest::Method;
use serde_json::json;

/// Every API route, with a body that would be accepted if the caller were allowed.
fn routes(member: i64) -> Vec<(Method, String, Option<serde_json::Value>)> {
    vec![
        (
            Method::POST,
            "/api/v1/members".into(),
            Some(json!({ "external_id": "intruder" })),
        ),
        (
            Method::GET,
            "/api/v1/members?external_id=victim".into(),
            None,
        ),
        (Method::GET, format!("/api/v1/members/{member}"), None),
        (
            Method::POST,
            "/api/v1/purchases".into(),
            Some(
                json!({ "member_id": member, "order_id": "o", "channel": "pos", "currency": "CNY", "total": "9.00", "occurred_at": crate::common::just_now() }),
            ),
        ),
        (
            Method::POST,
            "/api/v1/purchases/1/refunds".into(),
            Some(json!({ "refund_id": "r" })),
        ),
        (
            Method::POST,
            format!("/api/v1/members/{member}/redemptions"),
            Some(json!({ "points": 1, "idempotency_key": "k", "reference": "r" })),
        ),
        (
            Method::POST,
            format!("/api/v1/members/{member}/adjustments"),
            Some(json!({ "points": 1000, "reason": "r", "idempotency_key": "k" })),
        ),
        (
            Method::GET,
            format!("/api/v1/members/{member}/balance"),
            None,
        ),
        (
            Method::GET,
            format!("/api/v1/members/{member}/ledger"),
            None,
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_without_a_key_is_401_unauthorized_on_every_route() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let member = app.enroll("victim").await;
        app.purchase(member, "o-0", "10.00").await;
        for (method, path, body) in routes(member) {
            let resp = app.send(method.clone(), &path, None, body.as_ref()).await;
            let message = resp.error(401, "unauthorized");
            assert!(
                message.contains("Bearer"),
                "[{name}] {method} {path}: says how to authenticate: {message}"
            );
        }
        assert_eq!(app.available(member).await, 10, "[{name}] nothing happened");
        app.get("/api/v1/members?external_id=intruder")
            .await
            .error(404, "unknown_member");
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_or_malformed_key_is_401_unauthorized() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let member = app.enroll("victim").await;
        app.purchase(member, "o-0", "10.00").await;
        let forged = format!("lrl_admin_{}", "0".repeat(64));
        let truncated = app.admin_key[..app.admin_key.len() - 1].to_owned();
        for key in [forged.as_str(), truncated.as_str(), "nonsense"] {
            for (method, path, body) in routes(member) {
                let resp = app
                    .send(method.clone(), &path, Some(key), body.as_ref())
                    .await;
                resp.error(401, "unauthorized");
            }
        }
        // Headers that are not `Bearer <key>` at all.
        for header in [
            "Basic dXNlcjpwYXNz".to_owned(),
            "Bearer ".to_owned(),
            app.pos_key.clone(),
            format!("bearer{}", app.pos_key),
        ] {
            let request = app
                .client
                .get(app.url(&format!("/api/v1/members/{member}")))
                .header("Authorization", header.clone());
            crate::common::read(request)
                .await
                .error(401, "unauthorized");
        }
        assert_eq!(app.available(member).await, 10, "[{name}] nothing happened");
        assert_eq!(app.ledger(member).await.len(), 1, "[{name}]");
        app.teardown().await;
    }
}
