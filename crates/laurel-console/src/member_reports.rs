//! The queue of problems and abuse members reported from the portal: oldest first, each
//! closed by a member of staff (audited).

use crate::Console;
use crate::page::render;
use crate::web::{Chrome, PageError, Staff};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use laurel_engine::Permission;
use serde::Deserialize;
use serde_json::json;

/// Reports the queue shows at once.
const SHOWN: u32 = 100;

struct ReportRow {
    id: i64,
    member: i64,
    when: String,
    category: String,
    abuse: bool,
    message: String,
}

#[derive(Template)]
#[template(path = "member_reports.html")]
struct QueuePage {
    chrome: Chrome,
    reports: Vec<ReportRow>,
}

pub(crate) async fn queue(
    State(console): State<Console>,
    staff: Staff,
) -> Result<Response, PageError> {
    staff.require(Permission::ManageMembers)?;
    let l = staff.locale;
    let t = l.strings();
    let tz = console.engine.definition().program.time_zone.clone();
    let reports = console
        .engine
        .open_reports(SHOWN)
        .await
        .map_err(|e| PageError::from_engine(e, l))?
        .into_iter()
        .map(|r| ReportRow {
            id: r.id,
            member: r.member.0,
            when: l.date_time(r.created_at, &tz),
            category: t.get(&format!("portal.category_{}", r.category)).to_owned(),
            abuse: r.category == "abuse",
            message: r.message,
        })
        .collect();
    let page = QueuePage {
        chrome: Chrome::signed_in(&staff, "member_reports", "/admin/reports".into()),
        reports,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Deserialize)]
pub(crate) struct ResolveFields {
    #[serde(default)]
    csrf: String,
}

pub(crate) async fn resolve(
    State(console): State<Console>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(fields): Form<ResolveFields>,
) -> Result<Response, PageError> {
    staff.may_post(&fields.csrf, Permission::ManageMembers)?;
    let closed = console
        .engine
        .resolve_report(id, &staff.actor())
        .await
        .map_err(|e| PageError::from_engine(e, staff.locale))?;
    if closed {
        staff
            .audit(
                &console,
                "report.resolve",
                format!("report:{id}"),
                Some(json!({ "resolved": false })),
                json!({ "resolved": true }),
            )
            .await;
    }
    Ok(Redirect::to("/admin/reports").into_response())
}
