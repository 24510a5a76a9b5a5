#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
//! Webhooks delivered over HTTP to a real receiver on loopback, on both backends: every
//! request verifies with the Standard Webhooks reference library; a receiver that fails gets
//! the same events (same ids) once it recovers; a day of failures dead-letters a delivery,
//! and a replay sends it again; a restart sends nothing twice.

mod common;

use common::{PROGRAM, buys, engine_on, meiling_joins};
use jiff::{SignedDuration, Timestamp};
use laurel_core::events::DeliveryState;
use laurel_engine::{CreateWebhook, CreatedWebhook, DeliveryReport, Engine};
use laurel_notify::HttpSender;
use laurel_testkit::webhooks::WebhookReceiver;

async fn subscribe(engine: &Engine, url: String, kinds: &[&str]) -> CreatedWebhook {
    engine
        .create_webhook(CreateWebhook {
            url,
            event_types: kinds.iter().map(|k| (*k).to_owned()).collect(),
            description: Some("the shop's CRM".into()),
        })
        .await
        .unwrap()
}

/// 美玲 joins and buys for ¥88.
async fn a_member_joins_and_buys(engine: &Engine) {
    let member = meiling_joins(engine).await;
    buys(engine, member, "O-1", "88").await;
}

async fn deliver(engine: &Engine, at: Timestamp) -> DeliveryReport {
    engine
        .deliver_webhooks(&HttpSender::new().unwrap(), at)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_arrive_signed_and_a_receiver_that_was_down_gets_the_same_ids_once_it_recovers() {
    for (name, db) in laurel_testkit::backends() {
        // Down for the first two requests, then up.
        let Some(receiver) = WebhookReceiver::start(2) else {
            return;
        };
        let engine = engine_on(&db, PROGRAM).await;
        let hook = subscribe(
            &engine,
            receiver.url("/hooks/laurel"),
            &["member.enrolled", "points.earned"],
        )
        .await;
        assert!(hook.secret.starts_with("whsec_"), "[{name}]");
        a_member_joins_and_buys(&engine).await;

        let now = Timestamp::now();
        let first = deliver(&engine, now).await;
        assert_eq!(
            (first.fanned_out, first.attempted, first.delivered),
            (2, 2, 0),
            "[{name}] both events tried, the receiver is down"
        );
        assert_eq!(
            deliver(&engine, now).await.attempted,
            0,
            "[{name}] nothing is due before the backoff"
        );
        let later = deliver(&engine, now + SignedDuration::from_hours(1)).await;
        assert_eq!(
            (later.attempted, later.delivered),
            (2, 2),
            "[{name}] retried and delivered"
        );
        assert_eq!(
            deliver(&engine, now + SignedDuration::from_hours(2))
                .await
                .attempted,
            0,
            "[{name}] a delivered event is not sent again"
        );

        let got = receiver.verified(&hook.secret);
        assert_eq!(got.len(), 4, "[{name}] two failed, two delivered: {got:?}");
        assert_eq!(
            got.iter().map(|r| r.status).collect::<Vec<_>>(),
            [503, 503, 204, 204],
            "[{name}]"
        );
        let mut failed_ids: Vec<&str> = got[..2].iter().map(|r| r.id.as_str()).collect();
        let mut delivered_ids: Vec<&str> = got[2..].iter().map(|r| r.id.as_str()).collect();
        failed_ids.sort_unstable();
        delivered_ids.sort_unstable();
        assert_eq!(failed_ids, delivered_ids, "[{name}] a retry keeps its id");
        assert!(got.iter().all(|r| r.path == "/hooks/laurel"), "[{name}]");

        let delivered: Vec<&serde_json::Value> = got[2..].iter().map(|r| &r.event).collect();
        let enrolled = delivered
            .iter()
            .find(|e| e["type"] == "member.enrolled")
            .unwrap_or_else(|| panic!("[{name}] member.enrolled in {delivered:?}"));
        assert_eq!(enrolled["data"]["member"]["external_id"], "T-1", "[{name}]");
        assert_eq!(enrolled["data"]["channel"], "pos", "[{name}]");
        let earned = delivered
            .iter()
            .find(|e| e["type"] == "points.earned")
            .unwrap_or_else(|| panic!("[{name}] points.earned in {delivered:?}"));
        assert_eq!(earned["data"]["available_change"], 88, "[{name}] {earned}");
        assert_eq!(earned["data"]["available"], 88, "[{name}]");
        assert_eq!(earned["data"]["reference"], "pos:O-1", "[{name}] {earned}");

        let log = engine
            .webhook_deliveries(hook.webhook.id, None, 50)
            .await
            .unwrap();
        assert_eq!(log.len(), 2, "[{name}]");
        for line in &log {
            assert_eq!(line.state, DeliveryState::Delivered, "[{name}] {line:?}");
            assert_eq!(
                (line.attempts, line.last_status),
                (2, Some(204)),
                "[{name}]"
            );
        }
        engine.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_failing_for_a_day_is_dead_lettered_and_a_replay_sends_it_again() {
    for (name, db) in laurel_testkit::backends() {
        // Down for five attempts: a day of retries tried every seven hours is five.
        let Some(receiver) = WebhookReceiver::start(5) else {
            return;
        };
        let engine = engine_on(&db, PROGRAM).await;
        let hook = subscribe(&engine, receiver.url("/in"), &["member.enrolled"]).await;
        a_member_joins_and_buys(&engine).await;

        let start = Timestamp::now();
        let mut at = start;
        let mut attempts = 0;
        loop {
            let report = deliver(&engine, at).await;
            attempts += report.attempted;
            if report.gave_up == 1 {
                break;
            }
            assert!(attempts < 10, "[{name}] gave up within a day");
            at += SignedDuration::from_hours(7);
        }
        assert_eq!(attempts, 5, "[{name}]");
        let log = engine
            .webhook_deliveries(hook.webhook.id, None, 50)
            .await
            .unwrap();
        assert_eq!(
            log[0].state,
            DeliveryState::Failed,
            "[{name}] dead-lettered"
        );
        assert_eq!(log[0].next_attempt_at, None, "[{name}]");
        assert_eq!(
            log[0].last_error.as_deref(),
            Some("answered 503"),
            "[{name}]"
        );
        assert_eq!(
            deliver(&engine, at + SignedDuration::from_hours(48))
                .await
                .attempted,
            0,
            "[{name}] a dead letter is not tried again by itself"
        );

        engine
            .replay_delivery(hook.webhook.id, log[0].id)
            .await
            .unwrap();
        let replayed = deliver(&engine, Timestamp::now()).await;
        assert_eq!(replayed.delivered, 1, "[{name}] the replay went through");
        let got = receiver.verified(&hook.secret);
        assert_eq!(got.len(), 6, "[{name}]");
        assert!(
            got.iter().all(|r| r.id == got[0].id),
            "[{name}] every attempt and the replay carry the event's id"
        );
        assert!(
            engine
                .replay_delivery(hook.webhook.id, 999_999)
                .await
                .is_err(),
            "[{name}] an unknown delivery is refused"
        );
        engine.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_sends_nothing_twice_and_a_deleted_subscription_gets_nothing_more() {
    for (name, db) in laurel_testkit::backends() {
        let Some(receiver) = WebhookReceiver::start(0) else {
            return;
        };
        let engine = engine_on(&db, PROGRAM).await;
        let kinds = ["points.earned", "points.adjusted"];
        let hook = subscribe(&engine, receiver.url("/in"), &kinds).await;
        a_member_joins_and_buys(&engine).await;
        assert_eq!(
            deliver(&engine, Timestamp::now()).await.delivered,
            1,
            "[{name}]"
        );
        engine.shutdown().await;

        let engine = engine_on(&db, PROGRAM).await;
        let again = deliver(&engine, Timestamp::now()).await;
        assert_eq!(
            (again.fanned_out, again.attempted),
            (0, 0),
            "[{name}] after a restart nothing is fanned out or sent again"
        );
        engine.delete_webhook(hook.webhook.id).await.unwrap();
        let gift = laurel_engine::AdjustRequest {
            member_id: 1,
            points: 5,
            reason: "welcome gift".into(),
            note: None,
            idempotency_key: "gift-1".into(),
        };
        engine.adjust(gift, "staff:test").await.unwrap();
        assert_eq!(
            deliver(&engine, Timestamp::now()).await.attempted,
            0,
            "[{name}]"
        );
        assert_eq!(receiver.count(), 1, "[{name}] one request in all");
        engine.shutdown().await;
    }
}
