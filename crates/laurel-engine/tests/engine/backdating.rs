//! How late a purchase or event may be reported: live channels within the program's window,
//! a retry always answered, history of any age imported with no point available past its
//! expiry.

use super::*;
use laurel_engine::Backdating;

/// The fixture program with the default 30-day window and points expiring after 12 months.
fn thirty_days() -> Program {
    program(&[
        ONE_PER_YUAN,
        ("backdating_days = 3650", "backdating_days = 30"),
        (
            r#"expiry = { policy = "never" }"#,
            r#"expiry = { policy = "months_after_earning", months = 12 }"#,
        ),
    ])
}

/// An engine that imports history: any age is taken.
async fn start_history(db: &TestDb, program: Program) -> Engine {
    let store = open(db).await;
    let config = EngineConfig {
        backdating: Backdating::Any,
        ..EngineConfig::for_backend(store.backend())
    };
    Engine::start(store, program, config)
}

#[tokio::test]
async fn a_live_purchase_or_event_reported_past_the_window_is_refused_and_writes_nothing() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, thirty_days()).await;
        let id = member(&engine, "late").await;
        let mut late = purchase_request(id, "o-late", "100.00");
        late.occurred_at = Timestamp::now() - days(31);
        let refused = engine.purchase(late.clone()).await.unwrap_err();
        assert_eq!(refused.code(), "backdated_too_far", "[{name}] {refused}");
        assert!(
            refused.to_string().contains("30 days"),
            "[{name}] {refused}"
        );
        let preview = engine.preview(late).await.unwrap_err();
        assert_eq!(preview.code(), "backdated_too_far", "[{name}]");
        let mut ancient = purchase_request(id, "o-year-0", "100.00");
        ancient.occurred_at = "0000-01-01T00:00:00Z".parse().unwrap();
        let refused = engine.purchase(ancient).await.unwrap_err();
        assert_eq!(refused.code(), "backdated_too_far", "[{name}]");
        let event = event_request(id, "e-late", "review_written", Timestamp::now() - days(31));
        let refused = engine.record_event(event).await.unwrap_err();
        assert_eq!(refused.code(), "backdated_too_far", "[{name}]");
        assert!(entries(&engine, id).await.is_empty(), "[{name}]");

        let mut in_time = purchase_request(id, "o-late", "100.00");
        in_time.occurred_at = Timestamp::now() - days(29);
        let earned = engine.purchase(in_time).await.unwrap();
        assert_eq!(
            (earned.earned.points_earned, earned.earned.status),
            (100, EarnStatus::Available),
            "[{name}] within the window, and the refused order id was not used up"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_retry_of_a_recorded_purchase_is_answered_however_late_it_comes() {
    for (name, db) in laurel_testkit::backends() {
        let history = start_history(&db, thirty_days()).await;
        let id = member(&history, "retry").await;
        let mut old = purchase_request(id, "o-old", "100.00");
        old.occurred_at = recently() - days(40);
        let first = history.purchase(old.clone()).await.unwrap();
        history.shutdown().await;

        let live = start(&db, thirty_days()).await;
        let again = live.purchase(old).await.unwrap();
        assert_eq!(replay_of(again), first, "[{name}]");
        finish(name, live).await;
    }
}

#[tokio::test]
async fn history_past_its_expiry_is_posted_and_expired_at_once_never_available() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start_history(&db, thirty_days()).await;
        let id = member(&engine, "old-timer").await;
        let mut old = purchase_request(id, "o-2024", "100.00");
        old.occurred_at = recently() - days(400);
        let out = engine.purchase(old).await.unwrap();
        assert_eq!(
            (
                out.earned.points_earned,
                out.earned.status,
                out.earned.balance.available
            ),
            (100, EarnStatus::Expired, 0),
            "[{name}] {out:?}"
        );
        assert_eq!(balance(&engine, id).await, (0, 0), "[{name}]");
        let kinds: Vec<String> = entries(&engine, id)
            .await
            .iter()
            .map(|e| format!("{} {}", e.kind.as_str(), e.available_delta.get()))
            .collect();
        assert_eq!(kinds, ["expire -100", "earn 100"], "[{name}]");
        // The expiry job finds nothing left to do.
        let report = engine
            .run_job(JobKind::Expiry, Timestamp::now())
            .await
            .unwrap();
        assert_eq!(report.points, Points::ZERO, "[{name}] {report:?}");

        let mut recent = purchase_request(id, "o-recent", "100.00");
        recent.occurred_at = recently() - days(200);
        let out = engine.purchase(recent).await.unwrap();
        assert_eq!(out.earned.status, EarnStatus::Available, "[{name}]");
        finish(name, engine).await;
    }
}
