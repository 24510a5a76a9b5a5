//! Making an API key from the console: the form (name, scope, a partner for a partner's key,
//! an expiry) and the page that shows the new key once — which a rotation shows too.

use crate::Console;
use crate::api_key_words::expiry_words;
use crate::api_keys::{EXPIRY_DAYS, keys_page_response, partner_choices, partner_label};
use crate::page::render;
use crate::web::{Chrome, PageError, Staff};
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::{SignedDuration, Timestamp};
use laurel_engine::{EngineError, ErrorCode, IssuedKey, KEY_NAME_MAX, Permission, Scope};
use serde::Deserialize;

/// The creation form: what was typed and the errors next to the fields.
#[derive(Default)]
pub(crate) struct CreateForm {
    pub name: String,
    pub scope: String,
    /// The partner chosen, by code.
    pub partner: String,
    /// The expiry chosen, in days; empty for never.
    pub expires_in_days: String,
    pub name_error: Option<String>,
    pub scope_error: Option<String>,
    pub partner_error: Option<String>,
    pub expiry_error: Option<String>,
}

/// A new key, shown this once: made by the form, or by a rotation (which says until when
/// the old key works).
#[derive(Template)]
#[template(path = "api_key_created.html")]
pub(crate) struct CreatedPage {
    pub chrome: Chrome,
    pub name: String,
    pub scope: String,
    /// The partner a partner's key speaks for, by name.
    pub partner: Option<String>,
    pub key: String,
    /// When it expires, as the list says it.
    pub expires: String,
    /// For a rotation: what happens to the key it replaces.
    pub replaced: Option<String>,
}

impl CreatedPage {
    /// The page, kept out of every cache: the key is shown once.
    pub(crate) fn shown_once(&self) -> Response {
        (
            [(header::CACHE_CONTROL, "no-store")],
            render(StatusCode::OK, self),
        )
            .into_response()
    }
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
    /// Days until it expires, one of [`EXPIRY_DAYS`]; empty (or absent) for never.
    #[serde(default)]
    expires_in_days: String,
}

/// The expiry the form asks for: none for never; refused unless one the form offers.
fn expiry(fields: &CreateFields, now: Timestamp) -> Result<Option<Timestamp>, ()> {
    let chosen = fields.expires_in_days.trim();
    if chosen.is_empty() {
        return Ok(None);
    }
    let days: i64 = chosen.parse().map_err(|_| ())?;
    if !EXPIRY_DAYS.contains(&Some(days)) {
        return Err(());
    }
    Ok(Some(now + SignedDuration::from_hours(days * 24)))
}

/// Makes the key the form asks for: a partner's names its partner, and a partner chosen for
/// any other scope is refused rather than dropped, lest a till's key be made by mistake.
async fn issue(
    console: &Console,
    staff: &Staff,
    fields: &CreateFields,
    scope: Scope,
    expires_at: Option<Timestamp>,
) -> Result<IssuedKey, Refused> {
    let partner = fields.partner.trim();
    let by = staff.acting();
    match (scope, partner.is_empty()) {
        (Scope::Partner, true) => Err(Refused::Partner("keys.choose_partner")),
        (Scope::Partner, false) => console
            .engine
            .create_partner_key(&fields.name, partner, expires_at, &by)
            .await
            .map_err(Refused::Engine),
        (_, false) => Err(Refused::Partner("keys.partner_without_scope")),
        (_, true) => console
            .engine
            .create_api_key(&fields.name, scope, expires_at, &by)
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
    let l = staff.locale;
    let t = l.strings();
    let mut form = CreateForm {
        name: fields.name.clone(),
        scope: fields.scope.clone(),
        partner: fields.partner.clone(),
        expires_in_days: fields.expires_in_days.clone(),
        ..CreateForm::default()
    };
    let now = Timestamp::now();
    match (fields.scope.parse::<Scope>(), expiry(&fields, now)) {
        (Err(_), _) => form.scope_error = Some(t.get("keys.choose_scope").to_owned()),
        (_, Err(())) => form.expiry_error = Some(t.get("keys.choose_expiry").to_owned()),
        (Ok(scope), Ok(expires_at)) => {
            match issue(&console, &staff, &fields, scope, expires_at).await {
                Ok(issued) => {
                    let tz = console.engine.definition().program.time_zone.clone();
                    let partner = (scope == Scope::Partner).then(|| {
                        partner_label(
                            &partner_choices(&console, l),
                            fields.partner.trim().to_owned(),
                        )
                    });
                    let page = CreatedPage {
                        chrome: Chrome::signed_in(&staff, "api-keys", "/admin/api-keys".into()),
                        name: fields.name.trim().to_owned(),
                        scope: t.get(&format!("keys.scope_{scope}")).to_owned(),
                        partner,
                        expires: expiry_words(l, &tz, issued.expires_at, now),
                        key: issued.key,
                        replaced: None,
                    };
                    return Ok(page.shown_once());
                }
                Err(Refused::Partner(key)) => form.partner_error = Some(t.get(key).to_owned()),
                // A partner gone from the program since the form was drawn.
                Err(Refused::Engine(EngineError::UnknownPartner(_))) => {
                    form.partner_error = Some(t.get("code.unknown_partner").to_owned());
                }
                Err(Refused::Engine(EngineError::InvalidField { field, .. }))
                    if field == "expires_at" =>
                {
                    form.expiry_error = Some(t.get("keys.choose_expiry").to_owned());
                }
                Err(Refused::Engine(EngineError::InvalidField { code, .. })) => {
                    form.name_error = Some(match code {
                        ErrorCode::MissingField => t.get("field.required").to_owned(),
                        _ => t.with("keys.name_too_long", "max", &KEY_NAME_MAX.to_string()),
                    });
                }
                Err(Refused::Engine(e)) => return Err(PageError::from_engine(e, l)),
            }
        }
    }
    keys_page_response(&console, &staff, form, StatusCode::UNPROCESSABLE_ENTITY).await
}
