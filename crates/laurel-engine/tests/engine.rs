//! Engine behaviour on both backends: every test runs the same scenario against SQLite and
//! PostgreSQL, and ends by checking the whole ledger is consistent ([`finish`]).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use jiff::{SignedDuration, Timestamp, ToSpan};
use laurel_core::{Channel, Points, Program};
use laurel_engine::program_file::parse_program;
use laurel_engine::{
    AdjustRequest, EarnStatus, Engine, EngineConfig, EngineError, EnrollRequest, EventOutcome,
    EventRequest, JobKind, JobReport, LineRequest, MemberRef, PostingOutcome, ProgramDefinition,
    PurchaseOutcome, PurchaseRequest, RedeemRequest, RefundOutcome, RefundRequest, RefundScope,
    Scope, Store,
};
use laurel_store::PurchaseId;
use laurel_testkit::TestDb;
use rust_decimal::Decimal;
use std::path::Path;
use std::sync::Arc;

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

/// The program every test starts from: CNY in Shanghai, 1.5 points per yuan rounded down,
/// points never expire, no return window, refunds may take the balance below zero.
const PROGRAM: &str = r#"
[program]
name = "Laurel Test Rewards"
currency = "CNY"
time_zone = "Asia/Shanghai"
points_name = "积分"

[earn]
points_per_unit = "1.5"
rounding = "floor"
# Scenarios are dated up to a few years back; the default window is tested on its own.
backdating_days = 3650

[points]
value = "0.01"
expiry = { policy = "never" }
pending_days = 0
clawback = "allow_negative"
"#;

/// [`PROGRAM`] with some of its lines replaced; each line must be present.
fn program(edits: &[(&str, &str)]) -> Program {
    let mut text = PROGRAM.to_owned();
    for (from, to) in edits {
        assert!(text.contains(from), "fixture program has no line `{from}`");
        text = text.replace(from, to);
    }
    parse_program(&text, Path::new("test.toml"))
        .unwrap_or_else(|e| panic!("fixture program: {e}"))
        .program
}

/// One point per yuan: makes point arithmetic in refund and redemption tests obvious.
const ONE_PER_YUAN: (&str, &str) = (r#"points_per_unit = "1.5""#, r#"points_per_unit = "1""#);

async fn open(db: &TestDb) -> Store {
    let store = Store::connect(&db.url)
        .await
        .unwrap_or_else(|e| panic!("connect {}: {e}", db.url));
    store.migrate().await.unwrap();
    store
}

/// A migrated store and an engine over it.
async fn start(db: &TestDb, program: impl Into<ProgramDefinition>) -> Engine {
    let store = open(db).await;
    let config = EngineConfig::for_backend(store.backend());
    Engine::start(store, program, config)
}

/// Puts program `text` in force now, as an admin would; a new version it must make.
async fn apply_now(engine: &Engine, text: String, note: &str) {
    let request = laurel_engine::ApplyProgram {
        text,
        effective_from: None,
        note: Some(note.into()),
        dry_run: false,
    };
    let applied = engine.apply_program(request, "key:admin").await.unwrap();
    assert!(
        matches!(applied, laurel_engine::Applied::Created(_)),
        "{applied:?}"
    );
}

/// Teardown every test ends with: the ledger is consistent, then the write path stops.
async fn finish(name: &str, engine: Engine) {
    assert_consistent(name, engine.store()).await;
    engine.shutdown().await;
}

async fn assert_consistent(name: &str, store: &Store) -> i64 {
    let report = store.check_consistency().await.unwrap();
    assert!(
        report.is_consistent(),
        "[{name}] inconsistent ledger: {report:?}"
    );
    report.postings
}

/// Unwraps the only owner of a shared engine once every task using it has finished.
fn unshare(engine: Arc<Engine>) -> Engine {
    Arc::into_inner(engine).expect("all tasks sharing the engine have finished")
}

fn dec(s: &str) -> Decimal {
    s.parse()
        .unwrap_or_else(|e| panic!("bad test decimal {s:?}: {e}"))
}

/// An instant a little in the past, in whole seconds so that it survives storage exactly.
fn recently() -> Timestamp {
    Timestamp::from_second(Timestamp::now().as_second() - 3600).unwrap()
}

fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

fn enroll_request(external_id: &str) -> EnrollRequest {
    EnrollRequest {
        external_id: external_id.to_owned(),
        email: Some(format!("{external_id}@example.com")),
        phone: None,
        name: Some("王五".into()),
        birthday: Some(jiff::civil::date(1988, 8, 8)),
        channel: Channel::Pos,
        attributes: Default::default(),
        referral_code: None,
        enrolled_at: None,
        device: None,
    }
}

/// Enrolls a member; returns their id.
async fn member(engine: &Engine, external_id: &str) -> i64 {
    engine
        .enroll(enroll_request(external_id))
        .await
        .unwrap()
        .id
        .0
}

fn purchase_request(member_id: i64, order_id: &str, total: &str) -> PurchaseRequest {
    PurchaseRequest {
        partner: None,
        member: MemberRef::Id(member_id),
        order_id: order_id.to_owned(),
        channel: Channel::Pos,
        store: Some("shop-1".into()),
        currency: "CNY".into(),
        total: dec(total),
        lines: Vec::new(),
        occurred_at: recently(),
    }
}

async fn buy(engine: &Engine, member_id: i64, order_id: &str, total: &str) -> PurchaseOutcome {
    engine
        .purchase(purchase_request(member_id, order_id, total))
        .await
        .unwrap()
}

fn redeem_request(member_id: i64, points: i64, key: &str) -> RedeemRequest {
    RedeemRequest {
        partner: None,
        member_id,
        points,
        idempotency_key: key.to_owned(),
        reference: format!("reward-for-{key}"),
        reason: None,
    }
}

fn refund_request(purchase_id: i64, refund_id: &str, scope: RefundScope) -> RefundRequest {
    RefundRequest {
        partner: None,
        purchase_id,
        refund_id: refund_id.to_owned(),
        scope,
    }
}

fn credit(member_id: i64, points: i64, key: &str) -> AdjustRequest {
    AdjustRequest {
        member_id,
        points,
        reason: "goodwill".into(),
        note: None,
        idempotency_key: key.to_owned(),
    }
}

/// (available, pending) as the balance read shows them.
async fn balance(engine: &Engine, member_id: i64) -> (i64, i64) {
    let b = engine.balance(member_id).await.unwrap();
    (b.available.get(), b.pending.get())
}

async fn entries(engine: &Engine, member_id: i64) -> Vec<laurel_engine::LedgerEntry> {
    engine.ledger(member_id, None, 200).await.unwrap().entries
}

/// A purchase made now (after the buyer enrolled; after any program version applied so far).
async fn buy_now(engine: &Engine, member_id: i64, order_id: &str, total: &str) -> PurchaseOutcome {
    let mut request = purchase_request(member_id, order_id, total);
    request.occurred_at = Timestamp::now();
    engine.purchase(request).await.unwrap()
}

/// A retried purchase's answer: marked as a replay, and otherwise the first answer.
fn replay_of(answer: PurchaseOutcome) -> PurchaseOutcome {
    assert!(
        answer.replayed,
        "a retry is answered as a replay: {answer:?}"
    );
    PurchaseOutcome {
        replayed: false,
        ..answer
    }
}

/// The stable code of a refusal; panics when the call succeeded.
fn code<T: std::fmt::Debug>(result: Result<T, EngineError>) -> &'static str {
    match result {
        Ok(v) => panic!("expected a refusal, got {v:?}"),
        Err(e) => e.code().as_str(),
    }
}

// ---------------------------------------------------------------------------------------------
// Members
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn enrolled_member_is_answered_as_stored() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        let enrolled = engine.enroll(enroll_request("c-1")).await.unwrap();
        let stored = engine.member(&MemberRef::Id(enrolled.id.0)).await.unwrap();
        assert_eq!(
            stored, enrolled,
            "[{name}] the enroll answer must equal what a read returns"
        );
        assert_eq!(
            engine
                .member(&MemberRef::External("c-1".into()))
                .await
                .unwrap(),
            stored,
            "[{name}]"
        );
        assert_eq!(stored.profile.channel, "pos");
        assert_eq!(
            code(engine.member(&MemberRef::External("nobody".into())).await),
            "unknown_member"
        );
        assert_eq!(
            code(engine.balance(9_999).await),
            "unknown_member",
            "[{name}]"
        );
        assert_eq!(
            code(engine.ledger(9_999, None, 10).await),
            "unknown_member",
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn enroll_refuses_bad_input_and_duplicates_with_stable_codes() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        member(&engine, "taken").await;
        assert_eq!(
            code(engine.enroll(enroll_request("taken")).await),
            "member_exists",
            "[{name}]"
        );
        assert_eq!(
            code(engine.enroll(enroll_request("  ")).await),
            "missing_field",
            "[{name}]"
        );
        let mut bad_email = enroll_request("e-1");
        bad_email.email = Some("not-an-email".into());
        assert_eq!(
            code(engine.enroll(bad_email).await),
            "invalid_field",
            "[{name}]"
        );
        assert_eq!(
            code(engine.enroll(enroll_request(&"x".repeat(201))).await),
            "invalid_field",
            "[{name}]"
        );
        assert!(
            engine
                .store()
                .member_by_external_id("e-1")
                .await
                .unwrap()
                .is_none(),
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

// ---------------------------------------------------------------------------------------------
// Purchases
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn purchase_earns_base_points_rounded_as_the_program_says() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        // 10.99 yuan at 1.5 points per yuan is 16.485 points.
        for (rounding, expected) in [("floor", 16), ("nearest", 16), ("ceil", 17)] {
            let p = program(&[(
                r#"rounding = "floor""#,
                &format!(r#"rounding = "{rounding}""#),
            )]);
            let engine =
                Engine::start(store.clone(), p, EngineConfig::for_backend(store.backend()));
            let id = member(&engine, &format!("m-{rounding}")).await;
            let out = buy(&engine, id, &format!("o-{rounding}"), "10.99").await;
            assert_eq!(out.earned.points_earned, expected, "[{name}] {rounding}");
            assert_eq!(
                out.earned.balance.available, expected,
                "[{name}] {rounding}"
            );
            assert_eq!(
                balance(&engine, id).await,
                (expected, 0),
                "[{name}] {rounding}"
            );
            finish(name, engine).await;
        }
        // Nearest rounds halves up: 1.00 yuan at 2.5 points is 2.5 points -> 3.
        let p = program(&[
            (r#"points_per_unit = "1.5""#, r#"points_per_unit = "2.5""#),
            (r#"rounding = "floor""#, r#"rounding = "nearest""#),
        ]);
        let engine = Engine::start(store.clone(), p, EngineConfig::for_backend(store.backend()));
        let id = member(&engine, "m-half").await;
        assert_eq!(
            buy(&engine, id, "o-half", "1.00")
                .await
                .earned
                .points_earned,
            3,
            "[{name}]"
        );
        // Nothing to earn: no posting, no lot, but the purchase is recorded.
        let zero = buy(&engine, id, "o-zero", "0").await;
        assert_eq!(
            (zero.earned.points_earned, zero.earned.status),
            (0, EarnStatus::None),
            "[{name}]"
        );
        let stored = engine
            .store()
            .purchase(PurchaseId(zero.purchase_id))
            .await
            .unwrap()
            .unwrap();
        assert_eq!((stored.total_minor, stored.lot), (0, None), "[{name}]");
        assert_eq!(
            entries(&engine, id).await.len(),
            1,
            "[{name}] a zero-point purchase posts nothing"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn purchase_points_are_pending_with_a_return_window_and_available_without() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let config = EngineConfig::for_backend(store.backend());

        let engine = Engine::start(store.clone(), program(&[ONE_PER_YUAN]), config);
        let id = member(&engine, "now").await;
        let out = buy(&engine, id, "o-1", "100.00").await;
        assert_eq!(
            (
                out.earned.status,
                out.earned.pending_until,
                out.earned.expires_at
            ),
            (EarnStatus::Available, None, None),
            "[{name}]"
        );
        assert_eq!(
            (out.earned.balance.available, out.earned.balance.pending),
            (100, 0),
            "[{name}]"
        );
        assert_eq!(balance(&engine, id).await, (100, 0), "[{name}]");
        finish(name, engine).await;

        let p = program(&[ONE_PER_YUAN, ("pending_days = 0", "pending_days = 14")]);
        let engine = Engine::start(store.clone(), p, config);
        let id = member(&engine, "later").await;
        let request = purchase_request(id, "o-2", "100.00");
        let occurred = request.occurred_at;
        let out = engine.purchase(request).await.unwrap();
        assert_eq!(out.earned.status, EarnStatus::Pending, "[{name}]");
        let window_end = occurred
            .in_tz("Asia/Shanghai")
            .unwrap()
            .checked_add(14.days())
            .unwrap()
            .timestamp();
        assert_eq!(
            out.earned.pending_until,
            Some(window_end),
            "[{name}] the window is 14 days from the purchase"
        );
        assert_eq!(
            (out.earned.balance.available, out.earned.balance.pending),
            (0, 100),
            "[{name}]"
        );
        assert_eq!(balance(&engine, id).await, (0, 100), "[{name}]");
        let e = &entries(&engine, id).await[0];
        assert_eq!(
            (e.available_delta.get(), e.pending_delta.get()),
            (0, 100),
            "[{name}]"
        );
        assert_eq!(
            e.meta.effective_at, occurred,
            "[{name}] the entry is effective when the purchase happened"
        );
        // A purchase whose return window has already closed earns available points.
        let mut old = purchase_request(id, "o-3", "10.00");
        old.occurred_at = recently() - days(15);
        let out = engine.purchase(old).await.unwrap();
        assert_eq!(
            (
                out.earned.status,
                out.earned.balance.available,
                out.earned.balance.pending
            ),
            (EarnStatus::Available, 10, 100),
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn purchase_answers_show_instants_as_they_are_stored() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[("pending_days = 0", "pending_days = 14")])).await;
        let id = member(&engine, "buyer").await;
        let mut request = purchase_request(id, "o-1", "10.00");
        let at = recently();
        request.occurred_at = at + SignedDuration::from_nanos(123_456_789);
        let out = engine.purchase(request.clone()).await.unwrap();
        let stored = engine
            .store()
            .purchase(PurchaseId(out.purchase_id))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            stored.occurred_at,
            at + SignedDuration::from_micros(123_456),
            "[{name}]"
        );
        let lots = engine
            .store()
            .member_ledger(laurel_store::MemberId(id))
            .await
            .unwrap()
            .unwrap()
            .lots;
        let until = match lots[0].state {
            laurel_core::ledger::LotState::Pending { until } => until,
            laurel_core::ledger::LotState::Available => panic!("[{name}] the lot must be pending"),
        };
        assert_eq!(
            out.earned.pending_until,
            Some(until),
            "[{name}] the answer's window end is the stored one"
        );
        assert_eq!(
            entries(&engine, id).await[0].meta.effective_at,
            stored.occurred_at,
            "[{name}]"
        );
        // Nanoseconds below what is stored do not make a retry a different request.
        request.occurred_at += SignedDuration::from_nanos(1);
        assert_eq!(
            replay_of(engine.purchase(request).await.unwrap()),
            out,
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn the_same_order_twice_has_one_effect_and_the_same_answer() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        let id = member(&engine, "buyer").await;
        let mut request = purchase_request(id, "o-1", "20.00");
        request.lines = vec![LineRequest {
            sku: "A".into(),
            category: None,
            quantity: 2,
            unit_price: dec("10.00"),
        }];
        let first = engine.purchase(request.clone()).await.unwrap();
        let again = engine.purchase(request.clone()).await.unwrap();
        assert!(!first.replayed, "[{name}] the first answer is not a replay");
        assert_eq!(
            replay_of(again),
            first,
            "[{name}] a retry answers exactly as the first time"
        );
        // Spelling the same amount differently is the same request.
        let mut respelled = request.clone();
        respelled.total = dec("20");
        respelled.lines[0].unit_price = dec("10.0");
        assert_eq!(
            replay_of(engine.purchase(respelled).await.unwrap()),
            first,
            "[{name}]"
        );
        assert_eq!(balance(&engine, id).await, (30, 0), "[{name}] earned once");
        assert_eq!(entries(&engine, id).await.len(), 1, "[{name}] one posting");

        // Same order id and channel, different body: a conflict, and nothing changes.
        let mut changed = request.clone();
        changed.total = dec("25.00");
        let err = engine.purchase(changed).await.unwrap_err();
        assert!(
            matches!(err, EngineError::IdempotencyConflict(_)),
            "[{name}] {err:?}"
        );
        assert_eq!(err.code(), "idempotency_conflict");
        let mut other_member = request.clone();
        other_member.member = MemberRef::Id(member(&engine, "someone-else").await);
        assert_eq!(
            code(engine.purchase(other_member).await),
            "idempotency_conflict",
            "[{name}]"
        );
        assert_eq!(balance(&engine, id).await, (30, 0), "[{name}]");

        // Same order id on another channel is another purchase.
        let mut web = request.clone();
        web.channel = Channel::Web;
        let on_web = engine.purchase(web).await.unwrap();
        assert_ne!(on_web.purchase_id, first.purchase_id, "[{name}]");
        assert_eq!(on_web.earned.points_earned, 30, "[{name}]");
        assert_eq!(balance(&engine, id).await, (60, 0), "[{name}]");

        // By external id the member is the same, and the answer names them.
        let mut by_ext = purchase_request(0, "o-ext", "2.00");
        by_ext.member = MemberRef::External("buyer".into());
        let out = engine.purchase(by_ext).await.unwrap();
        assert_eq!(
            (out.member_id, out.earned.points_earned),
            (id, 3),
            "[{name}]"
        );
        assert_eq!(entries(&engine, id).await.len(), 3, "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn invalid_purchases_are_refused_with_stable_codes_and_write_nothing() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        let id = member(&engine, "buyer").await;
        let with = |edit: &dyn Fn(&mut PurchaseRequest)| {
            let mut r = purchase_request(id, "o-bad", "10.00");
            edit(&mut r);
            r
        };
        let cases: Vec<(&str, PurchaseRequest)> = vec![
            ("unknown_currency", with(&|r| r.currency = "XYZ".into())),
            ("unknown_currency", with(&|r| r.currency = "cny ".into())),
            ("currency_mismatch", with(&|r| r.currency = "EUR".into())),
            ("invalid_amount", with(&|r| r.total = dec("-0.01"))),
            ("invalid_amount", with(&|r| r.total = dec("10.001"))),
            ("invalid_amount", with(&|r| r.total = Decimal::MAX)),
            ("missing_field", with(&|r| r.order_id = String::new())),
            ("missing_field", with(&|r| r.order_id = "   ".into())),
            (
                "unknown_member",
                with(&|r| r.member = MemberRef::Id(id + 1_000)),
            ),
            (
                "unknown_member",
                with(&|r| r.member = MemberRef::External("ghost".into())),
            ),
            (
                "invalid_date",
                with(&|r| r.occurred_at = Timestamp::now() + SignedDuration::from_hours(1)),
            ),
            (
                "invalid_amount",
                with(&|r| {
                    r.lines = vec![LineRequest {
                        sku: "A".into(),
                        category: None,
                        quantity: 0,
                        unit_price: dec("1"),
                    }]
                }),
            ),
            (
                "invalid_amount",
                with(&|r| {
                    r.lines = vec![LineRequest {
                        sku: "A".into(),
                        category: None,
                        quantity: 1,
                        unit_price: dec("0.005"),
                    }]
                }),
            ),
            (
                "missing_field",
                with(&|r| {
                    r.lines = vec![LineRequest {
                        sku: "".into(),
                        category: None,
                        quantity: 1,
                        unit_price: dec("1"),
                    }]
                }),
            ),
        ];
        for (expected, request) in cases {
            let shown = format!("{request:?}");
            assert_eq!(
                code(engine.purchase(request).await),
                expected,
                "[{name}] {shown}"
            );
        }
        assert!(
            entries(&engine, id).await.is_empty(),
            "[{name}] nothing posted"
        );
        assert_eq!(balance(&engine, id).await, (0, 0), "[{name}]");
        assert!(
            engine
                .store()
                .purchase(PurchaseId(1))
                .await
                .unwrap()
                .is_none(),
            "[{name}] no purchase stored"
        );
        assert_eq!(
            assert_consistent(name, engine.store()).await,
            0,
            "[{name}] no postings at all"
        );

        // A little clock skew between tills is tolerated; the order id of a refused request
        // is still free.
        let mut skewed = purchase_request(id, "o-bad", "10.00");
        skewed.occurred_at = Timestamp::now() + SignedDuration::from_secs(60);
        assert_eq!(
            engine.purchase(skewed).await.unwrap().earned.points_earned,
            15,
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

// ---------------------------------------------------------------------------------------------
// Refunds
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn full_refund_reverses_every_point_of_the_purchase() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        let id = member(&engine, "buyer").await;
        let kept = buy(&engine, id, "o-keep", "10.00").await;
        let p = buy(&engine, id, "o-1", "99.99").await;
        assert_eq!(
            (kept.earned.points_earned, p.earned.points_earned),
            (15, 149),
            "[{name}]"
        );
        let out = engine
            .refund(refund_request(p.purchase_id, "r-1", RefundScope::Full))
            .await
            .unwrap();
        assert_eq!(
            (out.amount_minor, out.points_reversed, out.shortfall),
            (9_999, 149, 0),
            "[{name}]"
        );
        assert_eq!((out.member_id, out.balance.available), (id, 15), "[{name}]");
        assert_eq!(
            balance(&engine, id).await,
            (15, 0),
            "[{name}] the other purchase's points stay"
        );
        let stored = engine
            .store()
            .purchase(PurchaseId(p.purchase_id))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (stored.refunded_minor, stored.points_reversed),
            (9_999, 149),
            "[{name}]"
        );
        let e = &entries(&engine, id).await[0];
        assert_eq!(
            (e.kind.as_str(), e.available_delta.get()),
            ("reverse", -149),
            "[{name}]"
        );
        assert_eq!(
            e.meta.reference, "o-1:r-1",
            "[{name}] the reversal says which refund"
        );
        // Nothing is left to refund.
        let again = engine
            .refund(refund_request(p.purchase_id, "r-2", RefundScope::Full))
            .await;
        assert_eq!(code(again), "refund_exceeds_purchase", "[{name}]");
        let unknown = engine
            .refund(refund_request(
                p.purchase_id + 1_000,
                "r-1",
                RefundScope::Full,
            ))
            .await;
        assert_eq!(code(unknown), "unknown_purchase", "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn partial_refunds_by_amount_sum_to_the_earned_points_once_all_is_refunded() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        let id = member(&engine, "buyer").await;
        let p = buy(&engine, id, "o-1", "100.00").await;
        assert_eq!(p.earned.points_earned, 150);
        let refund = |refund_id: &str, scope: RefundScope| {
            engine.refund(refund_request(p.purchase_id, refund_id, scope))
        };
        let first = refund("r-1", RefundScope::Amount(dec("33.33")))
            .await
            .unwrap();
        let second = refund("r-2", RefundScope::Amount(dec("33.33")))
            .await
            .unwrap();
        // Each refund reverses its share of the cumulative total, rounded down: no drift.
        assert_eq!(
            (first.points_reversed, second.points_reversed),
            (49, 50),
            "[{name}]"
        );
        assert_eq!(
            code(refund("r-3", RefundScope::Amount(dec("33.35"))).await),
            "refund_exceeds_purchase",
            "[{name}]"
        );
        assert_eq!(
            code(refund("r-3", RefundScope::Amount(dec("0.001"))).await),
            "invalid_amount",
            "[{name}]"
        );
        assert_eq!(
            code(refund("r-3", RefundScope::Amount(dec("0"))).await),
            "invalid_amount",
            "[{name}]"
        );
        let rest = refund("r-3", RefundScope::Full).await.unwrap();
        assert_eq!(
            (rest.amount_minor, rest.points_reversed),
            (3_334, 51),
            "[{name}]"
        );
        assert_eq!(
            first.points_reversed + second.points_reversed + rest.points_reversed,
            p.earned.points_earned,
            "[{name}]"
        );
        assert_eq!(balance(&engine, id).await, (0, 0), "[{name}]");
        let stored = engine
            .store()
            .purchase(PurchaseId(p.purchase_id))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (stored.refunded_minor, stored.points_reversed),
            (10_000, 150),
            "[{name}]"
        );
        assert_eq!(
            code(refund("r-4", RefundScope::Amount(dec("0.01"))).await),
            "refund_exceeds_purchase",
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn refund_by_lines_reverses_the_lines_share_and_counts_units() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[ONE_PER_YUAN])).await;
        let id = member(&engine, "buyer").await;
        let line = |sku: &str, quantity, price: &str| LineRequest {
            sku: sku.into(),
            category: Some("tea".into()),
            quantity,
            unit_price: dec(price),
        };
        let mut request = purchase_request(id, "o-1", "100.00");
        request.lines = vec![line("A", 2, "30.00"), line("B", 1, "40.00")];
        let p = engine.purchase(request).await.unwrap();
        assert_eq!(p.earned.points_earned, 100);
        let refund = |refund_id: &str, lines: Vec<(i64, i64)>| {
            engine.refund(refund_request(
                p.purchase_id,
                refund_id,
                RefundScope::Lines(lines),
            ))
        };
        let one_a = refund("r-1", vec![(0, 1)]).await.unwrap();
        assert_eq!(
            (one_a.amount_minor, one_a.points_reversed),
            (3_000, 30),
            "[{name}]"
        );
        assert_eq!(
            code(refund("r-2", vec![(0, 2)]).await),
            "refund_exceeds_purchase",
            "[{name}] one unit of A left"
        );
        assert_eq!(
            code(refund("r-2", vec![(0, 1), (0, 1)]).await),
            "refund_exceeds_purchase",
            "[{name}]"
        );
        assert_eq!(
            code(refund("r-2", vec![(7, 1)]).await),
            "unknown_line",
            "[{name}]"
        );
        assert_eq!(
            code(refund("r-2", vec![(1, 0)]).await),
            "invalid_amount",
            "[{name}]"
        );
        assert_eq!(
            code(refund("r-2", vec![]).await),
            "missing_field",
            "[{name}]"
        );
        let rest = refund("r-2", vec![(1, 1), (0, 1)]).await.unwrap();
        assert_eq!(
            (rest.amount_minor, rest.points_reversed),
            (7_000, 70),
            "[{name}]"
        );
        let stored = engine
            .store()
            .purchase(PurchaseId(p.purchase_id))
            .await
            .unwrap()
            .unwrap();
        let refunded: Vec<i64> = stored.lines.iter().map(|l| l.refunded_quantity).collect();
        assert_eq!(refunded, vec![2, 1], "[{name}]");
        assert_eq!(stored.refunded_minor, 10_000, "[{name}]");
        assert_eq!(balance(&engine, id).await, (0, 0), "[{name}]");

        // Lines worth more than was paid (a basket discount): a line refunds its share.
        let mut discounted = purchase_request(id, "o-2", "90.00");
        discounted.lines = vec![line("A", 2, "30.00"), line("B", 1, "40.00")];
        let d = engine.purchase(discounted).await.unwrap();
        let out = engine
            .refund(refund_request(
                d.purchase_id,
                "r-1",
                RefundScope::Lines(vec![(1, 1)]),
            ))
            .await
            .unwrap();
        assert_eq!(
            (out.amount_minor, out.points_reversed),
            (3_600, 36),
            "[{name}]"
        );
        assert_eq!(balance(&engine, id).await, (54, 0), "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_retried_refund_has_one_effect_and_the_same_answer() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        let id = member(&engine, "buyer").await;
        let p = buy(&engine, id, "o-1", "100.00").await;
        let request = refund_request(p.purchase_id, "r-1", RefundScope::Amount(dec("40")));
        let first: RefundOutcome = engine.refund(request.clone()).await.unwrap();
        let again = engine.refund(request.clone()).await.unwrap();
        assert_eq!(again, first, "[{name}]");
        assert_eq!(first.points_reversed, 60);
        assert_eq!(
            balance(&engine, id).await,
            (90, 0),
            "[{name}] reversed once"
        );
        let stored = engine
            .store()
            .purchase(PurchaseId(p.purchase_id))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.refunded_minor, 4_000, "[{name}]");
        // The same refund id with another amount is a conflict, not a second refund.
        let changed = refund_request(p.purchase_id, "r-1", RefundScope::Amount(dec("10")));
        assert_eq!(
            code(engine.refund(changed).await),
            "idempotency_conflict",
            "[{name}]"
        );
        assert_eq!(entries(&engine, id).await.len(), 2, "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn refund_of_pending_points_takes_them_from_pending() {
    for (name, db) in laurel_testkit::backends() {
        let p = program(&[ONE_PER_YUAN, ("pending_days = 0", "pending_days = 14")]);
        let engine = start(&db, p).await;
        let id = member(&engine, "buyer").await;
        let p = buy(&engine, id, "o-1", "50.00").await;
        let out = engine
            .refund(refund_request(
                p.purchase_id,
                "r-1",
                RefundScope::Amount(dec("20")),
            ))
            .await
            .unwrap();
        assert_eq!(out.points_reversed, 20, "[{name}]");
        assert_eq!(balance(&engine, id).await, (0, 30), "[{name}]");
        finish(name, engine).await;
    }
}

/// A member who earned 100 points, spent 80, then has the purchase fully refunded.
async fn refund_after_spending(engine: &Engine) -> (i64, RefundOutcome) {
    let id = member(engine, "spender").await;
    let p = buy(engine, id, "o-1", "100.00").await;
    engine
        .redeem(redeem_request(id, 80, "spend"))
        .await
        .unwrap();
    let out = engine
        .refund(refund_request(p.purchase_id, "r-1", RefundScope::Full))
        .await
        .unwrap();
    (id, out)
}

#[tokio::test]
async fn clawback_allow_negative_takes_spent_points_below_zero_and_later_earnings_repay() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[ONE_PER_YUAN])).await;
        let (id, out) = refund_after_spending(&engine).await;
        assert_eq!((out.points_reversed, out.shortfall), (100, 0), "[{name}]");
        assert_eq!(out.balance.available, -80, "[{name}]");
        let view = engine.balance(id).await.unwrap();
        assert_eq!(
            (view.available, view.pending),
            (Points(-80), Points::ZERO),
            "[{name}]"
        );
        assert_eq!(
            view.available_value.amount(),
            Decimal::ZERO,
            "[{name}] a debt is worth nothing"
        );
        assert_eq!(
            code(engine.redeem(redeem_request(id, 1, "more")).await),
            "insufficient_points",
            "[{name}]"
        );
        let later = buy(&engine, id, "o-2", "50.00").await;
        assert_eq!(
            later.earned.balance.available, -30,
            "[{name}] an earning repays the debt first"
        );
        assert_eq!(balance(&engine, id).await, (-30, 0), "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn clawback_cap_at_zero_stops_at_zero_and_records_the_shortfall() {
    for (name, db) in laurel_testkit::backends() {
        let p = program(&[
            ONE_PER_YUAN,
            (
                r#"clawback = "allow_negative""#,
                r#"clawback = "cap_at_zero""#,
            ),
        ]);
        let engine = start(&db, p).await;
        let (id, out) = refund_after_spending(&engine).await;
        assert_eq!((out.points_reversed, out.shortfall), (20, 80), "[{name}]");
        assert_eq!(balance(&engine, id).await, (0, 0), "[{name}]");
        let e = &entries(&engine, id).await[0];
        assert_eq!(
            (e.available_delta.get(), e.shortfall.get()),
            (-20, 80),
            "[{name}] the entry records the shortfall"
        );
        let later = buy(&engine, id, "o-2", "50.00").await;
        assert_eq!(
            later.earned.balance.available, 50,
            "[{name}] no debt to repay"
        );
        finish(name, engine).await;
    }
}

// ---------------------------------------------------------------------------------------------
// Redemptions and adjustments
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn redemption_consumes_soonest_expiring_points_first() {
    for (name, db) in laurel_testkit::backends() {
        let p = program(&[
            ONE_PER_YUAN,
            (
                r#"expiry = { policy = "never" }"#,
                r#"expiry = { policy = "months_after_earning", months = 12 }"#,
            ),
        ]);
        let engine = start(&db, p).await;
        let id = member(&engine, "buyer").await;
        // Recorded newest first, so lot order and expiry order disagree.
        let mut lots = Vec::new();
        for (order, age) in [("new", 1), ("oldest", 60), ("middle", 30)] {
            let mut r = purchase_request(id, order, "100.00");
            r.occurred_at = recently() - days(age);
            let occurred = r.occurred_at;
            let out = engine.purchase(r).await.unwrap();
            let expected = occurred
                .in_tz("Asia/Shanghai")
                .unwrap()
                .checked_add(12.months())
                .unwrap()
                .timestamp();
            assert_eq!(
                out.earned.expires_at,
                Some(expected),
                "[{name}] {order} expires 12 months after it was earned"
            );
            let stored = engine
                .store()
                .purchase(PurchaseId(out.purchase_id))
                .await
                .unwrap()
                .unwrap();
            lots.push((stored.lot.expect("a lot").0, expected));
        }
        let (new, oldest, middle) = (lots[0], lots[1], lots[2]);
        let out = engine.redeem(redeem_request(id, 150, "r-1")).await.unwrap();
        let draws: Vec<(i64, i64)> = out.draws.iter().map(|d| (d.lot_id, d.points)).collect();
        assert_eq!(draws, vec![(oldest.0, 100), (middle.0, 50)], "[{name}]");
        assert_eq!((out.points, out.balance.available), (-150, 150), "[{name}]");
        let view = engine.balance(id).await.unwrap();
        assert_eq!(
            view.next_expiries,
            vec![(middle.1, Points(50)), (new.1, Points(100))],
            "[{name}]"
        );
        assert_eq!(
            view.available_value.amount(),
            dec("1.50"),
            "[{name}] 150 points at 0.01"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn redemption_beyond_the_balance_is_refused_and_changes_nothing() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(
            &db,
            program(&[ONE_PER_YUAN, ("pending_days = 0", "pending_days = 14")]),
        )
        .await;
        let id = member(&engine, "buyer").await;
        engine
            .adjust(credit(id, 100, "c-1"), "admin:test")
            .await
            .unwrap();
        buy(&engine, id, "o-1", "500.00").await; // pending points cannot be spent
        let before = entries(&engine, id).await;
        let err = engine
            .redeem(redeem_request(id, 101, "r-1"))
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                EngineError::InsufficientPoints {
                    available: Points(100),
                    requested: Points(101)
                }
            ),
            "[{name}] {err:?}"
        );
        assert_eq!(err.code(), "insufficient_points");
        assert_eq!(balance(&engine, id).await, (100, 500), "[{name}]");
        assert_eq!(
            entries(&engine, id).await,
            before,
            "[{name}] nothing posted"
        );
        // The refused key was not used up: the same key may succeed later.
        assert_eq!(
            engine
                .redeem(redeem_request(id, 100, "r-1"))
                .await
                .unwrap()
                .balance
                .available,
            0,
            "[{name}]"
        );
        assert_eq!(
            code(engine.redeem(redeem_request(id, 0, "r-2")).await),
            "invalid_amount",
            "[{name}]"
        );
        assert_eq!(
            code(engine.redeem(redeem_request(id, -5, "r-2")).await),
            "invalid_amount",
            "[{name}]"
        );
        assert_eq!(
            code(engine.redeem(redeem_request(id, 5, "")).await),
            "missing_field",
            "[{name}]"
        );
        assert_eq!(
            code(engine.redeem(redeem_request(id + 1_000, 5, "r-2")).await),
            "unknown_member",
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_retried_redemption_returns_the_same_entry_and_spends_once() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        let id = member(&engine, "buyer").await;
        engine
            .adjust(credit(id, 100, "c-1"), "admin:test")
            .await
            .unwrap();
        let request = redeem_request(id, 30, "r-1");
        let first: PostingOutcome = engine.redeem(request.clone()).await.unwrap();
        let again = engine.redeem(request.clone()).await.unwrap();
        assert_eq!(again.entry_id, first.entry_id, "[{name}]");
        assert_eq!(again, first, "[{name}]");
        assert_eq!(balance(&engine, id).await, (70, 0), "[{name}] spent once");
        let mut changed = request.clone();
        changed.points = 31;
        assert_eq!(
            code(engine.redeem(changed).await),
            "idempotency_conflict",
            "[{name}]"
        );
        let e = entries(&engine, id).await;
        assert_eq!(e.len(), 2, "[{name}]");
        assert_eq!(e[0].id.0, first.entry_id);
        assert_eq!(
            (e[0].kind.as_str(), e[0].available_delta.get()),
            ("redeem", -30),
            "[{name}]"
        );
        assert_eq!(
            (e[0].meta.reason.as_str(), e[0].meta.reference.as_str()),
            ("redemption", "reward-for-r-1"),
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn adjustments_credit_and_debit_and_record_who_made_them() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        let id = member(&engine, "buyer").await;
        let up = engine
            .adjust(credit(id, 50, "adj-1"), "admin:alice")
            .await
            .unwrap();
        assert_eq!(
            (up.points, up.balance.available, up.draws.len()),
            (50, 50, 0),
            "[{name}]"
        );
        let mut debit = credit(id, -20, "adj-2");
        debit.reason = "duplicate bonus".into();
        let down = engine.adjust(debit, "admin:bob").await.unwrap();
        assert_eq!((down.points, down.balance.available), (-20, 30), "[{name}]");
        assert_eq!(
            down.draws.iter().map(|d| d.points).sum::<i64>(),
            20,
            "[{name}]"
        );

        let e = entries(&engine, id).await;
        assert_eq!(e.len(), 2, "[{name}]");
        let (debit_entry, credit_entry) = (&e[0], &e[1]);
        assert_eq!(credit_entry.id.0, up.entry_id, "[{name}]");
        assert_eq!(credit_entry.kind.as_str(), "adjust_credit", "[{name}]");
        assert_eq!(credit_entry.available_delta, Points(50), "[{name}]");
        assert_eq!(
            credit_entry.meta.actor.as_deref(),
            Some("admin:alice"),
            "[{name}] who credited"
        );
        assert_eq!(credit_entry.meta.reason, "goodwill", "[{name}]");
        assert_eq!(debit_entry.id.0, down.entry_id, "[{name}]");
        assert_eq!(debit_entry.kind.as_str(), "adjust_debit", "[{name}]");
        assert_eq!(debit_entry.available_delta, Points(-20), "[{name}]");
        assert_eq!(
            debit_entry.meta.actor.as_deref(),
            Some("admin:bob"),
            "[{name}] who debited"
        );
        assert_eq!(debit_entry.meta.reason, "duplicate bonus", "[{name}]");

        // A debit never takes the balance below zero; a zero or reasonless adjustment is refused.
        assert_eq!(
            code(engine.adjust(credit(id, -31, "adj-3"), "admin:bob").await),
            "insufficient_points",
            "[{name}]"
        );
        assert_eq!(
            code(engine.adjust(credit(id, 0, "adj-3"), "admin:bob").await),
            "invalid_amount",
            "[{name}]"
        );
        let mut reasonless = credit(id, 5, "adj-3");
        reasonless.reason = " ".into();
        assert_eq!(
            code(engine.adjust(reasonless, "admin:bob").await),
            "missing_field",
            "[{name}]"
        );
        // A retry answers the same without a second credit.
        assert_eq!(
            engine
                .adjust(credit(id, 50, "adj-1"), "admin:alice")
                .await
                .unwrap(),
            up,
            "[{name}]"
        );
        assert_eq!(balance(&engine, id).await, (30, 0), "[{name}]");
        finish(name, engine).await;
    }
}

// ---------------------------------------------------------------------------------------------
// Jobs
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn release_job_makes_pending_points_available_once() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(
            &db,
            program(&[ONE_PER_YUAN, ("pending_days = 0", "pending_days = 14")]),
        )
        .await;
        let a = member(&engine, "a").await;
        let b = member(&engine, "b").await;
        buy(&engine, a, "o-1", "10.00").await;
        buy(&engine, a, "o-2", "20.00").await;
        buy(&engine, b, "o-3", "5.00").await;
        let none = JobReport {
            members: 0,
            points: Points::ZERO,
        };
        assert_eq!(
            engine
                .run_job(JobKind::Release, Timestamp::now())
                .await
                .unwrap(),
            none,
            "[{name}] nothing due yet"
        );
        let far = Timestamp::now() + days(3_650);
        let first = engine.run_job(JobKind::Release, far).await.unwrap();
        assert_eq!(
            first,
            JobReport {
                members: 2,
                points: Points(35)
            },
            "[{name}]"
        );
        assert_eq!(balance(&engine, a).await, (30, 0), "[{name}]");
        assert_eq!(balance(&engine, b).await, (5, 0), "[{name}]");
        assert_eq!(
            engine.run_job(JobKind::Release, far).await.unwrap(),
            none,
            "[{name}] a second run does nothing"
        );
        let e = &entries(&engine, a).await[0];
        assert_eq!(
            (
                e.kind.as_str(),
                e.available_delta.get(),
                e.pending_delta.get()
            ),
            ("release", 30, -30),
            "[{name}]"
        );
        assert_eq!(e.meta.actor.as_deref(), Some("scheduler"), "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn expiry_job_expires_due_points_once() {
    for (name, db) in laurel_testkit::backends() {
        let p = program(&[
            ONE_PER_YUAN,
            (
                r#"expiry = { policy = "never" }"#,
                r#"expiry = { policy = "months_after_earning", months = 12 }"#,
            ),
        ]);
        let engine = start(&db, p).await;
        let a = member(&engine, "a").await;
        let b = member(&engine, "b").await;
        buy(&engine, a, "o-1", "10.00").await;
        let mut old = purchase_request(b, "o-2", "20.00");
        old.occurred_at = recently() - days(200);
        engine.purchase(old).await.unwrap();
        engine.redeem(redeem_request(b, 5, "r-1")).await.unwrap();
        let none = JobReport {
            members: 0,
            points: Points::ZERO,
        };
        assert_eq!(
            engine
                .run_job(JobKind::Expiry, Timestamp::now())
                .await
                .unwrap(),
            none,
            "[{name}]"
        );
        // In 200 days only b's points (earned 200 days ago) are a year old.
        let mid = Timestamp::now() + days(200);
        let first = engine.run_job(JobKind::Expiry, mid).await.unwrap();
        assert_eq!(
            first,
            JobReport {
                members: 1,
                points: Points(15)
            },
            "[{name}] only what is left expires"
        );
        assert_eq!(
            engine.run_job(JobKind::Expiry, mid).await.unwrap(),
            none,
            "[{name}] a second run does nothing"
        );
        assert_eq!(
            (balance(&engine, a).await, balance(&engine, b).await),
            ((10, 0), (0, 0)),
            "[{name}]"
        );
        let far = Timestamp::now() + days(400);
        assert_eq!(
            engine.run_job(JobKind::Expiry, far).await.unwrap(),
            JobReport {
                members: 1,
                points: Points(10)
            },
            "[{name}]"
        );
        assert_eq!(
            engine.run_job(JobKind::Expiry, far).await.unwrap(),
            none,
            "[{name}]"
        );
        let e = &entries(&engine, b).await[0];
        assert_eq!(
            (
                e.kind.as_str(),
                e.available_delta.get(),
                e.meta.reason.as_str()
            ),
            ("expire", -15, "expired"),
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

#[test]
fn job_kinds_parse_from_their_names() {
    assert_eq!("expiry".parse::<JobKind>().unwrap(), JobKind::Expiry);
    assert_eq!("release".parse::<JobKind>().unwrap(), JobKind::Release);
    assert!("Expiry".parse::<JobKind>().is_err());
}

// ---------------------------------------------------------------------------------------------
// API keys
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_created_key_authenticates_and_others_do_not() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        let key = laurel_engine::create_key(engine.store(), "till", Scope::Pos)
            .await
            .unwrap();
        let principal = engine
            .authenticate(&key)
            .await
            .unwrap()
            .expect("the key authenticates");
        assert_eq!(
            (principal.name.as_str(), principal.scope),
            ("till", Scope::Pos),
            "[{name}]"
        );
        assert!(key.starts_with(&principal.prefix), "[{name}]");
        // Cached or not, the answer is the same.
        assert_eq!(
            engine.authenticate(&key).await.unwrap(),
            Some(principal),
            "[{name}]"
        );
        assert_eq!(
            engine.authenticate(&format!("{key}x")).await.unwrap(),
            None,
            "[{name}]"
        );
        assert_eq!(engine.authenticate("").await.unwrap(), None, "[{name}]");
        finish(name, engine).await;
    }
}

// ---------------------------------------------------------------------------------------------
// Concurrency and group commit
// ---------------------------------------------------------------------------------------------

/// Runs `redemptions` concurrent redemptions of 10 points, spread round-robin over `engines`;
/// returns (successes, refusals for insufficient points).
async fn race_redemptions(
    engines: &[Arc<Engine>],
    member_id: i64,
    redemptions: usize,
) -> (usize, usize) {
    let tasks: Vec<_> = (0..redemptions)
        .map(|i| {
            let engine = engines[i % engines.len()].clone();
            tokio::spawn(async move {
                engine
                    .redeem(redeem_request(member_id, 10, &format!("race-{i}")))
                    .await
            })
        })
        .collect();
    let (mut ok, mut refused) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => ok += 1,
            Err(e) if e.code() == "insufficient_points" => refused += 1,
            Err(e) => panic!("unexpected error: {e:?}"),
        }
    }
    (ok, refused)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_redemptions_never_take_the_balance_below_zero() {
    for (name, db) in laurel_testkit::backends() {
        let engine = Arc::new(start(&db, program(&[])).await);
        let id = member(&engine, "target").await;
        engine
            .adjust(credit(id, 100, "fund"), "admin:test")
            .await
            .unwrap();
        let (ok, refused) = race_redemptions(std::slice::from_ref(&engine), id, 64).await;
        assert_eq!(
            (ok, refused),
            (10, 54),
            "[{name}] exactly ten redemptions fit in 100 points"
        );
        assert_eq!(balance(&engine, id).await, (0, 0), "[{name}]");
        assert_eq!(entries(&engine, id).await.len(), 11, "[{name}]");
        finish(name, unshare(engine)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_engines_on_one_database_never_double_spend() {
    for (name, db) in laurel_testkit::backends() {
        // Two API nodes: separate pools and write paths over the same database.
        let first = Arc::new(start(&db, program(&[])).await);
        let second = Arc::new(start(&db, program(&[])).await);
        let id = member(&first, "target").await;
        first
            .adjust(credit(id, 100, "fund"), "admin:test")
            .await
            .unwrap();
        let (ok, refused) = race_redemptions(&[first.clone(), second.clone()], id, 64).await;
        assert_eq!((ok, refused), (10, 54), "[{name}]");
        assert_eq!(balance(&first, id).await, (0, 0), "[{name}]");
        unshare(second).shutdown().await;
        finish(name, unshare(first)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refund_racing_a_redemption_of_the_same_points_takes_them_once() {
    for (name, db) in laurel_testkit::backends() {
        let cap = program(&[
            ONE_PER_YUAN,
            (
                r#"clawback = "allow_negative""#,
                r#"clawback = "cap_at_zero""#,
            ),
        ]);
        // Two nodes, so the race also crosses write paths; many rounds, so both orders occur.
        let first = Arc::new(start(&db, cap.clone()).await);
        let second = Arc::new(start(&db, cap).await);
        for round in 0..12 {
            let id = member(&first, &format!("racer-{round}")).await;
            let p = buy(&first, id, &format!("o-{round}"), "100.00").await;
            let (a, b) = (first.clone(), second.clone());
            let redeem =
                tokio::spawn(async move { a.redeem(redeem_request(id, 100, "spend-all")).await });
            let refund = tokio::spawn(async move {
                b.refund(refund_request(p.purchase_id, "r", RefundScope::Full))
                    .await
            });
            let refund = refund
                .await
                .unwrap()
                .unwrap_or_else(|e| panic!("[{name}] round {round}: {e:?}"));
            let redeemed = match redeem.await.unwrap() {
                Ok(_) => 100,
                Err(e) if e.code() == "insufficient_points" => 0,
                Err(e) => panic!("[{name}] unexpected {e:?}"),
            };
            // Whatever the order: the refund takes back exactly what is left, the rest is the
            // recorded shortfall, and the balance ends at zero — never below, never twice.
            assert_eq!(
                refund.points_reversed + refund.shortfall,
                100,
                "[{name}] round {round}"
            );
            assert_eq!(refund.shortfall, redeemed, "[{name}] round {round}");
            assert_eq!(balance(&first, id).await, (0, 0), "[{name}] round {round}");
        }
        unshare(second).shutdown().await;
        finish(name, unshare(first)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_enrollments_of_one_external_id_enroll_exactly_one() {
    for (name, db) in laurel_testkit::backends() {
        let first = Arc::new(start(&db, program(&[])).await);
        let second = Arc::new(start(&db, program(&[])).await);
        let tasks: Vec<_> = (0..24)
            .map(|i| {
                let engine = if i % 3 == 0 {
                    second.clone()
                } else {
                    first.clone()
                };
                tokio::spawn(async move { engine.enroll(enroll_request("same-person")).await })
            })
            .collect();
        let mut enrolled = Vec::new();
        for task in tasks {
            match task.await.unwrap() {
                Ok(m) => enrolled.push(m),
                Err(e) => assert_eq!(e.code(), "member_exists", "[{name}] {e:?}"),
            }
        }
        assert_eq!(
            enrolled.len(),
            1,
            "[{name}] exactly one enrollment succeeds"
        );
        let stored = first
            .member(&MemberRef::External("same-person".into()))
            .await
            .unwrap();
        assert_eq!(stored.id, enrolled[0].id, "[{name}]");
        unshare(second).shutdown().await;
        finish(name, unshare(first)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_concurrent_purchases_all_commit_and_balances_equal_their_sum() {
    const MEMBERS: usize = 20;
    const PER_MEMBER: usize = 10;
    for (name, db) in laurel_testkit::backends() {
        let engine = Arc::new(start(&db, program(&[])).await);
        let mut ids = Vec::new();
        for m in 0..MEMBERS {
            ids.push(member(&engine, &format!("member-{m}")).await);
        }
        let total =
            |m: usize, k: usize| format!("{}.{:02}", 3 + m * 7 + k * 11, (m * 13 + k * 17) % 100);
        let mut tasks = Vec::new();
        for k in 0..PER_MEMBER {
            for (m, &id) in ids.iter().enumerate() {
                let engine = engine.clone();
                let request = purchase_request(id, &format!("o-{m}-{k}"), &total(m, k));
                tasks.push(tokio::spawn(async move { engine.purchase(request).await }));
            }
        }
        for task in tasks {
            task.await
                .unwrap()
                .unwrap_or_else(|e| panic!("[{name}] purchase failed: {e:?}"));
        }
        for (m, &id) in ids.iter().enumerate() {
            let expected: i64 = (0..PER_MEMBER)
                .map(|k| i64::try_from((dec(&total(m, k)) * dec("1.5")).floor()).unwrap())
                .sum();
            assert_eq!(
                balance(&engine, id).await,
                (expected, 0),
                "[{name}] member {m}"
            );
            assert_eq!(
                entries(&engine, id).await.len(),
                PER_MEMBER,
                "[{name}] member {m}"
            );
        }
        assert_eq!(
            assert_consistent(name, engine.store()).await,
            (MEMBERS * PER_MEMBER) as i64,
            "[{name}]"
        );
        finish(name, unshare(engine)).await;
    }
}

/// Holds `member_id`'s row lock (on SQLite: the database's write lock) for a moment while
/// `work` is started, so that the commands it sends really overlap on both engines.
async fn while_member_locked<T: Send + 'static>(
    store: &Store,
    member_id: i64,
    work: impl FnOnce() -> Vec<tokio::task::JoinHandle<T>>,
) -> Vec<T> {
    let mut tx = store.begin().await.unwrap();
    tx.lock_member(Some(laurel_store::MemberId(member_id)), None)
        .await
        .unwrap()
        .expect("member");
    let tasks = work();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    tx.rollback().await.unwrap();
    let mut out = Vec::new();
    for task in tasks {
        out.push(task.await.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_purchase_sent_to_two_engines_at_once_earns_once_and_answers_the_same() {
    for (name, db) in laurel_testkit::backends() {
        let first = Arc::new(start(&db, program(&[])).await);
        let second = Arc::new(start(&db, program(&[])).await);
        let id = member(&first, "buyer").await;
        for (round, by) in [MemberRef::Id(id), MemberRef::External("buyer".into())]
            .into_iter()
            .enumerate()
        {
            let mut request = purchase_request(0, &format!("o-{round}"), "10.00");
            request.member = by;
            let answers = while_member_locked(first.store(), id, || {
                [first.clone(), second.clone(), first.clone(), second.clone()]
                    .into_iter()
                    .map(|engine| {
                        let request = request.clone();
                        tokio::spawn(async move { engine.purchase(request).await })
                    })
                    .collect()
            })
            .await;
            let answers: Vec<PurchaseOutcome> = answers
                .into_iter()
                .map(|a| a.unwrap_or_else(|e| panic!("[{name}] round {round}: {e:?}")))
                .collect();
            assert_eq!(
                answers.iter().filter(|a| !a.replayed).count(),
                1,
                "[{name}] round {round}: one answer is the purchase, the others replay it"
            );
            let first = answers.iter().find(|a| !a.replayed).cloned().unwrap();
            assert!(
                answers.iter().all(|a| PurchaseOutcome {
                    replayed: false,
                    ..a.clone()
                } == first),
                "[{name}] round {round}: {answers:?}"
            );
        }
        assert_eq!(
            balance(&first, id).await,
            (2 * 15, 0),
            "[{name}] each order earned once"
        );
        unshare(second).shutdown().await;
        finish(name, unshare(first)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_refunds_on_two_engines_never_refund_more_than_the_purchase() {
    for (name, db) in laurel_testkit::backends() {
        let first = Arc::new(start(&db, program(&[ONE_PER_YUAN])).await);
        let second = Arc::new(start(&db, program(&[ONE_PER_YUAN])).await);
        let id = member(&first, "buyer").await;
        for round in 0..2 {
            let p = buy(&first, id, &format!("o-{round}"), "100.00").await;
            let answers = while_member_locked(first.store(), id, || {
                (0..6)
                    .map(|i| {
                        let engine = if i % 2 == 0 {
                            first.clone()
                        } else {
                            second.clone()
                        };
                        let request = refund_request(
                            p.purchase_id,
                            &format!("r-{i}"),
                            RefundScope::Amount(dec("30")),
                        );
                        tokio::spawn(async move { engine.refund(request).await })
                    })
                    .collect()
            })
            .await;
            let mut reversed = 0;
            let mut ok = 0;
            for answer in answers {
                match answer {
                    Ok(r) => {
                        ok += 1;
                        reversed += r.points_reversed;
                    }
                    Err(e) => assert_eq!(e.code(), "refund_exceeds_purchase", "[{name}] {e:?}"),
                }
            }
            assert_eq!(
                (ok, reversed),
                (3, 90),
                "[{name}] round {round}: three refunds of 30 fit in 100"
            );
            let stored = first
                .store()
                .purchase(PurchaseId(p.purchase_id))
                .await
                .unwrap()
                .unwrap();
            assert_eq!(stored.refunded_minor, 9_000, "[{name}] round {round}");
        }
        assert_eq!(balance(&first, id).await, (20, 0), "[{name}]");
        unshare(second).shutdown().await;
        finish(name, unshare(first)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_refused_inside_a_group_commit_leaves_the_others_committed() {
    for (name, db) in laurel_testkit::backends() {
        let engine = Arc::new(start(&db, program(&[ONE_PER_YUAN])).await);
        let id = member(&engine, "buyer").await;
        let tasks: Vec<_> = (0..60)
            .map(|i| {
                let engine = engine.clone();
                // Every fifth purchase names a member who does not exist: refused in the
                // write path, inside a batch of valid ones.
                let buyer = if i % 5 == 0 { id + 1_000 } else { id };
                let request = purchase_request(buyer, &format!("o-{i}"), "2.00");
                tokio::spawn(async move { engine.purchase(request).await })
            })
            .collect();
        let (mut ok, mut unknown) = (0, 0);
        for task in tasks {
            match task.await.unwrap() {
                Ok(_) => ok += 1,
                Err(e) => {
                    assert_eq!(e.code(), "unknown_member", "[{name}] {e:?}");
                    unknown += 1;
                }
            }
        }
        assert_eq!((ok, unknown), (48, 12), "[{name}]");
        assert_eq!(balance(&engine, id).await, (96, 0), "[{name}]");
        // The refused order ids were never recorded: they are free for the right member.
        let retry = buy(&engine, id, "o-0", "2.00").await;
        assert_eq!(retry.earned.balance.available, 98, "[{name}]");
        finish(name, unshare(engine)).await;
    }
}

/// What one task of the mixed workload did.
enum Did {
    Redeemed,
    Refunded(i64),
    Credited(i64),
    Bought(i64),
    Refused,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mixed_concurrent_commands_on_two_engines_keep_every_balance_equal_to_its_history() {
    const MEMBERS: usize = 4;
    for (name, db) in laurel_testkit::backends() {
        let p = || {
            program(&[
                ONE_PER_YUAN,
                (
                    r#"clawback = "allow_negative""#,
                    r#"clawback = "cap_at_zero""#,
                ),
            ])
        };
        let engines = [
            Arc::new(start(&db, p()).await),
            Arc::new(start(&db, p()).await),
        ];
        let mut members = Vec::new();
        for m in 0..MEMBERS {
            let id = member(&engines[0], &format!("m-{m}")).await;
            let mut purchases = Vec::new();
            for k in 0..3 {
                purchases.push(
                    buy(&engines[k % 2], id, &format!("seed-{m}-{k}"), "100.00")
                        .await
                        .purchase_id,
                );
            }
            members.push((id, purchases));
        }
        let mut tasks = Vec::new();
        for (m, (id, purchases)) in members.iter().enumerate() {
            let id = *id;
            for i in 0..40_usize {
                let engine = engines[(i + m) % 2].clone();
                let purchase = purchases[i % 3];
                tasks.push((
                    m,
                    tokio::spawn(async move {
                        let result = match i % 8 {
                            0 | 3 | 5 | 7 => engine
                                .redeem(redeem_request(id, 10, &format!("r-{i}")))
                                .await
                                .map(|_| Did::Redeemed),
                            1 => engine
                                .refund(refund_request(
                                    purchase,
                                    &format!("f-{i}"),
                                    RefundScope::Amount(dec("30")),
                                ))
                                .await
                                .map(|r| Did::Refunded(r.points_reversed)),
                            2 | 6 => engine
                                .adjust(credit(id, 7, &format!("a-{i}")), "admin:test")
                                .await
                                .map(|_| Did::Credited(7)),
                            _ => engine
                                .purchase(purchase_request(id, &format!("p-{m}-{i}"), "5.00"))
                                .await
                                .map(|p| Did::Bought(p.earned.points_earned)),
                        };
                        match result {
                            Ok(did) => did,
                            Err(e)
                                if matches!(
                                    e.code().as_str(),
                                    "insufficient_points" | "refund_exceeds_purchase"
                                ) =>
                            {
                                Did::Refused
                            }
                            Err(e) => panic!("unexpected error: {e:?}"),
                        }
                    }),
                ));
            }
        }
        let mut expected = [300_i64; MEMBERS];
        for (m, task) in tasks {
            match task.await.unwrap() {
                Did::Redeemed => expected[m] -= 10,
                Did::Refunded(points) => expected[m] -= points,
                Did::Credited(points) | Did::Bought(points) => expected[m] += points,
                Did::Refused => {}
            }
        }
        for (m, (id, _)) in members.iter().enumerate() {
            let (available, pending) = balance(&engines[0], *id).await;
            assert_eq!(
                (available, pending),
                (expected[m], 0),
                "[{name}] member {m}: balance equals what the answers said"
            );
            assert!(
                available >= 0,
                "[{name}] member {m}: cap-at-zero never goes negative"
            );
        }
        let [first, second] = engines;
        unshare(second).shutdown().await;
        finish(name, unshare(first)).await;
    }
}

#[test]
fn program_file_reports_every_problem_with_its_key() {
    let bad = PROGRAM
        .replace(r#"currency = "CNY""#, r#"currency = "XXX""#)
        .replace(r#"points_per_unit = "1.5""#, r#"points_per_unit = "-1""#)
        .replace("pending_days = 0", "pending_days = 9999");
    let err = parse_program(&bad, Path::new("bad.toml")).unwrap_err();
    let message = err.to_string();
    assert!(message.starts_with("bad.toml: "), "{message}");
    for key in [
        "program.currency",
        "earn.points_per_unit",
        "points.pending_days",
    ] {
        assert!(
            err.problems.iter().any(|p| p.contains(key)),
            "{key} missing from {message}"
        );
    }
    let unknown_key = PROGRAM.replace("[earn]", "[earn]\nbonus = 2");
    assert!(
        parse_program(&unknown_key, Path::new("x.toml")).is_err(),
        "unknown keys are refused"
    );
    let float_rate = PROGRAM.replace(r#"points_per_unit = "1.5""#, "points_per_unit = 0.1");
    assert_eq!(
        parse_program(&float_rate, Path::new("x.toml"))
            .unwrap()
            .program
            .points_per_unit,
        dec("0.1")
    );
    let p = program(&[]);
    assert_eq!(
        (p.currency.code(), p.points_name.fallback(), p.pending_days),
        ("CNY", "积分", 0)
    );
}

#[test]
fn a_program_writes_names_per_language_or_once_for_all_and_a_wrong_language_is_a_problem() {
    let text = format!(
        "{}\n[tiers]\nmetric = \"spend\"\nwindow = \"since_joining\"\n\
         [[tiers.levels]]\nid = \"gold\"\nname = {{ en = \"Gold\", zh-CN = \"金卡\" }}\nthreshold = \"100\"\n\
         [[rules]]\nid = \"tea\"\nname = \"Tea time\"\neffect = {{ fixed = 5 }}\n",
        PROGRAM.replace(
            "points_name = \"积分\"",
            "points_name = { en = \"beans\", zh-CN = \"咖啡豆\" }"
        )
    );
    let definition = parse_program(&text, Path::new("x.toml")).unwrap_or_else(|e| panic!("{e}"));
    let points = &definition.program.points_name;
    assert_eq!((points.get("en"), points.get("zh-CN")), ("beans", "咖啡豆"));
    let gold = &definition.tiers.as_ref().unwrap().tiers()[0].name;
    assert_eq!(
        (gold.get("en"), gold.get("zh-CN"), gold.to_string().as_str()),
        ("Gold", "金卡", "Gold")
    );
    let tea = &definition.rules.get("tea").unwrap().name;
    assert_eq!(
        tea.get("zh-CN"),
        "Tea time",
        "a plain name serves every language"
    );

    let wrong = text.replace("zh-CN = \"金卡\"", "zh = \"金卡\"");
    let err = parse_program(&wrong, Path::new("x.toml")).unwrap_err();
    assert!(
        err.problems
            .iter()
            .any(|p| p.contains("tiers.levels[0].name.zh") && p.contains("unknown language `zh`")),
        "{err}"
    );
    let named = format!(
        "{text}\n[names]\ncategories = {{ retail = {{ en = \"retail goods\", zh-CN = \"零售商品\" }} }}\n\
         events = {{ check_in = \"a check-in\" }}\n"
    );
    let definition = parse_program(&named, Path::new("x.toml")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        definition.names.categories["retail"].get("zh-CN"),
        "零售商品"
    );
    assert_eq!(
        definition.names.events["check_in"].get("zh-CN"),
        "a check-in"
    );
    let misnamed = named.replace("zh-CN = \"零售商品\"", "cn = \"零售商品\"");
    let err = parse_program(&misnamed, Path::new("x.toml")).unwrap_err();
    assert!(
        err.problems
            .iter()
            .any(|p| p.contains("names.categories.retail.cn")),
        "{err}"
    );
    let number = text.replace("name = \"Tea time\"", "name = 5");
    let err = parse_program(&number, Path::new("x.toml")).unwrap_err();
    assert!(
        err.to_string()
            .contains("a text, or a table of texts by language"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// Earning rules
// ---------------------------------------------------------------------------------------------

/// [`PROGRAM`] at one point per yuan, with these rules (TOML) appended.
fn with_rules(rules: &str) -> ProgramDefinition {
    let text = PROGRAM.replace(ONE_PER_YUAN.0, ONE_PER_YUAN.1) + rules;
    parse_program(&text, Path::new("rules.toml")).unwrap_or_else(|e| panic!("rules fixture: {e}"))
}

/// Local noon in Shanghai on `date` (YYYY-MM-DD).
fn noon(date: &str) -> Timestamp {
    format!("{date}T12:00:00+08:00").parse().unwrap()
}

/// A purchase of `total` at `at`.
async fn buy_at(
    engine: &Engine,
    member_id: i64,
    order_id: &str,
    total: &str,
    at: Timestamp,
) -> PurchaseOutcome {
    let mut request = purchase_request(member_id, order_id, total);
    request.occurred_at = at;
    engine.purchase(request).await.unwrap()
}

/// (rule id, points, capped by) of each grant, base first.
fn grants(out: &PurchaseOutcome) -> Vec<(&str, i64, Option<&str>)> {
    out.earned
        .grants
        .iter()
        .map(|g| (g.rule_id.as_str(), g.points, g.capped_by.as_deref()))
        .collect()
}

#[tokio::test]
async fn a_multiplier_rule_doubles_points_on_its_day_only() {
    let rules = r#"
[[rules]]
id = "double_tuesday"
name = "Double points Tuesday"
effect = { multiplier = "2" }
conditions = [ { days_of_week = ["tue"] } ]
"#;
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_rules(rules)).await;
        let id = member(&engine, "m").await;
        let tuesday = buy_at(&engine, id, "o-tue", "100.00", noon("2025-06-03")).await;
        assert_eq!(tuesday.earned.points_earned, 200, "[{name}]");
        assert_eq!(
            grants(&tuesday),
            vec![("base", 100, None), ("double_tuesday", 100, None)],
            "[{name}]"
        );
        assert_eq!(
            tuesday.earned.grants[1].explanation, "Double points Tuesday: 2× on 100.00 → +100",
            "[{name}]"
        );
        let wednesday = buy_at(&engine, id, "o-wed", "100.00", noon("2025-06-04")).await;
        assert_eq!(grants(&wednesday), vec![("base", 100, None)], "[{name}]");
        assert_eq!(balance(&engine, id).await, (300, 0), "[{name}]");
        // One earn posting per purchase, whatever the number of grants.
        assert_eq!(entries(&engine, id).await.len(), 2, "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_category_rule_applies_to_matching_lines_only() {
    let rules = r#"
[[rules]]
id = "beans_bonus"
name = "Beans bonus"
effect = { points_per_unit = "2" }
conditions = [ { categories = ["retail"] } ]
"#;
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_rules(rules)).await;
        let id = member(&engine, "m").await;
        let line = |sku: &str, category: &str, quantity: i64, price: &str| LineRequest {
            sku: sku.into(),
            category: Some(category.into()),
            quantity,
            unit_price: dec(price),
        };
        let mut request = purchase_request(id, "o-1", "140.00");
        request.lines = vec![
            line("latte", "coffee", 2, "30.00"),
            line("yunnan-250g", "retail", 1, "80.00"),
        ];
        let out = engine.purchase(request).await.unwrap();
        assert_eq!(
            grants(&out),
            vec![("base", 140, None), ("beans_bonus", 160, None)],
            "[{name}]"
        );
        assert_eq!(out.earned.points_earned, 300, "[{name}]");
        assert_eq!(
            out.earned.grants[1].explanation, "Beans bonus: 2 per CNY on 80.00 → +160",
            "[{name}]"
        );
        // No retail line: the rule does not apply at all.
        let mut coffee_only = purchase_request(id, "o-2", "30.00");
        coffee_only.lines = vec![line("latte", "coffee", 1, "30.00")];
        let out = engine.purchase(coffee_only).await.unwrap();
        assert_eq!(grants(&out), vec![("base", 30, None)], "[{name}]");
        assert_eq!(balance(&engine, id).await, (330, 0), "[{name}]");
        finish(name, engine).await;
    }
}

/// A rule granting a point per yuan, at most 150 a day per member.
/// Green from 0, gold from 1000: every member holds a tier from enrollment.
const TWO_TIERS: &str = r#"
[tiers]
metric = "spend"
window = "since_joining"

[[tiers.levels]]
id = "green"
name = "Green"
threshold = "0"

[[tiers.levels]]
id = "gold"
name = "Gold"
threshold = "1000"
"#;

const HAPPY_DAY: &str = r#"
[[rules]]
id = "happy_day"
name = "Happy day"
effect = { points_per_unit = "1" }
limits = { per_member_day = 150 }
"#;

#[tokio::test]
async fn a_daily_limit_caps_later_purchases_and_retries_replay_the_same_grants() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_rules(HAPPY_DAY)).await;
        let id = member(&engine, "m").await;
        let day = noon("2025-06-03");
        let first = buy_at(&engine, id, "o-1", "100.00", day).await;
        assert_eq!(
            grants(&first),
            vec![("base", 100, None), ("happy_day", 100, None)],
            "[{name}]"
        );
        // A retry answers the same grants and uses none of the limit again.
        let mut retry = purchase_request(id, "o-1", "100.00");
        retry.occurred_at = day;
        let again = engine.purchase(retry).await.unwrap();
        assert_eq!(replay_of(again), first, "[{name}]");

        let second = buy_at(
            &engine,
            id,
            "o-2",
            "100.00",
            day + SignedDuration::from_hours(2),
        )
        .await;
        assert_eq!(
            grants(&second),
            vec![
                ("base", 100, None),
                ("happy_day", 50, Some("per_member_day"))
            ],
            "[{name}]"
        );
        assert!(
            second.earned.grants[1]
                .explanation
                .ends_with("(daily limit reached)"),
            "[{name}] {}",
            second.earned.grants[1].explanation
        );
        let third = buy_at(
            &engine,
            id,
            "o-3",
            "100.00",
            day + SignedDuration::from_hours(3),
        )
        .await;
        assert_eq!(
            grants(&third),
            vec![
                ("base", 100, None),
                ("happy_day", 0, Some("per_member_day"))
            ],
            "[{name}] a rule stopped by its limit says so"
        );
        assert_eq!(third.earned.points_earned, 100, "[{name}]");
        // The next local day starts afresh; another member has their own limit.
        let next_day = buy_at(&engine, id, "o-4", "100.00", noon("2025-06-04")).await;
        assert_eq!(next_day.earned.points_earned, 200, "[{name}]");
        let other = member(&engine, "other").await;
        assert_eq!(
            buy_at(&engine, other, "o-5", "100.00", day)
                .await
                .earned
                .points_earned,
            200,
            "[{name}]"
        );
        assert_eq!(
            balance(&engine, id).await,
            (200 + 150 + 100 + 200, 0),
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_daily_limit_holds_across_purchases_committed_together_naming_the_member_either_way() {
    const PURCHASES: i64 = 20;
    for (name, db) in laurel_testkit::backends() {
        let engine = Arc::new(start(&db, with_rules(HAPPY_DAY)).await);
        let id = member(&engine, "m").await;
        let day = noon("2025-06-03");
        buy_at(&engine, id, "o-0", "100.00", day).await;
        // Submitted at once, the purchases share batches (and, on PostgreSQL, writers: by id
        // and by external id they may go to different ones).
        let tasks: Vec<_> = (1..=PURCHASES)
            .map(|i| {
                let engine = engine.clone();
                let mut request = purchase_request(id, &format!("o-{i}"), "10.00");
                request.occurred_at = day;
                if i % 2 == 0 {
                    request.member = MemberRef::External("m".into());
                }
                tokio::spawn(async move { engine.purchase(request).await })
            })
            .collect();
        let mut happy = 0;
        for task in tasks {
            let out = task.await.unwrap().unwrap();
            happy += out
                .earned
                .grants
                .iter()
                .filter(|g| g.rule_id == "happy_day")
                .map(|g| g.points)
                .sum::<i64>();
        }
        assert_eq!(
            happy, 50,
            "[{name}] what the first purchase left of the day's 150"
        );
        assert_eq!(
            balance(&engine, id).await,
            (200 + PURCHASES * 10 + 50, 0),
            "[{name}]"
        );
        finish(name, unshare(engine)).await;
    }
}

#[tokio::test]
async fn a_campaign_budget_is_shared_across_members() {
    let rules = r#"
[[rules]]
id = "launch"
name = "Launch week"
effect = { fixed = 100 }
limits = { campaign_budget = 150 }
"#;
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_rules(rules)).await;
        let (a, b, c) = (
            member(&engine, "a").await,
            member(&engine, "b").await,
            member(&engine, "c").await,
        );
        let day = noon("2025-06-03");
        let first = buy_at(&engine, a, "o-a", "10.00", day).await;
        assert_eq!(
            grants(&first),
            vec![("base", 10, None), ("launch", 100, None)],
            "[{name}]"
        );
        let second = buy_at(&engine, b, "o-b", "10.00", day).await;
        assert_eq!(
            grants(&second),
            vec![("base", 10, None), ("launch", 50, Some("campaign_budget"))],
            "[{name}]"
        );
        let third = buy_at(&engine, c, "o-c", "10.00", day).await;
        assert_eq!(
            grants(&third),
            vec![("base", 10, None), ("launch", 0, Some("campaign_budget"))],
            "[{name}]"
        );
        assert_eq!(
            (
                balance(&engine, a).await.0,
                balance(&engine, b).await.0,
                balance(&engine, c).await.0
            ),
            (110, 60, 10),
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_campaign_budget_holds_under_concurrent_purchases_of_many_members() {
    let rules = r#"
[[rules]]
id = "launch"
name = "Launch week"
effect = { fixed = 100 }
limits = { campaign_budget = 1000 }
"#;
    for (name, db) in laurel_testkit::backends() {
        let engine = Arc::new(start(&db, with_rules(rules)).await);
        let mut ids = Vec::new();
        for m in 0..30 {
            ids.push(member(&engine, &format!("m-{m}")).await);
        }
        // Spread over the writers (several on PostgreSQL), all at once.
        let tasks: Vec<_> = ids
            .iter()
            .map(|&id| {
                let engine = engine.clone();
                tokio::spawn(async move {
                    let out = buy(&engine, id, &format!("o-{id}"), "1.00").await;
                    out.earned
                        .grants
                        .iter()
                        .find(|g| g.rule_id == "launch")
                        .map_or(0, |g| g.points)
                })
            })
            .collect();
        let mut granted = 0;
        for task in tasks {
            granted += task.await.unwrap();
        }
        assert_eq!(granted, 1000, "[{name}] exactly the budget, never more");
        finish(name, unshare(engine)).await;
    }
}

#[tokio::test]
async fn the_first_purchase_bonus_is_granted_once() {
    let rules = r#"
[[rules]]
id = "welcome"
name = "Welcome bonus"
effect = { fixed = 200 }
conditions = [ { first_purchase = true } ]
"#;
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_rules(rules)).await;
        let id = member(&engine, "m").await;
        let first = buy(&engine, id, "o-1", "10.00").await;
        assert_eq!(
            grants(&first),
            vec![("base", 10, None), ("welcome", 200, None)],
            "[{name}]"
        );
        assert_eq!(
            first.earned.grants[1].explanation, "Welcome bonus: 200 积分 → +200",
            "[{name}]"
        );
        // The retry of the first purchase replays it; the next purchase is not a first.
        let again = engine.purchase(purchase_request(id, "o-1", "10.00")).await;
        assert_eq!(again.unwrap().earned.points_earned, 210, "[{name}]");
        let second = buy(&engine, id, "o-2", "10.00").await;
        assert_eq!(grants(&second), vec![("base", 10, None)], "[{name}]");
        assert_eq!(balance(&engine, id).await, (220, 0), "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_birthday_week_bonus_reads_the_members_birthday_and_its_monthly_limit() {
    // Members are born on 1988-08-08; in 2025 that is a Friday, in the week of 4–10 August.
    let rules = r#"
[[rules]]
id = "birthday"
name = "Birthday week"
effect = { fixed = 200 }
limits = { per_member_month = 200 }
conditions = [ { birthday = "week" } ]
"#;
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_rules(rules)).await;
        let id = member(&engine, "m").await;
        let sunday = buy_at(&engine, id, "o-1", "10.00", noon("2025-08-10")).await;
        assert_eq!(
            grants(&sunday),
            vec![("base", 10, None), ("birthday", 200, None)],
            "[{name}]"
        );
        let again = buy_at(&engine, id, "o-2", "10.00", noon("2025-08-10")).await;
        assert_eq!(
            grants(&again),
            vec![
                ("base", 10, None),
                ("birthday", 0, Some("per_member_month"))
            ],
            "[{name}]"
        );
        let monday = buy_at(&engine, id, "o-3", "10.00", noon("2025-08-11")).await;
        assert_eq!(grants(&monday), vec![("base", 10, None)], "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_total_beyond_the_points_bound_is_refused_before_writing() {
    let rules = r#"
[[rules]]
id = "huge"
name = "Huge"
effect = { points_per_unit = "100" }
"#;
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_rules(rules)).await;
        let id = member(&engine, "m").await;
        // The base earn (1e11) is within bounds; with the rule the total is not.
        let result = engine
            .purchase(purchase_request(id, "o-1", "100000000000.00"))
            .await;
        assert_eq!(code(result), "invalid_amount", "[{name}]");
        assert_eq!(balance(&engine, id).await, (0, 0), "[{name}]");
        assert!(entries(&engine, id).await.is_empty(), "[{name}]");
        // The refusal wrote nothing: the order id is still free.
        assert_eq!(
            buy(&engine, id, "o-1", "1.00").await.earned.points_earned,
            101,
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

#[test]
fn program_file_rules_are_parsed_and_bad_rules_are_refused_with_their_key() {
    let good = with_rules(
        r#"
[events]
declared = ["store_visit"]

[[rules]]
id = "double_tuesday"
name = "Double points Tuesday"
trigger = "purchase"
priority = 10
stacking = { group = "weekday" }
effect = { multiplier = "2" }
limits = { per_member_day = 500, campaign_budget = 1000000 }
conditions = [ { days_of_week = ["tue"] }, { channels = ["pos", "app"] }, { time_of_day = { from = "07:00", to = "10:00" } } ]

[[rules]]
id = "visit"
name = "Store visit"
trigger = { event = "store_visit" }
stacking = "exclusive"
effect = { fixed = 5 }
conditions = [ { dates = { from = "2026-01-01", to = "2026-12-31" } } ]
"#,
    );
    assert_eq!(good.rules.len(), 2);
    assert_eq!(
        good.rules.in_order()[0].id,
        "double_tuesday",
        "priority first"
    );

    let bad = PROGRAM.to_owned()
        + r#"
[[rules]]
id = "double"
name = "Double"
effect = { multiplier = "1" }

[[rules]]
id = "double"
name = "Again"
effect = { fixed = 5 }
conditions = [ { days_of_week = ["someday"] } ]

[[rules]]
id = "review"
name = "Review"
trigger = { event = "unheard_of" }
effect = { fixed = 5 }

[events]
declared = ["store_visit"]
"#;
    let err = parse_program(&bad, Path::new("bad.toml")).unwrap_err();
    let message = err.to_string();
    assert!(message.starts_with("bad.toml: "), "{message}");
    assert!(
        message.contains("rules[1].conditions[0].days_of_week"),
        "{message}"
    );
    // Conversion problems are reported first; once they are fixed, the core's validation
    // reports the rest.
    let fixed_day = bad.replace("someday", "sun");
    let err = parse_program(&fixed_day, Path::new("bad.toml")).unwrap_err();
    for key in [
        "rules[0].effect.multiplier",
        "rules[1].id",
        "rules[2].trigger.event",
    ] {
        assert!(
            err.problems.iter().any(|p| p.contains(key)),
            "{key} missing from {err}"
        );
    }
    let unknown = PROGRAM.to_owned()
        + "[[rules]]\nid = \"x\"\nname = \"X\"\neffect = { fixed = 1 }\nbonus = 2\n";
    assert!(
        parse_program(&unknown, Path::new("x.toml")).is_err(),
        "unknown keys are refused"
    );
}

// ---------------------------------------------------------------------------------------------
// Custom events
// ---------------------------------------------------------------------------------------------

fn event_request(member_id: i64, event_id: &str, kind: &str, at: Timestamp) -> EventRequest {
    EventRequest {
        member: MemberRef::Id(member_id),
        event_id: event_id.to_owned(),
        kind: kind.to_owned(),
        attributes: [("rating".to_owned(), "5".to_owned())].into(),
        occurred_at: at,
    }
}

fn event_grants(out: &EventOutcome) -> Vec<(&str, i64, Option<&str>)> {
    out.earned
        .grants
        .iter()
        .map(|g| (g.rule_id.as_str(), g.points, g.capped_by.as_deref()))
        .collect()
}

#[tokio::test]
async fn events_earn_their_rules_points_within_limits_and_replay_by_event_id() {
    let rules = r#"
[events]
declared = ["store_visit"]

[[rules]]
id = "review_bonus"
name = "Review bonus"
trigger = { event = "review_written" }
effect = { fixed = 20 }
limits = { per_member_day = 20 }
"#;
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_rules(rules)).await;
        let id = member(&engine, "m").await;
        let day = noon("2025-06-03");
        let first = engine
            .record_event(event_request(id, "rev-1", "review_written", day))
            .await
            .unwrap();
        assert_eq!(first.earned.points_earned, 20, "[{name}] {first:?}");
        assert_eq!(
            event_grants(&first),
            vec![("review_bonus", 20, None)],
            "[{name}] no base earn for events"
        );
        assert_eq!(first.earned.status, EarnStatus::Available, "[{name}]");
        assert!(!first.replayed, "[{name}]");
        // A retry, naming the member by external id, replays the first answer.
        let mut retry = event_request(id, "rev-1", "review_written", day);
        retry.member = MemberRef::External("m".into());
        let again = engine.record_event(retry).await.unwrap();
        assert!(again.replayed, "[{name}]");
        assert_eq!(
            EventOutcome {
                replayed: false,
                ..again
            },
            first,
            "[{name}]"
        );
        // The same id with a different body is a conflict.
        let mut changed = event_request(id, "rev-1", "review_written", day);
        changed.attributes.insert("rating".into(), "1".into());
        assert_eq!(
            code(engine.record_event(changed).await),
            "idempotency_conflict",
            "[{name}]"
        );
        // A second review the same day is capped by the daily limit.
        let second = engine
            .record_event(event_request(
                id,
                "rev-2",
                "review_written",
                day + SignedDuration::from_hours(1),
            ))
            .await
            .unwrap();
        assert_eq!(second.earned.points_earned, 0, "[{name}]");
        assert_eq!(
            event_grants(&second),
            vec![("review_bonus", 0, Some("per_member_day"))],
            "[{name}]"
        );
        assert_eq!(second.earned.status, EarnStatus::None, "[{name}]");
        // An undeclared kind is refused; a declared kind with no rule earns nothing.
        assert_eq!(
            code(
                engine
                    .record_event(event_request(id, "x-1", "unheard_of", day))
                    .await
            ),
            "unknown_event_kind",
            "[{name}]"
        );
        let visit = engine
            .record_event(event_request(id, "visit-1", "store_visit", day))
            .await
            .unwrap();
        assert_eq!(
            (
                visit.earned.points_earned,
                visit.earned.grants.len(),
                visit.earned.status
            ),
            (0, 0, EarnStatus::None),
            "[{name}]"
        );
        // An unknown member is refused.
        assert_eq!(
            code(
                engine
                    .record_event(event_request(id + 1000, "x-2", "review_written", day))
                    .await
            ),
            "unknown_member",
            "[{name}]"
        );
        assert_eq!(balance(&engine, id).await, (20, 0), "[{name}]");
        let posted = entries(&engine, id).await;
        assert_eq!(posted.len(), 1, "[{name}] only the first review posted");
        assert_eq!(posted[0].meta.reason, "event: review_written", "[{name}]");
        assert_eq!(posted[0].meta.reference, "review_written:rev-1", "[{name}]");
        finish(name, engine).await;
    }
}

#[path = "engine/tiers.rs"]
mod tiers;

#[path = "engine/partners.rs"]
mod partners;

#[path = "engine/member_attributes.rs"]
mod member_attributes;

#[path = "engine/rewards.rs"]
mod rewards;

#[path = "engine/referrals.rs"]
mod referrals;

#[path = "engine/programs.rs"]
mod programs;

#[path = "engine/staff.rs"]
mod staff;

#[path = "engine/admin.rs"]
mod admin;

#[path = "engine/keys.rs"]
mod keys;

#[path = "engine/portal.rs"]
mod portal;

#[path = "engine/suspension.rs"]
mod suspension;

#[path = "engine/isolation.rs"]
mod isolation;

#[path = "engine/backdating.rs"]
mod backdating;

#[path = "engine/earned.rs"]
mod earned;

#[path = "engine/events.rs"]
mod events;

#[path = "engine/consents.rs"]
mod consents;

#[path = "engine/notices.rs"]
mod notices;

#[path = "engine/automations.rs"]
mod automations;

#[path = "engine/insight.rs"]
mod insight;

#[path = "engine/offers.rs"]
mod offers;

#[path = "engine/enrolled_at.rs"]
mod enrolled_at;

#[path = "engine/architecture.rs"]
mod architecture;

#[path = "engine/segments.rs"]
mod segments;

#[path = "engine/wallet.rs"]
mod wallet;

#[path = "engine/holds.rs"]
mod holds;

#[path = "engine/memberships.rs"]
mod memberships;

#[path = "engine/transfers.rs"]
mod transfers;

#[path = "engine/point_holds.rs"]
mod point_holds;

#[path = "engine/households.rs"]
mod households;

#[path = "engine/gift_cards.rs"]
mod gift_cards;

#[path = "engine/books_stored_value.rs"]
mod books_stored_value;

#[path = "engine/books_memberships.rs"]
mod books_memberships;

#[path = "engine/simulation.rs"]
mod simulation;

#[path = "engine/books.rs"]
mod books;

#[path = "engine/erasure.rs"]
mod erasure;

#[path = "engine/retention.rs"]
mod retention;

#[path = "engine/fraud.rs"]
mod fraud;

#[path = "engine/two_factor.rs"]
mod two_factor;

#[path = "engine/approvals.rs"]
mod approvals;
