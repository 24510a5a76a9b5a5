//! Erasure in the console, for admins: the register (members' requests waiting, to erase or
//! decline, and every erasure made) and the erasure itself, from the register or the
//! member's page. Both actions are audited, naming the member by id only.

use crate::Console;
use crate::page::render;
use crate::web::{Chrome, PageError, Staff};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use laurel_engine::{ErasureRequestView, Permission};
use serde::Deserialize;
use serde_json::json;

/// A request as staff read it, in the page's language.
struct RequestRow {
    member: i64,
    when: String,
    by: String,
    state: String,
    waiting: bool,
    decided: String,
    forfeited: String,
}

#[derive(Template)]
#[template(path = "privacy.html")]
struct PrivacyPage {
    chrome: Chrome,
    waiting: Vec<RequestRow>,
    done: Vec<RequestRow>,
}

/// The register: requests waiting first, then every one decided, newest first.
pub(crate) async fn page(
    State(console): State<Console>,
    staff: Staff,
) -> Result<Response, PageError> {
    staff.require(Permission::ManageStaff)?;
    let l = staff.locale;
    let t = l.strings();
    let tz = &console.engine.definition().program.time_zone;
    let row = |r: ErasureRequestView| RequestRow {
        member: r.member_id,
        when: l.date_time(r.requested_at, tz),
        by: if r.requested_by == "member" {
            t.get("privacy.by_member").to_owned()
        } else {
            r.requested_by
        },
        state: t.get(&format!("privacy.state_{}", r.state)).to_owned(),
        waiting: r.state == "requested",
        decided: match (r.decided_by, r.decided_at) {
            (Some(who), Some(at)) => format!("{who} · {}", l.date_time(at, tz)),
            _ => String::new(),
        },
        forfeited: r.forfeited.map(|p| l.integer(p)).unwrap_or_default(),
    };
    // Those waiting asked for on their own: however many were decided since, none is missed.
    let fail = |e| PageError::from_engine(e, l);
    let waiting: Vec<RequestRow> = console
        .engine
        .erasure_requests(true)
        .await
        .map_err(fail)?
        .into_iter()
        .map(row)
        .collect();
    let done: Vec<RequestRow> = console
        .engine
        .erasure_requests(false)
        .await
        .map_err(fail)?
        .into_iter()
        .map(row)
        .filter(|r| !r.waiting)
        .collect();
    let page = PrivacyPage {
        chrome: Chrome::signed_in(&staff, "privacy", "/admin/privacy".into()),
        waiting,
        done,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Deserialize)]
pub(crate) struct EraseFields {
    #[serde(default)]
    csrf: String,
    /// The box saying the admin understands it cannot be undone.
    #[serde(default)]
    confirm: Option<String>,
}

/// Erases the member, once the admin ticked that they understand; back to their page.
pub(crate) async fn erase(
    State(console): State<Console>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(fields): Form<EraseFields>,
) -> Result<Response, PageError> {
    staff.may_post(&fields.csrf, Permission::ManageStaff)?;
    let l = staff.locale;
    if fields.confirm.is_none() {
        return Err(PageError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            l,
            "privacy.confirm_needed",
        ));
    }
    // The engine audits the erasure, whoever makes it.
    console
        .engine
        .erase_member(id, &staff.actor())
        .await
        .map_err(|e| PageError::from_engine(e, l))?;
    Ok(Redirect::to(&format!("/admin/members/{id}")).into_response())
}

#[derive(Deserialize)]
pub(crate) struct DeclineFields {
    #[serde(default)]
    csrf: String,
}

/// Declines the member's waiting request; back to the register.
pub(crate) async fn decline(
    State(console): State<Console>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(fields): Form<DeclineFields>,
) -> Result<Response, PageError> {
    staff.may_post(&fields.csrf, Permission::ManageStaff)?;
    let l = staff.locale;
    let declined = console
        .engine
        .decline_erasure(id, &staff.actor())
        .await
        .map_err(|e| PageError::from_engine(e, l))?;
    if declined {
        staff
            .audit(
                &console,
                "member.erasure_decline",
                format!("member:{id}"),
                Some(json!({ "erasure": "requested" })),
                json!({ "erasure": "declined" }),
            )
            .await;
    }
    Ok(Redirect::to("/admin/privacy").into_response())
}
