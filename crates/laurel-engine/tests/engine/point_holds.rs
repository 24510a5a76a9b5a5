//! Points held at checkouts on both backends: held points leave what a member can spend until
//! the hold is captured (the soonest-expiring spent, the rest back into their lots), voided
//! or lapsed; a hold and a redemption racing for the same points never both win; a what-if
//! replays holds exactly, and the books count held points owed until captured.

use super::events::{subscribe, written};
use super::wallet::tally;
use super::*;
use laurel_core::events::EventKind;
use laurel_engine::{JobKind, PointHoldOutcome, PointHoldRequest};
use std::collections::BTreeMap;

fn hold_request(member_id: i64, points: i64, key: &str) -> PointHoldRequest {
    PointHoldRequest {
        member_id,
        points,
        idempotency_key: key.into(),
        reference: format!("order-{key}"),
        expires_in: None,
    }
}

async fn held(engine: &Engine, member_id: i64, points: i64, key: &str) -> PointHoldOutcome {
    engine
        .hold_points(hold_request(member_id, points, key), "key:till")
        .await
        .unwrap()
}

/// (available, held) as the balance read shows them.
async fn points(engine: &Engine, member_id: i64) -> (i64, i64) {
    let b = engine.balance(member_id).await.unwrap();
    (b.available.get(), b.held.get())
}

#[tokio::test]
async fn held_points_cannot_be_spent_and_a_partial_capture_gives_the_rest_back_once() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[ONE_PER_YUAN])).await;
        let ann = member(&engine, "ann").await;
        engine
            .adjust(credit(ann, 300, "c-1"), "staff:test")
            .await
            .unwrap();
        subscribe(
            &engine,
            &[
                EventKind::PointsHeld,
                EventKind::PointsHoldCaptured,
                EventKind::PointsHoldReleased,
            ],
        )
        .await;

        let hold = held(&engine, ann, 200, "h-1").await;
        assert_eq!(hold.hold.state, "held", "[{name}]");
        assert_eq!(
            (hold.points.available, hold.points.held),
            (100, 200),
            "[{name}]"
        );
        assert_eq!(points(&engine, ann).await, (100, 200), "[{name}]");
        let spend = engine.redeem(redeem_request(ann, 150, "r-1")).await;
        assert_eq!(
            code(spend),
            "insufficient_points",
            "[{name}] held points are not spendable"
        );
        assert_eq!(
            held(&engine, ann, 200, "h-1").await,
            hold,
            "[{name}] a retry"
        );

        let id = hold.hold.id;
        let over = engine.capture_point_hold(id, Some(201), "key:till").await;
        assert_eq!(code(over), "capture_exceeds_hold", "[{name}]");
        let captured = engine
            .capture_point_hold(id, Some(120), "key:till")
            .await
            .unwrap();
        assert_eq!(
            (captured.hold.state.as_str(), captured.hold.captured),
            ("captured", 120),
            "[{name}]"
        );
        assert_eq!(
            (captured.points.available, captured.points.held),
            (180, 0),
            "[{name}] the 80 not taken came back"
        );
        let again = engine
            .capture_point_hold(id, Some(120), "key:till")
            .await
            .unwrap();
        assert_eq!(
            again, captured,
            "[{name}] a retried capture is answered as the first"
        );
        let void = engine.void_point_hold(id, "key:till").await;
        assert_eq!(code(void), "hold_closed", "[{name}]");
        assert_eq!(
            engine
                .point_hold_view(id)
                .await
                .unwrap()
                .map(|h| h.captured),
            Some(120),
            "[{name}]"
        );
        let told: Vec<String> = written(&engine).await.into_iter().map(|(k, _)| k).collect();
        assert_eq!(
            told,
            [
                "points.held",
                "points.hold_captured",
                "points.hold_released"
            ],
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_voided_or_lapsed_hold_gives_everything_back_and_a_late_capture_is_refused() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[ONE_PER_YUAN])).await;
        let ann = member(&engine, "ann").await;
        engine
            .adjust(credit(ann, 300, "c-1"), "staff:test")
            .await
            .unwrap();
        let voided = held(&engine, ann, 100, "h-1").await.hold.id;
        let voided = engine.void_point_hold(voided, "key:till").await.unwrap();
        assert_eq!(voided.hold.state, "voided", "[{name}]");
        assert_eq!(points(&engine, ann).await, (300, 0), "[{name}]");

        let mut short = hold_request(ann, 250, "h-2");
        short.expires_in = Some(60);
        let lapsing = engine.hold_points(short, "key:till").await.unwrap().hold.id;
        let later = Timestamp::now() + SignedDuration::from_secs(120);
        let report = engine.run_job(JobKind::Holds, later).await.unwrap();
        assert_eq!(report.members, 1, "[{name}] the lapsed hold");
        assert_eq!(points(&engine, ann).await, (300, 0), "[{name}]");
        let view = engine.point_hold_view(lapsing).await.unwrap().unwrap();
        assert_eq!(view.state, "expired", "[{name}]");
        let late = engine.capture_point_hold(lapsing, None, "key:till").await;
        assert_eq!(code(late), "hold_closed", "[{name}]");
        assert_eq!(
            code(engine.capture_point_hold(999_999, None, "key:till").await),
            "unknown_hold",
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hold_and_a_redemption_racing_for_the_same_points_never_both_win() {
    for (name, db) in laurel_testkit::backends() {
        let engine = Arc::new(start(&db, program(&[ONE_PER_YUAN])).await);
        let mut members = Vec::new();
        for i in 0..16 {
            let id = member(&engine, &format!("m-{i}")).await;
            engine
                .adjust(credit(id, 100, &format!("c-{i}")), "staff:test")
                .await
                .unwrap();
            members.push(id);
        }
        // For each member a hold of 80 and a redemption of 80, at once: 100 cover only one.
        let mut tasks = Vec::new();
        for &id in &members {
            let (a, b) = (Arc::clone(&engine), Arc::clone(&engine));
            tasks.push(tokio::spawn(async move {
                a.hold_points(hold_request(id, 80, &format!("h-{id}")), "key:till")
                    .await
                    .map(drop)
                    .map_err(|e| e.code().as_str())
            }));
            tasks.push(tokio::spawn(async move {
                b.redeem(redeem_request(id, 80, &format!("r-{id}")))
                    .await
                    .map(drop)
                    .map_err(|e| e.code().as_str())
            }));
        }
        let outcomes = tally(tasks, "won").await;
        assert_eq!(
            outcomes,
            BTreeMap::from([("insufficient_points", 16), ("won", 16)]),
            "[{name}]"
        );
        let engine = unshare(engine);
        for id in members {
            let (available, on_hold) = points(&engine, id).await;
            assert_eq!(available, 20, "[{name}] member {id}");
            assert!(on_hold == 0 || on_hold == 80, "[{name}] member {id}");
        }
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_what_if_replays_holds_exactly_and_the_books_owe_held_points_until_captured() {
    for (name, db) in laurel_testkit::backends() {
        let text = PROGRAM.replace(ONE_PER_YUAN.0, ONE_PER_YUAN.1).replace(
            r#"expiry = { policy = "never" }"#,
            r#"expiry = { policy = "months_after_earning", months = 12 }"#,
        ) + "\n[books]\npoint_price = \"0.25\"\nexpected_redemption_rate = \"0.8\"\n";
        let engine = start(&db, parse_program(&text, Path::new("h.toml")).unwrap()).await;
        let (ann, bo) = (member(&engine, "ann").await, member(&engine, "bo").await);
        buy(&engine, ann, "o-1", "1000").await;
        buy(&engine, bo, "o-2", "100").await;
        let first = held(&engine, ann, 400, "h-1").await.hold.id;
        let from = recently() - days(1);
        let books = async |engine: &Engine| {
            let to = Timestamp::now() + SignedDuration::from_secs(1);
            let range = laurel_engine::BooksRange { from, to };
            engine.books_report(range).await.unwrap().total
        };
        let before = books(&engine).await;
        assert_eq!(
            before.sales.recognised,
            Decimal::ZERO,
            "[{name}] a hold spends nothing yet"
        );
        engine
            .capture_point_hold(first, Some(300), "key:till")
            .await
            .unwrap();
        let second = held(&engine, bo, 50, "h-2").await.hold.id;
        engine.void_point_hold(second, "key:till").await.unwrap();
        held(&engine, ann, 100, "h-3").await;
        // ¥1100 for 1100 points worth ¥220: ¥183.33 deferred; 300 of 880 expected back spent.
        let after = books(&engine).await;
        assert_eq!(
            (after.sales.put_in, after.sales.recognised),
            (dec("183.33"), dec("62.50")),
            "[{name}] {after:?}"
        );
        super::simulation::assert_replayed_exactly(name, &engine, &[ann, bo]).await;
        finish(name, engine).await;
    }
}
