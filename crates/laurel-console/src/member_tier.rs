//! The member page's tier assignment: for staff whose role may assign tiers (those who manage
//! members, as the engine's maker-checker holds), a form that puts the member in one of the
//! program's tiers for a reason, until the end of a day in the program's time zone or until
//! changed. It takes effect at once (audited), or, when the program's `[staff.approval]
//! tier_assignments` says so, is stored as a request that waits for a second staff member
//! (Review → Approvals). A refusal is said next to its field, with what was typed kept. No form
//! when the program has no tiers or the member was erased.

use crate::Console;
use crate::days::end_of;
use crate::members::{Forms, member_page};
use crate::messages::refusal;
use crate::page::render;
use crate::web::{PageError, Staff};
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use laurel_engine::{ApprovalKind, AssignTierRequest, Engine, EngineError, Made, MemberRef};
use serde::Deserialize;
use serde_json::json;

/// Who may assign a tier: who may make, and so approve, a tier assignment.
fn may_assign(staff: &Staff) -> bool {
    staff
        .session
        .user
        .role
        .may(ApprovalKind::TierAssignment.permission())
}

/// The form: what was chosen and typed, the errors next to the fields, or what was just done.
#[derive(Default)]
pub(crate) struct TierForm {
    pub tier: String,
    pub reason: String,
    /// The last day, as typed (`2026-12-31`); empty for until changed.
    pub until: String,
    pub tier_error: Option<String>,
    pub reason_error: Option<String>,
    pub until_error: Option<String>,
    /// A tier was just assigned (after the redirect).
    pub done: bool,
    /// The assignment just asked waits for a second staff member's approval.
    pub sent_for_approval: bool,
}

impl TierForm {
    /// The form empty, saying what `done` (the member page's `done`) did, if it was a tier's.
    pub(crate) fn after(done: Option<&str>) -> TierForm {
        TierForm {
            done: done == Some("tier_assigned"),
            sent_for_approval: done == Some("tier_sent_for_approval"),
            ..TierForm::default()
        }
    }
}

/// A tier the form offers.
pub(crate) struct TierChoice {
    pub id: String,
    pub name: String,
}

/// The member page's tier assignment section.
pub(crate) struct TierBox {
    /// The program's tiers, lowest first.
    pub tiers: Vec<TierChoice>,
    /// The tier chosen: the one typed after a refusal, else the member's.
    pub chosen: String,
    /// The program says a second staff member approves tier assignments.
    pub needs_approval: bool,
    pub form: TierForm,
}

/// The section, or `None` when `staff` may not assign tiers, the program has none or the
/// member's data was erased.
pub(crate) async fn read(
    engine: &Engine,
    staff: &Staff,
    id: i64,
    erased: bool,
    form: TierForm,
) -> Result<Option<TierBox>, EngineError> {
    let definition = engine.definition();
    let Some(policy) = definition.tiers.as_ref() else {
        return Ok(None);
    };
    if erased || !may_assign(staff) {
        return Ok(None);
    }
    let l = staff.locale;
    let chosen = if form.tier.is_empty() {
        let view = engine.tier_status(&MemberRef::Id(id)).await?;
        view.tier.map(|t| t.id).unwrap_or_default()
    } else {
        form.tier.clone()
    };
    Ok(Some(TierBox {
        tiers: policy
            .tiers()
            .iter()
            .map(|t| TierChoice {
                id: t.id.clone(),
                name: l.text(&t.name).to_owned(),
            })
            .collect(),
        chosen,
        needs_approval: definition.approval.needs(ApprovalKind::TierAssignment, 0),
        form,
    }))
}

#[derive(Deserialize)]
pub(crate) struct TierFields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    tier: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    until: String,
}

/// Assigns the member a tier, or asks for approval of it; the page again with the refusal.
pub(crate) async fn assign(
    State(console): State<Console>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(fields): Form<TierFields>,
) -> Result<Response, PageError> {
    staff.may_post(&fields.csrf, ApprovalKind::TierAssignment.permission())?;
    let l = staff.locale;
    let t = l.strings();
    let engine = &console.engine;
    let tz = engine.definition().program.time_zone.clone();
    let mut form = TierForm {
        tier: fields.tier.trim().to_owned(),
        reason: fields.reason.trim().to_owned(),
        until: fields.until.trim().to_owned(),
        ..TierForm::default()
    };
    if form.tier.is_empty() {
        form.tier_error = Some(t.get("field.required").to_owned());
    }
    if form.reason.is_empty() {
        form.reason_error = Some(t.get("field.required").to_owned());
    }
    // The last day chosen: the tier is held through it, in the program's time zone; a day
    // already over is no end.
    let now = jiff::Timestamp::now();
    let until = match form.until.as_str() {
        "" => Ok(None),
        day => day
            .parse::<jiff::civil::Date>()
            .ok()
            .and_then(|d| end_of(d, &tz))
            .filter(|end| *end > now)
            .map(Some)
            .ok_or(()),
    };
    if until.is_err() {
        form.until_error = Some(t.get("member.tier_bad_until").to_owned());
    }
    if let (Ok(until), None, None) = (until, &form.tier_error, &form.reason_error) {
        let request = AssignTierRequest {
            member_id: id,
            tier: form.tier.clone(),
            reason: form.reason.clone(),
            until,
        };
        let before = engine
            .tier_status(&MemberRef::Id(id))
            .await
            .map_err(|e| PageError::from_engine(e, l))?
            .tier
            .map(|t| t.id);
        match engine.assign_tier_by(request, &staff.member()).await {
            Ok(Made::Waiting(asked)) => {
                crate::approvals::audit(&console, &staff, "approval.request", &asked).await;
                let to = format!("/admin/members/{id}?done=tier_sent_for_approval");
                return Ok(Redirect::to(&to).into_response());
            }
            Ok(Made::Done(view)) => {
                let mut after = json!({
                    "tier": view.tier.map(|t| t.id),
                    "reason": form.reason,
                });
                if let Some(until) = until {
                    after["until"] = json!(until.to_string());
                }
                staff
                    .audit(
                        &console,
                        "tier.assign",
                        format!("member:{id}"),
                        Some(json!({ "tier": before })),
                        after,
                    )
                    .await;
                let to = format!("/admin/members/{id}?done=tier_assigned");
                return Ok(Redirect::to(&to).into_response());
            }
            Err(refused) if refused.is_refusal() => {
                // Next to the field it is about; the tier for the rest.
                let words = Some(refusal(l, &refused));
                match &refused {
                    EngineError::InvalidField { field, .. } if field == "reason" => {
                        form.reason_error = words;
                    }
                    EngineError::InvalidField { field, .. } if field == "until" => {
                        form.until_error = words;
                    }
                    _ => form.tier_error = words,
                }
            }
            Err(e) => return Err(PageError::from_engine(e, l)),
        }
    }
    let forms = Forms {
        tier: form,
        ..Forms::default()
    };
    let page = member_page(&console, &staff, id, None, forms).await?;
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
}
