//! Transfers between members: the sender's points leave through the clearing account with
//! their fee, the receiver's lots open with the expiry each point had, a debt is repaid
//! first, and over any run of transfers both ways no point is made or lost.

use crate::fixtures::{Book, days, moved, net, now, pts, ts};
use laurel_core::Points;
use laurel_core::ledger::{Account, LedgerError, LotEffect, MemberLedger, PostingKind};
use proptest::prelude::*;

const SOON: &str = "2027-01-31T16:00:00Z";
const LATER: &str = "2027-06-30T16:00:00Z";

#[test]
fn the_fee_takes_the_soonest_expiring_points_and_the_transfer_carries_the_next_with_their_expiry() {
    let mut sender = Book::new();
    let soon = sender.earn_available(30, Some(SOON));
    let later = sender.earn_available(100, Some(LATER));
    let sent = sender.ledger.send(pts(80), pts(10)).unwrap();

    let fee = sent.fee.clone().unwrap();
    assert_eq!(fee.kind, PostingKind::TransferFee);
    assert_eq!(
        moved(&fee, Account::MemberAvailable, Account::Redeemed),
        pts(10)
    );
    assert_eq!(sent.out.kind, PostingKind::TransferOut);
    assert_eq!(
        moved(&sent.out, Account::MemberAvailable, Account::Transferred),
        pts(80)
    );
    let carried: Vec<_> = sent
        .carried
        .iter()
        .map(|d| (d.lot, d.amount, d.expires_at))
        .collect();
    assert_eq!(
        carried,
        [
            (soon, pts(20), Some(ts(SOON))),
            (later, pts(60), Some(ts(LATER)))
        ]
    );
    sender.apply(&fee);
    sender.apply(&sent.out);
    assert_eq!(sender.available(), pts(40));

    let mut receiver = Book::new();
    let received = receiver.ledger.receive(&sent.carried, now()).unwrap();
    assert_eq!(received.kind, PostingKind::TransferIn);
    let opened = receiver.apply(&received);
    assert_eq!(receiver.available(), pts(80));
    let lots: Vec<_> = opened
        .iter()
        .map(|id| receiver.lot(*id).map(|l| (l.remaining, l.expires_at)))
        .collect();
    assert_eq!(
        lots,
        [
            Some((pts(20), Some(ts(SOON)))),
            Some((pts(60), Some(ts(LATER))))
        ]
    );
    assert_eq!(
        net(&sent.out) + net(&received),
        Points::ZERO,
        "both sides balance"
    );
    let cleared = sent.out.entries().into_iter().chain(received.entries());
    let through: Points = cleared
        .filter(|(a, _)| *a == Account::Transferred)
        .map(|(_, p)| p)
        .sum();
    assert_eq!(through, Points::ZERO, "the clearing account is empty after");
}

#[test]
fn a_sender_who_cannot_pay_the_points_and_the_fee_is_refused_whole() {
    let mut sender = Book::new();
    sender.earn_available(100, None);
    assert_eq!(
        sender.ledger.send(pts(95), pts(10)),
        Err(LedgerError::Insufficient {
            available: pts(100),
            requested: pts(105)
        })
    );
    assert_eq!(
        sender.ledger.send(pts(0), pts(0)),
        Err(LedgerError::NonPositive(pts(0)))
    );
}

#[test]
fn a_transfer_without_a_fee_has_no_fee_posting() {
    let mut sender = Book::new();
    sender.earn_available(100, None);
    let sent = sender.ledger.send(pts(100), pts(0)).unwrap();
    assert_eq!(sent.fee, None);
    assert_eq!(
        sent.carried.iter().map(|d| d.amount).sum::<Points>(),
        pts(100)
    );
}

#[test]
fn points_received_repay_a_debt_first_from_those_that_expire_soonest() {
    let mut sender = Book::new();
    sender.earn_available(50, Some(LATER));
    sender.earn_available(50, Some(SOON));
    let sent = sender.ledger.send(pts(100), pts(0)).unwrap();
    let mut receiver = Book::new();
    receiver.owe(70);
    let received = receiver.ledger.receive(&sent.carried, now()).unwrap();
    let opened = receiver.apply(&received);
    assert_eq!(receiver.available(), pts(30));
    let kept: Vec<_> = opened
        .iter()
        .filter_map(|id| receiver.lot(*id))
        .map(|l| (l.remaining, l.expires_at))
        .collect();
    assert_eq!(
        kept,
        [(pts(30), Some(ts(LATER)))],
        "the soon lot repaid the debt"
    );
    let from: Vec<_> = received
        .lots
        .iter()
        .filter_map(|e| match e {
            LotEffect::Open(new) => new.carried_from,
            _ => None,
        })
        .collect();
    assert_eq!(
        from.len(),
        2,
        "every lot names the sender's lot it came from"
    );
}

/// One step between two members, A (0) and B (1).
#[derive(Debug, Clone)]
enum Step {
    /// A member earns, expiring in so many days (or never).
    Earn(usize, i64, Option<i64>),
    /// A member sends points with a fee.
    Send(usize, i64, i64),
    /// A member spends.
    Redeem(usize, i64),
}

fn step() -> impl Strategy<Value = Step> {
    let who = 0_usize..2;
    prop_oneof![
        2 => (who.clone(), 1_i64..500, prop::option::of(1_i64..400)).prop_map(|(w, a, e)| Step::Earn(w, a, e)),
        3 => (who.clone(), 1_i64..600, 0_i64..20).prop_map(|(w, a, f)| Step::Send(w, a, f)),
        1 => (who, 1_i64..300).prop_map(|(w, a)| Step::Redeem(w, a)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn transfers_both_ways_make_and_lose_no_point_and_keep_every_expiry(
        steps in prop::collection::vec(step(), 1..40),
    ) {
        let mut books = [Book::new(), Book::new()];
        let (mut earned, mut spent) = (Points::ZERO, Points::ZERO);
        for step in steps {
            match step {
                Step::Earn(w, amount, expires) => {
                    let expires_at = expires.map(|d| now() + days(d));
                    let posting = books[w].ledger
                        .adjust_credit(pts(amount), now(), expires_at)
                        .unwrap();
                    books[w].apply(&posting);
                    earned += pts(amount);
                }
                Step::Redeem(w, amount) => {
                    if let Ok(posting) = books[w].ledger.redeem(pts(amount)) {
                        books[w].apply(&posting);
                        spent += pts(amount);
                    }
                }
                Step::Send(w, amount, fee) => {
                    let before: MemberLedger = books[w].ledger.clone();
                    match books[w].ledger.send(pts(amount), pts(fee)) {
                        Err(LedgerError::Insufficient { .. }) => {
                            prop_assert!(before.available < pts(amount + fee));
                        }
                        Err(e) => prop_assert!(false, "{e}"),
                        Ok(sent) => {
                            for (d, lot) in sent.carried.iter().map(|d| (d, before.lots.iter().find(|l| l.id == d.lot))) {
                                prop_assert_eq!(lot.map(|l| l.expires_at), Some(d.expires_at), "a carried point keeps its expiry");
                            }
                            if let Some(fee) = &sent.fee {
                                books[w].apply(fee);
                                spent += pts(fee_of(fee));
                            }
                            books[w].apply(&sent.out);
                            let received = books[1 - w].ledger.receive(&sent.carried, now()).unwrap();
                            prop_assert_eq!(received.delta(Account::MemberAvailable), pts(amount));
                            books[1 - w].apply(&received);
                        }
                    }
                }
            }
            let held = books[0].available() + books[1].available();
            prop_assert_eq!(held, earned - spent, "points are only made by earning and lost by spending");
        }
    }
}

fn fee_of(posting: &laurel_core::ledger::Posting) -> i64 {
    moved(posting, Account::MemberAvailable, Account::Redeemed).get()
}
