//! Staff signing in with email and password (the second step, when one is asked, is
//! [`crate::second_step`]'s); signing out is [`crate::page::session`]'s.

use crate::Console;
use crate::page::session::{check_login_token, sign_in_form};
use crate::web::{Admin, Chrome, PageError};
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use laurel_engine::EngineError;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    email: String,
    error: Option<String>,
}

/// The sign-in page, with a fresh double-submit token.
pub(crate) fn login_form(
    headers: &HeaderMap,
    status: StatusCode,
    email: String,
    error: Option<String>,
) -> Response {
    sign_in_form(headers, status, |chrome| LoginPage {
        chrome,
        email,
        error,
    })
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
) -> Result<Response, PageError> {
    let (_, locale) = check_login_token::<Admin>(&headers, &form.csrf)?;
    let t = locale.strings();
    let (status, error) = match console.engine.sign_in(&form.email, &form.password).await {
        Ok(step) => return Ok(crate::second_step::after_password(&headers, step)),
        Err(EngineError::SignInFailed) => {
            (StatusCode::UNAUTHORIZED, t.get("login.failed").to_owned())
        }
        Err(EngineError::AccountLocked(until)) => {
            let when = console.engine.definition().program.time_zone.clone();
            let until = locale.date_time(until, &when);
            (
                StatusCode::TOO_MANY_REQUESTS,
                t.with("login.locked", "until", &until),
            )
        }
        Err(other) => return Err(PageError::from_engine(other, locale)),
    };
    Ok(login_form(&headers, status, form.email, Some(error)))
}
