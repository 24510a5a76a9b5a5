//! Refunds: a refund gives back what is left, or an amount, or units of lines at their share
//! of what was paid, with the points in proportion; never more than is left.

use laurel_core::Points;
use laurel_core::refund::{RefundAsk, RefundRefusal, RefundableLine, RefundablePurchase, decide};

const LINES: [RefundableLine; 2] = [
    RefundableLine {
        line_no: 0,
        quantity: 2,
        refunded_quantity: 0,
        unit_price_minor: 3_000,
    },
    RefundableLine {
        line_no: 1,
        quantity: 1,
        refunded_quantity: 0,
        unit_price_minor: 4_000,
    },
];

/// A purchase of 90.00 (lines worth 100.00 before a basket discount) that earned 90 points.
fn purchase(refunded_minor: i64) -> RefundablePurchase<'static> {
    RefundablePurchase {
        total_minor: 9_000,
        refunded_minor,
        points_earned: Points(90),
        lines: &LINES,
    }
}

#[test]
fn a_whole_refund_gives_back_what_is_left_and_every_point_left() {
    let decision = decide(&purchase(3_000), &RefundAsk::Whole).unwrap();
    assert_eq!(decision.amount_minor, 6_000);
    assert_eq!(decision.points, Points(60));
    assert!(decision.lines.is_empty());
}

#[test]
fn lines_are_refunded_at_their_share_of_the_discounted_total() {
    let decision = decide(&purchase(0), &RefundAsk::Lines(vec![(0, 1)])).unwrap();
    // 30.00 of 100.00 worth of lines is 30% of the 90.00 paid.
    assert_eq!(decision.amount_minor, 2_700);
    assert_eq!(decision.points, Points(27));
    assert_eq!(decision.lines, vec![(0, 1)]);
}

#[test]
fn a_line_cannot_give_back_more_units_than_are_left_even_named_twice() {
    let ask = RefundAsk::Lines(vec![(0, 1), (0, 2)]);
    assert_eq!(
        decide(&purchase(0), &ask),
        Err(RefundRefusal::LineExceeded {
            line_no: 0,
            left: 1,
            asked: 2
        })
    );
    assert_eq!(
        decide(&purchase(0), &RefundAsk::Lines(vec![(7, 1)])),
        Err(RefundRefusal::UnknownLine(7))
    );
}

#[test]
fn an_amount_beyond_what_is_left_or_nothing_at_all_is_refused() {
    assert_eq!(
        decide(&purchase(8_000), &RefundAsk::Amount(1_001)),
        Err(RefundRefusal::ExceedsPurchase {
            left: 1_000,
            asked: 1_001
        })
    );
    assert!(decide(&purchase(9_000), &RefundAsk::Whole).is_err());
}

#[test]
fn lines_worth_nothing_refund_nothing_and_are_refused() {
    let free = [RefundableLine {
        unit_price_minor: 0,
        ..LINES[0]
    }];
    let purchase = RefundablePurchase {
        lines: &free,
        ..purchase(0)
    };
    assert!(matches!(
        decide(&purchase, &RefundAsk::Lines(vec![(0, 1)])),
        Err(RefundRefusal::ExceedsPurchase { asked: 0, .. })
    ));
}
