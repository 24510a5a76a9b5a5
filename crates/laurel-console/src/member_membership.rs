//! The member page's membership section: the membership in force or the latest (its plan,
//! state, term, fee, trial, when it renews or ends, how it is paid, its benefits), earlier
//! ones listed compactly, and for the desk roles who may top up a wallet (admins, managers,
//! support) the forms that start one — paid by the business's billing with its payment
//! reference, or from the member's wallet when the program offers one — and cancel it at its
//! term's end or at once (saying what the plan gives back). A refusal is said next to its
//! field with nothing kept. No section when the program offers no plans.

use crate::Console;
use crate::members::{Forms, member_page};
use crate::membership_words::{MembershipWords, PlanWords};
use crate::messages::refusal;
use crate::page::render;
use crate::web::{PageError, Staff};
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use laurel_core::membership::{PayWith, When};
use laurel_engine::{Engine, EngineError, JoinMembershipRequest, Permission};
use serde::Deserialize;
use serde_json::json;

/// Who may start and cancel a member's membership from the console: who may top up their
/// wallet (the desk roles).
pub(crate) const MEMBERSHIPS: Permission = crate::wallet_top_up::TOP_UP;

/// The start form: what was chosen and typed, the errors next to the fields; a refused
/// cancellation; or what was just done.
#[derive(Default)]
pub(crate) struct MembershipForm {
    pub plan: String,
    /// `external` or `wallet`.
    pub pay_with: String,
    pub reference: String,
    pub plan_error: Option<String>,
    pub pay_error: Option<String>,
    pub reference_error: Option<String>,
    /// A cancellation refused.
    pub cancel_error: Option<String>,
    /// What was just done, in words (after the redirect).
    pub done: Option<String>,
}

impl MembershipForm {
    /// The form empty, saying what `done` (the member page's `done`) did, if it was a
    /// membership's.
    pub(crate) fn after(l: crate::i18n::Locale, done: Option<&str>) -> MembershipForm {
        let key = match done {
            Some("membership_started") => Some("membership.started"),
            Some("membership_ending") => Some("membership.now_ending"),
            Some("membership_cancelled") => Some("membership.now_cancelled"),
            _ => None,
        };
        MembershipForm {
            done: key.map(|k| l.strings().get(k).to_owned()),
            ..MembershipForm::default()
        }
    }
}

/// The member page's membership section.
pub(crate) struct MembershipBox {
    /// The membership in force, or the latest.
    pub current: Option<MembershipWords>,
    /// Its plan's benefits, each a sentence.
    pub benefits: Vec<String>,
    /// Whether it may be cancelled at its term's end (it renews), and at once (not ended).
    pub may_end: bool,
    pub may_cut: bool,
    /// Earlier memberships, newest first.
    pub earlier: Vec<MembershipWords>,
    /// The plans offered, for the start form.
    pub plans: Vec<PlanWords>,
    /// Whether the member's wallet may pay (the program offers one).
    pub wallet: bool,
    /// Whether a membership may be started (none is held).
    pub may_start: bool,
    pub form: MembershipForm,
    /// A fresh idempotency key: submitting the form twice starts one membership.
    pub form_key: String,
}

/// The section, or `None` when the program offers no plans.
pub(crate) async fn read(
    engine: &Engine,
    l: crate::i18n::Locale,
    id: i64,
    form: MembershipForm,
) -> Result<Option<MembershipBox>, EngineError> {
    let definition = engine.definition();
    if definition.memberships.is_empty() {
        return Ok(None);
    }
    let mut all = engine.memberships_of(id).await?.into_iter();
    let current = all.next();
    let held = current.as_ref().is_some_and(|m| m.state != "ended");
    let benefits = current
        .as_ref()
        .and_then(|m| definition.memberships.plan(&m.plan))
        .map(|p| crate::membership_words::benefits(l, &definition, p))
        .unwrap_or_default();
    Ok(Some(MembershipBox {
        may_end: current.as_ref().is_some_and(|m| m.state == "active"),
        may_cut: held,
        benefits,
        current: current.map(|m| MembershipWords::of(l, &definition, &m)),
        earlier: all
            .map(|m| MembershipWords::of(l, &definition, &m))
            .collect(),
        plans: PlanWords::all(l, &definition),
        wallet: definition.wallet.is_some(),
        may_start: !held,
        form,
        form_key: laurel_engine::random_token(),
    }))
}

#[derive(Deserialize)]
pub(crate) struct StartFields {
    #[serde(default)]
    csrf: String,
    /// The idempotency key rendered with the form.
    #[serde(default)]
    key: String,
    #[serde(default)]
    plan: String,
    #[serde(default)]
    pay_with: String,
    #[serde(default)]
    reference: String,
}

/// The member page again with the membership form as given, refused.
async fn refused(
    console: &Console,
    staff: &Staff,
    id: i64,
    form: MembershipForm,
) -> Result<Response, PageError> {
    let forms = Forms {
        membership: form,
        ..Forms::default()
    };
    let page = member_page(console, staff, id, None, forms).await?;
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

/// Starts a membership of the chosen plan for the member, then shows the member page.
pub(crate) async fn start(
    State(console): State<Console>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(fields): Form<StartFields>,
) -> Result<Response, PageError> {
    staff.may_post(&fields.csrf, MEMBERSHIPS)?;
    let l = staff.locale;
    let t = l.strings();
    let mut form = MembershipForm {
        plan: fields.plan.clone(),
        pay_with: fields.pay_with.clone(),
        reference: fields.reference.clone(),
        ..MembershipForm::default()
    };
    if fields.plan.trim().is_empty() {
        form.plan_error = Some(t.get("field.required").to_owned());
    }
    let pay_with = match fields.pay_with.as_str() {
        "wallet" => PayWith::Wallet,
        _ => PayWith::External,
    };
    let reference = fields.reference.trim();
    if pay_with == PayWith::External && reference.is_empty() {
        form.reference_error = Some(t.get("membership.reference_needed").to_owned());
    }
    if form.plan_error.is_some() || form.reference_error.is_some() {
        return refused(&console, &staff, id, form).await;
    }
    let request = JoinMembershipRequest {
        member_id: id,
        plan: fields.plan.trim().to_owned(),
        pay_with,
        // The key the form was drawn with; a form that lost it gets its own.
        idempotency_key: match fields.key.trim() {
            "" => format!("console:{}", laurel_engine::random_token()),
            key => format!("console:{key}"),
        },
        payment_reference: (pay_with == PayWith::External).then(|| reference.to_owned()),
    };
    match console
        .engine
        .join_membership(request, &staff.actor())
        .await
    {
        Ok(outcome) => {
            let m = &outcome.membership;
            staff
                .audit(
                    &console,
                    "membership.start",
                    format!("member:{id}"),
                    None,
                    json!({ "membership": m.id, "plan": m.plan, "state": m.state, "pay_with": m.pay_with, "reference": reference }),
                )
                .await;
            let to = format!("/admin/members/{id}?done=membership_started#membership-h");
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) if e.is_refusal() => {
            // Next to the field it is about: the plan, the reference, or how it is paid
            // (a wallet short of the fee, no wallet offered, a membership held).
            let words = Some(refusal(l, &e));
            match &e {
                EngineError::UnknownPlan(_) => form.plan_error = words,
                EngineError::InvalidField { field, .. } if field == "payment_reference" => {
                    form.reference_error = words;
                }
                _ => form.pay_error = words,
            }
            refused(&console, &staff, id, form).await
        }
        Err(e) => Err(PageError::from_engine(e, l)),
    }
}

#[derive(Deserialize)]
pub(crate) struct CancelFields {
    #[serde(default)]
    csrf: String,
    /// `term_end` or `now`.
    #[serde(default)]
    at: String,
}

/// Cancels one of the member's memberships at its term's end or at once, then shows the
/// member page.
pub(crate) async fn cancel(
    State(console): State<Console>,
    staff: Staff,
    Path((id, membership)): Path<(i64, i64)>,
    Form(fields): Form<CancelFields>,
) -> Result<Response, PageError> {
    staff.may_post(&fields.csrf, MEMBERSHIPS)?;
    let l = staff.locale;
    let fail = |e| PageError::from_engine(e, l);
    // Only a membership of the member whose page this is.
    let before = console.engine.membership(membership).await.map_err(fail)?;
    if before.member_id != id {
        return Err(fail(EngineError::UnknownMembership(membership)));
    }
    let (when, done) = match fields.at.as_str() {
        "now" => (When::Now, "membership_cancelled"),
        _ => (When::TermEnd, "membership_ending"),
    };
    match console
        .engine
        .cancel_membership(membership, when, &staff.actor())
        .await
    {
        Ok(outcome) => {
            let after = &outcome.membership;
            staff
                .audit(
                    &console,
                    "membership.cancel",
                    format!("member:{id}"),
                    Some(json!({ "membership": membership, "state": before.state })),
                    json!({ "membership": membership, "state": after.state, "at": fields.at, "refunded": outcome.refunded.to_string() }),
                )
                .await;
            let to = format!("/admin/members/{id}?done={done}#membership-h");
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) if e.is_refusal() => {
            let form = MembershipForm {
                cancel_error: Some(refusal(l, &e)),
                ..MembershipForm::default()
            };
            refused(&console, &staff, id, form).await
        }
        Err(e) => Err(fail(e)),
    }
}
