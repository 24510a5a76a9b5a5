//! A pool of points — those earned with sales, or those given without one — and where it
//! stands at an instant: of the money it holds (deferred, or provided for), what has been
//! recognised as its points were redeemed, what lapsed (breakage), and what is still owed.
//!
//! The cumulative catch-up: with E the points expected to be redeemed in all (issued × the
//! expected rate in force now), recognised = money × min(1, redeemed ÷ E); still owed =
//! money × (the points still expected to be redeemed: at most those outstanding) ÷ E; what
//! is left lapsed. So a later estimate moves recognition at once, and when every point is
//! redeemed or gone nothing is owed.

use rust_decimal::Decimal;

/// A pool's cumulative quantities up to an instant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pool {
    /// Money put in: deferred from sales, or provided for points given.
    pub gross: Decimal,
    /// Of it, taken out again by refunds.
    pub reversed: Decimal,
    /// Points issued into the pool, less points refunds took back.
    pub issued: i64,
    /// Points redeemed from it, less points given back by cancelled redemptions.
    pub redeemed: i64,
    /// Points that expired or were forfeited.
    pub expired: i64,
}

/// Where a pool's money stands: recognised + lapsed + owed is what it holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Position {
    /// Recognised as points were redeemed.
    pub recognised: Decimal,
    /// Recognised as lapsing: points expected never to be redeemed, or that expired.
    pub breakage: Decimal,
    /// Still owed: the liability.
    pub liability: Decimal,
}

impl Pool {
    /// The money the pool holds: put in, less what refunds took out.
    pub fn held(&self) -> Decimal {
        self.gross - self.reversed
    }

    /// Where the pool stands under the expected redemption `rate` (0 to 1) in force.
    pub fn position(&self, rate: Decimal) -> Position {
        // Reversals of a whole sale can pass what it put in by a hair at the 28th digit.
        let held = self.held().max(Decimal::ZERO);
        let expected = Decimal::from(self.issued.max(0)) * rate.max(Decimal::ZERO);
        if held <= Decimal::ZERO || expected <= Decimal::ZERO {
            // Nothing owed when no point is expected back: all the pool holds has lapsed.
            return Position {
                breakage: held,
                ..Position::default()
            };
        }
        let redeemed = Decimal::from(self.redeemed.max(0));
        let outstanding = Decimal::from((self.issued - self.redeemed - self.expired).max(0));
        // Checked before dividing: a ratio far above one could overflow.
        let recognised = if redeemed >= expected {
            held
        } else {
            held * (redeemed / expected)
        };
        let still_expected = outstanding.min((expected - redeemed).max(Decimal::ZERO));
        // At most what recognition leaves: the two divisions round at the 28th digit, and
        // what they leave lapsed must not come out a hair below zero.
        let liability = (held * still_expected / expected).min(held - recognised);
        Position {
            recognised,
            breakage: held - recognised - liability,
            liability,
        }
    }
}
