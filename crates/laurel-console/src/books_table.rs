//! The books page's roll-forward of the contract liability, a row a period and a row for the
//! whole range: opening, deferred, reversed, recognised, breakage, closing; beside it the
//! provision's closing, the expected redemption rate at the period's end, whether a close
//! locked it and what arrived late for a closed one. Each figure keeps its exact amount for
//! the page's `data-` attributes.

use crate::books_words;
use crate::i18n::Locale;
use jiff::tz::TimeZone;
use laurel_core::Currency;
use laurel_core::books::{PeriodBooks, Roll};
use laurel_engine::BooksReport;
use rust_decimal::Decimal;

/// How a figure is read from a roll.
type Figure = fn(&Roll) -> Decimal;

/// The contract liability's figures, in the table's order: (stable name, heading's key, the
/// figure of a roll).
pub const FIGURES: [(&str, &str, Figure); 6] = [
    ("opening", "books.opening", |r| r.opening),
    ("deferred", "books.deferred", |r| r.put_in),
    ("reversed", "books.reversed", |r| r.reversed),
    ("recognised", "books.recognised", |r| r.recognised),
    ("breakage", "books.breakage", |r| r.breakage),
    ("closing", "books.closing", |r| r.closing),
];

/// The provision's movements as a late entry names them: (heading's key, the figure).
const PROVISION_MOVES: [(&str, Figure); 4] = [
    ("books.provided", |r| r.put_in),
    ("books.provision_reversed", |r| r.reversed),
    ("books.settled", |r| r.recognised),
    ("books.released", |r| r.breakage),
];

/// One amount of a row.
pub struct Cell {
    /// Its stable name (`opening`, `deferred`…, `provision`), which the page carries.
    pub figure: &'static str,
    /// The amount as a plain decimal to the currency's minor unit (`166.67`), for the page's
    /// `data-amount`.
    pub amount: String,
    /// As the page shows it, in the program's currency.
    pub shown: String,
}

/// One row of the table.
pub struct Row {
    /// The period's stable name (`2026-03`), or `total` for the whole range.
    pub key: String,
    /// Its name, in words.
    pub label: String,
    /// The days it covers when the range cuts it.
    pub part: Option<String>,
    /// The contract liability's figures, then the provision's closing.
    pub cells: Vec<Cell>,
    /// The expected redemption rate at its end.
    pub rate: String,
    /// Whether a close locked its figures.
    pub closed: bool,
    /// What arrived after an earlier period was closed and posts here, in words.
    pub late: Option<String>,
}

/// A figure in the program's currency.
pub(crate) fn money(l: Locale, currency: Currency, amount: Decimal) -> Cell {
    Cell {
        figure: "",
        amount: format!("{:.*}", currency.minor_digits() as usize, amount),
        shown: l.amount(amount, currency),
    }
}

/// The row of `books`, keyed `key` and named `label`.
fn row(l: Locale, currency: Currency, books: &PeriodBooks, key: String, label: String) -> Row {
    let mut cells: Vec<Cell> = FIGURES
        .iter()
        .map(|(figure, _, value)| Cell {
            figure,
            ..money(l, currency, value(&books.sales))
        })
        .collect();
    cells.push(Cell {
        figure: "provision",
        ..money(l, currency, books.given.closing)
    });
    Row {
        key,
        label,
        part: None,
        cells,
        rate: books_words::rate(books.rate),
        closed: books.closed,
        late: books
            .late
            .map(|[sales, given]| late(l, currency, &sales, &given)),
    }
}

/// What arrived late, in words: each movement that is not zero, the contract liability's
/// then the provision's.
fn late(l: Locale, currency: Currency, sales: &Roll, given: &Roll) -> String {
    let t = l.strings();
    let moves = FIGURES[1..5]
        .iter()
        .map(|(_, key, value)| (*key, value(sales)))
        .chain(
            PROVISION_MOVES
                .iter()
                .map(|(key, value)| (*key, value(given))),
        );
    let list: Vec<String> = moves
        .filter(|(_, amount)| !amount.is_zero())
        .map(|(key, amount)| {
            t.fill(
                "books.late_move",
                &[
                    ("what", t.get(key)),
                    ("amount", &l.amount(amount, currency)),
                ],
            )
        })
        .collect();
    t.with("books.late", "moves", &list.join(t.get("words.list")))
}

/// The rows of `report`'s periods, named `labels`, oldest first.
pub fn rows(l: Locale, report: &BooksReport, labels: &[String], tz: &TimeZone) -> Vec<Row> {
    report
        .periods
        .iter()
        .zip(labels)
        .map(|(p, label)| Row {
            part: books_words::part(l, &p.span, tz),
            ..row(l, report.currency, p, p.span.label.clone(), label.clone())
        })
        .collect()
}

/// The row of the whole range.
pub fn total(l: Locale, report: &BooksReport) -> Row {
    let label = l.strings().get("books.total").to_owned();
    row(l, report.currency, &report.total, "total".to_owned(), label)
}
