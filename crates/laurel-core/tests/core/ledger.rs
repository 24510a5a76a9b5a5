//! The ledger algebra, by example: each operation reads a member's ledger and returns the
//! posting to store. Every posting here is applied through [`Book`], which asserts that it
//! balances and keeps balances equal to lots.

use crate::fixtures::{Book, NOW, moved, net, now, pts, schedule, ts};
use laurel_core::ledger::{
    Account, InvariantViolation, LedgerError, Lot, LotEffect, LotId, LotState, MemberLedger,
    Movement, NewLot, Posting, PostingKind,
};
use laurel_core::{ClawbackPolicy, Points};

use Account::{Adjusted, Expired, Issued, MemberAvailable, MemberPending, Redeemed, Reversed};

fn draw(lot: LotId, amount: i64) -> LotEffect {
    LotEffect::Draw {
        lot,
        amount: pts(amount),
    }
}

fn movement(from: Account, to: Account, amount: i64) -> Movement {
    Movement {
        from,
        to,
        amount: pts(amount),
    }
}

const LATE_2026: &str = "2026-12-01T00:00:00Z";
const EARLY_2027: &str = "2027-02-01T00:00:00Z";
const LATE_2027: &str = "2027-12-01T00:00:00Z";

// --- earn ---------------------------------------------------------------------------------

#[test]
fn earn_opens_an_available_lot_when_there_is_no_return_window() {
    let book = Book::new();
    let posting = book
        .ledger
        .earn(pts(100), now(), schedule(None, Some(LATE_2027)), now())
        .unwrap();
    assert_eq!(posting.kind, PostingKind::Earn);
    assert_eq!(
        posting.movements,
        vec![movement(Issued, MemberAvailable, 100)]
    );
    assert_eq!(
        posting.lots,
        vec![LotEffect::Open(NewLot {
            amount: pts(100),
            remaining: pts(100),
            earned_at: now(),
            expires_at: Some(ts(LATE_2027)),
            state: LotState::Available,
            carried_from: None,
        })]
    );
    assert_eq!(posting.shortfall, Points::ZERO);

    let mut book = book;
    let ids = book.apply(&posting);
    assert_eq!((book.available(), book.pending()), (pts(100), pts(0)));
    assert_eq!(
        book.ledger.lots,
        vec![Lot {
            id: ids[0],
            remaining: pts(100),
            earned_at: now(),
            expires_at: Some(ts(LATE_2027)),
            state: LotState::Available,
        }]
    );
}

#[test]
fn earn_opens_a_pending_lot_while_the_return_window_is_open() {
    let mut book = Book::new();
    let until = "2026-06-15T00:00:00Z";
    let posting = book
        .ledger
        .earn(pts(80), now(), schedule(Some(until), None), now())
        .unwrap();
    assert_eq!(posting.movements, vec![movement(Issued, MemberPending, 80)]);
    let id = book.apply(&posting)[0];
    assert_eq!((book.available(), book.pending()), (pts(0), pts(80)));
    assert_eq!(
        book.lot(id).unwrap().state,
        LotState::Pending { until: ts(until) }
    );
    assert_eq!(book.lot(id).unwrap().account(), MemberPending);
}

#[test]
fn earn_whose_return_window_closes_exactly_now_is_available() {
    let mut book = Book::new();
    let id = book.earn(50, schedule(Some(NOW), None));
    assert_eq!(book.lot(id).unwrap().state, LotState::Available);
    assert_eq!((book.available(), book.pending()), (pts(50), pts(0)));
}

#[test]
fn a_historical_earn_whose_window_already_closed_is_available_at_once() {
    let mut book = Book::new();
    let earned_at = ts("2026-03-01T00:00:00Z");
    let sched = schedule(Some("2026-03-31T00:00:00Z"), Some(LATE_2027));
    let posting = book.ledger.earn(pts(40), earned_at, sched, now()).unwrap();
    assert_eq!(
        posting.movements,
        vec![movement(Issued, MemberAvailable, 40)]
    );
    let id = book.apply(&posting)[0];
    let lot = book.lot(id).unwrap();
    assert_eq!(lot.state, LotState::Available);
    assert_eq!(
        lot.earned_at, earned_at,
        "the lot keeps the instant it was earned"
    );
    assert_eq!(book.available(), pts(40));
}

#[test]
fn non_positive_amounts_are_refused_by_every_operation() {
    let mut book = Book::new();
    let lot = book.earn_available(100, None);
    let l = &book.ledger;
    for amount in [pts(0), pts(-5)] {
        let refused = Err(LedgerError::NonPositive(amount));
        assert_eq!(l.earn(amount, now(), schedule(None, None), now()), refused);
        assert_eq!(l.adjust_credit(amount, now(), None), refused);
        assert_eq!(l.redeem(amount), refused);
        assert_eq!(l.adjust_debit(amount), refused);
        assert_eq!(
            l.reverse(Some(lot), amount, ClawbackPolicy::AllowNegative),
            refused
        );
        assert_eq!(l.reverse(None, amount, ClawbackPolicy::CapAtZero), refused);
    }
}

// --- redeem and adjust --------------------------------------------------------------------

#[test]
fn redemption_consumes_soonest_expiring_lot_first() {
    let mut book = Book::new();
    let late = book.earn_available(100, Some(LATE_2027));
    let soon = book.earn_available(100, Some(LATE_2026));
    let middle = book.earn_available(100, Some(EARLY_2027));
    let posting = book.ledger.redeem(pts(150)).unwrap();
    assert_eq!(posting.lots, vec![draw(soon, 100), draw(middle, 50)]);
    book.apply(&posting);
    assert_eq!(
        (
            book.remaining(soon),
            book.remaining(middle),
            book.remaining(late)
        ),
        (pts(0), pts(50), pts(100))
    );
}

#[test]
fn never_expiring_lots_are_spent_last() {
    let mut book = Book::new();
    let forever = book.earn_available(100, None);
    let expiring = book.earn_available(100, Some(LATE_2027));
    let posting = book.ledger.redeem(pts(120)).unwrap();
    assert_eq!(posting.lots, vec![draw(expiring, 100), draw(forever, 20)]);
}

#[test]
fn lots_expiring_together_are_spent_oldest_first() {
    let mut book = Book::new();
    let newer = book.ledger.earn(
        pts(10),
        ts("2026-05-02T00:00:00Z"),
        schedule(None, Some(LATE_2026)),
        now(),
    );
    let newer = book.apply(&newer.unwrap())[0];
    let older = book.ledger.earn(
        pts(10),
        ts("2026-05-01T00:00:00Z"),
        schedule(None, Some(LATE_2026)),
        now(),
    );
    let older = book.apply(&older.unwrap())[0];
    let same_instant = book.earn_available(10, Some(LATE_2026));
    let same_instant_later_id = book.earn_available(10, Some(LATE_2026));
    let posting = book.ledger.redeem(pts(40)).unwrap();
    assert_eq!(
        posting.lots,
        vec![
            draw(older, 10),
            draw(newer, 10),
            draw(same_instant, 10),
            draw(same_instant_later_id, 10)
        ]
    );
}

#[test]
fn redemption_records_the_lot_each_debit_drew_on_and_moves_points_to_redeemed() {
    let mut book = Book::new();
    let a = book.earn_available(30, Some(LATE_2026));
    let b = book.earn_available(30, None);
    let posting = book.ledger.redeem(pts(45)).unwrap();
    assert_eq!(posting.kind, PostingKind::Redeem);
    assert_eq!(
        posting.movements,
        vec![movement(MemberAvailable, Redeemed, 45)]
    );
    assert_eq!(posting.lots, vec![draw(a, 30), draw(b, 15)]);
    assert_eq!(
        posting.entries(),
        vec![(MemberAvailable, pts(-45)), (Redeemed, pts(45))]
    );
    book.apply(&posting);
    assert_eq!(book.available(), pts(15));
    assert!(book.lot(a).is_none(), "an emptied lot is closed");
    assert_eq!(book.remaining(b), pts(15));
}

#[test]
fn redeeming_the_whole_balance_closes_every_lot() {
    let mut book = Book::new();
    book.earn_available(30, Some(LATE_2026));
    book.earn_available(70, None);
    let posting = book.ledger.redeem(pts(100)).unwrap();
    book.apply(&posting);
    assert_eq!(book.ledger, MemberLedger::default());
}

#[test]
fn redemption_beyond_available_is_refused_whole() {
    let mut book = Book::new();
    book.earn_available(50, None);
    let before = book.ledger.clone();
    assert_eq!(
        book.ledger.redeem(pts(51)),
        Err(LedgerError::Insufficient {
            available: pts(50),
            requested: pts(51)
        })
    );
    assert_eq!(
        book.ledger.adjust_debit(pts(51)),
        Err(LedgerError::Insufficient {
            available: pts(50),
            requested: pts(51)
        })
    );
    assert_eq!(book.ledger, before);
}

#[test]
fn pending_points_cannot_be_redeemed() {
    let mut book = Book::new();
    book.earn_available(50, None);
    book.earn_pending(100, "2026-07-01T00:00:00Z");
    assert_eq!(
        book.ledger.redeem(pts(60)),
        Err(LedgerError::Insufficient {
            available: pts(50),
            requested: pts(60)
        })
    );
}

#[test]
fn nothing_can_be_redeemed_while_the_balance_is_negative() {
    let mut book = Book::new();
    book.owe(20);
    book.earn_pending(100, "2026-07-01T00:00:00Z");
    assert_eq!(
        book.ledger.redeem(pts(1)),
        Err(LedgerError::Insufficient {
            available: pts(-20),
            requested: pts(1)
        })
    );
}

#[test]
fn staff_debit_draws_like_a_redemption_into_the_adjusted_account() {
    let mut book = Book::new();
    let forever = book.earn_available(100, None);
    let soon = book.earn_available(10, Some(LATE_2026));
    let posting = book.ledger.adjust_debit(pts(25)).unwrap();
    assert_eq!(posting.kind, PostingKind::AdjustDebit);
    assert_eq!(
        posting.movements,
        vec![movement(MemberAvailable, Adjusted, 25)]
    );
    assert_eq!(posting.lots, vec![draw(soon, 10), draw(forever, 15)]);
    book.apply(&posting);
    assert_eq!(book.available(), pts(85));
}

#[test]
fn staff_credit_is_available_at_once_with_its_own_expiry() {
    let mut book = Book::new();
    let posting = book
        .ledger
        .adjust_credit(pts(25), now(), Some(ts(LATE_2026)))
        .unwrap();
    assert_eq!(posting.kind, PostingKind::AdjustCredit);
    assert_eq!(
        posting.movements,
        vec![movement(Adjusted, MemberAvailable, 25)]
    );
    let id = book.apply(&posting)[0];
    let lot = book.lot(id).unwrap();
    assert_eq!(
        (lot.remaining, lot.state, lot.expires_at),
        (pts(25), LotState::Available, Some(ts(LATE_2026)))
    );
}

// --- expire -------------------------------------------------------------------------------

#[test]
fn expire_takes_exactly_the_lots_due_at_or_before_now() {
    let mut book = Book::new();
    let overdue = book.earn_available(10, Some("2026-05-31T23:59:59Z"));
    let due_now = book.earn_available(20, Some(NOW));
    let not_yet = book.earn_available(40, Some("2026-06-01T00:00:01Z"));
    let never = book.earn_available(80, None);
    let posting = book.ledger.expire(now()).unwrap();
    assert_eq!(posting.kind, PostingKind::Expire);
    assert_eq!(
        posting.movements,
        vec![movement(MemberAvailable, Expired, 30)]
    );
    assert_eq!(posting.lots, vec![draw(overdue, 10), draw(due_now, 20)]);
    book.apply(&posting);
    assert_eq!(book.available(), pts(120));
    assert_eq!(
        book.ledger.lots.iter().map(|l| l.id).collect::<Vec<_>>(),
        vec![not_yet, never]
    );
}

#[test]
fn expire_takes_due_points_from_both_available_and_pending() {
    let mut book = Book::new();
    let available = book.earn_available(10, Some(LATE_2026));
    let pending = book.earn(20, schedule(Some(EARLY_2027), Some(LATE_2026)));
    let posting = book.ledger.expire(ts(LATE_2026)).unwrap();
    assert_eq!(
        posting.movements,
        vec![
            movement(MemberAvailable, Expired, 10),
            movement(MemberPending, Expired, 20)
        ]
    );
    assert_eq!(posting.lots, vec![draw(available, 10), draw(pending, 20)]);
    book.apply(&posting);
    assert_eq!(book.ledger, MemberLedger::default());
}

#[test]
fn expire_takes_only_what_is_left_of_a_partly_spent_lot() {
    let mut book = Book::new();
    let lot = book.earn_available(100, Some(LATE_2026));
    let spend = book.ledger.redeem(pts(70)).unwrap();
    book.apply(&spend);
    let posting = book.ledger.expire(ts(LATE_2026)).unwrap();
    assert_eq!(
        posting.movements,
        vec![movement(MemberAvailable, Expired, 30)]
    );
    assert_eq!(posting.lots, vec![draw(lot, 30)]);
}

#[test]
fn expire_with_nothing_due_yields_none() {
    let mut book = Book::new();
    assert_eq!(book.ledger.expire(now()), None);
    book.earn_available(10, Some(LATE_2026));
    book.earn_available(10, None);
    assert_eq!(book.ledger.expire(now()), None);
}

#[test]
fn expire_is_idempotent_a_second_run_yields_none() {
    let mut book = Book::new();
    book.earn_available(10, Some(LATE_2026));
    book.earn(10, schedule(Some(LATE_2027), Some(LATE_2026)));
    let first = book.ledger.expire(ts(LATE_2027)).unwrap();
    book.apply(&first);
    assert_eq!(book.ledger.expire(ts(LATE_2027)), None);
}

// --- release ------------------------------------------------------------------------------

#[test]
fn release_makes_available_the_pending_lots_whose_window_closed() {
    let mut book = Book::new();
    let closed = book.earn_pending(30, "2026-06-10T00:00:00Z");
    let closes_now = book.earn_pending(20, "2026-06-15T00:00:00Z");
    let still_open = book.earn_pending(50, "2026-06-15T00:00:01Z");
    let posting = book.ledger.release(ts("2026-06-15T00:00:00Z")).unwrap();
    assert_eq!(posting.kind, PostingKind::Release);
    assert_eq!(
        posting.movements,
        vec![movement(MemberPending, MemberAvailable, 50)]
    );
    assert_eq!(
        posting.lots,
        vec![
            LotEffect::Release {
                lot: closed,
                repaid: pts(0)
            },
            LotEffect::Release {
                lot: closes_now,
                repaid: pts(0)
            },
        ]
    );
    book.apply(&posting);
    assert_eq!((book.available(), book.pending()), (pts(50), pts(50)));
    assert_eq!(book.lot(closed).unwrap().state, LotState::Available);
    assert_eq!(book.lot(closes_now).unwrap().state, LotState::Available);
    assert!(matches!(
        book.lot(still_open).unwrap().state,
        LotState::Pending { .. }
    ));
}

#[test]
fn release_with_nothing_due_yields_none() {
    let mut book = Book::new();
    assert_eq!(book.ledger.release(now()), None);
    book.earn_available(10, None);
    book.earn_pending(10, "2026-07-01T00:00:00Z");
    assert_eq!(book.ledger.release(now()), None);
}

#[test]
fn release_is_idempotent_a_second_run_yields_none() {
    let mut book = Book::new();
    book.earn_pending(10, "2026-07-01T00:00:00Z");
    let first = book.ledger.release(ts(LATE_2026)).unwrap();
    book.apply(&first);
    assert_eq!(book.ledger.release(ts(LATE_2026)), None);
}

#[test]
fn release_repays_a_negative_balance_before_crediting_available() {
    let mut book = Book::new();
    let lot = book.earn_pending(100, "2026-07-01T00:00:00Z");
    book.owe(30);
    assert_eq!(book.available(), pts(-30));
    let posting = book.ledger.release(ts(LATE_2026)).unwrap();
    assert_eq!(
        posting.movements,
        vec![movement(MemberPending, MemberAvailable, 100)]
    );
    assert_eq!(
        posting.lots,
        vec![LotEffect::Release {
            lot,
            repaid: pts(30)
        }]
    );
    book.apply(&posting);
    assert_eq!((book.available(), book.pending()), (pts(70), pts(0)));
    assert_eq!(book.remaining(lot), pts(70));
}

#[test]
fn release_repays_debt_from_the_oldest_lots_first() {
    let mut book = Book::new();
    let newer = book.ledger.earn(
        pts(50),
        ts("2026-05-20T00:00:00Z"),
        schedule(Some("2026-07-01T00:00:00Z"), None),
        now(),
    );
    let newer = book.apply(&newer.unwrap())[0];
    let older = book.ledger.earn(
        pts(20),
        ts("2026-05-10T00:00:00Z"),
        schedule(Some("2026-07-01T00:00:00Z"), None),
        now(),
    );
    let older = book.apply(&older.unwrap())[0];
    book.owe(30);
    let posting = book.ledger.release(ts(LATE_2026)).unwrap();
    assert_eq!(
        posting.lots,
        vec![
            LotEffect::Release {
                lot: older,
                repaid: pts(20)
            },
            LotEffect::Release {
                lot: newer,
                repaid: pts(10)
            }
        ]
    );
    book.apply(&posting);
    assert_eq!(book.available(), pts(40));
    assert!(
        book.lot(older).is_none(),
        "a lot wholly spent on debt is closed"
    );
    assert_eq!(book.remaining(newer), pts(40));
}

#[test]
fn release_of_less_than_the_debt_leaves_the_balance_negative() {
    let mut book = Book::new();
    let lot = book.earn_pending(20, "2026-07-01T00:00:00Z");
    book.owe(50);
    let posting = book.ledger.release(ts(LATE_2026)).unwrap();
    assert_eq!(
        posting.lots,
        vec![LotEffect::Release {
            lot,
            repaid: pts(20)
        }]
    );
    book.apply(&posting);
    assert_eq!((book.available(), book.pending()), (pts(-30), pts(0)));
    assert!(book.ledger.lots.is_empty());
}

// --- reverse ------------------------------------------------------------------------------

#[test]
fn reversal_takes_from_its_source_lot_first() {
    let mut book = Book::new();
    let soon = book.earn_available(100, Some(LATE_2026));
    let source = book.earn_available(100, None);
    let posting = book
        .ledger
        .reverse(Some(source), pts(60), ClawbackPolicy::AllowNegative)
        .unwrap();
    assert_eq!(posting.kind, PostingKind::Reverse);
    assert_eq!(
        posting.movements,
        vec![movement(MemberAvailable, Reversed, 60)]
    );
    assert_eq!(posting.lots, vec![draw(source, 60)]);
    book.apply(&posting);
    assert_eq!(
        (book.remaining(source), book.remaining(soon)),
        (pts(40), pts(100))
    );
}

#[test]
fn reversal_takes_the_rest_from_other_available_lots_in_spending_order() {
    let mut book = Book::new();
    let forever = book.earn_available(100, None);
    let soon = book.earn_available(30, Some(LATE_2026));
    let source = book.earn_available(50, None);
    let posting = book
        .ledger
        .reverse(Some(source), pts(100), ClawbackPolicy::CapAtZero)
        .unwrap();
    assert_eq!(
        posting.lots,
        vec![draw(source, 50), draw(soon, 30), draw(forever, 20)]
    );
    assert_eq!(moved(&posting, MemberAvailable, Reversed), pts(100));
    assert_eq!(posting.shortfall, Points::ZERO);
    book.apply(&posting);
    assert_eq!(book.available(), pts(80));
}

#[test]
fn reversal_of_a_pending_source_lot_takes_from_pending() {
    let mut book = Book::new();
    let other = book.earn_available(100, None);
    let source = book.earn_pending(40, "2026-07-01T00:00:00Z");
    let posting = book
        .ledger
        .reverse(Some(source), pts(50), ClawbackPolicy::AllowNegative)
        .unwrap();
    assert_eq!(
        posting.movements,
        vec![
            movement(MemberPending, Reversed, 40),
            movement(MemberAvailable, Reversed, 10)
        ]
    );
    assert_eq!(posting.lots, vec![draw(source, 40), draw(other, 10)]);
    book.apply(&posting);
    assert_eq!((book.available(), book.pending()), (pts(90), pts(0)));
}

#[test]
fn reversal_whose_source_lot_is_closed_draws_on_other_available_lots() {
    let mut book = Book::new();
    let source = book.earn_available(50, Some(LATE_2026));
    let other = book.earn_available(100, None);
    let spend = book.ledger.redeem(pts(50)).unwrap();
    book.apply(&spend);
    assert!(book.lot(source).is_none());
    let posting = book
        .ledger
        .reverse(Some(source), pts(50), ClawbackPolicy::CapAtZero)
        .unwrap();
    assert_eq!(posting.lots, vec![draw(other, 50)]);
    book.apply(&posting);
    assert_eq!(book.available(), pts(50));
}

#[test]
fn allow_negative_reversal_takes_the_balance_below_zero() {
    let mut book = Book::new();
    let source = book.earn_available(100, None);
    let spend = book.ledger.redeem(pts(80)).unwrap();
    book.apply(&spend);
    let posting = book
        .ledger
        .reverse(Some(source), pts(100), ClawbackPolicy::AllowNegative)
        .unwrap();
    assert_eq!(moved(&posting, MemberAvailable, Reversed), pts(100));
    assert_eq!(posting.lots, vec![draw(source, 20)]);
    assert_eq!(posting.shortfall, Points::ZERO);
    book.apply(&posting);
    assert_eq!(book.available(), pts(-80));
    assert!(book.ledger.lots.is_empty());
}

#[test]
fn cap_at_zero_reversal_stops_at_zero_and_records_the_shortfall() {
    let mut book = Book::new();
    let source = book.earn_available(100, None);
    let spend = book.ledger.redeem(pts(80)).unwrap();
    book.apply(&spend);
    let posting = book
        .ledger
        .reverse(Some(source), pts(100), ClawbackPolicy::CapAtZero)
        .unwrap();
    assert_eq!(
        posting.movements,
        vec![movement(MemberAvailable, Reversed, 20)]
    );
    assert_eq!(posting.lots, vec![draw(source, 20)]);
    assert_eq!(posting.shortfall, pts(80));
    book.apply(&posting);
    assert_eq!(book.available(), pts(0));
}

#[test]
fn cap_at_zero_reversal_with_nothing_left_moves_nothing_and_records_it_all_as_shortfall() {
    let mut book = Book::new();
    book.owe(10);
    let posting = book
        .ledger
        .reverse(None, pts(25), ClawbackPolicy::CapAtZero)
        .unwrap();
    assert!(posting.movements.is_empty());
    assert!(posting.lots.is_empty());
    assert_eq!(posting.shortfall, pts(25));
    book.apply(&posting);
    assert_eq!(
        book.available(),
        pts(-10),
        "cap-at-zero never deepens a debt"
    );
}

// --- repaying a negative balance -----------------------------------------------------------

#[test]
fn a_later_earn_repays_a_negative_balance_first() {
    let mut book = Book::new();
    book.owe(30);
    let posting = book
        .ledger
        .earn(pts(100), now(), schedule(None, Some(LATE_2027)), now())
        .unwrap();
    assert_eq!(
        posting.movements,
        vec![movement(Issued, MemberAvailable, 100)]
    );
    let LotEffect::Open(new) = posting.lots[0] else {
        panic!("an earn opens a lot: {posting:?}")
    };
    assert_eq!((new.amount, new.remaining), (pts(100), pts(70)));
    let id = book.apply(&posting)[0];
    assert_eq!(book.available(), pts(70));
    assert_eq!(book.remaining(id), pts(70));
}

#[test]
fn an_earn_smaller_than_the_debt_is_absorbed_whole() {
    let mut book = Book::new();
    book.owe(30);
    let posting = book
        .ledger
        .earn(pts(20), now(), schedule(None, None), now())
        .unwrap();
    let LotEffect::Open(new) = posting.lots[0] else {
        panic!("an earn opens a lot: {posting:?}")
    };
    assert_eq!(new.remaining, pts(0));
    book.apply(&posting);
    assert_eq!(book.available(), pts(-10));
    assert!(book.ledger.lots.is_empty(), "an empty lot is not kept open");
}

#[test]
fn a_pending_earn_repays_nothing_until_released() {
    let mut book = Book::new();
    book.owe(30);
    let id = book.earn_pending(100, "2026-07-01T00:00:00Z");
    assert_eq!((book.available(), book.pending()), (pts(-30), pts(100)));
    assert_eq!(book.remaining(id), pts(100));
}

#[test]
fn a_staff_credit_repays_a_negative_balance_too() {
    let mut book = Book::new();
    book.owe(30);
    let posting = book.ledger.adjust_credit(pts(50), now(), None).unwrap();
    let id = book.apply(&posting)[0];
    assert_eq!(book.available(), pts(20));
    assert_eq!(book.remaining(id), pts(20));
}

// --- postings and apply --------------------------------------------------------------------

#[test]
fn posting_entries_net_each_account_and_sum_to_zero() {
    let posting = Posting {
        kind: PostingKind::Reverse,
        movements: vec![
            movement(MemberPending, Reversed, 40),
            movement(MemberAvailable, Reversed, 10),
            movement(Issued, MemberAvailable, 10),
        ],
        lots: vec![],
        shortfall: Points::ZERO,
    };
    assert_eq!(
        posting.entries(),
        vec![
            (MemberPending, pts(-40)),
            (Reversed, pts(50)),
            (Issued, pts(-10))
        ]
    );
    assert_eq!(net(&posting), Points::ZERO);
    assert_eq!(posting.delta(MemberAvailable), pts(0));
    assert_eq!(posting.delta(MemberPending), pts(-40));
}

#[test]
fn apply_refuses_to_overdraw_a_lot() {
    let mut book = Book::new();
    let id = book.earn_available(10, None);
    let overdraw = Posting {
        kind: PostingKind::Redeem,
        movements: vec![movement(MemberAvailable, Redeemed, 11)],
        lots: vec![draw(id, 11)],
        shortfall: Points::ZERO,
    };
    assert_eq!(
        book.ledger.apply(&overdraw, || LotId(99)),
        Err(InvariantViolation::BadLot(id))
    );
}

#[test]
fn apply_refuses_an_effect_on_an_unknown_lot() {
    let mut book = Book::new();
    book.earn_available(10, None);
    let unknown = Posting {
        kind: PostingKind::Redeem,
        movements: vec![movement(MemberAvailable, Redeemed, 5)],
        lots: vec![draw(LotId(404), 5)],
        shortfall: Points::ZERO,
    };
    assert_eq!(
        book.ledger.apply(&unknown, || LotId(99)),
        Err(InvariantViolation::BadLot(LotId(404)))
    );
}

#[test]
fn apply_refuses_a_balance_that_no_longer_matches_its_lots() {
    let mut book = Book::new();
    book.earn_available(10, None);
    let unbacked = Posting {
        kind: PostingKind::Redeem,
        movements: vec![movement(MemberAvailable, Redeemed, 5)],
        lots: vec![],
        shortfall: Points::ZERO,
    };
    assert_eq!(
        book.ledger.apply(&unbacked, || LotId(99)),
        Err(InvariantViolation::LotsMismatch {
            account: MemberAvailable,
            balance: pts(5),
            lots: pts(10)
        })
    );
}

#[test]
fn stable_names_of_accounts_and_kinds_roundtrip() {
    for account in Account::ALL {
        assert_eq!(Account::parse(account.as_str()), Some(account));
    }
    for kind in PostingKind::ALL {
        assert_eq!(PostingKind::parse(kind.as_str()), Some(kind));
    }
    assert_eq!(Account::parse("nope"), None);
    assert_eq!(PostingKind::parse("nope"), None);
    assert_eq!(Account::ALL.iter().filter(|a| a.is_member()).count(), 2);
}

#[test]
fn credits_decided_from_balances_alone_equal_those_decided_with_every_lot() {
    for debt in [0, 30, 150] {
        let mut book = Book::new();
        book.earn_available(80, Some(LATE_2027));
        if debt > 0 {
            book.owe(debt);
        }
        let light = MemberLedger::balances_only(book.ledger.available, book.ledger.pending);
        let when = schedule(None, Some(LATE_2027));
        assert_eq!(
            light.earn(pts(100), now(), when, now()),
            book.ledger.earn(pts(100), now(), when, now()),
            "debt {debt}"
        );
        assert_eq!(
            light.adjust_credit(pts(40), now(), None),
            book.ledger.adjust_credit(pts(40), now(), None),
            "debt {debt}"
        );
    }
}
