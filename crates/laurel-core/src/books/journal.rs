//! A period's journal entries from its roll-forward: each movement a debit and a credit of
//! the same amount between the accounts finance names, so every period balances and the
//! liability account moves by exactly closing − opening.

use super::roll::Roll;
use rust_decimal::Decimal;

/// Which pool a roll is of: sales' points (revenue deferred) or points given (a provision).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolKind {
    /// Points earned with a sale: part of its price deferred as a contract liability.
    Sales,
    /// Points given without a sale: a marketing expense with a provision.
    Given,
}

/// The general-ledger account codes entries are written to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accounts {
    /// Sales revenue, where the till booked the whole price.
    pub sales_revenue: String,
    /// The contract liability for points earned with sales.
    pub contract_liability: String,
    /// Revenue recognised as points are redeemed.
    pub loyalty_revenue: String,
    /// Revenue recognised as points lapse.
    pub breakage_revenue: String,
    /// The marketing expense of points given.
    pub marketing_expense: String,
    /// The provision for points given.
    pub loyalty_provision: String,
    /// Where the provision goes when a reward is handed over (finance maps it to the cost of
    /// the goods given).
    pub rewards_settled: String,
    /// The liability for value held in wallets and gift cards.
    pub stored_value: String,
    /// Where money paid into wallets came from, and cash-outs go (cash or its clearing).
    pub stored_value_funding: String,
    /// What orders paid from wallets settle (the till booked the sale; this clears it).
    pub stored_value_settlement: String,
    /// The contract liability for membership fees paid for terms not yet run (deferred
    /// membership fees).
    pub membership_deferred: String,
    /// Revenue recognised as membership terms run.
    pub membership_revenue: String,
    /// Where membership fees paid come from, and their refunds go (cash, or the wallet
    /// settlement clearing when paid from a wallet).
    pub membership_receipts: String,
}

impl Accounts {
    /// The account codes a program names none of.
    pub fn defaults() -> Accounts {
        let code = |c: &str| c.to_owned();
        Accounts {
            sales_revenue: code("4000"),
            contract_liability: code("2400"),
            loyalty_revenue: code("4010"),
            breakage_revenue: code("4020"),
            marketing_expense: code("6100"),
            loyalty_provision: code("2410"),
            rewards_settled: code("1390"),
            stored_value: code("2420"),
            stored_value_funding: code("1010"),
            stored_value_settlement: code("1130"),
            membership_deferred: code("2430"),
            membership_revenue: code("4030"),
            membership_receipts: code("1140"),
        }
    }

    /// Each account by its name in the program file.
    pub fn named(&self) -> [(&'static str, &str); 13] {
        [
            ("sales_revenue", &self.sales_revenue),
            ("contract_liability", &self.contract_liability),
            ("loyalty_revenue", &self.loyalty_revenue),
            ("breakage_revenue", &self.breakage_revenue),
            ("marketing_expense", &self.marketing_expense),
            ("loyalty_provision", &self.loyalty_provision),
            ("rewards_settled", &self.rewards_settled),
            ("stored_value", &self.stored_value),
            ("stored_value_funding", &self.stored_value_funding),
            ("stored_value_settlement", &self.stored_value_settlement),
            ("membership_deferred", &self.membership_deferred),
            ("membership_revenue", &self.membership_revenue),
            ("membership_receipts", &self.membership_receipts),
        ]
    }
}

/// One entry: `amount` debited to one account and credited to another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalLine {
    /// The account debited.
    pub debit: String,
    /// The account credited.
    pub credit: String,
    /// Above zero.
    pub amount: Decimal,
    /// What it records: `deferral`, `reversal`, `recognition`, `breakage` (sales);
    /// `provision`, `reversal`, `settlement`, `release` (points given).
    pub what: &'static str,
}

/// The entries of a period's roll of a pool of `kind`. A movement below zero (a catch-up
/// after the estimate rose) swaps its sides; a zero one writes nothing.
pub fn journal(kind: PoolKind, roll: &Roll, accounts: &Accounts) -> Vec<JournalLine> {
    let a = accounts;
    let moves: [(&'static str, &String, &String, Decimal); 4] = match kind {
        PoolKind::Sales => [
            (
                "deferral",
                &a.sales_revenue,
                &a.contract_liability,
                roll.put_in,
            ),
            (
                "reversal",
                &a.contract_liability,
                &a.sales_revenue,
                roll.reversed,
            ),
            (
                "recognition",
                &a.contract_liability,
                &a.loyalty_revenue,
                roll.recognised,
            ),
            (
                "breakage",
                &a.contract_liability,
                &a.breakage_revenue,
                roll.breakage,
            ),
        ],
        PoolKind::Given => [
            (
                "provision",
                &a.marketing_expense,
                &a.loyalty_provision,
                roll.put_in,
            ),
            (
                "reversal",
                &a.loyalty_provision,
                &a.marketing_expense,
                roll.reversed,
            ),
            (
                "settlement",
                &a.loyalty_provision,
                &a.rewards_settled,
                roll.recognised,
            ),
            (
                "release",
                &a.loyalty_provision,
                &a.marketing_expense,
                roll.breakage,
            ),
        ],
    };
    lines(moves)
}

/// The entries of a period's movements, each `(what, debit, credit, amount)`: none for a
/// movement of zero, and a movement below zero booked the other way round.
pub(crate) fn lines<'a>(
    moves: impl IntoIterator<Item = (&'static str, &'a String, &'a String, Decimal)>,
) -> Vec<JournalLine> {
    moves
        .into_iter()
        .filter(|(.., amount)| !amount.is_zero())
        .map(|(what, debit, credit, amount)| {
            let (debit, credit) = if amount > Decimal::ZERO {
                (debit, credit)
            } else {
                (credit, debit)
            };
            JournalLine {
                debit: debit.clone(),
                credit: credit.clone(),
                amount: amount.abs(),
                what,
            }
        })
        .collect()
}
