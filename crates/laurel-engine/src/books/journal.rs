//! The journal a finance team imports: for each period of a report, its entries for both
//! pools, stored value and membership fees (each a debit and a credit of one amount between
//! two accounts), with the ledger postings (wallet moves, memberships) behind the period.

use super::report::BooksReport;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use laurel_core::books::{
    JournalLine, PeriodBooks, PoolKind, journal, membership_fees_journal, stored_value_journal,
};
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
    /// The pool: `sales` (the contract liability), `given` (the provision),
    /// `stored_value` (value held in wallets) or `memberships` (deferred membership fees).
    pub pool: &'static str,
    /// What it records: `deferral`, `reversal`, `recognition`, `breakage`, `provision`,
    /// `settlement`, `release`; for stored value `paid_in`, `bonus`, `spent`, `refund`,
    /// `cash_out`; for membership fees `charged`, `refund`, `earned`.
    pub what: &'static str,
    /// The account debited.
    pub debit: String,
    /// The account credited.
    pub credit: String,
    /// The amount, above zero, rounded to the minor unit.
    pub amount: Decimal,
    /// The first and last ledger posting that took effect in the period (for stored value,
    /// the first and last wallet move; for membership fees, the lowest and highest id of the
    /// memberships whose terms moved them).
    pub postings: Option<(i64, i64)>,
}

impl BooksEntry {
    /// `line` of `period`'s `pool`, with the ledger postings (or wallet moves) behind it.
    fn of(
        period: &PeriodBooks,
        pool: &'static str,
        line: JournalLine,
        postings: Option<(i64, i64)>,
    ) -> BooksEntry {
        BooksEntry {
            period: period.span.label.clone(),
            period_start: period.span.start,
            period_end: period.span.end,
            pool,
            what: line.what,
            debit: line.debit,
            credit: line.credit,
            amount: line.amount,
            postings,
        }
    }
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
        for (period, fees) in report.periods.iter().zip(&report.memberships) {
            for (kind, pool) in [(PoolKind::Sales, "sales"), (PoolKind::Given, "given")] {
                for line in journal(kind, period.roll(kind), &report.accounts) {
                    entries.push(BooksEntry::of(period, pool, line, period.postings));
                }
            }
            let stored = &period.stored_value;
            for line in stored_value_journal(stored, &report.accounts) {
                entries.push(BooksEntry::of(period, "stored_value", line, stored.moves));
            }
            for line in membership_fees_journal(fees, &report.accounts) {
                entries.push(BooksEntry::of(period, "memberships", line, fees.terms));
            }
        }
        BooksJournal { report, entries }
    }
}

/// The columns of a journal as a finance system imports it, in order.
pub const JOURNAL_COLUMNS: [&str; 9] = [
    "period",
    "date",
    "pool",
    "entry",
    "debit_account",
    "credit_account",
    "amount",
    "currency",
    "reference",
];

/// An entry as a finance system imports it: every field as text, in [`JOURNAL_COLUMNS`]'
/// order; an amount debited to one account and credited to another.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct JournalRow {
    /// The period's name.
    pub period: String,
    /// The day it is dated: the period's last day (or the report's) in the program's time
    /// zone.
    pub date: String,
    /// `contract_liability` (points earned with sales), `provision` (points given),
    /// `stored_value` (value held in wallets and gift cards) or `memberships` (deferred
    /// membership fees).
    pub pool: String,
    /// What it records: `deferral`, `reversal`, `recognition`, `breakage` (contract
    /// liability); `provision`, `reversal`, `settlement`, `release` (provision); `paid_in`,
    /// `bonus`, `spent`, `refund`, `cash_out` (stored value); `charged`, `refund`, `earned`
    /// (membership fees).
    pub entry: String,
    /// The account debited.
    pub debit_account: String,
    /// The account credited.
    pub credit_account: String,
    /// The amount, with the currency's minor digits.
    pub amount: String,
    /// The currency.
    pub currency: String,
    /// What is behind the entry: `ledger:FIRST-LAST` (the points ledger's postings),
    /// `wallet:FIRST-LAST` (wallet moves) or `membership:FIRST-LAST` (the memberships whose
    /// terms moved the fees), empty if none.
    pub reference: String,
}

impl JournalRow {
    /// Its fields in [`JOURNAL_COLUMNS`]' order.
    pub fn fields(&self) -> [&str; 9] {
        [
            &self.period,
            &self.date,
            &self.pool,
            &self.entry,
            &self.debit_account,
            &self.credit_account,
            &self.amount,
            &self.currency,
            &self.reference,
        ]
    }
}

impl BooksJournal {
    /// Its entries as a finance system imports them, dated in `tz`.
    pub fn rows(&self, tz: &TimeZone) -> Vec<JournalRow> {
        let currency = self.report.currency;
        self.entries
            .iter()
            .map(|e| {
                let last = laurel_core::books::just_before(e.period_end);
                JournalRow {
                    period: e.period.clone(),
                    date: tz.to_datetime(last).date().to_string(),
                    pool: match e.pool {
                        "sales" => "contract_liability",
                        "given" => "provision",
                        other => other,
                    }
                    .to_owned(),
                    entry: e.what.to_owned(),
                    debit_account: e.debit.clone(),
                    credit_account: e.credit.clone(),
                    amount: format!("{:.*}", currency.minor_digits() as usize, e.amount),
                    currency: currency.code().to_owned(),
                    reference: e
                        .postings
                        .map(|(a, b)| match e.pool {
                            "stored_value" => format!("wallet:{a}-{b}"),
                            "memberships" => format!("membership:{a}-{b}"),
                            _ => format!("ledger:{a}-{b}"),
                        })
                        .unwrap_or_default(),
                }
            })
            .collect()
    }
}

/// `rows` as the CSV a finance system imports: [`JOURNAL_COLUMNS`], then a record a row.
/// The API, the command line and the console all write it with this.
pub fn journal_csv(rows: &[JournalRow]) -> Result<String, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(JOURNAL_COLUMNS)?;
    for row in rows {
        out.write_record(row.fields())?;
    }
    let bytes = out.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
