//! The books' journal as a finance system imports it (`/admin/books/journal.csv`): the
//! engine's fixed columns and rows, written as the API writes them, byte for byte — so not
//! through `csv.rs`, whose records are quoted and guarded for spreadsheets.

use crate::Console;
use crate::books::BOOKS;
use crate::books_range::{self, RangeForm};
use crate::csv::attachment;
use crate::web::{PageError, Staff};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use laurel_engine::{BooksJournal, EngineError, journal_csv};

/// The journal of the range the query names (the page's default when it names none).
pub(crate) async fn download(
    State(console): State<Console>,
    staff: Staff,
    Query(form): Query<RangeForm>,
) -> Result<Response, PageError> {
    staff.require(BOOKS)?;
    let l = staff.locale;
    let engine = &console.engine;
    // A bad range is shown on the page, where the form names the field.
    let Ok(range) = form.range(engine, l) else {
        return Err(PageError::new(
            StatusCode::BAD_REQUEST,
            l,
            "books.bad_range",
        ));
    };
    let fail = staff.fail();
    let report = engine.books_report(range).await.map_err(&fail)?;
    let tz = engine.definition().program.time_zone.clone();
    let rows = BooksJournal::of(report).rows(&tz);
    let body = journal_csv(&rows).map_err(|e| fail(EngineError::Internal(e.to_string())))?;
    let (from, to) = books_range::days(range, &tz);
    Ok(attachment(body, &format!("journal-{from}-{to}.csv")))
}
