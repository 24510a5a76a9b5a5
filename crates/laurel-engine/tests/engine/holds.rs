//! Checkout holds on wallets on both backends: value held is out of reach of payments until
//! captured (in part: the rest back at once) or voided; a capture or void retried is answered
//! as first; a hold past its expiry cannot be captured and lapses by the holds job; and a hold
//! racing a payment for the same money never lets both through.

// Amounts are written yuan_fen (500_00 is ¥500.00).
#![allow(clippy::inconsistent_digit_grouping)]

use super::wallet::{ask, held, wallet_move, wallet_program};
use super::*;
use laurel_engine::{CaptureRequest, HoldOutcome, HoldRequest, WalletAsk};

fn hold_request(member_id: i64, amount: &str, key: &str) -> HoldRequest {
    HoldRequest {
        member_id,
        amount: dec(amount),
        currency: "CNY".into(),
        idempotency_key: key.to_owned(),
        reference: format!("order-{key}"),
        expires_in: None,
    }
}

async fn place(engine: &Engine, member_id: i64, amount: &str, key: &str) -> HoldOutcome {
    engine
        .hold(hold_request(member_id, amount, key), "key:till")
        .await
        .unwrap()
}

fn capture(hold_id: i64, amount: Option<&str>) -> CaptureRequest {
    CaptureRequest {
        hold_id,
        amount: amount.map(dec),
        currency: amount.map(|_| "CNY".into()),
    }
}

/// A member with ¥100 of principal and nothing else.
async fn funded(engine: &Engine, external_id: &str) -> i64 {
    let id = member(engine, external_id).await;
    wallet_move(
        engine,
        ask(id, WalletAsk::TopUp, "100", &format!("{external_id}-t")),
    )
    .await;
    id
}

const PAY: WalletAsk = WalletAsk::Pay { partial: false };

#[tokio::test]
async fn held_value_is_out_of_reach_until_a_partial_capture_gives_the_rest_back() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, wallet_program()).await;
        let id = funded(&engine, "H1").await;
        let hold = place(&engine, id, "70", "h-1").await;
        assert_eq!(hold.hold.state, "held", "[{name}]");
        assert_eq!(
            (hold.balance.principal, hold.balance.held),
            (30_00, 70_00),
            "[{name}]"
        );
        let refused = engine
            .wallet_move(ask(id, PAY, "40", "p-1"), "key:till")
            .await;
        assert_eq!(
            code(refused),
            "insufficient_funds",
            "[{name}] held is not spendable"
        );

        let captured = engine
            .capture_hold(capture(hold.hold.id, Some("50")), "key:till")
            .await
            .unwrap();
        assert_eq!(captured.hold.state, "captured", "[{name}]");
        assert_eq!(captured.hold.captured, 50_00, "[{name}]");
        assert_eq!(
            (captured.balance.principal, captured.balance.held),
            (50_00, 0),
            "[{name}] the rest is back"
        );
        let again = engine
            .capture_hold(capture(hold.hold.id, Some("50")), "key:till")
            .await
            .unwrap();
        assert_eq!(
            again, captured,
            "[{name}] a retried capture is answered as first"
        );
        let other = engine
            .capture_hold(capture(hold.hold.id, Some("60")), "key:till")
            .await;
        assert_eq!(
            code(other),
            "idempotency_conflict",
            "[{name}] captured with another amount"
        );
        let void = engine.void_hold(hold.hold.id, "key:till").await;
        assert_eq!(code(void), "hold_closed", "[{name}]");

        // The capture is the order's payment: its refund names it.
        let payment_id = captured.hold.close_move_id.unwrap();
        let refund = ask(id, WalletAsk::Refund { payment_id }, "50", "r-1");
        wallet_move(&engine, refund).await;
        assert_eq!(held(&engine, id).await, (100_00, 0), "[{name}]");
        let view = engine.hold_view(hold.hold.id).await.unwrap();
        assert_eq!(view, captured.hold, "[{name}] the hold as stored");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_void_gives_everything_back_and_closes_the_hold_once() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, wallet_program()).await;
        let id = funded(&engine, "H1").await;
        let hold = place(&engine, id, "100", "h-1").await;
        let voided = engine.void_hold(hold.hold.id, "key:till").await.unwrap();
        assert_eq!(voided.hold.state, "voided", "[{name}]");
        assert_eq!(
            (voided.balance.principal, voided.balance.held),
            (100_00, 0),
            "[{name}]"
        );
        let again = engine.void_hold(hold.hold.id, "key:till").await.unwrap();
        assert_eq!(
            again, voided,
            "[{name}] a retried void is answered as first"
        );
        let late = engine
            .capture_hold(capture(hold.hold.id, None), "key:till")
            .await;
        assert_eq!(code(late), "hold_closed", "[{name}]");
        assert_eq!(
            code(engine.void_hold(999_999, "key:till").await),
            "unknown_hold",
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_hold_past_its_expiry_is_not_captured_and_lapses_by_the_holds_job() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, wallet_program()).await;
        let id = funded(&engine, "H1").await;
        let mut request = hold_request(id, "60", "h-1");
        request.expires_in = Some(60);
        let hold = engine.hold(request, "key:till").await.unwrap();
        let fresh = place(&engine, id, "10", "h-2").await;
        assert_eq!(
            engine
                .run_job(JobKind::Holds, Timestamp::now())
                .await
                .unwrap()
                .members,
            0,
            "[{name}] nothing due yet"
        );
        let later = hold.hold.expires_at + SignedDuration::from_secs(1);
        let report = engine.run_job(JobKind::Holds, later).await.unwrap();
        assert_eq!(report.members, 1, "[{name}] only the one past its expiry");
        let view = engine.hold_view(hold.hold.id).await.unwrap();
        assert_eq!(view.state, "expired", "[{name}]");
        assert_eq!(
            held(&engine, id).await,
            (90_00, 0),
            "[{name}] back, but for the fresh hold"
        );
        let statement = engine.wallet_statement(id, None, 1).await.unwrap();
        assert_eq!(statement.balance.held, 10_00, "[{name}]");
        assert_eq!(statement.moves[0].kind.as_str(), "release", "[{name}]");
        assert_eq!(statement.moves[0].actor, "job:holds", "[{name}]");
        assert_eq!(
            engine.run_job(JobKind::Holds, later).await.unwrap().members,
            0,
            "[{name}] a second run finds nothing"
        );
        let captured = engine
            .capture_hold(capture(fresh.hold.id, None), "key:till")
            .await
            .unwrap();
        assert_eq!(captured.hold.captured, 10_00, "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn every_refused_hold_names_its_code_and_holds_nothing() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, wallet_program()).await;
        let id = funded(&engine, "H1").await;
        let mut short = hold_request(id, "10", "h-2");
        short.expires_in = Some(59);
        let mut long = hold_request(id, "10", "h-3");
        long.expires_in = Some(7 * 24 * 3600 + 1);
        let cases = [
            (hold_request(id, "100.01", "h-1"), "insufficient_funds"),
            (short, "invalid_field"),
            (long, "invalid_field"),
            (hold_request(id, "0", "h-4"), "invalid_amount"),
            (hold_request(999_999, "1", "h-5"), "unknown_member"),
        ];
        for (request, expected) in cases {
            let got = engine.hold(request.clone(), "key:till").await;
            assert_eq!(code(got), expected, "[{name}] {request:?}");
        }
        let hold = place(&engine, id, "30", "h-6").await;
        let over = engine
            .capture_hold(capture(hold.hold.id, Some("30.01")), "key:till")
            .await;
        assert_eq!(code(over), "capture_exceeds_hold", "[{name}]");
        let no_currency = CaptureRequest {
            currency: None,
            ..capture(hold.hold.id, Some("1"))
        };
        assert_eq!(
            code(engine.capture_hold(no_currency, "key:till").await),
            "missing_field",
            "[{name}]"
        );
        engine.set_suspended(id, true, "staff:test").await.unwrap();
        let suspended = engine.hold(hold_request(id, "1", "h-7"), "key:till").await;
        assert_eq!(code(suspended), "member_suspended", "[{name}]");
        let captured = engine
            .capture_hold(capture(hold.hold.id, None), "key:till")
            .await;
        assert!(
            captured.is_ok(),
            "[{name}] an order under way completes: {captured:?}"
        );
        assert_eq!(held(&engine, id).await, (70_00, 0), "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_hold_and_a_payment_racing_for_the_same_money_never_both_go_through() {
    for (name, db) in laurel_testkit::backends() {
        let engine = Arc::new(start(&db, wallet_program()).await);
        for round in 0..8 {
            let id = funded(&engine, &format!("R{round}")).await;
            let (a, b) = (Arc::clone(&engine), Arc::clone(&engine));
            let hold = tokio::spawn(async move {
                a.hold(hold_request(id, "70", &format!("h-{round}")), "key:till")
                    .await
            });
            let pay = tokio::spawn(async move {
                b.wallet_move(ask(id, PAY, "70", &format!("p-{round}")), "key:till")
                    .await
            });
            let (hold, pay) = (hold.await.unwrap(), pay.await.unwrap());
            assert!(
                hold.is_ok() != pay.is_ok(),
                "[{name}] round {round}: exactly one: {hold:?} / {pay:?}"
            );
            let loser = hold.err().or(pay.err()).unwrap();
            assert_eq!(loser.code().as_str(), "insufficient_funds", "[{name}]");
            assert_eq!(held(&engine, id).await.0, 30_00, "[{name}] round {round}");
        }
        finish(name, unshare(engine)).await;
    }
}

#[tokio::test]
async fn value_held_at_checkouts_counts_toward_the_most_a_wallet_may_hold() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, wallet_program()).await;
        let id = member(&engine, "H1").await;
        // ¥5,000 earns ¥120: ¥5,120 held, of a most of ¥6,000.
        wallet_move(&engine, ask(id, WalletAsk::TopUp, "5000", "t-1")).await;
        place(&engine, id, "5000", "h-1").await;
        let over = engine
            .wallet_move(ask(id, WalletAsk::TopUp, "1000", "t-2"), "key:till")
            .await;
        assert_eq!(
            code(over),
            "wallet_balance_over_max",
            "[{name}] the hold comes back"
        );
        finish(name, engine).await;
    }
}
