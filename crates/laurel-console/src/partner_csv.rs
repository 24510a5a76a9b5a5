//! A partner's whole statement as CSV (`/admin/partners/{code}/settlement.csv`, for those who
//! keep the books), for the days its query names: the engine's file, the one the API serves —
//! every line, then the totals and what is due — so a partner checks the same figures however
//! it receives them.

use crate::Console;
use crate::books::BOOKS;
use crate::csv::attachment;
use crate::insight_period::PeriodForm;
use crate::web::{PageError, Staff};
use axum::extract::{Path, Query, State};
use axum::response::Response;

/// `/admin/partners/{code}/settlement.csv`.
pub(crate) async fn download(
    State(console): State<Console>,
    staff: Staff,
    Path(code): Path<String>,
    Query(form): Query<PeriodForm>,
) -> Result<Response, PageError> {
    staff.require(BOOKS)?;
    let engine = &console.engine;
    let period = form.for_download(engine, staff.locale, "partners.bad_period")?;
    let text = engine
        .partner_statement_csv(&code, period)
        .await
        .map_err(staff.fail())?;
    // The engine knew the code, so it is the program's own: safe in a file name.
    let file_name = format!("settlement-{code}-{}-{}.csv", period.from, period.to);
    Ok(attachment(text, &file_name))
}
