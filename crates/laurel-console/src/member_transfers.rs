//! A member's transfers of points as staff read them: the member page's section (the newest,
//! sent and received, each with the other member linked to their page, the points signed from
//! this member's side, the fee they paid, the message, the date and the staff member who made
//! it on their behalf, if one did) and the whole list a page at a time
//! (`/admin/members/{id}/transfers`, on the engine's cursor). Read only: members send points
//! from the portal (or a till through the API). No section when the program offers no
//! transfers and the member has none.

use crate::Console;
use crate::i18n::Locale;
use crate::ledger_words::{Shown, StaffNames};
use crate::member_history::subject;
use crate::page::{paged, render};
use crate::transfer_words::{TRANSFER_PAGE, TRANSFERS_SHOWN, TransferLine, staff_name};
use crate::web::{Chrome, PageError, Staff};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use laurel_engine::{Engine, EngineError, TransferPage};
use serde::Deserialize;

/// A transfer as staff read it: its words and who made it, named.
pub(crate) struct StaffTransfer {
    pub line: TransferLine,
    pub actor: Shown,
}

/// The member page's transfers section.
pub(crate) struct TransfersBox {
    /// The newest transfers.
    pub rows: Vec<StaffTransfer>,
    /// Whether older ones follow (the section links to the whole list).
    pub more: bool,
}

/// A page of transfers as staff read them.
fn staff_rows(
    engine: &Engine,
    l: Locale,
    names: &StaffNames,
    id: i64,
    page: &TransferPage,
) -> Vec<StaffTransfer> {
    let tz = &engine.definition().program.time_zone;
    page.transfers
        .iter()
        .map(|t| StaffTransfer {
            line: TransferLine::of(l, tz, id, t, staff_name),
            actor: names.actor(l, t.actor.as_deref()),
        })
        .collect()
}

/// The member page's section, or `None` when the program offers no transfers and the
/// member never made or received one.
pub(crate) async fn read(
    engine: &Engine,
    l: Locale,
    names: &StaffNames,
    id: i64,
) -> Result<Option<TransfersBox>, EngineError> {
    let page = engine.transfers_of(id, None, TRANSFERS_SHOWN).await?;
    if engine.transfer_policy().is_none() && page.transfers.is_empty() {
        return Ok(None);
    }
    Ok(Some(TransfersBox {
        rows: staff_rows(engine, l, names, id, &page),
        more: page.next.is_some(),
    }))
}

#[derive(Template)]
#[template(path = "member_transfers_list.html")]
struct ListPage {
    chrome: Chrome,
    member: crate::member_history::Subject,
    rows: Vec<StaffTransfer>,
    first: Option<String>,
    next: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct ListQuery {
    /// The last transfer of the page before.
    before: Option<i64>,
}

/// A member's transfers, newest first, a page at a time.
pub(crate) async fn list(
    State(console): State<Console>,
    staff: Staff,
    Path(id): Path<i64>,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    let member = subject(&console, &staff, id).await?;
    let l = staff.locale;
    let fail = |e: EngineError| PageError::from_engine(e, l);
    let engine = &console.engine;
    let page = engine
        .transfers_of(id, query.before, TRANSFER_PAGE)
        .await
        .map_err(fail)?;
    let names = StaffNames::read(engine).await.map_err(fail)?;
    let path = format!("/admin/members/{id}/transfers");
    let page = ListPage {
        chrome: Chrome::signed_in(&staff, "members", paged(&path, "", query.before)),
        rows: staff_rows(engine, l, &names, id, &page),
        first: query.before.is_some().then(|| path.clone()),
        next: page.next.map(|c| paged(&path, "", Some(c))),
        member,
    };
    Ok(render(StatusCode::OK, &page))
}
