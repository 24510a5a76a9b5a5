//! A sale's price split between the goods and the points it earns, in proportion to their
//! stand-alone selling prices: the goods' is what was paid, the points' is what they would
//! fetch redeemed — points × price per point × the share expected to be redeemed.

use rust_decimal::Decimal;

/// The part of a sale of `total` deferred for the `points` it earned, at `price` a point and
/// the expected redemption `rate` in force at the sale. Exact; zero when nothing was paid or
/// earned. Fixed at the sale: a later estimate does not allocate it again.
pub fn allocate(total: Decimal, points: i64, price: Decimal, rate: Decimal) -> Decimal {
    let points_value = Decimal::from(points.max(0)) * price * rate;
    let whole = total + points_value;
    if total <= Decimal::ZERO || points_value <= Decimal::ZERO || whole <= Decimal::ZERO {
        return Decimal::ZERO;
    }
    // The share first: total × points' value could overflow where the share cannot.
    total * (points_value / whole)
}
