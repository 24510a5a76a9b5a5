//! The books page's roll of stored value: the value held in wallets and gift cards, a row a
//! period and a row for the whole range — opening, paid in, bonus given, spent, refunded,
//! cashed out, closing — each figure keeping its exact amount for the page's `data-`
//! attributes.

use crate::books_table::{Cell, money};
use crate::i18n::Locale;
use laurel_core::Currency;
use laurel_core::books::StoredValueRoll;
use laurel_engine::BooksReport;
use rust_decimal::Decimal;

/// How a figure is read from a roll.
type Figure = fn(&StoredValueRoll) -> Decimal;

/// The figures, in the table's order: (stable name, heading's key, the figure of a roll).
const FIGURES: [(&str, &str, Figure); 7] = [
    ("opening", "books.opening", |r| r.opening),
    ("paid_in", "books.sv_paid_in", |r| r.paid_in),
    ("bonus_given", "books.sv_bonus_given", |r| r.bonus_given),
    ("spent", "books.sv_spent", |r| r.spent),
    ("refunded", "books.sv_refunded", |r| r.refunded),
    ("cashed_out", "books.sv_cashed_out", |r| r.cashed_out),
    ("closing", "books.closing", |r| r.closing),
];

/// One row: a period's roll, or the whole range's.
pub struct StoredRow {
    /// The period's stable name (`2026-03`), or `total`.
    pub key: String,
    /// Its name, in words.
    pub label: String,
    /// Its figures.
    pub cells: Vec<Cell>,
}

/// The table: its headings, a row a period, the total.
pub struct StoredValueTable {
    /// (stable name, heading) of each figure.
    pub columns: Vec<(&'static str, String)>,
    /// A row a period, oldest first.
    pub rows: Vec<StoredRow>,
    /// The whole range.
    pub total: StoredRow,
}

/// The stored value table of `report`, its periods named `labels`.
pub fn table(l: Locale, report: &BooksReport, labels: &[String]) -> StoredValueTable {
    let t = l.strings();
    let row = |key: String, label: String, roll: &StoredValueRoll| StoredRow {
        key,
        label,
        cells: cells(l, report.currency, roll),
    };
    StoredValueTable {
        columns: FIGURES
            .iter()
            .map(|(name, key, _)| (*name, t.get(key).to_owned()))
            .collect(),
        rows: report
            .periods
            .iter()
            .zip(labels)
            .map(|(p, label)| row(p.span.label.clone(), label.clone(), &p.stored_value))
            .collect(),
        total: row(
            "total".to_owned(),
            t.get("books.total").to_owned(),
            &report.total.stored_value,
        ),
    }
}

fn cells(l: Locale, currency: Currency, roll: &StoredValueRoll) -> Vec<Cell> {
    FIGURES
        .iter()
        .map(|(figure, _, value)| Cell {
            figure,
            ..money(l, currency, value(roll))
        })
        .collect()
}
