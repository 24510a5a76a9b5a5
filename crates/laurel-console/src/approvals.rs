//! Maker-checker in the console: the requests waiting for a second staff member, each with
//! what it would do (a program change line by line against the version it replaces, and when
//! it would take effect), who asked and when; approve or reject for others who could make it,
//! withdraw for its maker. Every decision is audited; the engine decides who may take it.

use crate::Console;
use crate::approval_words;
use crate::messages::refusal;
use crate::page::render;
use crate::web::{Chrome, PageError, Staff};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use laurel_core::staff::{Waiting, may_decide};
use laurel_engine::{ApprovalView, Decision, Permission, Proposal};
use serde::Deserialize;
use serde_json::json;

/// A waiting request as the queue shows it, in the page's language.
struct ApprovalRow {
    id: i64,
    kind: String,
    /// What it would do, in a sentence.
    what: String,
    /// A program change's lines and when it would take effect.
    program: Option<approval_words::ProgramDiff>,
    member: Option<i64>,
    maker: String,
    when: String,
    /// The signed-in staff member made it: they may withdraw it.
    own: bool,
    /// The signed-in staff member may approve or reject it.
    decides: bool,
}

#[derive(Template)]
#[template(path = "approvals.html")]
struct ApprovalsPage {
    chrome: Chrome,
    requests: Vec<ApprovalRow>,
    notice: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct ApprovalsQuery {
    done: Option<String>,
}

/// The queue of requests waiting for approval.
pub(crate) async fn page(
    State(console): State<Console>,
    staff: Staff,
    Query(query): Query<ApprovalsQuery>,
) -> Result<Response, PageError> {
    staff.require(Permission::ViewMembers)?;
    let t = staff.locale.strings();
    let notice = query
        .done
        .filter(|d| ["approved", "rejected", "withdrawn"].contains(&d.as_str()))
        .map(|d| t.get(&format!("approvals.done_{d}")).to_owned());
    let page = queue(&console, &staff, notice, None).await?;
    Ok(render(StatusCode::OK, &page))
}

async fn queue(
    console: &Console,
    staff: &Staff,
    notice: Option<String>,
    error: Option<String>,
) -> Result<ApprovalsPage, PageError> {
    let l = staff.locale;
    let engine = &console.engine;
    let waiting = engine
        .approvals_waiting()
        .await
        .map_err(|e| PageError::from_engine(e, l))?;
    let in_force = engine
        .program_in_force(jiff::Timestamp::now())
        .await
        .map_err(|e| PageError::from_engine(e, l))?;
    let tz = &in_force.definition.program.time_zone;
    let newest = engine
        .program_versions()
        .await
        .map_err(|e| PageError::from_engine(e, l))?
        .iter()
        .filter_map(|v| v.version)
        .max();
    let me = staff.member();
    let mut requests = Vec::with_capacity(waiting.len());
    for r in waiting {
        let asked = Waiting {
            kind: r.kind(),
            state: r.state,
            maker: r.requested_by.id,
        };
        // A program change is read against the version it would replace: the one in force
        // when it would take effect.
        let replaced = match &r.proposal {
            Proposal::ProgramChange {
                effective_from: Some(at),
                ..
            } => engine
                .program_in_force(*at)
                .await
                .map_err(|e| PageError::from_engine(e, l))?,
            _ => in_force.clone(),
        };
        requests.push(ApprovalRow {
            id: r.id,
            kind: approval_words::kind(l, r.kind()),
            what: approval_words::what(l, &replaced, &r.proposal),
            program: approval_words::program_diff(l, &replaced, newest, &r.proposal),
            member: r.proposal.member_id(),
            maker: crate::books_words::actor(l, &r.requested_by.actor),
            when: l.date_time(r.requested_at, tz),
            own: r.requested_by.id == me.id,
            decides: may_decide(asked, me.id, me.role, Decision::Approve).is_ok(),
        });
    }
    Ok(ApprovalsPage {
        chrome: Chrome::signed_in(staff, "approvals", "/admin/approvals".into()),
        requests,
        notice,
        error,
    })
}

#[derive(Deserialize)]
pub(crate) struct DecideFields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    decision: String,
}

/// Approves, rejects or withdraws a request (audited); a refusal is shown above the queue.
pub(crate) async fn decide(
    State(console): State<Console>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(fields): Form<DecideFields>,
) -> Result<Response, PageError> {
    staff.may_post(&fields.csrf, Permission::ViewMembers)?;
    let (decision, done) = match fields.decision.as_str() {
        "approve" => (Decision::Approve, "approved"),
        "reject" => (Decision::Reject, "rejected"),
        "withdraw" => (Decision::Withdraw, "withdrawn"),
        _ => return Ok(Redirect::to("/admin/approvals").into_response()),
    };
    match console
        .engine
        .decide_approval(id, &staff.member(), decision)
        .await
    {
        Ok(decided) => {
            let action = format!("approval.{}", &fields.decision);
            audit(&console, &staff, &action, &decided).await;
            Ok(Redirect::to(&format!("/admin/approvals?done={done}")).into_response())
        }
        Err(refused) if refused.is_refusal() => {
            let error = Some(refusal(staff.locale, &refused));
            let page = queue(&console, &staff, None, error).await?;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(PageError::from_engine(e, staff.locale)),
    }
}

/// Records a request made or decided in the audit log: its kind and where it stands, and
/// what approving it made.
pub(crate) async fn audit(console: &Console, staff: &Staff, action: &str, r: &ApprovalView) {
    let after = json!({
        "kind": r.kind().as_str(),
        "state": r.state.as_str(),
        "member": r.proposal.member_id(),
        "journal": r.journal_id,
        "version": r.program_version,
    });
    staff
        .audit(console, action, format!("approval:{}", r.id), None, after)
        .await;
}
