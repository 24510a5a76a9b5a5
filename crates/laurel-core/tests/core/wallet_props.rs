//! Properties of a wallet over random sequences of moves: top-ups with bonuses, payments
//! (whole or partial), refunds of earlier payments in parts, cash-outs. Every move the wallet
//! accepts is applied; every one it refuses must leave it as it was, for a reason that holds.

use laurel_core::wallet::{Paid, Wallet, WalletAccount, WalletError, WalletMoveKind};
use proptest::prelude::*;
use proptest::sample::Index;

/// The most the simulated wallet may hold, in minor units.
const BALANCE_MAX: i64 = 1_000_000;

#[derive(Debug, Clone)]
enum Op {
    TopUp {
        amount: i64,
        bonus: i64,
    },
    Pay {
        amount: i64,
        partial: bool,
    },
    /// Refund part of an earlier payment (any made so far).
    Refund {
        payment: Index,
        amount: i64,
    },
    CashOut(i64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (1..200_000i64, 0..20_000i64).prop_map(|(amount, bonus)| Op::TopUp { amount, bonus }),
        (1..150_000i64, any::<bool>()).prop_map(|(amount, partial)| Op::Pay { amount, partial }),
        (any::<Index>(), 1..60_000i64).prop_map(|(payment, amount)| Op::Refund { payment, amount }),
        (1..100_000i64).prop_map(Op::CashOut),
    ]
}

/// A payment made and what its refunds gave back so far.
struct Payment {
    taken: Paid,
    refunded: Paid,
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn a_wallet_never_goes_below_zero_and_every_move_balances(ops in prop::collection::vec(op(), 1..60)) {
        let mut wallet = Wallet::default();
        let mut payments: Vec<Payment> = Vec::new();
        // What came in and went out, by account, over the whole run.
        let (mut funded, mut promoted, mut settled) = (0i64, 0i64, 0i64);
        for op in ops {
            let before = wallet;
            let decided = match &op {
                Op::TopUp { amount, bonus } => wallet.top_up(*amount, *bonus, 0, Some(BALANCE_MAX)),
                Op::Pay { amount, partial } => wallet.pay(*amount, *partial),
                Op::Refund { payment, amount } if !payments.is_empty() => {
                    let p = &payments[payment.index(payments.len())];
                    wallet.refund(p.taken, p.refunded, *amount)
                }
                Op::Refund { .. } => continue,
                Op::CashOut(amount) => wallet.cash_out(*amount),
            };
            let posting = match decided {
                Ok(posting) => posting,
                Err(refused) => {
                    // A refusal holds for a reason the wallet shows.
                    match refused {
                        WalletError::Insufficient { available, requested } => {
                            prop_assert_eq!(available, before.total());
                            prop_assert!(requested > available || available == 0);
                        }
                        WalletError::OverBalanceMax { after, .. } => prop_assert!(after > BALANCE_MAX),
                        WalletError::CashOutOverPrincipal { principal, requested } => {
                            prop_assert!(requested > principal);
                        }
                        WalletError::RefundOverPayment { left, requested } => prop_assert!(requested > left),
                        WalletError::NotPositive => prop_assert!(false, "amounts are positive"),
                    }
                    continue;
                }
            };
            prop_assert!(posting.is_balanced(), "{posting:?}");
            wallet = wallet.after(&posting);
            prop_assert!(wallet.principal >= 0 && wallet.bonus >= 0, "{op:?} left {wallet:?}");
            prop_assert!(wallet.total() <= BALANCE_MAX + 200_000, "top-ups stay within the most");
            funded += posting.delta(WalletAccount::Funding);
            promoted += posting.delta(WalletAccount::Promotion);
            settled += posting.delta(WalletAccount::Settlement);
            match (&op, posting.kind) {
                (Op::Pay { amount, partial }, WalletMoveKind::Payment) => {
                    let paid = Paid::of(&posting);
                    if !partial {
                        prop_assert_eq!(paid.total(), *amount);
                    }
                    // Bonus is spent only once principal is gone.
                    prop_assert!(paid.bonus == 0 || wallet.principal == 0, "{paid:?} {wallet:?}");
                    payments.push(Payment { taken: paid, refunded: Paid::default() });
                }
                (Op::Refund { payment, .. }, WalletMoveKind::Refund) => {
                    let i = payment.index(payments.len());
                    let p = &mut payments[i];
                    p.refunded = p.refunded.plus(Paid::of(&posting));
                    // Never more of either kind than the payment took.
                    prop_assert!(p.refunded.principal <= p.taken.principal, "principal over-refunded");
                    prop_assert!(p.refunded.bonus <= p.taken.bonus, "bonus over-refunded");
                    if p.refunded.total() == p.taken.total() {
                        prop_assert_eq!(p.refunded, p.taken, "a whole refund gives back exactly");
                    }
                }
                (Op::CashOut(_), WalletMoveKind::CashOut) => {
                    prop_assert_eq!(wallet.bonus, before.bonus, "bonus is never paid out");
                }
                (Op::TopUp { .. }, WalletMoveKind::TopUp) => {}
                (op, kind) => prop_assert!(false, "{op:?} made a {kind:?}"),
            }
        }
        // What the wallet holds is what came in less what went out.
        prop_assert_eq!(wallet.total(), -(funded + promoted + settled));
    }
}
