//! The journal a finance team imports: for each period of a report, its entries for both
//! pools (each a debit and a credit of one amount between two accounts), with the ledger
//! postings behind the period.

use super::report::BooksReport;
use jiff::Timestamp;
use laurel_core::books::{PoolKind, journal};
use rust_decimal::Decimal;

/// One journal entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BooksEntry {
    /// The period's name.
    pub period: String,
    /// The period's first instant (or the report's, if later).
    pub period_start: Timestamp,
    /// The instant after its last (or the report's end, if earlier).
    pub period_end: Timestamp,
    /// The pool: `sales` (the contract liability) or `given` (the provision).
    pub pool: &'static str,
    /// What it records: `deferral`, `reversal`, `recognition`, `breakage`, `provision`,
    /// `settlement`, `release`.
    pub what: &'static str,
    /// The account debited.
    pub debit: String,
    /// The account credited.
    pub credit: String,
    /// The amount, above zero, rounded to the minor unit.
    pub amount: Decimal,
    /// The first and last ledger posting that took effect in the period.
    pub postings: Option<(i64, i64)>,
}

/// A report's journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BooksJournal {
    /// The report it is of.
    pub report: BooksReport,
    /// Its entries, period by period, the sales pool's first.
    pub entries: Vec<BooksEntry>,
}

impl BooksJournal {
    /// The journal of `report`.
    pub fn of(report: BooksReport) -> BooksJournal {
        let mut entries = Vec::new();
        for period in &report.periods {
            for (kind, pool) in [(PoolKind::Sales, "sales"), (PoolKind::Given, "given")] {
                for line in journal(kind, period.roll(kind), &report.accounts) {
                    entries.push(BooksEntry {
                        period: period.span.label.clone(),
                        period_start: period.span.start,
                        period_end: period.span.end,
                        pool,
                        what: line.what,
                        debit: line.debit,
                        credit: line.credit,
                        amount: line.amount,
                        postings: period.postings,
                    });
                }
            }
        }
        BooksJournal { report, entries }
    }
}
