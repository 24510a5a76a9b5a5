//! The signed-in staff member's own account (`/admin/account`, linked from their name in the
//! header): who they are, and their two-factor sign-in — set up (the secret as text, URI and
//! QR code, confirmed by a code), how many recovery codes are left, new ones, and turning it
//! off. Changing how the account signs in asks a current code (the engine checks it).

use crate::Console;
use crate::i18n::Locale;
use crate::messages::refusal;
use crate::page::render;
use crate::two_factor_view::{RecoveryCodesPage, SetUpView};
use crate::web::{Chrome, PageError, Staff};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use laurel_engine::EngineError;
use serde::Deserialize;

/// The page's path.
const PAGE: &str = "/admin/account";

/// The two-factor section's forms, and the refusal next to each.
#[derive(Default)]
struct Refusals {
    confirm: Option<String>,
    renew: Option<String>,
    off: Option<String>,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    chrome: Chrome,
    name: String,
    email: String,
    role: String,
    /// On since then, in words, if it is on.
    since: Option<String>,
    codes_left: String,
    setup: Option<SetUpView>,
    may_turn_off: bool,
    refusals: Refusals,
    notice: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct AccountQuery {
    /// What was just done (`off`), for the notice.
    done: Option<String>,
}

pub(crate) async fn page(
    State(console): State<Console>,
    staff: Staff,
    Query(query): Query<AccountQuery>,
) -> Result<Response, PageError> {
    let notice = (query.done.as_deref() == Some("off")).then(|| {
        staff
            .locale
            .strings()
            .get("two_factor.turned_off")
            .to_owned()
    });
    account_page(
        &console,
        &staff,
        StatusCode::OK,
        Refusals::default(),
        notice,
    )
    .await
}

async fn account_page(
    console: &Console,
    staff: &Staff,
    status: StatusCode,
    refusals: Refusals,
    notice: Option<String>,
) -> Result<Response, PageError> {
    let l = staff.locale;
    let user = &staff.session.user;
    let state = console
        .engine
        .two_factor(user)
        .await
        .map_err(staff.fail())?;
    let zone = console.engine.definition().program.time_zone.clone();
    let page = AccountPage {
        chrome: Chrome::signed_in(staff, "account", PAGE.into()),
        name: user.name.clone(),
        email: user.email.clone(),
        role: l
            .strings()
            .get(&format!("staff.role_{}", user.role))
            .to_owned(),
        since: state.since.map(|at| l.date_time(at, &zone)),
        codes_left: l.integer(state.recovery_codes_left),
        setup: state.setup.as_ref().map(SetUpView::of),
        may_turn_off: state.may_turn_off,
        refusals,
        notice,
    };
    Ok(render(status, &page))
}

#[derive(Deserialize)]
pub(crate) struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
}

/// Starts setting two-factor up, then shows the secret on the account page.
pub(crate) async fn start(
    State(console): State<Console>,
    staff: Staff,
    Form(form): Form<CodeForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&form.csrf)?;
    console
        .engine
        .start_two_factor(&staff.session.user)
        .await
        .map_err(staff.fail())?;
    Ok(Redirect::to(PAGE).into_response())
}

/// Confirms the secret being set up with a code: the recovery codes, shown once.
pub(crate) async fn confirm(
    State(console): State<Console>,
    staff: Staff,
    Form(form): Form<CodeForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&form.csrf)?;
    let done = console
        .engine
        .confirm_two_factor(&staff.session.user, &form.code)
        .await;
    codes_or_refusal(&console, &staff, done, |refusals, text| {
        refusals.confirm = Some(text);
    })
    .await
}

/// New recovery codes for a current code, shown once.
pub(crate) async fn renew(
    State(console): State<Console>,
    staff: Staff,
    Form(form): Form<CodeForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&form.csrf)?;
    let done = console
        .engine
        .renew_recovery_codes(&staff.session.user, &form.code)
        .await;
    codes_or_refusal(&console, &staff, done, |refusals, text| {
        refusals.renew = Some(text);
    })
    .await
}

/// Turns two-factor off (or drops a setup not confirmed) for a current code.
pub(crate) async fn turn_off(
    State(console): State<Console>,
    staff: Staff,
    Form(form): Form<CodeForm>,
) -> Result<Response, PageError> {
    staff.check_csrf(&form.csrf)?;
    match console
        .engine
        .turn_off_two_factor(&staff.session.user, &form.code)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("{PAGE}?done=off")).into_response()),
        Err(e) => {
            let (status, text) = words(staff.locale, e)?;
            let refusals = Refusals {
                off: Some(text),
                ..Refusals::default()
            };
            account_page(&console, &staff, status, refusals, None).await
        }
    }
}

/// New recovery codes on their page, or the account page with the refusal next to the form
/// `place` puts it at.
async fn codes_or_refusal(
    console: &Console,
    staff: &Staff,
    done: Result<Vec<String>, EngineError>,
    place: impl FnOnce(&mut Refusals, String),
) -> Result<Response, PageError> {
    match done {
        Ok(codes) => {
            let page = RecoveryCodesPage {
                chrome: Chrome::signed_in(staff, "account", PAGE.into()),
                codes,
                next: PAGE.to_owned(),
            };
            Ok(render(StatusCode::OK, &page))
        }
        Err(e) => {
            let (status, text) = words(staff.locale, e)?;
            let mut refusals = Refusals::default();
            place(&mut refusals, text);
            account_page(console, staff, status, refusals, None).await
        }
    }
}

/// A refusal in words with the status its code is answered with; a failure that is no
/// refusal is an error page.
fn words(l: Locale, e: EngineError) -> Result<(StatusCode, String), PageError> {
    if !e.is_refusal() {
        return Err(PageError::from_engine(e, l));
    }
    let status =
        StatusCode::from_u16(e.code().status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
    Ok((status, refusal(l, &e)))
}
