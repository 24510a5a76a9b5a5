//! Where a pool stood at an instant, rounded to the currency's minor unit: the money put in,
//! reversed, recognised and lapsed so far, and the points behind them. What a period close
//! locks, and what a roll-forward is the difference of.

use super::pool::Pool;
use rust_decimal::{Decimal, RoundingStrategy};

/// A pool's cumulative quantities up to an instant, exact.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cumulative {
    /// Money put in: deferred from sales, or provided for points given.
    pub gross: Decimal,
    /// Of it, taken out by refunds.
    pub reversed: Decimal,
    /// Points issued into the pool.
    pub issued: i64,
    /// Of them, taken back (by refunds, or repaying what a member owed).
    pub taken_back: i64,
    /// Points redeemed, less those given back by cancelled redemptions.
    pub redeemed: i64,
    /// Points that expired or were forfeited.
    pub expired: i64,
}

impl Cumulative {
    /// The pool these quantities make.
    pub fn pool(&self) -> Pool {
        Pool {
            gross: self.gross,
            reversed: self.reversed,
            issued: self.issued - self.taken_back,
            redeemed: self.redeemed,
            expired: self.expired,
        }
    }
}

/// A pool's figures at an instant, each cumulative and rounded; the liability is what they
/// leave, so put in − reversed − recognised − breakage = liability holds to the minor unit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Standing {
    /// Money put in so far.
    pub put_in: Decimal,
    /// Money reversed by refunds so far.
    pub reversed: Decimal,
    /// Recognised as points were redeemed, so far.
    pub recognised: Decimal,
    /// Recognised as lapsing, so far.
    pub breakage: Decimal,
    /// Points issued so far.
    pub issued: i64,
    /// Points taken back so far.
    pub taken_back: i64,
    /// Points redeemed so far.
    pub redeemed: i64,
    /// Points expired so far.
    pub expired: i64,
}

impl Standing {
    /// Where `cumulative` stands under the expected redemption `rate` then, in a currency of
    /// `digits` decimals.
    pub fn of(cumulative: &Cumulative, rate: Decimal, digits: u32) -> Standing {
        let round =
            |d: Decimal| d.round_dp_with_strategy(digits, RoundingStrategy::MidpointNearestEven);
        let position = cumulative.pool().position(rate);
        Standing {
            put_in: round(cumulative.gross),
            reversed: round(cumulative.reversed),
            recognised: round(position.recognised),
            breakage: round(position.breakage),
            issued: cumulative.issued,
            taken_back: cumulative.taken_back,
            redeemed: cumulative.redeemed,
            expired: cumulative.expired,
        }
    }

    /// Still owed: what the rounded figures leave.
    pub fn liability(&self) -> Decimal {
        self.put_in - self.reversed - self.recognised - self.breakage
    }

    /// Points still held by members.
    pub fn outstanding(&self) -> i64 {
        self.issued - self.taken_back - self.redeemed - self.expired
    }
}
