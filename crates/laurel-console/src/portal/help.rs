//! Reporting a problem or abuse to staff, and each report's thread: the member reads staff's
//! replies and may answer (which puts the report before staff again).

use super::web::{Chrome, Member, PortalError};
use crate::Console;
use crate::page::render;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use laurel_core::reports::ReportAuthor;
use laurel_engine::{EngineError, REPORT_CATEGORIES, ReportThread};
use serde::Deserialize;

/// Reports the help page lists.
const REPORTS_SHOWN: u32 = 20;

/// One message of a thread, as the member reads it.
pub(super) struct ThreadLine {
    /// "You" or "Our team", in the page's language.
    pub(super) from: String,
    /// Staff wrote it: shown as their reply.
    pub(super) staff: bool,
    pub(super) when: String,
    pub(super) message: String,
}

/// A report as the help page and the data page list it.
pub(super) struct ReportLine {
    pub(super) id: i64,
    pub(super) when: String,
    pub(super) category: String,
    pub(super) message: String,
    /// Who it waits for, in words.
    pub(super) status: String,
    pub(super) replies: Vec<ThreadLine>,
}

/// A report and its thread in the member's words.
fn report_line(console: &Console, member: &Member, thread: ReportThread) -> ReportLine {
    let l = member.locale;
    let t = l.strings();
    let tz = &console.engine.definition().program.time_zone;
    let r = thread.report;
    ReportLine {
        id: r.id,
        when: l.date_time(r.created_at, tz),
        category: t.get(&format!("portal.category_{}", r.category)).to_owned(),
        message: r.message,
        status: t.get(&format!("portal_more.report_{}", r.state)).to_owned(),
        replies: thread
            .replies
            .into_iter()
            .map(|m| ThreadLine {
                staff: m.author == ReportAuthor::Staff,
                from: t.get(&format!("portal_more.from_{}", m.author)).to_owned(),
                when: l.date_time(m.created_at, tz),
                message: m.message,
            })
            .collect(),
    }
}

/// The member's newest reports with their threads, at most `limit`.
pub(super) async fn report_lines(
    console: &Console,
    member: &Member,
    limit: u32,
) -> Result<Vec<ReportLine>, PortalError> {
    Ok(console
        .engine
        .member_reports(member.id(), limit)
        .await
        .map_err(member.fail())?
        .into_iter()
        .map(|thread| report_line(console, member, thread))
        .collect())
}

/// What a form got wrong, and where: the new report's form, or the answer to a report.
struct Refused {
    /// The report answered; none for a new report.
    report: Option<i64>,
    message: String,
    error: String,
}

#[derive(Template)]
#[template(path = "portal/help.html")]
struct HelpPage {
    chrome: Chrome,
    categories: Vec<&'static str>,
    category: String,
    /// The new report's text, kept when refused.
    message: String,
    error: Option<String>,
    /// An answer refused, with its report and text.
    answer: Option<Refused>,
    sent: bool,
    answered: bool,
    reports: Vec<ReportLine>,
}

impl HelpPage {
    /// The text an answer to `report` was refused with, and why.
    fn refused_answer(&self, report: i64) -> Option<&Refused> {
        self.answer.as_ref().filter(|a| a.report == Some(report))
    }
}

async fn help_page(
    console: &Console,
    member: &Member,
    category: String,
    refused: Option<Refused>,
    query: &SentQuery,
) -> Result<HelpPage, PortalError> {
    let (message, error, answer) = match refused {
        Some(r) if r.report.is_none() => (r.message, Some(r.error), None),
        other => (String::new(), None, other),
    };
    Ok(HelpPage {
        chrome: Chrome::signed_in(member, "help", "/portal/help".into()),
        categories: REPORT_CATEGORIES.to_vec(),
        category,
        message,
        error,
        answer,
        sent: query.sent.is_some(),
        answered: query.answered.is_some(),
        reports: report_lines(console, member, REPORTS_SHOWN).await?,
    })
}

#[derive(Deserialize, Default)]
pub(crate) struct SentQuery {
    sent: Option<String>,
    answered: Option<String>,
}

pub(crate) async fn help(
    State(console): State<Console>,
    member: Member,
    Query(query): Query<SentQuery>,
) -> Result<Response, PortalError> {
    let page = help_page(&console, &member, "problem".into(), None, &query).await?;
    Ok(render(StatusCode::OK, &page))
}

/// A refusal of a report or an answer, in words, with its status.
fn refusal(member: &Member, e: EngineError) -> Result<(StatusCode, String), PortalError> {
    let t = member.locale.strings();
    match e {
        EngineError::Throttled { .. } => Ok((
            StatusCode::TOO_MANY_REQUESTS,
            t.get("portal.too_many_reports").to_owned(),
        )),
        EngineError::InvalidField { code, .. } => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            crate::messages::message_refused(member.locale, code),
        )),
        e => Err(member.fail()(e)),
    }
}

#[derive(Deserialize)]
pub(crate) struct ReportForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    message: String,
}

pub(crate) async fn report(
    State(console): State<Console>,
    member: Member,
    Form(form): Form<ReportForm>,
) -> Result<Response, PortalError> {
    member.check_csrf(&form.csrf)?;
    let refused = match console
        .engine
        .report_problem(member.id(), &form.category, &form.message)
        .await
    {
        Ok(_) => return Ok(Redirect::to("/portal/help?sent=1").into_response()),
        Err(e) => refusal(&member, e)?,
    };
    let (status, error) = refused;
    let refused = Refused {
        report: None,
        message: form.message,
        error,
    };
    let page = help_page(
        &console,
        &member,
        form.category,
        Some(refused),
        &SentQuery::default(),
    )
    .await?;
    Ok(render(status, &page))
}

#[derive(Deserialize)]
pub(crate) struct AnswerForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    message: String,
}

/// The member answers a report of theirs.
pub(crate) async fn answer(
    State(console): State<Console>,
    member: Member,
    Path(id): Path<i64>,
    Form(form): Form<AnswerForm>,
) -> Result<Response, PortalError> {
    member.check_csrf(&form.csrf)?;
    let (status, error) = match console
        .engine
        .answer_report(member.id(), id, &form.message)
        .await
    {
        Ok(true) => {
            return Ok(
                Redirect::to(&format!("/portal/help?answered=1#report-{id}")).into_response(),
            );
        }
        // Not theirs, or no such report: as far as this member can tell, it does not exist.
        Ok(false) => return Ok(Redirect::to("/portal/help").into_response()),
        Err(e) => refusal(&member, e)?,
    };
    let refused = Refused {
        report: Some(id),
        message: form.message,
        error,
    };
    let page = help_page(
        &console,
        &member,
        "problem".into(),
        Some(refused),
        &SentQuery::default(),
    )
    .await?;
    Ok(render(status, &page))
}
