//! A staff sign-in's second step, after the right password: a code from the authenticator app
//! (or a recovery code), or — for an admin who must have two-factor and has not — setting it up.
//! Until the step is done the visitor holds no session, only the waiting sign-in's own cookie,
//! which no other page takes; each form carries the sign-in forms' double-submit token.

use crate::Console;
use crate::auth::login_form;
use crate::page::cookies::{cookie, expire, set_cookie};
use crate::page::session::{check_login_token, session_cookies, sign_in_form};
use crate::page::{Area, render};
use crate::two_factor_view::{RecoveryCodesPage, SetUpView};
use crate::web::{Admin, Chrome, PageError, home_of};
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use laurel_engine::{EngineError, PendingSignIn, SignIn};
use serde::Deserialize;

/// The waiting sign-in's cookie.
const PENDING_COOKIE: &str = "laurel_2fa";
/// The code step's page.
pub(crate) const CODE_PAGE: &str = "/admin/login/code";
/// The setting-up step's page.
pub(crate) const SET_UP_PAGE: &str = "/admin/login/set-up";

/// Where a right password leads: signed in, or to the second step with its cookie.
pub(crate) fn after_password(headers: &HeaderMap, step: SignIn) -> Response {
    let (pending, page) = match step {
        SignIn::Done(new) => {
            return crate::page::session::signed_in::<Admin>(headers, &new.token, &new.session);
        }
        SignIn::Code(pending) => (pending, CODE_PAGE),
        SignIn::SetUp(pending) => (pending, SET_UP_PAGE),
    };
    (
        [(header::SET_COOKIE, pending_cookie(headers, &pending))],
        Redirect::to(page),
    )
        .into_response()
}

fn pending_cookie(headers: &HeaderMap, pending: &PendingSignIn) -> HeaderValue {
    let max_age = (pending.expires_at - Timestamp::now()).as_secs();
    set_cookie::<Admin>(headers, PENDING_COOKIE, &pending.token, max_age)
}

#[derive(Template)]
#[template(path = "login_code.html")]
struct CodePage {
    chrome: Chrome,
    error: Option<String>,
}

fn code_form(headers: &HeaderMap, status: StatusCode, error: Option<String>) -> Response {
    sign_in_form(headers, status, |chrome| CodePage { chrome, error })
}

pub(crate) async fn code_page(headers: HeaderMap) -> Response {
    if cookie(&headers, PENDING_COOKIE).is_none() {
        return Redirect::to(Admin::SIGN_IN).into_response();
    }
    code_form(&headers, StatusCode::OK, None)
}

#[derive(Deserialize)]
pub(crate) struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
}

pub(crate) async fn code(
    State(console): State<Console>,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Result<Response, PageError> {
    let (_, locale) = check_login_token::<Admin>(&headers, &form.csrf)?;
    let token = cookie(&headers, PENDING_COOKIE).unwrap_or("");
    match console.engine.sign_in_with_code(token, &form.code).await {
        Ok(new) => Ok(with_session(&headers, &new, Redirect::to(Admin::HOME))),
        Err(EngineError::TwoFactorCodeWrong) => {
            let error = locale.strings().get("two_factor.code_wrong").to_owned();
            Ok(code_form(&headers, StatusCode::UNAUTHORIZED, Some(error)))
        }
        Err(e) => refused(&console, &headers, e),
    }
}

#[derive(Template)]
#[template(path = "login_set_up.html")]
struct SetUpPage {
    chrome: Chrome,
    setup: SetUpView,
    error: Option<String>,
}

/// The setting-up step's page, with the secret the sign-in sets up.
async fn set_up_form(
    console: &Console,
    headers: &HeaderMap,
    status: StatusCode,
    error: Option<String>,
) -> Result<Response, PageError> {
    let token = cookie(headers, PENDING_COOKIE).unwrap_or("");
    match console.engine.set_up_at_sign_in_page(token).await {
        Ok((_, setup)) => Ok(sign_in_form(headers, status, |chrome| SetUpPage {
            chrome,
            setup: SetUpView::of(&setup),
            error,
        })),
        Err(e) => refused(console, headers, e),
    }
}

pub(crate) async fn set_up_page(
    State(console): State<Console>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    set_up_form(&console, &headers, StatusCode::OK, None).await
}

pub(crate) async fn set_up(
    State(console): State<Console>,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Result<Response, PageError> {
    let (_, locale) = check_login_token::<Admin>(&headers, &form.csrf)?;
    let token = cookie(&headers, PENDING_COOKIE).unwrap_or("");
    match console.engine.set_up_at_sign_in(token, &form.code).await {
        Ok((new, codes)) => {
            let (home, _) = home_of(new.session.user.role);
            let page = RecoveryCodesPage {
                // Not signed in yet as the chrome goes (the page was asked before the session
                // existed); its language switch leads home, as the codes are not shown again.
                chrome: Chrome::anonymous(locale, String::new(), home),
                codes,
                next: home.to_owned(),
            };
            Ok(with_session(&headers, &new, render(StatusCode::OK, &page)))
        }
        Err(EngineError::TwoFactorCodeWrong) => {
            let error = locale.strings().get("two_factor.code_wrong").to_owned();
            set_up_form(
                &console,
                &headers,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(error),
            )
            .await
        }
        Err(e) => refused(&console, &headers, e),
    }
}

/// `answer` with the new session's cookies, the waiting sign-in's spent.
fn with_session(
    headers: &HeaderMap,
    new: &laurel_engine::SignedIn,
    answer: impl IntoResponse,
) -> Response {
    let mut response = answer.into_response();
    let cookies = response.headers_mut();
    for value in session_cookies::<Admin>(headers, &new.token, &new.session) {
        cookies.append(header::SET_COOKIE, value);
    }
    cookies.append(header::SET_COOKIE, expire::<Admin>(headers, PENDING_COOKIE));
    response
}

/// A second step refused otherwise than by a wrong code: a lock, or a sign-in that stopped
/// waiting, is told on the password's page (the waiting sign-in's cookie spent); anything
/// else is an error page.
fn refused(console: &Console, headers: &HeaderMap, e: EngineError) -> Result<Response, PageError> {
    let locale = crate::page::language::locale(headers);
    let t = locale.strings();
    let (status, error) = match e {
        EngineError::AccountLocked(until) => {
            let zone = console.engine.definition().program.time_zone.clone();
            let until = locale.date_time(until, &zone);
            (
                StatusCode::TOO_MANY_REQUESTS,
                t.with("login.locked", "until", &until),
            )
        }
        EngineError::SignInExpired => (
            StatusCode::UNAUTHORIZED,
            t.get("two_factor.expired").to_owned(),
        ),
        other => return Err(PageError::from_engine(other, locale)),
    };
    let mut response = login_form(headers, status, String::new(), Some(error));
    response
        .headers_mut()
        .append(header::SET_COOKIE, expire::<Admin>(headers, PENDING_COOKIE));
    Ok(response)
}
