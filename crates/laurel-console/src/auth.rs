//! Signing in and out. The sign-in form is protected by a double-submit token (a cookie and a
//! hidden field that must match), since no session exists yet to hold one.

use crate::Console;
use crate::i18n::Locale;
use crate::page::cookies::{cookie, set_cookie};
use crate::page::{Area, locale, render};
use crate::web::{Admin, Chrome, PageError, Staff};
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use laurel_engine::EngineError;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    email: String,
    error: Option<String>,
}

fn login_chrome(locale: Locale, token: String) -> Chrome {
    Chrome {
        locale,
        t: locale.strings(),
        user: None,
        csrf: token,
        current: "login",
        path: "/admin/login".into(),
    }
}

/// The sign-in page, with a fresh double-submit token.
fn login_form(
    headers: &HeaderMap,
    status: StatusCode,
    email: String,
    error: Option<String>,
) -> Response {
    let token = laurel_engine::random_token();
    let cookie = set_cookie::<Admin>(headers, Admin::LOGIN_COOKIE, &token, 3600);
    let page = LoginPage {
        chrome: login_chrome(locale(headers), token),
        email,
        error,
    };
    ([(header::SET_COOKIE, cookie)], render(status, &page)).into_response()
}

pub(crate) async fn login_page(headers: HeaderMap) -> Response {
    login_form(&headers, StatusCode::OK, String::new(), None)
}

#[derive(Deserialize)]
pub(crate) struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

pub(crate) async fn login(
    State(console): State<Console>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let locale = locale(&headers);
    let expected = cookie(&headers, Admin::LOGIN_COOKIE).unwrap_or("");
    if expected.is_empty() || !laurel_engine::same_secret(&form.csrf, expected) {
        return PageError::new(StatusCode::FORBIDDEN, locale, "error.csrf").into_response();
    }
    let t = locale.strings();
    match console.engine.sign_in(&form.email, &form.password).await {
        Ok(signed_in) => {
            let max_age = (signed_in.session.expires_at - jiff::Timestamp::now()).as_secs();
            let session =
                set_cookie::<Admin>(&headers, Admin::SESSION_COOKIE, &signed_in.token, max_age);
            let spent = set_cookie::<Admin>(&headers, Admin::LOGIN_COOKIE, "", 0);
            (
                // Appended: an array of headers would keep only the last Set-Cookie.
                AppendHeaders([(header::SET_COOKIE, session), (header::SET_COOKIE, spent)]),
                Redirect::to("/admin/dashboard"),
            )
                .into_response()
        }
        Err(EngineError::SignInFailed) => login_form(
            &headers,
            StatusCode::UNAUTHORIZED,
            form.email,
            Some(t.get("login.failed").to_owned()),
        ),
        Err(EngineError::AccountLocked(until)) => {
            let when = console.engine.definition().program.time_zone.clone();
            login_form(
                &headers,
                StatusCode::TOO_MANY_REQUESTS,
                form.email,
                Some(t.with("login.locked", "until", &locale.date_time(until, &when))),
            )
        }
        Err(other) => PageError::from_engine(other, locale).into_response(),
    }
}

#[derive(Deserialize)]
pub(crate) struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

pub(crate) async fn logout(
    State(console): State<Console>,
    staff: Staff,
    headers: HeaderMap,
    Form(form): Form<LogoutForm>,
) -> Response {
    if let Err(refused) = staff.check_csrf(&form.csrf) {
        return refused.into_response();
    }
    if let Some(token) = cookie(&headers, Admin::SESSION_COOKIE)
        && let Err(e) = console.engine.sign_out(token).await
    {
        return PageError::from_engine(e, staff.locale).into_response();
    }
    let gone = set_cookie::<Admin>(&headers, Admin::SESSION_COOKIE, "", 0);
    ([(header::SET_COOKIE, gone)], Redirect::to("/admin/login")).into_response()
}
