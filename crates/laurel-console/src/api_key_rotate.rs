//! Rotating an API key from the console: a new key with the old one's name, scope and
//! partner, shown once, while the old one works on for the overlap chosen.

use crate::Console;
use crate::api_key_create::CreatedPage;
use crate::api_key_words::expiry_words;
use crate::api_keys::{OVERLAP_DAYS, partner_choices, partner_label};
use crate::web::{Chrome, PageError, Staff};
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::{SignedDuration, Timestamp};
use laurel_engine::{EngineError, Permission, RotationAsk};
use serde::Deserialize;

#[derive(Deserialize)]
pub(crate) struct RotateFields {
    #[serde(default)]
    csrf: String,
    /// Days the old key works on, one of [`OVERLAP_DAYS`]; absent for the engine's default.
    #[serde(default)]
    overlap_days: Option<String>,
}

pub(crate) async fn rotate(
    State(console): State<Console>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(fields): Form<RotateFields>,
) -> Result<Response, PageError> {
    staff.may_post(&fields.csrf, Permission::ManageStaff)?;
    let l = staff.locale;
    let t = l.strings();
    let overlap = match fields.overlap_days.as_deref().map(str::parse::<i64>) {
        None => None,
        Some(Ok(days)) if OVERLAP_DAYS.contains(&days) => {
            Some(SignedDuration::from_hours(days * 24))
        }
        Some(_) => {
            return Err(PageError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                l,
                "error.refused",
            ));
        }
    };
    let ask = RotationAsk {
        overlap,
        expires_at: None,
    };
    let now = Timestamp::now();
    let rotation = match console
        .engine
        .rotate_api_key(id, ask, now, &staff.acting())
        .await
    {
        Ok(rotation) => rotation,
        Err(EngineError::UnknownApiKey(_)) => {
            return Err(PageError::new(StatusCode::NOT_FOUND, l, "error.not_found"));
        }
        Err(e) => return Err(PageError::from_engine(e, l)),
    };
    // The new key has the old one's name, scope and partner.
    let old = console
        .engine
        .api_key(id)
        .await
        .map_err(|e| PageError::from_engine(e, l))?;
    let tz = console.engine.definition().program.time_zone.clone();
    let until = l.date_time(rotation.old_expires_at, &tz);
    let page = CreatedPage {
        chrome: Chrome::signed_in(&staff, "api-keys", "/admin/api-keys".into()),
        name: old.name,
        scope: t.get(&format!("keys.scope_{}", old.scope)).to_owned(),
        partner: old
            .partner
            .map(|code| partner_label(&partner_choices(&console, l), code)),
        expires: expiry_words(l, &tz, rotation.key.expires_at, now),
        key: rotation.key.key,
        replaced: Some(t.fill(
            "keys.rotated_notice",
            &[("prefix", &old.prefix), ("until", &until)],
        )),
    };
    Ok(page.shown_once())
}
