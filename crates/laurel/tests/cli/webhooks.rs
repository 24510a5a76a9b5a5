//! `laurel serve` delivers webhooks: a subscription made through the API receives the events
//! of the API's own calls, signed so that the Standard Webhooks reference library verifies
//! them, and the delivery log says so; bad subscriptions are refused with their field named.

use crate::support::{self, Server};
use laurel_testkit::webhooks::{Received, WebhookReceiver};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// Waits until the receiver got `count` requests; returns them verified with `secret`.
fn wait_for(receiver: &WebhookReceiver, count: usize, secret: &str) -> Vec<Received> {
    let deadline = Instant::now() + Duration::from_secs(20);
    while receiver.count() < count && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    receiver.verified(secret)
}

async fn subscribe(server: &Server, key: &str, body: &Value) -> (StatusCode, Value) {
    let response = support::client()
        .post(server.url("/api/v1/admin/webhooks"))
        .bearer_auth(key)
        .json(body)
        .send()
        .await
        .expect("subscribing");
    let status = response.status();
    (status, response.json().await.expect("a JSON answer"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscription_made_through_the_api_receives_signed_events_of_the_apis_calls() {
    for (name, db) in laurel_testkit::backends() {
        let Some(receiver) = WebhookReceiver::start(0) else {
            return;
        };
        let dir = tempfile::tempdir().expect("temp dir");
        let (server, key) = support::serve_with(&db, dir.path(), support::program(), &[]).await;
        let (status, created) = subscribe(
            &server,
            &key,
            &json!({
                "url": receiver.url(&format!("/laurel/{name}")),
                "event_types": ["member.enrolled", "points.earned"],
                "description": "CRM",
            }),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "[{name}] {created}");
        let secret = created["secret"].as_str().expect("the secret, shown once");
        let id = created["webhook"]["id"].as_i64().expect("its id");

        let client = support::client();
        let member = support::enroll(&client, &server, &key, "W-1").await;
        let bought = client
            .post(server.url("/api/v1/purchases"))
            .bearer_auth(&key)
            .json(&support::purchase_body(
                member,
                "W-O-1",
                "42.00",
                &support::an_hour_ago(),
            ))
            .send()
            .await
            .expect("a purchase");
        assert_eq!(bought.status(), StatusCode::OK, "[{name}]");

        let mut mine = wait_for(&receiver, 2, secret);
        // Deliveries go out side by side, so they may arrive in any order: the envelope's
        // timestamp orders them.
        mine.sort_by_key(|r| r.event["timestamp"].as_str().unwrap_or_default().to_owned());
        let types: Vec<&str> = mine
            .iter()
            .map(|r: &Received| r.event["type"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(types, ["member.enrolled", "points.earned"], "[{name}]");
        assert!(mine.iter().all(|r| r.path == format!("/laurel/{name}")));
        assert_eq!(mine[1].event["data"]["member"]["id"], member, "[{name}]");

        let log = support::get_json(
            &client,
            &server.url(&format!("/api/v1/admin/webhooks/{id}/deliveries")),
            &key,
        )
        .await;
        let states: Vec<&str> = log["deliveries"]
            .as_array()
            .expect("deliveries")
            .iter()
            .map(|d| d["state"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(states, ["delivered", "delivered"], "[{name}] {log}");
        let ids: Vec<&str> = log["deliveries"]
            .as_array()
            .expect("deliveries")
            .iter()
            .map(|d| d["webhook_id"].as_str().unwrap_or_default())
            .collect();
        assert!(ids.contains(&mine[1].id.as_str()), "[{name}] {log}");

        let listed = support::get_json(&client, &server.url("/api/v1/admin/webhooks"), &key).await;
        assert_eq!(
            listed["webhooks"][0]["url"],
            receiver.url(&format!("/laurel/{name}"))
        );
        assert!(
            listed.to_string().find(secret).is_none(),
            "[{name}] the secret is never shown again"
        );
        let deleted = client
            .delete(server.url(&format!("/api/v1/admin/webhooks/{id}")))
            .bearer_auth(&key)
            .send()
            .await
            .expect("deleting");
        assert_eq!(deleted.status(), StatusCode::NO_CONTENT, "[{name}]");
        let gone = client
            .get(server.url(&format!("/api/v1/admin/webhooks/{id}")))
            .bearer_auth(&key)
            .send()
            .await
            .expect("reading it");
        assert_eq!(gone.status(), StatusCode::NOT_FOUND, "[{name}]");
        let body: Value = gone.json().await.expect("JSON");
        assert_eq!(body["error"]["code"], "unknown_webhook", "[{name}] {body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscription_that_cannot_be_delivered_to_is_refused_naming_its_field() {
    let db = laurel_testkit::sqlite();
    let dir = tempfile::tempdir().expect("temp dir");
    let (server, key) = support::serve_with(&db, dir.path(), support::program(), &[]).await;
    for (body, field) in [
        (
            json!({ "url": "ftp://hooks.example/x", "event_types": ["points.earned"] }),
            "url",
        ),
        (
            json!({ "url": "not a url", "event_types": ["points.earned"] }),
            "url",
        ),
        (
            json!({ "url": "https://hooks.example/x", "event_types": [] }),
            "event_types",
        ),
        (
            json!({ "url": "https://hooks.example/x", "event_types": ["points.stolen"] }),
            "event_types",
        ),
    ] {
        let (status, answer) = subscribe(&server, &key, &body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {answer}");
        assert_eq!(answer["error"]["code"], "invalid_field", "{answer}");
        assert!(
            answer.to_string().contains(field),
            "{field} named in {answer}"
        );
    }
    let none = support::get_json(
        &support::client(),
        &server.url("/api/v1/admin/webhooks"),
        &key,
    )
    .await;
    assert_eq!(none["webhooks"], json!([]), "nothing was stored");
}
