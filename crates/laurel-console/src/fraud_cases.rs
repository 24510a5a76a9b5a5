//! The fraud review queue (`/admin/fraud`, for those who manage members): each case a fraud
//! rule of the program opened — the operation, the rule's figure against its most, what it
//! did — with a reviewer's four actions on the open ones, and the cases closed lately.
//! Reviews are audited by the engine.

use crate::Console;
use crate::i18n::Locale;
use crate::page::render;
use crate::web::{Chrome, PageError, Staff};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use laurel_engine::{FraudCaseView, Permission, ReviewAction};
use serde::Deserialize;

/// A case in the page's language.
struct CaseRow {
    id: i64,
    member: i64,
    when: String,
    rule: String,
    /// What was judged, in words, and its reference.
    operation: String,
    reference: String,
    /// The figure against the most, over the window, in words.
    figure: String,
    /// What the rule did, in words.
    action: String,
    /// What a reviewer may do, as (action, its words' key, whether it weighs on the member):
    /// releasing only where points are held, taking back only where a lot is named (or a
    /// referrer's bonus is held before it comes).
    actions: Vec<(&'static str, &'static str, bool)>,
    state: String,
    decided: String,
}

impl CaseRow {
    fn of(l: Locale, tz: &jiff::tz::TimeZone, c: FraudCaseView) -> CaseRow {
        let t = l.strings();
        let window = if c.window_hours % 24 == 0 {
            t.with("fraud.days", "n", &(c.window_hours / 24).to_string())
        } else {
            t.with("fraud.hours", "n", &c.window_hours.to_string())
        };
        let figure = t.fill(
            &format!("fraud.measure_{}", c.measure),
            &[
                ("observed", &c.observed.normalize().to_string()),
                ("max", &c.max.normalize().to_string()),
                ("window", &window),
            ],
        );
        CaseRow {
            id: c.id,
            member: c.member_id,
            when: l.date_time(c.opened_at, tz),
            rule: c.rule,
            operation: t
                .get(&format!("fraud.operation_{}", c.operation))
                .to_owned(),
            reference: c.reference,
            figure,
            // A member frozen as they joined was let in, suspended: nothing was refused.
            action: match (c.action.as_str(), c.operation.as_str()) {
                ("freeze", "enrollment") => t.get("fraud.action_freeze_joined").to_owned(),
                (action, _) => t.get(&format!("fraud.action_{action}")).to_owned(),
            },
            actions: ReviewAction::ALL
                .into_iter()
                .filter(|a| match a {
                    ReviewAction::Release => c.lot_id.is_some() && c.action == "hold",
                    // A referrer's bonus held before it was paid may be stopped from coming.
                    ReviewAction::Reverse => {
                        c.lot_id.is_some() || (c.operation == "referral" && c.action == "hold")
                    }
                    _ => true,
                })
                .map(|a| {
                    let weighs = matches!(a, ReviewAction::Reverse | ReviewAction::Freeze);
                    (a.as_str(), words(a), weighs)
                })
                .collect(),
            state: t.get(&format!("fraud.state_{}", c.state)).to_owned(),
            decided: match (c.decided_by, c.decided_at) {
                (Some(who), Some(at)) => format!("{who} · {}", l.date_time(at, tz)),
                _ => String::new(),
            },
        }
    }
}

/// The words of a reviewer's action.
fn words(action: ReviewAction) -> &'static str {
    match action {
        ReviewAction::Release => "fraud.release",
        ReviewAction::Reverse => "fraud.reverse",
        ReviewAction::Freeze => "fraud.freeze",
        ReviewAction::Dismiss => "fraud.dismiss",
    }
}

#[derive(Template)]
#[template(path = "fraud_cases.html")]
struct FraudPage {
    chrome: Chrome,
    open: Vec<CaseRow>,
    closed: Vec<CaseRow>,
}

/// The queue: open cases first, then those closed, newest first.
pub(crate) async fn page(
    State(console): State<Console>,
    staff: Staff,
) -> Result<Response, PageError> {
    staff.require(Permission::ManageMembers)?;
    let l = staff.locale;
    let tz = &console.engine.definition().program.time_zone;
    // The open ones asked for on their own: however many were closed since, none is missed.
    let fail = |e| PageError::from_engine(e, l);
    let open: Vec<CaseRow> = console
        .engine
        .fraud_cases(true)
        .await
        .map_err(fail)?
        .into_iter()
        .map(|c| CaseRow::of(l, tz, c))
        .collect();
    let closed: Vec<CaseRow> = console
        .engine
        .fraud_cases(false)
        .await
        .map_err(fail)?
        .into_iter()
        .filter(|c| c.state != "open")
        .map(|c| CaseRow::of(l, tz, c))
        .collect();
    let page = FraudPage {
        chrome: Chrome::signed_in(&staff, "fraud", "/admin/fraud".into()),
        open,
        closed,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Deserialize)]
pub(crate) struct ReviewFields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
}

/// A reviewer's decision on an open case; back to the queue.
pub(crate) async fn review(
    State(console): State<Console>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(fields): Form<ReviewFields>,
) -> Result<Response, PageError> {
    staff.may_post(&fields.csrf, Permission::ManageMembers)?;
    let l = staff.locale;
    let action = ReviewAction::parse(&fields.action)
        .ok_or_else(|| PageError::new(StatusCode::UNPROCESSABLE_ENTITY, l, "fraud.bad_action"))?;
    console
        .engine
        .review_fraud_case(id, action, &staff.actor())
        .await
        .map_err(|e| PageError::from_engine(e, l))?;
    Ok(Redirect::to("/admin/fraud").into_response())
}
