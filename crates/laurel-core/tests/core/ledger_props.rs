//! Properties of the ledger over random sequences of operations.
//!
//! A simulated member goes through earns (historical or current, pending or not, expiring or
//! not), redemptions, staff credits and debits, expiry and release runs at random instants,
//! and refund reversals of random lots under both clawback policies. Every posting is
//! applied; each property then checks one promise on every step.

use crate::fixtures::{days, net, ts};
use jiff::Timestamp;
use laurel_core::earn::LotSchedule;
use laurel_core::ledger::{
    Account, LedgerError, Lot, LotEffect, LotId, LotState, MemberLedger, Posting,
};
use laurel_core::{ClawbackPolicy, Points};
use proptest::prelude::*;
use proptest::sample::Index;

/// Start of the simulated period; every instant is a whole number of days after it.
const EPOCH: &str = "2026-01-01T00:00:00Z";
/// Length of the simulated period, in days.
const HORIZON: i64 = 800;

fn day(n: i64) -> Timestamp {
    ts(EPOCH) + days(n)
}

#[derive(Debug, Clone)]
enum Op {
    /// Earn `amount`, `back` days before the clock, pending and expiring `pending`/`expires`
    /// days after it was earned.
    Earn {
        amount: i64,
        back: i64,
        pending: Option<i64>,
        expires: Option<i64>,
    },
    Redeem(i64),
    AdjustCredit {
        amount: i64,
        expires: Option<i64>,
    },
    AdjustDebit(i64),
    /// Run expiry at this day of the period.
    Expire(i64),
    /// Run release at this day of the period.
    Release(i64),
    /// Reverse a refund of an earlier earn (any lot ever opened, open or closed) or of none.
    Reverse {
        source: Option<Index>,
        amount: i64,
        clawback: ClawbackPolicy,
    },
    /// Let days pass.
    Wait(i64),
}

fn op() -> impl Strategy<Value = Op> {
    let amount = 1_i64..=300;
    let clawback = prop_oneof![
        Just(ClawbackPolicy::AllowNegative),
        Just(ClawbackPolicy::CapAtZero)
    ];
    prop_oneof![
        4 => (amount.clone(), 0_i64..=60, prop::option::of(0_i64..=45), prop::option::of(0_i64..=400))
            .prop_map(|(amount, back, pending, expires)| Op::Earn { amount, back, pending, expires }),
        3 => amount.clone().prop_map(Op::Redeem),
        1 => (amount.clone(), prop::option::of(0_i64..=400))
            .prop_map(|(amount, expires)| Op::AdjustCredit { amount, expires }),
        1 => amount.clone().prop_map(Op::AdjustDebit),
        2 => (0..HORIZON).prop_map(Op::Expire),
        2 => (0..HORIZON).prop_map(Op::Release),
        2 => (prop::option::of(any::<Index>()), amount, clawback)
            .prop_map(|(source, amount, clawback)| Op::Reverse { source, amount, clawback }),
        2 => (1_i64..=60).prop_map(Op::Wait),
    ]
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    prop::collection::vec(op(), 1..40)
}

/// What one operation did.
#[derive(Debug)]
struct Step {
    op: Op,
    /// The instant the operation ran at (expiry and release runs: their own instant).
    at: Timestamp,
    before: MemberLedger,
    /// The posting applied, `None` when the operation had nothing to do, or the refusal.
    outcome: Result<Option<Posting>, LedgerError>,
    after: MemberLedger,
}

/// Runs the operations from an empty ledger, applying every posting with sequential lot ids.
/// Applying must always succeed: `apply` checks that entries sum to zero and that balances
/// equal the open lots.
fn run(ops: &[Op]) -> Vec<Step> {
    let mut ledger = MemberLedger::default();
    let mut clock = day(60);
    let mut next_id = 0_i64;
    let mut opened: Vec<LotId> = Vec::new();
    let mut steps = Vec::with_capacity(ops.len());
    for op in ops {
        let before = ledger.clone();
        let mut at = clock;
        let outcome = match op.clone() {
            Op::Earn {
                amount,
                back,
                pending,
                expires,
            } => {
                let earned_at = clock - days(back);
                let schedule = LotSchedule {
                    pending_until: pending.map(|d| earned_at + days(d)),
                    expires_at: expires.map(|d| earned_at + days(d)),
                };
                ledger
                    .earn(Points(amount), earned_at, schedule, clock)
                    .map(Some)
            }
            Op::Redeem(amount) => ledger.redeem(Points(amount)).map(Some),
            Op::AdjustCredit { amount, expires } => ledger
                .adjust_credit(Points(amount), clock, expires.map(|d| clock + days(d)))
                .map(Some),
            Op::AdjustDebit(amount) => ledger.adjust_debit(Points(amount)).map(Some),
            Op::Expire(d) => {
                at = day(d);
                Ok(ledger.expire(at))
            }
            Op::Release(d) => {
                at = day(d);
                Ok(ledger.release(at))
            }
            Op::Reverse {
                source,
                amount,
                clawback,
            } => {
                let source = source
                    .filter(|_| !opened.is_empty())
                    .map(|i| *i.get(&opened));
                ledger.reverse(source, Points(amount), clawback).map(Some)
            }
            Op::Wait(n) => {
                clock += days(n);
                Ok(None)
            }
        };
        if let Ok(Some(posting)) = &outcome {
            ledger
                .apply(posting, || {
                    next_id += 1;
                    opened.push(LotId(next_id));
                    LotId(next_id)
                })
                .unwrap_or_else(|e| {
                    panic!("{op:?} on {before:?} gave {posting:?}, breaking an invariant: {e}")
                });
        }
        steps.push(Step {
            op: op.clone(),
            at,
            before,
            outcome,
            after: ledger.clone(),
        });
    }
    steps
}

/// The postings applied, in order.
fn postings(steps: &[Step]) -> impl Iterator<Item = &Posting> {
    steps
        .iter()
        .filter_map(|s| s.outcome.as_ref().ok().and_then(Option::as_ref))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_posting_balances_and_keeps_balances_equal_to_open_lots(ops in ops()) {
        for step in run(&ops) {
            if let Ok(Some(posting)) = &step.outcome {
                prop_assert_eq!(net(posting), Points::ZERO, "{:?}", step.op);
                for m in &posting.movements {
                    prop_assert!(m.amount.is_positive(), "movements are positive: {:?}", posting);
                    prop_assert_ne!(m.from, m.to);
                }
            }
            prop_assert_eq!(step.after.check(), Ok(()));
            prop_assert!(step.after.lots.iter().all(|l| l.remaining.is_positive()), "only open lots are kept");
            prop_assert!(step.after.pending >= Points::ZERO);
        }
    }

    #[test]
    fn member_balances_equal_the_running_sum_of_posting_deltas(ops in ops()) {
        let steps = run(&ops);
        let (mut available, mut pending) = (Points::ZERO, Points::ZERO);
        for step in &steps {
            if let Ok(Some(posting)) = &step.outcome {
                available += posting.delta(Account::MemberAvailable);
                pending += posting.delta(Account::MemberPending);
            } else {
                prop_assert_eq!(&step.before, &step.after, "a refusal or no-op changes nothing");
            }
            prop_assert_eq!(step.after.available, available);
            prop_assert_eq!(step.after.pending, pending);
        }
    }

    #[test]
    fn no_point_vanishes_member_balances_mirror_the_program_accounts(ops in ops()) {
        let steps = run(&ops);
        let mut totals = [Points::ZERO; Account::ALL.len()];
        for posting in postings(&steps) {
            for (account, amount) in posting.entries() {
                let i = Account::ALL.iter().position(|a| *a == account).unwrap();
                totals[i] += amount;
            }
        }
        let member: Points = Account::ALL.iter().zip(totals).filter(|(a, _)| a.is_member()).map(|(_, t)| t).sum();
        let program: Points = Account::ALL.iter().zip(totals).filter(|(a, _)| !a.is_member()).map(|(_, t)| t).sum();
        prop_assert_eq!(member, -program);
        let last = &steps[steps.len() - 1].after;
        prop_assert_eq!(member, last.available + last.pending);
    }

    #[test]
    fn redemptions_and_debits_never_take_available_below_zero_and_are_refused_when_short(ops in ops()) {
        for step in run(&ops) {
            let (Op::Redeem(amount) | Op::AdjustDebit(amount)) = step.op else { continue };
            let amount = Points(amount);
            match &step.outcome {
                Ok(Some(posting)) => {
                    prop_assert!(step.before.available >= amount);
                    prop_assert_eq!(posting.delta(Account::MemberAvailable), -amount);
                    prop_assert_eq!(posting.delta(Account::MemberPending), Points::ZERO);
                    let drawn: Points = posting.lots.iter().map(|e| match e {
                        LotEffect::Draw { amount, .. } => *amount,
                        other => panic!("a debit only draws on lots: {other:?}"),
                    }).sum();
                    prop_assert_eq!(drawn, amount, "every debited point names its lot");
                    prop_assert!(step.after.available >= Points::ZERO);
                }
                Err(refusal) => {
                    prop_assert_eq!(
                        refusal,
                        &LedgerError::Insufficient { available: step.before.available, requested: amount }
                    );
                    prop_assert!(step.before.available < amount);
                }
                Ok(None) => prop_assert!(false, "a debit always decides"),
            }
        }
    }

    #[test]
    fn only_allow_negative_reversals_take_available_below_zero(ops in ops()) {
        for step in run(&ops) {
            let floor = step.before.available.min(Points::ZERO);
            let allowed = matches!(step.op, Op::Reverse { clawback: ClawbackPolicy::AllowNegative, .. });
            if !allowed {
                prop_assert!(step.after.available >= floor, "{:?} took {:?} to {:?}", step.op, step.before.available, step.after.available);
            }
        }
    }

    #[test]
    fn a_reversal_takes_exactly_its_amount_or_records_the_shortfall(ops in ops()) {
        for step in run(&ops) {
            let Op::Reverse { amount, clawback, .. } = step.op else { continue };
            let Ok(Some(posting)) = &step.outcome else {
                prop_assert!(false, "a positive reversal always decides: {:?}", step.outcome);
                continue;
            };
            let taken = -(posting.delta(Account::MemberAvailable) + posting.delta(Account::MemberPending));
            prop_assert_eq!(taken + posting.shortfall, Points(amount));
            prop_assert_eq!(posting.delta(Account::Reversed), taken);
            match clawback {
                ClawbackPolicy::AllowNegative => prop_assert_eq!(posting.shortfall, Points::ZERO),
                ClawbackPolicy::CapAtZero => {
                    prop_assert!(posting.shortfall >= Points::ZERO);
                    // Points are only short when every open point the reversal may take was taken.
                    if posting.shortfall.is_positive() {
                        prop_assert!(step.after.lots.iter().all(|l| l.state != LotState::Available));
                    }
                }
            }
        }
    }

    #[test]
    fn expire_and_release_leave_nothing_due_and_a_second_run_yields_none(ops in ops()) {
        for step in run(&ops) {
            match step.op {
                Op::Expire(_) => {
                    prop_assert!(step.after.lots.iter().all(|l| l.expires_at.is_none_or(|e| e > step.at)));
                    prop_assert_eq!(step.after.expire(step.at), None);
                    if let Ok(Some(posting)) = &step.outcome {
                        prop_assert_eq!(posting.delta(Account::Expired), step.before.lots.iter()
                            .filter(|l| l.expires_at.is_some_and(|e| e <= step.at)).map(|l| l.remaining).sum::<Points>());
                    }
                }
                Op::Release(_) => {
                    let due = |l: &&Lot| matches!(l.state, LotState::Pending { until } if until <= step.at);
                    prop_assert_eq!(step.after.lots.iter().filter(due).count(), 0);
                    prop_assert_eq!(step.after.release(step.at), None);
                    // Releasing moves points, it never creates or destroys them.
                    prop_assert_eq!(step.after.available + step.after.pending, step.before.available + step.before.pending);
                }
                _ => {}
            }
        }
    }
}
