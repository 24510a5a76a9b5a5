//! Transfers between members on both backends: points move with their fee once per key, the
//! receiver (named by id, external id or member code) gets lots that keep the sender's
//! expiry, every limit refuses before anything is written, and transfers both ways at once
//! neither deadlock nor lose a point. The books keep a transferred point in the pool it was
//! issued to, and a what-if replays transfers exactly.

use super::events::{subscribe, written};
use super::wallet::tally;
use super::*;
use laurel_core::events::EventKind;
use laurel_engine::{TransferOutcome, TransferRequest};
use std::collections::BTreeMap;

/// Transfers of at least 10 points, at most 500 a day, by members of 30 days, at 5 points
/// plus 10%.
const TRANSFERS: &str = r#"
[transfers]
min_points = 10
daily_max = 500
min_member_days = 30
fee_points = 5
fee_percent = "10"
"#;

/// Transfers with no limit and no fee.
const FREE_TRANSFERS: &str = "\n[transfers]\n";

/// Enrolls a member who joined `days_ago` days ago; their id.
async fn joined(engine: &Engine, external_id: &str, days_ago: i64) -> i64 {
    let mut request = enroll_request(external_id);
    request.enrolled_at = Some(recently() - days(days_ago));
    engine.enroll(request).await.unwrap().id.0
}

fn send(from: i64, to: MemberRef, points: i64, key: &str) -> TransferRequest {
    TransferRequest {
        member_id: from,
        to,
        points,
        idempotency_key: key.into(),
        message: Some("for the trip".into()),
    }
}

async fn sent(engine: &Engine, from: i64, to: i64, points: i64, key: &str) -> TransferOutcome {
    engine
        .send_points(send(from, MemberRef::Id(to), points, key), None)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_transfer_moves_the_points_and_takes_its_fee_once_per_key() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_rules(TRANSFERS)).await;
        let (ann, bo) = (
            joined(&engine, "ann", 60).await,
            joined(&engine, "bo", 60).await,
        );
        engine
            .adjust(credit(ann, 300, "c-1"), "staff:test")
            .await
            .unwrap();
        subscribe(&engine, &[EventKind::PointsSent, EventKind::PointsReceived]).await;

        let first = sent(&engine, ann, bo, 100, "t-1").await;
        assert_eq!(
            (first.transfer.points, first.transfer.fee),
            (100, 15),
            "[{name}]"
        );
        assert_eq!(first.balance.available, 185, "[{name}] 300 − 100 − 15");
        assert_eq!(balance(&engine, bo).await, (100, 0), "[{name}]");
        let again = sent(&engine, ann, bo, 100, "t-1").await;
        assert_eq!(again, first, "[{name}] a retry is answered as the first");
        assert_eq!(
            balance(&engine, ann).await,
            (185, 0),
            "[{name}] and moves nothing"
        );

        let kinds = |entries: Vec<laurel_engine::LedgerEntry>| -> Vec<&'static str> {
            entries.iter().map(|e| e.kind.as_str()).collect()
        };
        assert_eq!(
            kinds(entries(&engine, ann).await),
            ["transfer_out", "transfer_fee", "adjust_credit"],
            "[{name}]"
        );
        assert_eq!(
            kinds(entries(&engine, bo).await),
            ["transfer_in"],
            "[{name}]"
        );
        let told: Vec<(String, i64)> = written(&engine)
            .await
            .into_iter()
            .map(|(kind, doc)| (kind, doc["data"]["available_change"].as_i64().unwrap()))
            .collect();
        assert_eq!(
            told,
            [
                ("points.sent".to_owned(), -15),
                ("points.sent".to_owned(), -100),
                ("points.received".to_owned(), 100)
            ],
            "[{name}]"
        );
        for member in [ann, bo] {
            let listed = engine.transfers_of(member, None, 10).await.unwrap();
            assert_eq!(
                (listed.transfers, listed.next),
                (vec![first.transfer.clone()], None),
                "[{name}] both sides list it"
            );
        }
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn the_receiver_is_named_by_external_id_and_gets_each_point_with_its_expiry() {
    for (name, db) in laurel_testkit::backends() {
        let expiring = PROGRAM.replace(ONE_PER_YUAN.0, ONE_PER_YUAN.1).replace(
            r#"expiry = { policy = "never" }"#,
            r#"expiry = { policy = "months_after_earning", months = 12 }"#,
        ) + FREE_TRANSFERS;
        let program = parse_program(&expiring, Path::new("t.toml")).unwrap();
        let engine = start(&db, program).await;
        let (ann, bo) = (member(&engine, "ann").await, member(&engine, "bo").await);
        buy(&engine, ann, "o-1", "200").await;
        let code = engine.referrals(bo, 1).await.unwrap().code;
        assert_eq!(
            engine
                .member_by_code(&format!(" {} ", code.to_lowercase()))
                .await
                .unwrap(),
            Some(bo),
            "[{name}] a member code finds its member as the portal reads it"
        );
        assert_eq!(
            engine.member_by_code("NOPE-NOPE").await.unwrap(),
            None,
            "[{name}]"
        );
        let to = MemberRef::External("bo".into());
        engine
            .send_points(send(ann, to, 150, "t-1"), None)
            .await
            .unwrap();
        let (theirs, mine) = (
            engine.balance(bo).await.unwrap(),
            engine.balance(ann).await.unwrap(),
        );
        assert_eq!(theirs.available, Points(150), "[{name}]");
        assert_eq!(
            theirs.next_expiries.iter().map(|e| e.0).collect::<Vec<_>>(),
            mine.next_expiries.iter().map(|e| e.0).collect::<Vec<_>>(),
            "[{name}] a transfer never makes a point live longer"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn every_limit_refuses_before_anything_is_written() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_rules(TRANSFERS)).await;
        let (ann, bo, new) = (
            joined(&engine, "ann", 60).await,
            joined(&engine, "bo", 60).await,
            joined(&engine, "new", 3).await,
        );
        for who in [ann, new] {
            engine
                .adjust(credit(who, 1_000, &format!("c-{who}")), "staff:test")
                .await
                .unwrap();
        }
        let refuse = async |from: i64, to: MemberRef, points: i64| {
            code(
                engine
                    .send_points(send(from, to, points, "t-x"), None)
                    .await,
            )
        };
        assert_eq!(
            refuse(ann, MemberRef::Id(ann), 50).await,
            "transfer_to_self",
            "[{name}]"
        );
        assert_eq!(
            refuse(ann, MemberRef::External("ann".into()), 50).await,
            "transfer_to_self",
            "[{name}] by external id too"
        );
        assert_eq!(
            refuse(ann, MemberRef::External("nobody".into()), 50).await,
            "unknown_recipient",
            "[{name}]"
        );
        assert_eq!(
            refuse(ann, MemberRef::Id(bo), 9).await,
            "transfer_below_minimum",
            "[{name}]"
        );
        assert_eq!(
            refuse(new, MemberRef::Id(bo), 50).await,
            "transfer_too_soon",
            "[{name}]"
        );
        assert_eq!(
            refuse(bo, MemberRef::Id(ann), 50).await,
            "insufficient_points",
            "[{name}]"
        );
        sent(&engine, ann, bo, 400, "t-1").await;
        assert_eq!(
            refuse(ann, MemberRef::Id(bo), 101).await,
            "transfer_over_daily_max",
            "[{name}] 400 sent today"
        );
        sent(&engine, ann, bo, 100, "t-2").await;
        engine.set_suspended(bo, true, "staff:test").await.unwrap();
        assert_eq!(
            refuse(new, MemberRef::Id(bo), 10).await,
            "transfer_too_soon",
            "[{name}] the sender's own refusal first"
        );
        engine.set_suspended(ann, true, "staff:test").await.unwrap();
        assert_eq!(
            refuse(ann, MemberRef::Id(bo), 10).await,
            "member_suspended",
            "[{name}]"
        );
        engine
            .set_suspended(ann, false, "staff:test")
            .await
            .unwrap();
        assert_eq!(
            refuse(ann, MemberRef::Id(bo), 10).await,
            "transfer_over_daily_max",
            "[{name}] the day's limit before the receiver"
        );
        // 1,000 − (400 + 45) − (100 + 15): nothing else moved.
        assert_eq!(balance(&engine, ann).await, (440, 0), "[{name}]");
        assert_eq!(balance(&engine, bo).await, (500, 0), "[{name}]");
        assert_eq!(balance(&engine, new).await, (1_000, 0), "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_suspended_receiver_and_a_program_without_transfers_are_refused() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_rules(FREE_TRANSFERS)).await;
        let (ann, bo) = (member(&engine, "ann").await, member(&engine, "bo").await);
        engine
            .adjust(credit(ann, 100, "c-1"), "staff:test")
            .await
            .unwrap();
        engine.set_suspended(bo, true, "staff:test").await.unwrap();
        let refused = engine
            .send_points(send(ann, MemberRef::Id(bo), 10, "t-1"), None)
            .await;
        assert_eq!(code(refused), "member_suspended", "[{name}]");
        finish(name, engine).await;
        let engine = start(&db, with_rules("")).await;
        let refused = engine
            .send_points(send(ann, MemberRef::Id(bo), 10, "t-2"), None)
            .await;
        assert_eq!(code(refused), "transfers_not_offered", "[{name}]");
        assert_eq!(balance(&engine, ann).await, (100, 0), "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transfers_both_ways_at_once_never_deadlock_or_lose_a_point() {
    for (name, db) in laurel_testkit::backends() {
        let engine = Arc::new(start(&db, with_rules(FREE_TRANSFERS)).await);
        let (ann, bo) = (member(&engine, "ann").await, member(&engine, "bo").await);
        for who in [ann, bo] {
            engine
                .adjust(credit(who, 1_000, &format!("c-{who}")), "staff:test")
                .await
                .unwrap();
        }
        // 64 transfers, half each way, of 10 to 41 points: every one is covered.
        let tasks: Vec<_> = (0..64_i64)
            .map(|i| {
                let engine = Arc::clone(&engine);
                let (from, to) = if i % 2 == 0 { (ann, bo) } else { (bo, ann) };
                tokio::spawn(async move {
                    engine
                        .send_points(
                            send(from, MemberRef::Id(to), 10 + i / 2, &format!("t-{i}")),
                            None,
                        )
                        .await
                        .map_err(|e| e.code().as_str())
                })
            })
            .collect();
        let outcomes = tally(tasks, "sent").await;
        assert_eq!(outcomes, BTreeMap::from([("sent", 64)]), "[{name}]");
        let engine = unshare(engine);
        // Each way moved the same points: both end where they began.
        assert_eq!(balance(&engine, ann).await, (1_000, 0), "[{name}]");
        assert_eq!(balance(&engine, bo).await, (1_000, 0), "[{name}]");
        let first = engine.transfers_of(ann, None, 50).await.unwrap();
        let rest = engine.transfers_of(ann, first.next, 50).await.unwrap();
        assert_eq!(
            (first.transfers.len(), rest.transfers.len(), rest.next),
            (50, 14, None),
            "[{name}] pages of the 64"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_point_sent_on_stays_in_its_sales_pool_and_is_recognised_when_the_receiver_spends_it() {
    for (name, db) in laurel_testkit::backends() {
        // One point a yuan, a point sold at ¥0.25, 80% expected back.
        let text = PROGRAM.replace(ONE_PER_YUAN.0, ONE_PER_YUAN.1)
            + "\n[books]\npoint_price = \"0.25\"\nexpected_redemption_rate = \"0.8\"\n"
            + FREE_TRANSFERS;
        let engine = start(&db, parse_program(&text, Path::new("t.toml")).unwrap()).await;
        let (ann, bo) = (member(&engine, "ann").await, member(&engine, "bo").await);
        buy(&engine, ann, "o-1", "1000").await;
        sent(&engine, ann, bo, 400, "t-1").await;
        engine.redeem(redeem_request(bo, 400, "r-1")).await.unwrap();
        let from = recently() - days(1);
        let to = Timestamp::now() + SignedDuration::from_secs(1);
        let books = engine
            .books_report(laurel_engine::BooksRange { from, to })
            .await
            .unwrap()
            .total;
        // ¥1000 for 1000 points worth ¥200: ¥166.67 deferred; 400 of the 800 expected back
        // are redeemed, so half is recognised, whoever spent them.
        assert_eq!(
            (
                books.sales.put_in,
                books.sales.recognised,
                books.sales.closing
            ),
            (dec("166.67"), dec("83.33"), dec("83.34")),
            "[{name}] {books:?}"
        );
        assert_eq!(
            (books.given.put_in, books.given.closing),
            (Decimal::ZERO, Decimal::ZERO),
            "[{name}] nothing was given: the points were sent on"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_what_if_replays_transfers_exactly_through_fees_debts_and_expiry() {
    for (name, db) in laurel_testkit::backends() {
        let text = PROGRAM.replace(ONE_PER_YUAN.0, ONE_PER_YUAN.1).replace(
            r#"expiry = { policy = "never" }"#,
            r#"expiry = { policy = "months_after_earning", months = 12 }"#,
        ) + "\n[transfers]\nfee_points = 3\nfee_percent = \"5\"\n";
        let engine = start(&db, parse_program(&text, Path::new("t.toml")).unwrap()).await;
        let (ann, bo, cy) = (
            member(&engine, "ann").await,
            member(&engine, "bo").await,
            member(&engine, "cy").await,
        );
        let first = buy(&engine, ann, "o-1", "300").await;
        buy(&engine, bo, "o-2", "80").await;
        engine
            .adjust(credit(ann, 50, "c-1"), "staff:test")
            .await
            .unwrap();
        sent(&engine, ann, bo, 120, "t-1").await;
        sent(&engine, bo, cy, 150, "t-2").await;
        // Ann's purchase refunded whole: what she sent cannot come back, so she owes.
        engine
            .refund(refund_request(first.purchase_id, "r-1", RefundScope::Full))
            .await
            .unwrap();
        // Points sent to her repay that first.
        sent(&engine, cy, ann, 100, "t-3").await;
        engine.redeem(redeem_request(bo, 20, "x-1")).await.unwrap();
        super::simulation::assert_replayed_exactly(name, &engine, &[ann, bo, cy]).await;
        finish(name, engine).await;
    }
}
