//! A member's whole history a page at a time, beside the member page that shows only its
//! start: their open lots (`/admin/members/{id}/lots`) and purchases
//! (`/admin/members/{id}/purchases`).

use crate::Console;
use crate::member_activity::{LotRow, PurchaseRow, lot_row, purchase_row};
use crate::page::render;
use crate::web::{Chrome, PageError, Staff};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use laurel_engine::{MemberRef, Permission, PurchaseCursor};
use serde::Deserialize;

/// Rows one page of lots or purchases lists.
const PAGE: u32 = 50;

/// Who the page is about, and the way back to them.
pub(crate) struct Subject {
    pub id: i64,
    pub title: String,
}

#[derive(Template)]
#[template(path = "member_lots.html")]
struct LotsPage {
    chrome: Chrome,
    member: Subject,
    lots: Vec<LotRow>,
    next: Option<String>,
    first: Option<String>,
}

#[derive(Template)]
#[template(path = "member_purchases.html")]
struct PurchasesPage {
    chrome: Chrome,
    member: Subject,
    purchases: Vec<PurchaseRow>,
    next: Option<String>,
    first: Option<String>,
}

/// The member a page of their history is about, once the staff member may read members.
pub(crate) async fn subject(
    console: &Console,
    staff: &Staff,
    id: i64,
) -> Result<Subject, PageError> {
    staff.require(Permission::ViewMembers)?;
    let member = console
        .engine
        .member(&MemberRef::Id(id))
        .await
        .map_err(|e| PageError::from_engine(e, staff.locale))?;
    let p = member.profile;
    Ok(Subject {
        id,
        title: p.name.unwrap_or(p.external_id),
    })
}

#[derive(Deserialize)]
pub(crate) struct LotsQuery {
    #[serde(default)]
    skip: u32,
}

/// A member's open lots, soonest to expire first.
pub(crate) async fn lots(
    State(console): State<Console>,
    staff: Staff,
    Path(id): Path<i64>,
    Query(query): Query<LotsQuery>,
) -> Result<Response, PageError> {
    let member = subject(&console, &staff, id).await?;
    let l = staff.locale;
    let tz = &console.engine.definition().program.time_zone;
    let mut lots = console
        .engine
        .open_lots(id, query.skip, PAGE)
        .await
        .map_err(|e| PageError::from_engine(e, l))?;
    let more = lots.len() > PAGE as usize;
    lots.truncate(PAGE as usize);
    let path = format!("/admin/members/{id}/lots");
    let page = LotsPage {
        chrome: Chrome::signed_in(&staff, "members", format!("{path}?skip={}", query.skip)),
        lots: lots.iter().map(|lot| lot_row(l, tz, lot)).collect(),
        next: more.then(|| format!("{path}?skip={}", query.skip + PAGE)),
        first: (query.skip > 0).then(|| path.clone()),
        member,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Deserialize)]
pub(crate) struct PurchasesQuery {
    /// Where the page starts: `{occurred_at in microseconds}.{purchase id}` of the last
    /// purchase of the page before.
    before: Option<String>,
}

fn cursor_text(c: PurchaseCursor) -> String {
    format!("{}.{}", c.occurred_at.as_microsecond(), c.id.0)
}

fn cursor(text: &str) -> Option<PurchaseCursor> {
    let (at, id) = text.split_once('.')?;
    Some(PurchaseCursor {
        occurred_at: jiff::Timestamp::from_microsecond(at.parse().ok()?).ok()?,
        id: laurel_engine::PurchaseId(id.parse().ok()?),
    })
}

/// A member's purchases and refunds, the latest first.
pub(crate) async fn purchases(
    State(console): State<Console>,
    staff: Staff,
    Path(id): Path<i64>,
    Query(query): Query<PurchasesQuery>,
) -> Result<Response, PageError> {
    let member = subject(&console, &staff, id).await?;
    let l = staff.locale;
    let before = match query.before.as_deref() {
        None => None,
        Some(text) => Some(
            cursor(text)
                .ok_or_else(|| PageError::new(StatusCode::NOT_FOUND, l, "error.not_found"))?,
        ),
    };
    let tz = &console.engine.definition().program.time_zone;
    let found = console
        .engine
        .member_purchases(id, before, PAGE)
        .await
        .map_err(|e| PageError::from_engine(e, l))?;
    let path = format!("/admin/members/{id}/purchases");
    let page = PurchasesPage {
        chrome: Chrome::signed_in(&staff, "members", path.clone()),
        purchases: found
            .purchases
            .into_iter()
            .map(|p| purchase_row(l, tz, p))
            .collect(),
        next: found
            .next
            .map(|c| format!("{path}?before={}", cursor_text(c))),
        first: before.is_some().then(|| path.clone()),
        member,
    };
    Ok(render(StatusCode::OK, &page))
}
