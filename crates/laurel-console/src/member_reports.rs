//! What members reported from the portal, for staff: the queue (those waiting for staff
//! first, each with the member's name and where it stands), and each report's thread, where
//! staff reply — the member reads the reply in the portal and may answer — or close it.
//! Replies and closing are audited.

use crate::Console;
use crate::i18n::Locale;
use crate::page::render;
use crate::web::{Chrome, PageError, Staff};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use laurel_core::reports::{ReportAuthor, ReportState};
use laurel_engine::{EngineError, MemberReport, Permission};
use serde::Deserialize;
use serde_json::json;

/// Reports the queue shows at once.
const SHOWN: u32 = 100;

/// A report as staff see it, in the page's language.
struct ReportRow {
    id: i64,
    member: i64,
    /// The member's name, or words saying they gave none.
    name: String,
    when: String,
    category: String,
    abuse: bool,
    message: String,
    state: ReportState,
    /// Where it stands, in words.
    status: String,
}

impl ReportRow {
    fn of(l: Locale, console: &Console, r: MemberReport) -> ReportRow {
        let t = l.strings();
        let tz = &console.engine.definition().program.time_zone;
        ReportRow {
            id: r.id,
            member: r.member.0,
            name: r
                .member_name
                .unwrap_or_else(|| t.get("member_report.no_name").to_owned()),
            when: l.date_time(r.created_at, tz),
            category: t.get(&format!("portal.category_{}", r.category)).to_owned(),
            abuse: r.category == "abuse",
            message: r.message,
            status: t
                .get(&format!("member_report.state_{}", r.state))
                .to_owned(),
            state: r.state,
        }
    }

    /// Still needs staff's hand: reply or close.
    fn waiting(&self) -> bool {
        self.state == ReportState::Open
    }
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
    let reports = console
        .engine
        .open_reports(SHOWN)
        .await
        .map_err(|e| PageError::from_engine(e, l))?
        .into_iter()
        .map(|r| ReportRow::of(l, &console, r))
        .collect();
    let page = QueuePage {
        chrome: Chrome::signed_in(&staff, "member_reports", "/admin/reports".into()),
        reports,
    };
    Ok(render(StatusCode::OK, &page))
}

/// A message after the report's first, as staff read it.
struct ReplyRow {
    /// "Member" or the member of staff who wrote it.
    from: String,
    when: String,
    message: String,
}

#[derive(Template)]
#[template(path = "member_report.html")]
struct ReportPage {
    chrome: Chrome,
    report: ReportRow,
    replies: Vec<ReplyRow>,
    reply: String,
    error: Option<String>,
    replied: bool,
}

async fn report_page(
    console: &Console,
    staff: &Staff,
    id: i64,
    reply: String,
    error: Option<String>,
    replied: bool,
) -> Result<ReportPage, PageError> {
    let l = staff.locale;
    let t = l.strings();
    let tz = &console.engine.definition().program.time_zone;
    let Some(thread) = console
        .engine
        .report_thread(id)
        .await
        .map_err(|e| PageError::from_engine(e, l))?
    else {
        return Err(PageError::new(StatusCode::NOT_FOUND, l, "error.not_found"));
    };
    Ok(ReportPage {
        chrome: Chrome::signed_in(staff, "member_reports", format!("/admin/reports/{id}")),
        replies: thread
            .replies
            .into_iter()
            .map(|m| ReplyRow {
                from: match (m.author, m.staff) {
                    (ReportAuthor::Staff, Some(who)) => who,
                    (author, _) => t.get(&format!("member_report.from_{author}")).to_owned(),
                },
                when: l.date_time(m.created_at, tz),
                message: m.message,
            })
            .collect(),
        report: ReportRow::of(l, console, thread.report),
        reply,
        error,
        replied,
    })
}

#[derive(Deserialize)]
pub(crate) struct ReportQuery {
    replied: Option<String>,
}

pub(crate) async fn report(
    State(console): State<Console>,
    staff: Staff,
    Path(id): Path<i64>,
    axum::extract::Query(query): axum::extract::Query<ReportQuery>,
) -> Result<Response, PageError> {
    staff.require(Permission::ManageMembers)?;
    let page = report_page(
        &console,
        &staff,
        id,
        String::new(),
        None,
        query.replied.is_some(),
    )
    .await?;
    Ok(render(StatusCode::OK, &page))
}

#[derive(Deserialize)]
pub(crate) struct ReplyFields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    message: String,
}

pub(crate) async fn reply(
    State(console): State<Console>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(fields): Form<ReplyFields>,
) -> Result<Response, PageError> {
    staff.may_post(&fields.csrf, Permission::ManageMembers)?;
    let l = staff.locale;
    let error = match console
        .engine
        .reply_to_report(id, &staff.actor(), &fields.message)
        .await
    {
        Ok(true) => {
            staff
                .audit(
                    &console,
                    "report.reply",
                    format!("report:{id}"),
                    None,
                    json!({ "reply": fields.message.trim() }),
                )
                .await;
            return Ok(Redirect::to(&format!("/admin/reports/{id}?replied=1")).into_response());
        }
        Ok(false) => return Err(PageError::new(StatusCode::NOT_FOUND, l, "error.not_found")),
        Err(EngineError::InvalidField { code, .. }) => crate::messages::message_refused(l, code),
        Err(e) => return Err(PageError::from_engine(e, l)),
    };
    let page = report_page(&console, &staff, id, fields.message, Some(error), false).await?;
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
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
