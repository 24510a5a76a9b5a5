//! A period's roll-forward of a pool: opening + put in − reversed − recognised − lapsed =
//! closing. Each cumulative figure is rounded to the currency's minor unit at the period's
//! ends and the period's figures are their differences, so periods add up to the whole
//! exactly, and the liability is what the rounded figures leave, so the roll always closes.

use super::pool::{Pool, Position};
use rust_decimal::{Decimal, RoundingStrategy};

/// A pool's money over a period, rounded to the minor unit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Roll {
    /// Owed when the period began.
    pub opening: Decimal,
    /// Put in: deferred from sales, or provided for points given.
    pub put_in: Decimal,
    /// Taken out by refunds.
    pub reversed: Decimal,
    /// Recognised as points were redeemed.
    pub recognised: Decimal,
    /// Recognised as lapsing.
    pub breakage: Decimal,
    /// Owed when the period ended.
    pub closing: Decimal,
}

/// A pool's cumulative figures rounded to `digits` decimals: (put in, reversed, recognised,
/// lapsed), and what they leave owed.
fn rounded(pool: &Pool, position: &Position, digits: u32) -> [Decimal; 5] {
    let round =
        |d: Decimal| d.round_dp_with_strategy(digits, RoundingStrategy::MidpointNearestEven);
    let (gross, reversed) = (round(pool.gross), round(pool.reversed));
    let (recognised, breakage) = (round(position.recognised), round(position.breakage));
    [
        gross,
        reversed,
        recognised,
        breakage,
        gross - reversed - recognised - breakage,
    ]
}

impl Roll {
    /// The roll from the pool as it stood at the period's start (`before`, under the rate
    /// then) to its end (`after`, under the rate then), in a currency of `digits` decimals.
    pub fn between(before: (&Pool, Decimal), after: (&Pool, Decimal), digits: u32) -> Roll {
        let [g0, v0, r0, b0, l0] = rounded(before.0, &before.0.position(before.1), digits);
        let [g1, v1, r1, b1, l1] = rounded(after.0, &after.0.position(after.1), digits);
        Roll {
            opening: l0,
            put_in: g1 - g0,
            reversed: v1 - v0,
            recognised: r1 - r0,
            breakage: b1 - b0,
            closing: l1,
        }
    }
}
