//! A period's roll-forward of a pool: opening + put in − reversed − recognised − lapsed =
//! closing. The figures are differences of the rounded cumulative standings at the period's
//! ends, so periods add up to the whole exactly and the roll always closes.

use super::standing::Standing;
use rust_decimal::Decimal;

/// A pool's money over a period, rounded to the minor unit, and the points behind it.
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
    /// Points issued in the period.
    pub issued: i64,
    /// Points taken back in it.
    pub taken_back: i64,
    /// Points redeemed in it (less those given back).
    pub redeemed: i64,
    /// Points expired in it.
    pub expired: i64,
}

impl Roll {
    /// The roll from where a pool stood at a period's start to where it stood at its end.
    pub fn between(before: &Standing, after: &Standing) -> Roll {
        Roll {
            opening: before.liability(),
            put_in: after.put_in - before.put_in,
            reversed: after.reversed - before.reversed,
            recognised: after.recognised - before.recognised,
            breakage: after.breakage - before.breakage,
            closing: after.liability(),
            issued: after.issued - before.issued,
            taken_back: after.taken_back - before.taken_back,
            redeemed: after.redeemed - before.redeemed,
            expired: after.expired - before.expired,
        }
    }

    /// Whether nothing moved.
    pub fn is_still(&self) -> bool {
        *self
            == Roll {
                opening: self.opening,
                closing: self.closing,
                ..Roll::default()
            }
    }
}
