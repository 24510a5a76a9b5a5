//! A refund's decision: how much of a purchase it gives back, which units of which lines, and
//! how many of the purchase's points go with it.

use crate::Points;
use crate::earn::reversal_points;
use rust_decimal::Decimal;

/// What a refund asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefundAsk {
    /// Everything not yet refunded.
    Whole,
    /// An amount, in minor units.
    Amount(i64),
    /// Units of lines: `(line_no, quantity)`.
    Lines(Vec<(i64, i64)>),
}

/// A purchase as a refund sees it: what was paid and earned, and what was refunded before.
#[derive(Debug, Clone, Copy)]
pub struct RefundablePurchase<'a> {
    /// The total paid, in minor units.
    pub total_minor: i64,
    /// What earlier refunds gave back, in minor units.
    pub refunded_minor: i64,
    /// The points the purchase earned.
    pub points_earned: Points,
    /// Its lines.
    pub lines: &'a [RefundableLine],
}

/// A purchase line as a refund sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefundableLine {
    /// Its number, from 0 in basket order.
    pub line_no: i64,
    /// Units bought.
    pub quantity: i64,
    /// Units refunded before.
    pub refunded_quantity: i64,
    /// Price of one unit, in minor units.
    pub unit_price_minor: i64,
}

/// What a refund gives back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundDecision {
    /// Money given back, in minor units.
    pub amount_minor: i64,
    /// Units given back per line, `(line_no, quantity)`, when the refund named lines.
    pub lines: Vec<(i64, i64)>,
    /// Points to reverse: the refund's share of what the purchase earned.
    pub points: Points,
}

/// Why a refund cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefundRefusal {
    /// A named line is not on the purchase.
    #[error("the purchase has no line {0}")]
    UnknownLine(i64),
    /// More units of a line than are left to refund.
    #[error("line {line_no} has {left} units left to refund, not {asked}")]
    LineExceeded {
        /// The line.
        line_no: i64,
        /// Units left to refund.
        left: i64,
        /// Units asked for.
        asked: i64,
    },
    /// More money than is left to refund, or nothing at all.
    #[error("{left} left to refund on this purchase (minor units), asked for {asked}")]
    ExceedsPurchase {
        /// Minor units left to refund.
        left: i64,
        /// Minor units asked for.
        asked: i64,
    },
}

/// Decides a refund of `purchase`: its amount (a line's units are refunded at their share of
/// the purchase's total, since lines may not add up to it after basket discounts or tax), and
/// the points to reverse (in proportion, so partial refunds never drift from the whole).
pub fn decide(
    purchase: &RefundablePurchase<'_>,
    ask: &RefundAsk,
) -> Result<RefundDecision, RefundRefusal> {
    let refundable = purchase.total_minor - purchase.refunded_minor;
    let mut lines = Vec::new();
    let amount_minor = match ask {
        RefundAsk::Whole => refundable,
        RefundAsk::Amount(minor) => *minor,
        RefundAsk::Lines(asked) => {
            // Decimal, not i64: quantity × unit price of a large basket can pass i64::MAX.
            let mut value = Decimal::ZERO;
            for &(line_no, quantity) in asked {
                let line = purchase
                    .lines
                    .iter()
                    .find(|l| l.line_no == line_no)
                    .ok_or(RefundRefusal::UnknownLine(line_no))?;
                let already = line.refunded_quantity
                    + lines
                        .iter()
                        .filter(|(n, _)| *n == line_no)
                        .map(|(_, q)| q)
                        .sum::<i64>();
                let left = line.quantity - already;
                if quantity > left {
                    return Err(RefundRefusal::LineExceeded {
                        line_no,
                        left,
                        asked: quantity,
                    });
                }
                lines.push((line_no, quantity));
                value += Decimal::from(quantity) * Decimal::from(line.unit_price_minor);
            }
            share_of_total(purchase, value).min(refundable)
        }
    };
    if amount_minor <= 0 || amount_minor > refundable {
        return Err(RefundRefusal::ExceedsPurchase {
            left: refundable,
            asked: amount_minor,
        });
    }
    let points = reversal_points(
        purchase.points_earned,
        Decimal::from(purchase.total_minor),
        Decimal::from(purchase.refunded_minor),
        Decimal::from(amount_minor),
    );
    Ok(RefundDecision {
        amount_minor,
        lines,
        points,
    })
}

/// `value` (of some lines, in minor units) as its share of the purchase's total, rounded
/// down; zero when the lines are worth nothing.
fn share_of_total(purchase: &RefundablePurchase<'_>, value: Decimal) -> i64 {
    let lines_total: Decimal = purchase
        .lines
        .iter()
        .map(|l| Decimal::from(l.quantity) * Decimal::from(l.unit_price_minor))
        .sum();
    if lines_total <= Decimal::ZERO {
        return 0;
    }
    let total = Decimal::from(purchase.total_minor);
    // Multiply first for exactness; divide first only when the product would overflow.
    let share = value
        .checked_mul(total)
        .map(|product| product / lines_total)
        .unwrap_or_else(|| value / lines_total * total);
    i64::try_from(share.floor()).unwrap_or(i64::MAX)
}
