//! Points held at a checkout: held points leave the spendable balance for the `Held` account;
//! a capture spends the soonest-expiring of them; what is left goes back into its lots with
//! their expiry, lapses if its lot expired meanwhile, and repays a debt first.

use crate::fixtures::{Book, moved, net, now, pts, ts};
use laurel_core::Points;
use laurel_core::ledger::{Account, LedgerError, MemberLedger, PostingKind};

const SOON: &str = "2027-01-31T16:00:00Z";
const LATER: &str = "2027-06-30T16:00:00Z";

#[test]
fn held_points_cannot_be_spent_and_a_capture_takes_the_soonest_expiring_giving_the_rest_back() {
    let mut book = Book::new();
    let soon = book.earn_available(30, Some(SOON));
    let later = book.earn_available(100, Some(LATER));
    let hold = book.ledger.hold(pts(80)).unwrap();
    assert_eq!(hold.kind, PostingKind::Hold);
    let drawn = book.ledger.drawn_by(&hold);
    book.apply(&hold);
    assert_eq!(book.available(), pts(50));
    assert_eq!(
        book.ledger.redeem(pts(60)),
        Err(LedgerError::Insufficient {
            available: pts(50),
            requested: pts(60)
        }),
        "held points are not spendable"
    );

    let captured = MemberLedger::capture_hold(&drawn, pts(40)).unwrap();
    assert_eq!(captured.posting.kind, PostingKind::HoldCapture);
    assert_eq!(
        moved(&captured.posting, Account::Held, Account::Redeemed),
        pts(40)
    );
    assert_eq!(net(&captured.posting), Points::ZERO);
    let spent: Vec<_> = captured.spent.iter().map(|d| (d.lot, d.amount)).collect();
    assert_eq!(spent, [(soon, pts(30)), (later, pts(10))]);
    book.apply(&captured.posting);
    assert_eq!(
        book.available(),
        pts(50),
        "a capture moves nothing of the member's"
    );

    let released = book.ledger.release_hold(&captured.left, now()).unwrap();
    assert_eq!(released.kind, PostingKind::HoldRelease);
    book.apply(&released);
    assert_eq!(book.available(), pts(90));
    assert_eq!(book.remaining(later), pts(90));
    assert_eq!(book.lot(later).map(|l| l.expires_at), Some(Some(ts(LATER))));
}

#[test]
fn a_capture_is_at_most_what_the_hold_holds() {
    let mut book = Book::new();
    book.earn_available(50, None);
    let hold = book.ledger.hold(pts(50)).unwrap();
    let drawn = book.ledger.drawn_by(&hold);
    assert_eq!(
        MemberLedger::capture_hold(&drawn, pts(51)).map(|c| c.posting),
        Err(LedgerError::Insufficient {
            available: pts(50),
            requested: pts(51)
        })
    );
    assert_eq!(
        MemberLedger::capture_hold(&drawn, pts(0)).map(|c| c.posting),
        Err(LedgerError::NonPositive(pts(0)))
    );
    assert_eq!(
        book.ledger.hold(pts(51)).map(|p| p.kind),
        Err(LedgerError::Insufficient {
            available: pts(50),
            requested: pts(51)
        })
    );
}

#[test]
fn points_of_a_lot_that_expired_while_held_lapse_and_a_debt_is_repaid_first() {
    let mut book = Book::new();
    book.earn_available(30, Some(SOON));
    let later = book.earn_available(100, Some(LATER));
    let hold = book.ledger.hold(pts(130)).unwrap();
    let drawn = book.ledger.drawn_by(&hold);
    book.apply(&hold);
    book.owe(20);
    let after_soon = ts(SOON) + crate::fixtures::days(1);
    let released = book.ledger.release_hold(&drawn, after_soon).unwrap();
    assert_eq!(moved(&released, Account::Held, Account::Expired), pts(30));
    assert_eq!(
        moved(&released, Account::Held, Account::MemberAvailable),
        pts(100)
    );
    book.apply(&released);
    assert_eq!(
        book.available(),
        pts(80),
        "100 back, 20 of them repaying the debt"
    );
    assert_eq!(book.remaining(later), pts(80));
}
