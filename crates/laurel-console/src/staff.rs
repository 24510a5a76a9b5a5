//! Staff accounts (admins only): who may sign in to the console, their role, last sign-in, any
//! lock and whether two-factor sign-in is on (with a reset for another's lost phone, audited
//! by the engine as `staff.two_factor_reset`); and the form that creates an account, audited
//! as `staff.create` (never with the password, which is neither logged nor shown back).

use crate::Console;
use crate::i18n::Locale;
use crate::page::render;
use crate::web::{Chrome, PageError, Staff};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use laurel_engine::{EngineError, PASSWORD_MIN, Permission, Role};
use serde::Deserialize;
use serde_json::json;

/// One account as the list shows it.
struct StaffRow {
    id: i64,
    name: String,
    email: String,
    role: String,
    created: String,
    last_sign_in: String,
    locked_until: String,
    disabled: bool,
    /// On since then, in words; empty when off.
    two_factor_since: String,
    /// The signed-in admin's own row (which has no reset: they turn it off on their account).
    own: bool,
}

/// The creation form: what was typed (never the password) and the errors next to the fields.
#[derive(Default)]
struct CreateForm {
    email: String,
    name: String,
    role: String,
    email_error: Option<String>,
    name_error: Option<String>,
    role_error: Option<String>,
    password_error: Option<String>,
}

#[derive(Template)]
#[template(path = "staff.html")]
struct StaffPage {
    chrome: Chrome,
    rows: Vec<StaffRow>,
    form: CreateForm,
    /// (value, label) of every role, for the form's choice.
    roles: Vec<(&'static str, String)>,
    password_min: usize,
    /// What was just done, for the notice.
    notice: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct StaffQuery {
    /// The id of the account just created (an id, so the page never repeats text from a link).
    created: Option<i64>,
    /// The id of the account whose two-factor sign-in was just reset.
    reset: Option<i64>,
}

/// What the notice says was just done, to whom.
enum Done {
    Created(i64),
    Reset(i64),
}

pub(crate) async fn page(
    State(console): State<Console>,
    staff: Staff,
    Query(query): Query<StaffQuery>,
) -> Result<Response, PageError> {
    staff.require(Permission::ManageStaff)?;
    let done = match (query.created, query.reset) {
        (Some(id), _) => Some(Done::Created(id)),
        (None, Some(id)) => Some(Done::Reset(id)),
        (None, None) => None,
    };
    let page = staff_page(&console, &staff, CreateForm::default(), done).await?;
    Ok(render(StatusCode::OK, &page))
}

async fn staff_page(
    console: &Console,
    staff: &Staff,
    form: CreateForm,
    done: Option<Done>,
) -> Result<StaffPage, PageError> {
    let l = staff.locale;
    let listing = console
        .engine
        .staff_listing(Timestamp::now())
        .await
        .map_err(|e| PageError::from_engine(e, l))?;
    let tz = console.engine.definition().program.time_zone.clone();
    let when = |at: Option<Timestamp>| at.map(|at| l.date_time(at, &tz)).unwrap_or_default();
    let notice = done.and_then(|done| {
        let (id, key) = match done {
            Done::Created(id) => (id, "staff.created"),
            Done::Reset(id) => (id, "two_factor.reset_done"),
        };
        let account = listing.iter().find(|s| s.account.id == id)?;
        Some(l.strings().with(key, "email", &account.account.email))
    });
    let me = staff.session.user.id;
    let rows = listing
        .into_iter()
        .map(|s| StaffRow {
            id: s.account.id,
            own: s.account.id == me,
            two_factor_since: when(s.two_factor_since),
            name: s.account.name,
            email: s.account.email,
            role: role_name(l, s.account.role),
            created: when(Some(s.created_at)),
            last_sign_in: when(s.last_sign_in_at),
            locked_until: when(s.locked_until),
            disabled: s.account.disabled,
        })
        .collect();
    Ok(StaffPage {
        chrome: Chrome::signed_in(staff, "staff", "/admin/staff".into()),
        rows,
        form,
        roles: Role::ALL
            .into_iter()
            .map(|r| (r.as_str(), role_name(l, r)))
            .collect(),
        password_min: PASSWORD_MIN,
        notice,
    })
}

/// A role's name in the page's language.
fn role_name(l: Locale, role: Role) -> String {
    l.strings()
        .get(&format!("staff.role_{}", role.as_str()))
        .to_owned()
}

#[derive(Deserialize)]
pub(crate) struct CreateFields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
}

pub(crate) async fn create(
    State(console): State<Console>,
    staff: Staff,
    Form(fields): Form<CreateFields>,
) -> Result<Response, PageError> {
    staff.may_post(&fields.csrf, Permission::ManageStaff)?;
    let t = staff.locale.strings();
    let mut form = CreateForm {
        email: fields.email.clone(),
        name: fields.name.clone(),
        role: fields.role.clone(),
        ..CreateForm::default()
    };
    match fields.role.parse::<Role>() {
        Err(_) => form.role_error = Some(t.get("staff.choose_role").to_owned()),
        Ok(role) => match console
            .engine
            .create_staff_user(&fields.email, &fields.name, role, &fields.password)
            .await
        {
            Ok(account) => {
                let after =
                    json!({ "email": account.email, "name": account.name, "role": role.as_str() });
                staff
                    .audit(
                        &console,
                        "staff.create",
                        format!("staff:{}", account.id),
                        None,
                        after,
                    )
                    .await;
                let back = format!("/admin/staff?created={}", account.id);
                return Ok(Redirect::to(&back).into_response());
            }
            Err(EngineError::InvalidField { field, .. }) => match field.as_str() {
                "email" => form.email_error = Some(t.get("staff.bad_email").to_owned()),
                "name" => form.name_error = Some(t.get("field.required").to_owned()),
                _ => {
                    form.password_error =
                        Some(t.with("staff.weak_password", "min", &PASSWORD_MIN.to_string()));
                }
            },
            Err(EngineError::StaffExists(_)) => {
                form.email_error = Some(t.get("staff.exists").to_owned());
            }
            Err(e) => return Err(PageError::from_engine(e, staff.locale)),
        },
    }
    let page = staff_page(&console, &staff, form, None).await?;
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

#[derive(Deserialize)]
pub(crate) struct ResetForm {
    #[serde(default)]
    csrf: String,
}

/// Resets another staff member's two-factor sign-in (they set it up again after signing in).
pub(crate) async fn reset_two_factor(
    State(console): State<Console>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(form): Form<ResetForm>,
) -> Result<Response, PageError> {
    staff.may_post(&form.csrf, Permission::ManageStaff)?;
    console
        .engine
        .reset_two_factor(&staff.session.user, id)
        .await
        .map_err(staff.fail())?;
    Ok(Redirect::to(&format!("/admin/staff?reset={id}")).into_response())
}
