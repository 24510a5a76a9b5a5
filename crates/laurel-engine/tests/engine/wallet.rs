//! Stored value on both backends: top-ups with their bonus by band and tier, payments that
//! spend principal first and bonus last, refunds that give each kind back in the share it was
//! taken, cash-outs of principal only, every refusal with its code and nothing written, retries
//! answered as first, and 64 payments at once never overdrawing a wallet.

// Amounts are written yuan_fen (500_00 is ¥500.00).
#![allow(clippy::inconsistent_digit_grouping)]

use super::*;
use laurel_engine::{AssignTierRequest, WalletAsk, WalletOutcome, WalletRequest};
use std::collections::BTreeMap;

/// Top-ups of ¥10 to ¥5,000, a wallet holding at most ¥6,000; ¥500 earns ¥50 (¥80 in gold),
/// ¥1,000 earns ¥120.
pub(super) const WALLET: &str = r#"
[wallet]
top_up_min = "10"
top_up_max = "5000"
balance_max = "6000"

[[wallet.bonuses]]
from = "500"
value = "50"

[[wallet.bonuses]]
from = "1000"
value = "120"

[[wallet.bonuses]]
from = "500"
value = "80"
tiers = ["gold"]
"#;

pub(super) fn wallet_program() -> ProgramDefinition {
    super::tiers::with_tiers(&[], WALLET)
}

pub(super) fn ask(member_id: i64, ask: WalletAsk, amount: &str, key: &str) -> WalletRequest {
    WalletRequest {
        member_id,
        ask,
        amount: dec(amount),
        currency: "CNY".into(),
        idempotency_key: key.to_owned(),
        reference: format!("order-{key}"),
    }
}

pub(super) async fn wallet_move(engine: &Engine, request: WalletRequest) -> WalletOutcome {
    engine.wallet_move(request, "key:till").await.unwrap()
}

/// (principal, bonus) in fen, as the statement reads them.
pub(super) async fn held(engine: &Engine, member_id: i64) -> (i64, i64) {
    let s = engine.wallet_statement(member_id, None, 50).await.unwrap();
    (s.balance.principal, s.balance.bonus)
}

/// How many of `tasks` ended each way: `done` for those that went through, else by the
/// code they were refused with.
pub(super) async fn tally<T>(
    tasks: Vec<tokio::task::JoinHandle<Result<T, &'static str>>>,
    done: &'static str,
) -> BTreeMap<&'static str, usize> {
    let mut outcomes = BTreeMap::new();
    for task in tasks {
        let outcome = task.await.unwrap();
        *outcomes
            .entry(outcome.map_or_else(|code| code, |_| done))
            .or_default() += 1;
    }
    outcomes
}

const PAY: WalletAsk = WalletAsk::Pay { partial: false };

#[tokio::test]
async fn a_top_up_earns_its_band_s_bonus_and_payments_spend_principal_first() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, wallet_program()).await;
        let id = member(&engine, "W1").await;
        let top_up = wallet_move(&engine, ask(id, WalletAsk::TopUp, "500", "t-1")).await;
        assert_eq!(
            (top_up.amount, top_up.principal, top_up.bonus),
            (500_00, 500_00, 50_00),
            "[{name}]"
        );
        let small = wallet_move(&engine, ask(id, WalletAsk::TopUp, "20", "t-2")).await;
        assert_eq!(small.bonus, 0, "[{name}] below every band");

        let paid = wallet_move(&engine, ask(id, PAY, "515.50", "p-1")).await;
        assert_eq!(
            (paid.amount, paid.principal, paid.bonus),
            (515_50, -515_50, 0),
            "[{name}] principal first"
        );
        let last = wallet_move(&engine, ask(id, PAY, "10", "p-2")).await;
        assert_eq!(
            (last.principal, last.bonus),
            (-4_50, -5_50),
            "[{name}] then bonus"
        );
        assert_eq!(held(&engine, id).await, (0, 44_50), "[{name}]");

        // A member in gold earns the gold band's bonus.
        let gold = member(&engine, "W2").await;
        engine
            .assign_tier(
                AssignTierRequest {
                    member_id: gold,
                    tier: "gold".into(),
                    reason: "test".into(),
                    until: None,
                },
                "key:admin",
            )
            .await
            .unwrap();
        let gold_top_up = wallet_move(&engine, ask(gold, WalletAsk::TopUp, "600", "g-1")).await;
        assert_eq!(gold_top_up.bonus, 80_00, "[{name}] gold's band");
        let more = wallet_move(&engine, ask(gold, WalletAsk::TopUp, "1000", "g-2")).await;
        assert_eq!(more.bonus, 120_00, "[{name}] the largest bonus reached");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_partial_payment_pays_what_the_wallet_holds_and_a_full_one_is_refused() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, wallet_program()).await;
        let id = member(&engine, "W1").await;
        wallet_move(&engine, ask(id, WalletAsk::TopUp, "30", "t-1")).await;
        let refused = engine
            .wallet_move(ask(id, PAY, "30.01", "p-1"), "key:till")
            .await;
        assert_eq!(code(refused), "insufficient_funds", "[{name}]");
        let partial = WalletAsk::Pay { partial: true };
        let paid = wallet_move(&engine, ask(id, partial, "100", "p-2")).await;
        assert_eq!(paid.amount, 30_00, "[{name}] the rest is paid elsewhere");
        assert_eq!(held(&engine, id).await, (0, 0), "[{name}]");
        let empty = engine
            .wallet_move(ask(id, partial, "1", "p-3"), "key:till")
            .await;
        assert_eq!(
            code(empty),
            "insufficient_funds",
            "[{name}] nothing to pay with"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn refunds_in_parts_give_back_exactly_what_a_payment_took_of_each_kind() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, wallet_program()).await;
        let id = member(&engine, "W1").await;
        wallet_move(&engine, ask(id, WalletAsk::TopUp, "500", "t-1")).await;
        let paid = wallet_move(&engine, ask(id, PAY, "550", "p-1")).await;
        assert_eq!((paid.principal, paid.bonus), (-500_00, -50_00), "[{name}]");
        let refund = |amount: &str, key: &str| {
            ask(
                id,
                WalletAsk::Refund {
                    payment_id: paid.move_id,
                },
                amount,
                key,
            )
        };
        let first = wallet_move(&engine, refund("100", "r-1")).await;
        assert_eq!(
            (first.principal, first.bonus),
            (90_91, 9_09),
            "[{name}] in the payment's share"
        );
        let over = engine
            .wallet_move(refund("450.01", "r-2"), "key:till")
            .await;
        assert_eq!(code(over), "refund_exceeds_payment", "[{name}]");
        wallet_move(&engine, refund("450", "r-3")).await;
        assert_eq!(
            held(&engine, id).await,
            (500_00, 50_00),
            "[{name}] whole again"
        );

        // Another member's payment cannot be refunded into this wallet.
        let other = member(&engine, "W2").await;
        let stranger = engine
            .wallet_move(
                ask(
                    other,
                    WalletAsk::Refund {
                        payment_id: paid.move_id,
                    },
                    "1",
                    "r-4",
                ),
                "key:till",
            )
            .await;
        assert_eq!(code(stranger), "unknown_payment", "[{name}]");
        let top_up_id = engine
            .wallet_move(
                ask(
                    id,
                    WalletAsk::Refund {
                        payment_id: paid.move_id - 1,
                    },
                    "1",
                    "r-5",
                ),
                "key:till",
            )
            .await;
        assert_eq!(
            code(top_up_id),
            "unknown_payment",
            "[{name}] a top-up is no payment"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn only_principal_is_cashed_out_never_bonus_value() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, wallet_program()).await;
        let id = member(&engine, "W1").await;
        wallet_move(&engine, ask(id, WalletAsk::TopUp, "500", "t-1")).await;
        let over = engine
            .wallet_move(ask(id, WalletAsk::CashOut, "500.01", "c-1"), "key:till")
            .await;
        assert_eq!(code(over), "cash_out_over_principal", "[{name}]");
        wallet_move(&engine, ask(id, WalletAsk::CashOut, "500", "c-2")).await;
        assert_eq!(
            held(&engine, id).await,
            (0, 50_00),
            "[{name}] the bonus stays"
        );
        let other = member(&engine, "W2").await;
        wallet_move(&engine, ask(other, WalletAsk::TopUp, "20", "t-2")).await;
        let totals = engine.wallet_totals().await.unwrap();
        assert_eq!(
            (totals.wallets, totals.principal, totals.bonus),
            (2, 20_00, 50_00),
            "[{name}] the unused value owed to members"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn every_refused_wallet_move_names_its_code_and_writes_nothing() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, wallet_program()).await;
        let id = member(&engine, "W1").await;
        wallet_move(&engine, ask(id, WalletAsk::TopUp, "5000", "t-0")).await;
        let mut euros = ask(id, WalletAsk::TopUp, "10", "t-1");
        euros.currency = "EUR".into();
        let cases: Vec<(WalletRequest, &str)> = vec![
            (
                ask(id, WalletAsk::TopUp, "9.99", "t-2"),
                "top_up_out_of_range",
            ),
            (
                ask(id, WalletAsk::TopUp, "5000.01", "t-3"),
                "top_up_out_of_range",
            ),
            (
                ask(id, WalletAsk::TopUp, "1000", "t-4"),
                "wallet_balance_over_max",
            ),
            (ask(id, WalletAsk::TopUp, "10.001", "t-5"), "invalid_amount"),
            (ask(id, WalletAsk::TopUp, "0", "t-6"), "invalid_amount"),
            (ask(id, WalletAsk::TopUp, "-10", "t-7"), "invalid_amount"),
            (euros, "currency_mismatch"),
            (ask(id, WalletAsk::TopUp, "10", " "), "missing_field"),
            (
                ask(999_999, WalletAsk::TopUp, "10", "t-8"),
                "unknown_member",
            ),
            (
                ask(
                    id,
                    WalletAsk::Refund {
                        payment_id: 999_999,
                    },
                    "1",
                    "r-1",
                ),
                "unknown_payment",
            ),
        ];
        for (request, expected) in cases {
            let got = engine.wallet_move(request.clone(), "key:till").await;
            assert_eq!(code(got), expected, "[{name}] {request:?}");
        }
        let statement = engine.wallet_statement(id, None, 50).await.unwrap();
        assert_eq!(statement.moves.len(), 1, "[{name}] only the first top-up");
        assert_eq!(statement.balance.total(), 5_120_00, "[{name}]");

        let plain = start_again(&db, engine, program(&[])).await;
        let refused = plain
            .wallet_move(ask(id, WalletAsk::TopUp, "10", "t-9"), "key:till")
            .await;
        assert_eq!(code(refused), "wallet_not_offered", "[{name}]");
        finish(name, plain).await;
    }
}

/// The engine stopped and started again over the same database under `program`.
async fn start_again(
    db: &laurel_testkit::TestDb,
    engine: Engine,
    program: impl Into<ProgramDefinition>,
) -> Engine {
    engine.shutdown().await;
    start(db, program).await
}

#[tokio::test]
async fn a_retried_wallet_move_is_answered_as_first_and_a_reused_key_is_refused() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, wallet_program()).await;
        let id = member(&engine, "W1").await;
        let first = wallet_move(&engine, ask(id, WalletAsk::TopUp, "500", "t-1")).await;
        wallet_move(&engine, ask(id, PAY, "100", "p-1")).await;
        let again = wallet_move(&engine, ask(id, WalletAsk::TopUp, "500", "t-1")).await;
        assert_eq!(again, first, "[{name}] the same answer, once");
        let reused = engine
            .wallet_move(ask(id, PAY, "500", "t-1"), "key:till")
            .await;
        assert_eq!(code(reused), "idempotency_conflict", "[{name}]");
        assert_eq!(held(&engine, id).await, (400_00, 50_00), "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_suspended_member_neither_tops_up_nor_pays_but_is_refunded() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, wallet_program()).await;
        let id = member(&engine, "W1").await;
        wallet_move(&engine, ask(id, WalletAsk::TopUp, "100", "t-1")).await;
        let paid = wallet_move(&engine, ask(id, PAY, "60", "p-1")).await;
        engine.set_suspended(id, true, "staff:test").await.unwrap();
        for (request, what) in [
            (ask(id, WalletAsk::TopUp, "100", "t-2"), "top-up"),
            (ask(id, PAY, "10", "p-2"), "payment"),
        ] {
            let refused = engine.wallet_move(request, "key:till").await;
            assert_eq!(code(refused), "member_suspended", "[{name}] {what}");
        }
        let refund = ask(
            id,
            WalletAsk::Refund {
                payment_id: paid.move_id,
            },
            "60",
            "r-1",
        );
        wallet_move(&engine, refund).await;
        wallet_move(&engine, ask(id, WalletAsk::CashOut, "100", "c-1")).await;
        assert_eq!(held(&engine, id).await, (0, 0), "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_statement_lists_every_move_newest_first_a_page_at_a_time() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, wallet_program()).await;
        let id = member(&engine, "W1").await;
        assert_eq!(held(&engine, id).await, (0, 0), "[{name}] never used");
        wallet_move(&engine, ask(id, WalletAsk::TopUp, "500", "t-1")).await;
        let paid = wallet_move(&engine, ask(id, PAY, "520", "p-1")).await;
        wallet_move(
            &engine,
            ask(
                id,
                WalletAsk::Refund {
                    payment_id: paid.move_id,
                },
                "52",
                "r-1",
            ),
        )
        .await;
        let first = engine.wallet_statement(id, None, 2).await.unwrap();
        let kinds: Vec<&str> = first.moves.iter().map(|m| m.kind.as_str()).collect();
        assert_eq!(kinds, ["refund", "payment"], "[{name}]");
        assert_eq!(first.moves[0].payment, Some(paid.move_id), "[{name}]");
        assert_eq!(
            (first.moves[0].principal, first.moves[0].bonus),
            (50_00, 2_00),
            "[{name}]"
        );
        assert_eq!(first.moves[1].reference, "order-p-1", "[{name}]");
        assert_eq!(first.moves[1].actor, "key:till", "[{name}]");
        let rest = engine.wallet_statement(id, first.next, 2).await.unwrap();
        let kinds: Vec<&str> = rest.moves.iter().map(|m| m.kind.as_str()).collect();
        assert_eq!(kinds, ["top_up"], "[{name}]");
        assert_eq!(
            (rest.moves[0].amount, rest.moves[0].bonus),
            (500_00, 50_00),
            "[{name}]"
        );
        assert_eq!(rest.next, None, "[{name}]");
        let unknown = engine.wallet_statement(999_999, None, 2).await;
        assert_eq!(code(unknown), "unknown_member", "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn sixty_four_payments_at_once_never_overdraw_a_wallet() {
    for (name, db) in laurel_testkit::backends() {
        let engine = Arc::new(start(&db, wallet_program()).await);
        let id = member(&engine, "W1").await;
        wallet_move(&engine, ask(id, WalletAsk::TopUp, "1000", "t-1")).await;
        // ¥1,120 held; 64 payments of ¥20 ask for ¥1,280: exactly 56 are paid.
        let tasks: Vec<_> = (0..64)
            .map(|i| {
                let engine = Arc::clone(&engine);
                tokio::spawn(async move {
                    engine
                        .wallet_move(ask(id, PAY, "20", &format!("p-{i}")), "key:till")
                        .await
                        .map_err(|e| e.code().as_str())
                })
            })
            .collect();
        let outcomes = tally(tasks, "paid").await;
        assert_eq!(
            outcomes,
            BTreeMap::from([("insufficient_funds", 8), ("paid", 56)]),
            "[{name}]"
        );
        let engine = unshare(engine);
        assert_eq!(held(&engine, id).await, (0, 0), "[{name}] never below zero");
        finish(name, engine).await;
    }
}
