//! API keys (admins only): the list (name, scope and a partner's key's partner, prefix,
//! revoked or not), a form that creates a key — a coalition partner's when the program has
//! partners, naming which — and shows it once, and revoking one. Both actions are audited,
//! never with the key.

use crate::Console;
use crate::i18n::Locale;
use crate::page::render;
use crate::web::{Chrome, PageError, Staff};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use laurel_engine::{EngineError, ErrorCode, IssuedKey, KEY_NAME_MAX, Permission, Scope};
use serde::Deserialize;
use serde_json::json;

/// The scopes the form always offers, least powerful first; the page adds a partner's after
/// them when the program has partners (so the form's first choice stays the till's).
const SCOPES: [Scope; 2] = [Scope::Pos, Scope::Admin];

/// One key as the list shows it.
struct KeyRow {
    id: i64,
    name: String,
    scope: String,
    /// The partner a partner's key speaks for, by name.
    partner: Option<String>,
    prefix: String,
    created: String,
    revoked: Option<String>,
}

/// The creation form: what was typed and the errors next to the fields.
#[derive(Default)]
struct CreateForm {
    name: String,
    scope: String,
    /// The partner chosen, by code.
    partner: String,
    name_error: Option<String>,
    scope_error: Option<String>,
    partner_error: Option<String>,
}

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
    name_max: usize,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "api_key_created.html")]
struct CreatedPage {
    chrome: Chrome,
    name: String,
    scope: String,
    /// The partner a partner's key speaks for, by name.
    partner: Option<String>,
    key: String,
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
    let rows = keys
        .into_iter()
        .map(|k| KeyRow {
            id: k.id,
            scope: t.get(&format!("keys.scope_{}", k.scope)).to_owned(),
            partner: k.partner.map(|code| partner_label(&partners, code)),
            name: k.name,
            prefix: k.prefix,
            created: l.date_time(k.created_at, &tz),
            revoked: k.revoked_at.map(|at| l.date_time(at, &tz)),
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
        name_max: KEY_NAME_MAX,
        notice,
    })
}

#[derive(Deserialize)]
pub(crate) struct CreateFields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    scope: String,
    /// The partner, by code: for a partner's key only.
    #[serde(default)]
    partner: String,
}

/// Every partner of the program as the form offers it: (code, "name (code)").
fn partner_choices(console: &Console, l: Locale) -> Vec<(String, String)> {
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
fn partner_label(partners: &[(String, String)], code: String) -> String {
    partners
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, label)| label.clone())
}

/// Makes the key the form asks for: a partner's names its partner, and a partner chosen for
/// any other scope is refused rather than dropped, lest a till's key be made by mistake.
async fn issue(
    console: &Console,
    fields: &CreateFields,
    scope: Scope,
) -> Result<IssuedKey, Refused> {
    let partner = fields.partner.trim();
    match (scope, partner.is_empty()) {
        (Scope::Partner, true) => Err(Refused::Partner("keys.choose_partner")),
        (Scope::Partner, false) => console
            .engine
            .create_partner_key(&fields.name, partner)
            .await
            .map_err(Refused::Engine),
        (_, false) => Err(Refused::Partner("keys.partner_without_scope")),
        (_, true) => console
            .engine
            .create_api_key(&fields.name, scope)
            .await
            .map_err(Refused::Engine),
    }
}

/// Why the form made no key.
enum Refused {
    /// The partner field is wrong, said under this key.
    Partner(&'static str),
    /// The engine refused.
    Engine(EngineError),
}

pub(crate) async fn create(
    State(console): State<Console>,
    staff: Staff,
    Form(fields): Form<CreateFields>,
) -> Result<Response, PageError> {
    staff.may_post(&fields.csrf, Permission::ManageStaff)?;
    let t = staff.locale.strings();
    let mut form = CreateForm {
        name: fields.name.clone(),
        scope: fields.scope.clone(),
        partner: fields.partner.clone(),
        ..CreateForm::default()
    };
    match fields.scope.parse::<Scope>() {
        Err(_) => form.scope_error = Some(t.get("keys.choose_scope").to_owned()),
        Ok(scope) => match issue(&console, &fields, scope).await {
            Ok(issued) => {
                let name = fields.name.trim().to_owned();
                let partner = (scope == Scope::Partner).then(|| fields.partner.trim().to_owned());
                let after = json!({ "name": name, "scope": scope.as_str(), "partner": partner, "prefix": issued.prefix });
                staff
                    .audit(
                        &console,
                        "api_key.create",
                        format!("api_key:{}", issued.id),
                        None,
                        after,
                    )
                    .await;
                let page = CreatedPage {
                    chrome: Chrome::signed_in(&staff, "api-keys", "/admin/api-keys".into()),
                    name,
                    scope: t.get(&format!("keys.scope_{scope}")).to_owned(),
                    partner: partner
                        .map(|code| partner_label(&partner_choices(&console, staff.locale), code)),
                    key: issued.key,
                };
                // Shown once: no cache may keep a copy.
                return Ok((
                    [(header::CACHE_CONTROL, "no-store")],
                    render(StatusCode::OK, &page),
                )
                    .into_response());
            }
            Err(Refused::Partner(key)) => form.partner_error = Some(t.get(key).to_owned()),
            // A partner gone from the program since the form was drawn.
            Err(Refused::Engine(EngineError::UnknownPartner(_))) => {
                form.partner_error = Some(t.get("code.unknown_partner").to_owned());
            }
            Err(Refused::Engine(EngineError::InvalidField { code, .. })) => {
                form.name_error = Some(match code {
                    ErrorCode::MissingField => t.get("field.required").to_owned(),
                    _ => t.with("keys.name_too_long", "max", &KEY_NAME_MAX.to_string()),
                });
            }
            Err(Refused::Engine(e)) => return Err(PageError::from_engine(e, staff.locale)),
        },
    }
    let page = keys_page(&console, &staff, form, None).await?;
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

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
    let fail = |e| PageError::from_engine(e, l);
    let keys = console.engine.api_keys().await.map_err(fail)?;
    let Some(key) = keys.into_iter().find(|k| k.id == id) else {
        return Err(PageError::new(StatusCode::NOT_FOUND, l, "error.not_found"));
    };
    // Revoking twice changes nothing and records nothing.
    if console.engine.revoke_api_key(id).await.map_err(fail)? {
        let state = |revoked: bool| json!({ "name": key.name, "scope": key.scope, "prefix": key.prefix, "revoked": revoked });
        staff
            .audit(
                &console,
                "api_key.revoke",
                format!("api_key:{id}"),
                Some(state(false)),
                state(true),
            )
            .await;
    }
    let back = format!("/admin/api-keys?revoked={id}");
    Ok(Redirect::to(&back).into_response())
}
