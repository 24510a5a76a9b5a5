//! Members signing in with a code sent to their email, and out. The two sign-in forms are
//! protected by a double-submit token (a cookie and a hidden field that must match), since
//! no session exists yet to hold one.

use super::web::{Chrome, Member, Portal, PortalError};
use crate::Console;
use crate::page::cookies::{cookie, set_cookie};
use crate::page::{Area, locale, render};
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use laurel_engine::{EngineError, SignInLetter, same_secret};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "portal/login.html")]
struct EmailPage {
    chrome: Chrome,
    email: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "portal/code.html")]
struct CodePage {
    chrome: Chrome,
    email: String,
    error: Option<String>,
    /// The code can no longer work: offer to start again.
    start_again: bool,
}

pub(crate) async fn login_page(headers: HeaderMap) -> Response {
    let token = laurel_engine::random_token();
    let cookie = set_cookie::<Portal>(&headers, Portal::LOGIN_COOKIE, &token, 3600);
    let page = EmailPage {
        chrome: Chrome::anonymous(locale(&headers), token, "/portal/login"),
        email: String::new(),
        error: None,
    };
    (
        [(header::SET_COOKIE, cookie)],
        render(StatusCode::OK, &page),
    )
        .into_response()
}

/// The double-submit check: the form's token is the cookie's.
fn login_token(headers: &HeaderMap, form_token: &str) -> Result<String, PortalError> {
    let expected = cookie(headers, Portal::LOGIN_COOKIE).unwrap_or("");
    if expected.is_empty() || !same_secret(form_token, expected) {
        return Err(PortalError::new(
            StatusCode::FORBIDDEN,
            locale(headers),
            "error.csrf",
        ));
    }
    Ok(expected.to_owned())
}

#[derive(Deserialize)]
pub(crate) struct EmailForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
}

/// Sends a code and asks for it. The same page follows whether or not the email is a
/// member's: the portal does not tell who is a member.
pub(crate) async fn send_code(
    State(console): State<Console>,
    headers: HeaderMap,
    Form(form): Form<EmailForm>,
) -> Result<Response, PortalError> {
    let token = login_token(&headers, &form.csrf)?;
    let l = locale(&headers);
    let t = l.strings();
    let letter = SignInLetter {
        subject: t.get("portal.letter_subject").to_owned(),
        body: t.get("portal.letter_body").to_owned(),
    };
    let refused = |status, error: String| {
        let page = EmailPage {
            chrome: Chrome::anonymous(l, token.clone(), "/portal/login"),
            email: form.email.clone(),
            error: Some(error),
        };
        render(status, &page)
    };
    match console
        .engine
        .request_sign_in_code(&form.email, &letter)
        .await
    {
        Ok(_) => {}
        Err(EngineError::InvalidField { .. }) => {
            return Ok(refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                t.get("portal.email_invalid").to_owned(),
            ));
        }
        Err(EngineError::Throttled { .. }) => {
            return Ok(refused(
                StatusCode::TOO_MANY_REQUESTS,
                t.get("portal.too_many_codes").to_owned(),
            ));
        }
        Err(e) => return Err(PortalError::from_engine(e, l)),
    }
    let page = CodePage {
        chrome: Chrome::anonymous(l, token, "/portal/login"),
        email: form.email.trim().to_owned(),
        error: None,
        start_again: false,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Deserialize)]
pub(crate) struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    code: String,
}

pub(crate) async fn check_code(
    State(console): State<Console>,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Result<Response, PortalError> {
    let token = login_token(&headers, &form.csrf)?;
    let l = locale(&headers);
    let t = l.strings();
    let (error, start_again) = match console.engine.sign_in_member(&form.email, &form.code).await {
        Ok(signed_in) => {
            let max_age = (signed_in.session.expires_at - jiff::Timestamp::now()).as_secs();
            let session =
                set_cookie::<Portal>(&headers, Portal::SESSION_COOKIE, &signed_in.token, max_age);
            let spent = set_cookie::<Portal>(&headers, Portal::LOGIN_COOKIE, "", 0);
            return Ok((
                // Appended: an array of headers would keep only the last Set-Cookie.
                AppendHeaders([(header::SET_COOKIE, session), (header::SET_COOKIE, spent)]),
                Redirect::to("/portal"),
            )
                .into_response());
        }
        Err(EngineError::SignInCodeWrong) => (t.get("portal.code_wrong"), false),
        Err(EngineError::SignInCodeExpired) => (t.get("portal.code_expired"), true),
        Err(e) => return Err(PortalError::from_engine(e, l)),
    };
    let page = CodePage {
        chrome: Chrome::anonymous(l, token, "/portal/login"),
        email: form.email,
        error: Some(error.to_owned()),
        start_again,
    };
    Ok(render(StatusCode::UNAUTHORIZED, &page))
}

#[derive(Deserialize)]
pub(crate) struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

pub(crate) async fn logout(
    State(console): State<Console>,
    member: Member,
    headers: HeaderMap,
    Form(form): Form<LogoutForm>,
) -> Result<Response, PortalError> {
    member.check_csrf(&form.csrf)?;
    if let Some(token) = cookie(&headers, Portal::SESSION_COOKIE) {
        console
            .engine
            .sign_out_member(token)
            .await
            .map_err(member.fail())?;
    }
    let gone = set_cookie::<Portal>(&headers, Portal::SESSION_COOKIE, "", 0);
    Ok(([(header::SET_COOKIE, gone)], Redirect::to("/portal/login")).into_response())
}
