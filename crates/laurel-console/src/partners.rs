//! The coalition partners (`/admin/partners`, for those who keep the books: a partner's
//! settlement is money owed either way): each partner of the program with its prices and
//! what it and the program owe each other over the statement's default period, linked to its
//! statement (`partner_statement.rs`); or, when the program has none, how to declare one.

use crate::Console;
use crate::books::BOOKS;
use crate::insight_period::{self, DEFAULT_DAYS};
use crate::page::render;
use crate::partner_words::{PartnerWords, TotalsWords};
use crate::web::{Chrome, PageError, Staff};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

/// A partner's row: who it is, its totals, and its statement for the same days.
struct PartnerRow {
    partner: PartnerWords,
    totals: TotalsWords,
    statement: String,
}

#[derive(Template)]
#[template(path = "partners.html")]
struct PartnersPage {
    chrome: Chrome,
    /// The days the totals count, in words.
    period: String,
    rows: Vec<PartnerRow>,
}

/// `/admin/partners`.
pub(crate) async fn page(
    State(console): State<Console>,
    staff: Staff,
) -> Result<Response, PageError> {
    staff.require(BOOKS)?;
    let l = staff.locale;
    let engine = &console.engine;
    let definition = engine.definition();
    let currency = definition.program.currency;
    // The statement's own default, so a row's figures are those its link opens on.
    let today = insight_period::today(&definition.program.time_zone);
    let period = insight_period::ending(today, DEFAULT_DAYS);
    let query = insight_period::query(period);
    let mut rows = Vec::new();
    // One line is the least a statement reads: only its totals are wanted here.
    for partner in engine.partners_ever() {
        let statement = engine
            .partner_statement(&partner.code, period, None, 1)
            .await
            .map_err(staff.fail())?;
        rows.push(PartnerRow {
            statement: format!("/admin/partners/{}?{query}", partner.code),
            totals: TotalsWords::of(l, &statement.settlement, currency),
            partner: PartnerWords::of(l, &partner, currency),
        });
    }
    let page = PartnersPage {
        chrome: Chrome::signed_in(&staff, "partners", "/admin/partners".into()),
        period: l.strings().with(
            "partners.period",
            "period",
            &insight_period::words(l, period),
        ),
        rows,
    };
    Ok(render(StatusCode::OK, &page))
}
