//! The scale test's books: the liability roll-forward of the whole filled history, month by
//! month, and its journal, as `GET /api/v1/admin/books/report` and `…/journal` answer them,
//! timed.

use anyhow::Result;
use laurel_engine::rawbench::SCALE_HISTORY_DAYS;
use laurel_engine::{BooksJournal, BooksRange, Engine};
use std::time::Instant;

/// Times a report over every month of the filled history, then its journal.
pub async fn time(engine: &Engine) -> Result<()> {
    let to = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(1);
    let from = to - jiff::SignedDuration::from_hours(24 * (SCALE_HISTORY_DAYS + 31));
    let range = BooksRange { from, to };
    let started = Instant::now();
    let report = engine.books_report(range).await?;
    let report_seconds = started.elapsed().as_secs_f64();
    let issued = report.total.sales.issued + report.total.given.issued;
    let started = Instant::now();
    let journal = BooksJournal::of(engine.books_report(range).await?);
    let journal_seconds = started.elapsed().as_secs_f64();
    println!(
        "books: {} months rolled forward over {} points issued (deferred {} {}) in {:.2} s; the journal's {} entries in {:.2} s",
        report.periods.len(),
        issued,
        report.total.sales.put_in,
        report.currency.code(),
        report_seconds,
        journal.entries.len(),
        journal_seconds,
    );
    Ok(())
}
