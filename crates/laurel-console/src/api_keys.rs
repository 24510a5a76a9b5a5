//! API keys (admins only): the list (name, scope and a partner's key's partner, prefix,
//! expiry, and whether it works, was rotated, expired or was revoked), revoking one. Making
//! one is `api_key_create.rs`, rotating one `api_key_rotate.rs`; the engine audits each.

use crate::Console;
use crate::api_key_create::CreateForm;
use crate::api_key_words::KeyRow;
use crate::i18n::Locale;
use crate::page::render;
use crate::web::{Chrome, PageError, Staff};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use laurel_engine::{EngineError, KEY_NAME_MAX, Permission, ROTATION_OVERLAP_DEFAULT, Scope};
use serde::Deserialize;

/// The scopes the form always offers, least powerful first; the page adds a partner's after
/// them when the program has partners (so the form's first choice stays the till's).
const SCOPES: [Scope; 2] = [Scope::Pos, Scope::Admin];

/// The expiries the form offers, in days; none first: never (as keys made before expiries).
pub(crate) const EXPIRY_DAYS: [Option<i64>; 5] = [None, Some(30), Some(90), Some(180), Some(365)];

/// The overlaps a rotation offers, in days: how long the old key works on beside the new.
pub(crate) const OVERLAP_DAYS: [i64; 4] = [0, 1, 7, 30];

#[derive(Template)]
#[template(path = "api_keys.html")]
struct KeysPage {
    chrome: Chrome,
    rows: Vec<KeyRow>,
    form: CreateForm,
    /// (value, label) of every scope.
    scopes: Vec<(&'static str, String)>,
    /// (code, label) of every partner of the program; none hides the choice.
    partners: Vec<(String, String)>,
    /// (value, label) of every expiry the form offers; the value is days, empty for never.
    expiries: Vec<(String, String)>,
    /// (value, label) of every overlap a rotation offers, and the one chosen unless changed.
    overlaps: Vec<(String, String)>,
    overlap_default: String,
    name_max: usize,
    notice: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct KeysQuery {
    /// The id of the key just revoked (an id, so the page never repeats text from a link).
    revoked: Option<i64>,
}

pub(crate) async fn page(
    State(console): State<Console>,
    staff: Staff,
    Query(query): Query<KeysQuery>,
) -> Result<Response, PageError> {
    staff.require(Permission::ManageStaff)?;
    let page = keys_page(&console, &staff, CreateForm::default(), query.revoked).await?;
    Ok(render(StatusCode::OK, &page))
}

/// The page with `form` as typed; `status` says whether it is shown as refused.
pub(crate) async fn keys_page_response(
    console: &Console,
    staff: &Staff,
    form: CreateForm,
    status: StatusCode,
) -> Result<Response, PageError> {
    let page = keys_page(console, staff, form, None).await?;
    Ok(render(status, &page))
}

async fn keys_page(
    console: &Console,
    staff: &Staff,
    form: CreateForm,
    revoked: Option<i64>,
) -> Result<KeysPage, PageError> {
    let l = staff.locale;
    let keys = console
        .engine
        .api_keys()
        .await
        .map_err(|e| PageError::from_engine(e, l))?;
    let tz = console.engine.definition().program.time_zone.clone();
    let t = l.strings();
    let partners = partner_choices(console, l);
    let mut scopes: Vec<Scope> = SCOPES.to_vec();
    if !partners.is_empty() {
        scopes.push(Scope::Partner);
    }
    let notice = revoked
        .and_then(|id| keys.iter().find(|k| k.id == id))
        .map(|k| t.with("keys.revoked_notice", "prefix", &k.prefix));
    let now = Timestamp::now();
    let rows = keys
        .iter()
        .map(|k| {
            let scope = t.get(&format!("keys.scope_{}", k.scope)).to_owned();
            let partner = k.partner.clone().map(|code| partner_label(&partners, code));
            KeyRow::of(k.clone(), &keys, (scope, partner), l, &tz, now)
        })
        .collect();
    Ok(KeysPage {
        chrome: Chrome::signed_in(staff, "api-keys", "/admin/api-keys".into()),
        rows,
        form,
        scopes: scopes
            .into_iter()
            .map(|s| (s.as_str(), t.get(&format!("keys.scope_{s}")).to_owned()))
            .collect(),
        partners,
        expiries: EXPIRY_DAYS
            .iter()
            .map(|days| match days {
                None => (String::new(), t.get("keys.expires_never").to_owned()),
                Some(n) => (n.to_string(), days_label(l, *n)),
            })
            .collect(),
        overlaps: OVERLAP_DAYS
            .iter()
            .map(|n| (n.to_string(), days_label(l, *n)))
            .collect(),
        overlap_default: (ROTATION_OVERLAP_DEFAULT.as_hours() / 24).to_string(),
        name_max: KEY_NAME_MAX,
        notice,
    })
}

/// "None", "1 day" or "N days".
fn days_label(l: Locale, days: i64) -> String {
    let t = l.strings();
    match days {
        0 => t.get("keys.days_none").to_owned(),
        1 => t.get("keys.days_one").to_owned(),
        n => t.with("keys.days", "days", &l.integer(n)),
    }
}

/// Every partner of the program as the form offers it: (code, "name (code)").
pub(crate) fn partner_choices(console: &Console, l: Locale) -> Vec<(String, String)> {
    console
        .engine
        .partners()
        .into_iter()
        .map(|p| {
            let label = format!("{} ({})", l.text(&p.name), p.code);
            (p.code, label)
        })
        .collect()
}

/// How a key names its partner: as the form offers it, or by code when the program no longer
/// has that partner.
pub(crate) fn partner_label(partners: &[(String, String)], code: String) -> String {
    partners
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, label)| label.clone())
}

/// A posted form with only its CSRF token.
#[derive(Deserialize)]
pub(crate) struct RevokeFields {
    #[serde(default)]
    csrf: String,
}

pub(crate) async fn revoke(
    State(console): State<Console>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(fields): Form<RevokeFields>,
) -> Result<Response, PageError> {
    staff.may_post(&fields.csrf, Permission::ManageStaff)?;
    let l = staff.locale;
    // Revoking twice changes nothing and records nothing.
    match console.engine.revoke_api_key(id, &staff.acting()).await {
        Ok(_) => {}
        Err(EngineError::UnknownApiKey(_)) => {
            return Err(PageError::new(StatusCode::NOT_FOUND, l, "error.not_found"));
        }
        Err(e) => return Err(PageError::from_engine(e, l)),
    }
    let back = format!("/admin/api-keys?revoked={id}");
    Ok(Redirect::to(&back).into_response())
}
