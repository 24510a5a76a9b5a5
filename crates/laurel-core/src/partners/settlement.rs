//! A partner's settlement for a period: the points it issued (bought from the program at its
//! price) less the points burned there (paid for by the program at its reimbursement), every
//! entry listed with its amount.
//!
//! Each line's amount is rounded to the currency's minor unit (halves away from zero) and the
//! totals are the sums of the lines, so a statement adds up line by line as a partner checks it.

use crate::money::Currency;
use rust_decimal::{Decimal, RoundingStrategy};

crate::states! {
    /// Which way an entry moves money between a partner and the program.
    pub enum EntryKind ("partner entry kind") {
        /// Points the partner issued: its purchases' earnings, less what refunds took back.
        Issued = "issued",
        /// Points members spent at the partner, less what cancellations gave back.
        Burned = "burned",
    }
}

/// One entry of a statement as the settlement reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SettlementLine {
    /// Which way it moves money.
    pub kind: EntryKind,
    /// Points, negative for a refund's reversal or a cancellation.
    pub points: i64,
    /// The price per point in force when it was posted.
    pub price: Decimal,
}

impl SettlementLine {
    /// What the line is worth, rounded to `currency`'s minor unit: what the partner owes for
    /// issued points, what the program owes for burned ones.
    pub fn amount(&self, currency: Currency) -> Decimal {
        (Decimal::from(self.points) * self.price).round_dp_with_strategy(
            currency.minor_digits(),
            RoundingStrategy::MidpointAwayFromZero,
        )
    }
}

/// What a partner and the program owe each other for the lines of a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Settlement {
    /// Points the partner issued, net of reversals.
    pub issued_points: i64,
    /// What the partner owes for them.
    pub issued_amount: Decimal,
    /// Points burned at the partner, net of cancellations.
    pub burned_points: i64,
    /// What the program owes for them.
    pub burned_amount: Decimal,
}

impl Settlement {
    /// The settlement of `lines` in `currency`.
    pub fn of<'a>(lines: impl IntoIterator<Item = &'a SettlementLine>, currency: Currency) -> Self {
        let mut s = Settlement::default();
        for line in lines {
            let amount = line.amount(currency);
            match line.kind {
                EntryKind::Issued => {
                    s.issued_points += line.points;
                    s.issued_amount += amount;
                }
                EntryKind::Burned => {
                    s.burned_points += line.points;
                    s.burned_amount += amount;
                }
            }
        }
        s
    }

    /// What the partner owes the program: issued less burned; negative when the program owes
    /// the partner.
    pub fn due(&self) -> Decimal {
        self.issued_amount - self.burned_amount
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn line(kind: EntryKind, points: i64, price: &str) -> SettlementLine {
        SettlementLine {
            kind,
            points,
            price: price.parse().unwrap(),
        }
    }

    #[test]
    fn the_partner_owes_issued_points_less_burned_ones() {
        let cny: Currency = "CNY".parse().unwrap();
        let lines = [
            line(EntryKind::Issued, 300, "0.01"),
            line(EntryKind::Issued, -100, "0.01"),
            line(EntryKind::Burned, 50, "0.008"),
        ];
        let s = Settlement::of(&lines, cny);
        assert_eq!((s.issued_points, s.burned_points), (200, 50));
        assert_eq!(s.issued_amount.to_string(), "2.00");
        assert_eq!(s.burned_amount.to_string(), "0.40");
        assert_eq!(s.due(), "1.6".parse::<Decimal>().unwrap());
    }

    #[test]
    fn each_line_is_rounded_and_the_totals_add_the_lines() {
        let cny: Currency = "CNY".parse().unwrap();
        let lines = [
            line(EntryKind::Issued, 3, "0.005"),
            line(EntryKind::Issued, 3, "0.005"),
        ];
        assert_eq!(lines[0].amount(cny).to_string(), "0.02");
        assert_eq!(
            Settlement::of(&lines, cny).issued_amount.to_string(),
            "0.04"
        );
        let back = line(EntryKind::Issued, -3, "0.005");
        assert_eq!(back.amount(cny).to_string(), "-0.02");
    }
}
