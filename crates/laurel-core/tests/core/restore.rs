//! Restoring a cancelled redemption: the points go back into the lots they came from, with
//! their original expiry; what expired meanwhile is expired; a debt is repaid first.

use crate::fixtures::{Book, moved, now, pts};
use laurel_core::ledger::{Account, LedgerError, PostingKind};
use laurel_core::{ClawbackPolicy, Points};

const SOON: &str = "2026-09-01T00:00:00Z";
const LATER: &str = "2027-03-01T00:00:00Z";

#[test]
fn restored_points_return_to_the_lots_they_came_from_with_their_expiry() {
    let mut book = Book::new();
    let soon = book.earn_available(100, Some(SOON));
    let later = book.earn_available(100, Some(LATER));
    let drawn = book.redeem(150);
    assert_eq!(book.available(), pts(50));
    assert!(
        book.lot(soon).is_none(),
        "the soonest lot was emptied and closed"
    );

    let posting = book.ledger.restore(&drawn, now()).unwrap();
    assert_eq!(posting.kind, PostingKind::Restore);
    assert_eq!(
        moved(&posting, Account::Redeemed, Account::MemberAvailable),
        pts(150)
    );
    book.apply(&posting);
    assert_eq!(book.available(), pts(200));
    let reopened = book.lot(soon).expect("the closed lot is reopened");
    assert_eq!(reopened.remaining, pts(100));
    assert_eq!(reopened.expires_at, Some(SOON.parse().unwrap()));
    assert_eq!(book.remaining(later), pts(100));
}

#[test]
fn points_whose_lot_expired_since_go_to_expired_not_back_to_the_member() {
    let mut book = Book::new();
    let soon = book.earn_available(100, Some(SOON));
    book.earn_available(100, Some(LATER));
    let drawn = book.redeem(150);
    let after_soon = "2026-10-01T00:00:00Z".parse().unwrap();

    let posting = book.ledger.restore(&drawn, after_soon).unwrap();
    assert_eq!(
        moved(&posting, Account::Redeemed, Account::Expired),
        pts(100)
    );
    assert_eq!(
        moved(&posting, Account::Redeemed, Account::MemberAvailable),
        pts(50)
    );
    book.apply(&posting);
    assert_eq!(book.available(), pts(100));
    assert!(book.lot(soon).is_none(), "an expired lot is not reopened");
}

#[test]
fn a_negative_balance_is_repaid_before_lots_are_refilled() {
    let mut book = Book::new();
    let lot = book.earn_available(100, None);
    let drawn = book.redeem(100);
    // A refund under allow-negative clawback takes 30 the member no longer has.
    let reversal = book
        .ledger
        .reverse(None, pts(30), ClawbackPolicy::AllowNegative)
        .unwrap();
    book.apply(&reversal);
    assert_eq!(book.available(), pts(-30));

    let posting = book.ledger.restore(&drawn, now()).unwrap();
    book.apply(&posting);
    assert_eq!(book.available(), pts(70));
    assert_eq!(book.remaining(lot), pts(70));
}

#[test]
fn restoring_nothing_is_refused() {
    let book = Book::new();
    assert_eq!(
        book.ledger.restore(&[], now()),
        Err(LedgerError::NonPositive(Points::ZERO))
    );
}
