//! Concurrent requests over HTTP: no double spend, one member per external id.

use crate::common::{read, spawn_app};
use laurel_testkit::backends;
use serde_json::json;
use tokio::task::JoinSet;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_two_concurrent_redemptions_of_10_on_100_points_exactly_ten_succeed() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let member = app.enroll("rush").await;
        app.purchase(member, "o-1", "100.00").await;
        let url = app.url(&format!("/api/v1/members/{member}/redemptions"));
        let mut set = JoinSet::new();
        for i in 0..32 {
            let request = app
                .client
                .post(&url)
                .bearer_auth(&app.pos_key)
                .json(&json!({ "points": 10, "idempotency_key": format!("rush-{i}"), "reference": format!("order-{i}") }));
            set.spawn(read(request));
        }
        let (mut ok, mut refused) = (0, 0);
        for resp in set.join_all().await {
            match resp.status {
                200 => {
                    let body = resp.json();
                    assert!(
                        body["balance"]["available"]
                            .as_i64()
                            .is_some_and(|a| a >= 0),
                        "[{name}] {body}"
                    );
                    ok += 1;
                }
                409 => {
                    resp.error(409, "insufficient_points");
                    refused += 1;
                }
                other => panic!("[{name}] only 200 or 409, got {other}: {}", resp.text()),
            }
        }
        assert_eq!((ok, refused), (10, 22), "[{name}]");
        let balance = app.balance(member).await;
        assert_eq!(balance["available"], 0, "[{name}] {balance}");
        let redeems = app
            .ledger(member)
            .await
            .iter()
            .filter(|e| e["kind"] == "redeem")
            .count();
        assert_eq!(redeems, 10, "[{name}]");
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_enrollments_of_one_external_id_create_exactly_one_member() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let mut set = JoinSet::new();
        for i in 0..16 {
            let request = app
                .client
                .post(app.url("/api/v1/members"))
                .bearer_auth(&app.pos_key)
                .json(&json!({ "external_id": "same-person", "name": format!("attempt {i}") }));
            set.spawn(read(request));
        }
        let mut created = Vec::new();
        let mut conflicts = 0;
        for resp in set.join_all().await {
            match resp.status {
                201 => created.push(resp.json()),
                409 => {
                    resp.error(409, "member_exists");
                    conflicts += 1;
                }
                other => panic!("[{name}] only 201 or 409, got {other}: {}", resp.text()),
            }
        }
        assert_eq!(
            created.len(),
            1,
            "[{name}] exactly one enrollment wins: {created:?}"
        );
        assert_eq!(conflicts, 15, "[{name}]");
        let stored = app
            .get("/api/v1/members?external_id=same-person")
            .await
            .ok(200);
        assert_eq!(stored, created[0], "[{name}] the winner is the member");
        app.teardown().await;
    }
}

/// The poisoned requests the issue that found this sent: a NUL in each kind of text field.
fn poisoned(member: i64, i: usize) -> (&'static str, serde_json::Value) {
    let now = crate::common::just_now();
    match i % 4 {
        0 => (
            "/api/v1/purchases",
            json!({ "member_id": member, "order_id": format!("nul\u{0}{i}"), "channel": "pos", "currency": "CNY", "total": "10.00", "occurred_at": now }),
        ),
        1 => (
            "/api/v1/purchases",
            json!({ "member_id": member, "order_id": format!("store-{i}"), "store": "S\u{0}H", "channel": "pos", "currency": "CNY", "total": "10.00", "occurred_at": now }),
        ),
        2 => (
            "/api/v1/members",
            json!({ "external_id": format!("nul-{i}"), "name": "Wang\u{0}Fang" }),
        ),
        _ => (
            "/api/v1/members",
            json!({ "external_id": format!("attr-{i}"), "attributes": { "k\u{0}": "v" } }),
        ),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_holding_a_nul_are_refused_alone_and_every_valid_purchase_sent_with_them_succeeds()
{
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let members: Vec<i64> = {
            let mut ids = Vec::new();
            for i in 0..10 {
                ids.push(app.enroll(&format!("crowd-{i}")).await);
            }
            ids
        };
        let mut set = JoinSet::new();
        for i in 0..240 {
            let member = members[i % members.len()];
            let (path, body, valid) = if i % 6 == 5 {
                let (path, body) = poisoned(member, i);
                (path, body, false)
            } else {
                let body = json!({ "member_id": member, "order_id": format!("ok-{i}"), "channel": "pos", "currency": "CNY", "total": "10.00", "occurred_at": crate::common::just_now() });
                ("/api/v1/purchases", body, true)
            };
            let request = app
                .client
                .post(app.url(path))
                .bearer_auth(&app.pos_key)
                .json(&body);
            set.spawn(async move { (valid, read(request).await) });
        }
        let (mut ok, mut refused) = (0, 0);
        for (valid, resp) in set.join_all().await {
            if valid {
                assert_eq!(resp.status, 200, "[{name}] {}", resp.text());
                ok += 1;
            } else {
                let message = resp.error(422, "invalid_field");
                assert!(message.contains("U+0000"), "[{name}] {message}");
                refused += 1;
            }
        }
        assert_eq!((ok, refused), (200, 40), "[{name}]");
        let mut earned = 0;
        for member in &members {
            earned += app.available(*member).await;
        }
        assert_eq!(earned, 200 * 10, "[{name}]");
        app.teardown().await;
    }
}
