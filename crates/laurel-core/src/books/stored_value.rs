//! Stored value in the books: what wallets (members' and gift cards') hold is money owed to
//! their holders, a liability from the moment it is paid in until it pays for an order or is
//! paid back. A period's roll: opening + paid in + bonus given − spent + refunded − cashed out
//! = closing, each line what the wallet ledger's counter-accounts moved in the period. Every
//! wallet move is recorded at the instant it is made, so a closed period's figures never move.

use super::journal::{Accounts, JournalLine};
use rust_decimal::Decimal;

/// What moved value into or out of wallets over a span, by what moved it (minor units, none
/// below zero).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WalletFlows {
    /// Money paid in: top-ups, gift cards sold.
    pub paid_in: i64,
    /// Bonus value given with top-ups.
    pub bonus_given: i64,
    /// Value that paid for orders (payments, captured holds).
    pub spent: i64,
    /// Value given back by refunds of those.
    pub refunded: i64,
    /// Principal paid back out.
    pub cashed_out: i64,
    /// The first and last wallet move in the span.
    pub moves: Option<(i64, i64)>,
}

impl WalletFlows {
    /// These and `later`'s together: the flows of two spans one after the other.
    pub fn then(self, later: &WalletFlows) -> WalletFlows {
        WalletFlows {
            paid_in: self.paid_in + later.paid_in,
            bonus_given: self.bonus_given + later.bonus_given,
            spent: self.spent + later.spent,
            refunded: self.refunded + later.refunded,
            cashed_out: self.cashed_out + later.cashed_out,
            moves: match (self.moves, later.moves) {
                (Some((first, _)), Some((_, last))) => Some((first, last)),
                (one, other) => one.or(other),
            },
        }
    }

    /// How much the value held moved over the span.
    pub fn net(&self) -> i64 {
        self.paid_in + self.bonus_given - self.spent + self.refunded - self.cashed_out
    }
}

/// A period's roll of the value held in wallets, in money.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoredValueRoll {
    /// Held at its start.
    pub opening: Decimal,
    /// Paid in.
    pub paid_in: Decimal,
    /// Bonus value given.
    pub bonus_given: Decimal,
    /// Paid for orders.
    pub spent: Decimal,
    /// Given back by refunds.
    pub refunded: Decimal,
    /// Paid back out.
    pub cashed_out: Decimal,
    /// Held at its end.
    pub closing: Decimal,
    /// The first and last wallet move in it.
    pub moves: Option<(i64, i64)>,
}

impl StoredValueRoll {
    /// The roll from `opening` (minor units) by `flows`, in a currency of `digits` decimals.
    pub fn of(opening: i64, flows: &WalletFlows, digits: u32) -> StoredValueRoll {
        let money = |minor: i64| Decimal::new(minor, digits);
        StoredValueRoll {
            opening: money(opening),
            paid_in: money(flows.paid_in),
            bonus_given: money(flows.bonus_given),
            spent: money(flows.spent),
            refunded: money(flows.refunded),
            cashed_out: money(flows.cashed_out),
            closing: money(opening + flows.net()),
            moves: flows.moves,
        }
    }

    /// Whether opening + the movements = closing.
    pub fn closes(&self) -> bool {
        self.opening + self.paid_in + self.bonus_given - self.spent + self.refunded
            - self.cashed_out
            == self.closing
    }
}

/// A period's journal entries for stored value: money paid in and bonus given credit the
/// liability; orders paid and cash paid out debit it; refunds credit it back.
pub fn stored_value_journal(roll: &StoredValueRoll, accounts: &Accounts) -> Vec<JournalLine> {
    let a = accounts;
    let moves: [(&'static str, &String, &String, Decimal); 5] = [
        (
            "paid_in",
            &a.stored_value_funding,
            &a.stored_value,
            roll.paid_in,
        ),
        (
            "bonus",
            &a.marketing_expense,
            &a.stored_value,
            roll.bonus_given,
        ),
        (
            "spent",
            &a.stored_value,
            &a.stored_value_settlement,
            roll.spent,
        ),
        (
            "refund",
            &a.stored_value_settlement,
            &a.stored_value,
            roll.refunded,
        ),
        (
            "cash_out",
            &a.stored_value,
            &a.stored_value_funding,
            roll.cashed_out,
        ),
    ];
    super::journal::lines(moves)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_period_s_roll_closes_and_its_journal_moves_the_liability_by_exactly_the_roll() {
        let flows = WalletFlows {
            paid_in: 100_000,
            bonus_given: 5_000,
            spent: 52_050,
            refunded: 10_000,
            cashed_out: 20_000,
            moves: Some((3, 9)),
        };
        let roll = StoredValueRoll::of(30_000, &flows, 2);
        assert!(roll.closes());
        assert_eq!(roll.closing, Decimal::new(72_950, 2));
        let accounts = crate::books::Accounts::defaults();
        let lines = stored_value_journal(&roll, &accounts);
        let liability: Decimal = lines
            .iter()
            .map(|l| {
                let credit = if l.credit == accounts.stored_value {
                    l.amount
                } else {
                    Decimal::ZERO
                };
                let debit = if l.debit == accounts.stored_value {
                    l.amount
                } else {
                    Decimal::ZERO
                };
                credit - debit
            })
            .sum();
        assert_eq!(liability, roll.closing - roll.opening);
        assert_eq!(lines.len(), 5);
        let quiet = StoredValueRoll::of(30_000, &WalletFlows::default(), 2);
        assert!(stored_value_journal(&quiet, &accounts).is_empty());
    }
}
