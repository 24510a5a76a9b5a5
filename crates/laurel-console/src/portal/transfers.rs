//! Points the member sends other members (`/portal/transfers`, linked from home when the
//! program offers transfers): the program's terms in words, the member's own member code (the
//! referral code, which friends send to), the form — the other member's code, the points and
//! a message, one idempotency key per rendered form so a double submit sends once — what was
//! just sent (the points, the fee, what the member has now), and every transfer sent and
//! received, newest first, a page at a time, the other member by name or a masked id. A
//! refusal is said next to its field in the member's language with nothing sent. Without
//! `[transfers]` the page says the program offers none (and still lists any made before).

use super::home::Activity;
use super::web::{Chrome, Member, PortalError};
use crate::Console;
use crate::form_fields::Field;
use crate::i18n::Locale;
use crate::page::{paged, render};
use crate::transfer_words::{
    TRANSFER_PAGE, TermsWords, TransferLine, member_name, transfer_refusal,
};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use laurel_engine::{EngineError, ErrorCode, MemberRef, TransferRequest};
use serde::Deserialize;

/// Where the page is.
const PATH: &str = "/portal/transfers";

/// The send form: what was typed and the errors next to each field, or the refusal that is
/// about none of them.
pub(crate) struct SendForm {
    pub to: Field,
    pub points: Field,
    pub message: String,
    pub message_error: Option<String>,
    pub error: Option<String>,
}

impl SendForm {
    /// The form empty, the points' hint saying what the member has.
    fn blank(l: Locale, available: &str) -> SendForm {
        let t = l.strings();
        SendForm {
            to: Field::new(
                "transfer-to",
                "to",
                t.get("transfers.to"),
                r#"required autocomplete="off" autocapitalize="characters" maxlength="64""#,
            )
            .hint(t.get("transfers.to_hint").to_owned()),
            points: Field::new(
                "transfer-points",
                "points",
                t.get("transfers.points"),
                r#"required inputmode="numeric" autocomplete="off" maxlength="13""#,
            )
            .hint(t.with("transfers.points_hint", "available", available)),
            message: String::new(),
            message_error: None,
            error: None,
        }
    }
}

#[derive(Template)]
#[template(path = "portal/transfers.html")]
pub(crate) struct TransfersPage {
    chrome: Chrome,
    /// The program's terms, or `None` when it offers no transfers.
    terms: Option<TermsWords>,
    /// The member's own member code.
    code: String,
    form: SendForm,
    /// A fresh idempotency key: submitting the form twice sends once.
    form_key: String,
    /// What was just sent, in a sentence.
    done: Option<String>,
    /// The transfers, in the shape of the history's entries (`portal/activity.html`).
    entries: Vec<Activity>,
    first: Option<String>,
    next: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct PageQuery {
    /// The last transfer of the page before.
    before: Option<i64>,
    /// The transfer just sent (after the form's redirect).
    sent: Option<i64>,
}

/// A transfer as a line of the member's list: whom it was to or from, the message and the
/// fee beneath, the points signed beside.
fn entry(l: Locale, line: TransferLine) -> Activity {
    let mut detail: Vec<String> = Vec::new();
    if let Some(message) = line.message {
        detail.push(format!("“{message}”"));
    }
    if let Some(fee) = line.fee {
        detail.push(l.strings().with("transfers.fee", "fee", &fee));
    }
    Activity {
        when: line.when,
        what: line.headline,
        detail: detail.join(" · "),
        grants: Vec::new(),
        points: line.points,
        sign: line.sign,
    }
}

/// The page with the list before `before`, what was just sent (the transfer `sent`, if it is
/// the member's) and the form as given (`None`: empty).
async fn transfers_page(
    console: &Console,
    member: &Member,
    before: Option<i64>,
    sent: Option<i64>,
    form: Option<SendForm>,
) -> Result<TransfersPage, PortalError> {
    let l = member.locale;
    let fail = member.fail();
    let engine = &console.engine;
    let me = member.id();
    let terms = engine.transfer_policy().map(|p| TermsWords::of(l, &p));
    let page = engine
        .transfers_of(me, before, TRANSFER_PAGE)
        .await
        .map_err(&fail)?;
    let balance = engine.balance(me).await.map_err(&fail)?;
    let available = l.integer(balance.available.get());
    let code = match terms {
        Some(_) => engine.referrals(me, 1).await.map_err(&fail)?.code,
        None => String::new(),
    };
    let tz = &engine.definition().program.time_zone;
    let done = sent
        .and_then(|id| page.transfers.iter().find(|t| t.id == id))
        .filter(|t| t.from.member_id == me)
        .map(|t| {
            l.strings().fill(
                "transfers.sent",
                &[
                    ("points", &l.integer(t.points)),
                    ("name", &member_name(&t.to)),
                    ("fee", &l.integer(t.fee)),
                    ("available", &available),
                ],
            )
        });
    Ok(TransfersPage {
        chrome: Chrome::signed_in(member, "home", paged(PATH, "", before)),
        terms,
        code,
        form: form.unwrap_or_else(|| SendForm::blank(l, &available)),
        form_key: laurel_engine::random_token(),
        done,
        entries: page
            .transfers
            .iter()
            .map(|t| entry(l, TransferLine::of(l, tz, me, t, member_name)))
            .collect(),
        first: before.is_some().then(|| PATH.to_owned()),
        next: page.next.map(|c| paged(PATH, "", Some(c))),
    })
}

/// The page.
pub(crate) async fn page(
    State(console): State<Console>,
    member: Member,
    Query(query): Query<PageQuery>,
) -> Result<Response, PortalError> {
    let page = transfers_page(&console, &member, query.before, query.sent, None).await?;
    Ok(render(StatusCode::OK, &page))
}

#[derive(Deserialize)]
pub(crate) struct SendFields {
    #[serde(default)]
    csrf: String,
    /// The idempotency key rendered with the form.
    #[serde(default)]
    key: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    points: String,
    #[serde(default)]
    message: String,
}

/// Sends points from the signed-in member to the member whose code they typed.
pub(crate) async fn send(
    State(console): State<Console>,
    member: Member,
    Form(fields): Form<SendFields>,
) -> Result<Response, PortalError> {
    member.check_csrf(&fields.csrf)?;
    let l = member.locale;
    let t = l.strings();
    let engine = &console.engine;
    let me = member.id();
    let fail = member.fail();
    let available = l.integer(engine.balance(me).await.map_err(&fail)?.available.get());
    let blank = SendForm::blank(l, &available);
    let mut form = SendForm {
        to: blank.to.typed(fields.to.trim()),
        points: blank.points.typed(fields.points.trim()),
        message: fields.message.clone(),
        ..blank
    };
    let code = fields.to.trim();
    if code.is_empty() {
        form.to.error = Some(t.get("field.required").to_owned());
    }
    let points = fields.points.trim().parse::<i64>().ok();
    if points.is_none() {
        form.points.error = Some(t.get("field.integer").to_owned());
    }
    let receiver = match code {
        "" => None,
        code => match engine.member_by_code(code).await.map_err(&fail)? {
            Some(id) => Some(id),
            None => {
                form.to.error = Some(t.get("transfers.unknown_code").to_owned());
                None
            }
        },
    };
    if let (Some(receiver), Some(points)) = (receiver, points) {
        let request = TransferRequest {
            member_id: me,
            to: MemberRef::Id(receiver),
            points,
            // The key the form was drawn with; a form that lost it gets its own.
            idempotency_key: match fields.key.trim() {
                "" => format!("portal:{}", laurel_engine::random_token()),
                key => format!("portal:{key}"),
            },
            message: Some(fields.message.clone()).filter(|m| !m.trim().is_empty()),
        };
        match engine.send_points(request, None).await {
            // Back to the page (a reload sends nothing twice), saying what was sent.
            Ok(outcome) => {
                let to = format!("{PATH}?sent={}#transfers-done", outcome.transfer.id);
                return Ok(Redirect::to(&to).into_response());
            }
            Err(e) if e.is_refusal() => {
                let tz = engine.definition().program.time_zone.clone();
                place(l, &tz, me, &e, &mut form);
            }
            Err(e) => return Err(fail(e)),
        }
    }
    let page = transfers_page(&console, &member, None, None, Some(form)).await?;
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

/// A refusal next to the field it is about, in words a member reads: the recipient's code
/// (their own, or a member who may not receive), the points (the program's limits, too few
/// to spend), the message; the rest above the form.
fn place(l: Locale, tz: &jiff::tz::TimeZone, me: i64, e: &EngineError, form: &mut SendForm) {
    let t = l.strings();
    match e {
        EngineError::MemberSuspended(id) if *id == me => {
            form.error = Some(t.get("transfers.you_suspended").to_owned());
        }
        EngineError::MemberSuspended(_) => {
            form.to.error = Some(t.get("transfers.they_suspended").to_owned());
        }
        EngineError::UnknownRecipient(_) => {
            form.to.error = Some(t.get("transfers.unknown_code").to_owned());
        }
        _ if e.code() == ErrorCode::TransferToSelf => {
            form.to.error = Some(t.get("transfers.own_code").to_owned());
        }
        EngineError::InvalidField { field, .. } if field == "message" => {
            form.message_error = Some(transfer_refusal(l, tz, e));
        }
        EngineError::Transfer(_)
        | EngineError::InsufficientPoints { .. }
        | EngineError::InvalidField { .. } => {
            form.points.error = Some(transfer_refusal(l, tz, e));
        }
        _ => form.error = Some(transfer_refusal(l, tz, e)),
    }
}
