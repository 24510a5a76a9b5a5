//! Members signing in with a code sent to their email; both forms carry the same
//! double-submit token (see [`crate::page::session`], which also signs out).

use super::web::{Chrome, Portal, PortalError};
use crate::Console;
use crate::i18n::Locale;
use crate::page::session::{check_login_token, sign_in_form, signed_in};
use crate::page::{Area, render};
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use jiff::Timestamp;
use laurel_engine::{EngineError, SignInLetter};
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
    sign_in_form(&headers, StatusCode::OK, |chrome| EmailPage {
        chrome,
        email: String::new(),
        error: None,
    })
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
    let (token, l) = check_login_token::<Portal>(&headers, &form.csrf)?;
    let t = l.strings();
    let letter = SignInLetter {
        subject: t.get("portal.letter_subject").to_owned(),
        body: t.get("portal.letter_body").to_owned(),
    };
    let refused = |status, error: String| {
        let page = EmailPage {
            chrome: Chrome::anonymous(l, token.clone(), Portal::SIGN_IN),
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
        Err(EngineError::Throttled { retry_at, .. }) => {
            return Ok(refused(
                StatusCode::TOO_MANY_REQUESTS,
                try_again(&console, l, "portal_more.too_many_codes", retry_at),
            ));
        }
        Err(e) => return Err(PortalError::from_engine(e, l)),
    }
    let page = CodePage {
        chrome: Chrome::anonymous(l, token, Portal::SIGN_IN),
        email: form.email.trim().to_owned(),
        error: None,
        start_again: false,
    };
    Ok(render(StatusCode::OK, &page))
}

/// `key`'s sentence, followed, when the wait's end is known, by when to try again: in the
/// page's language and the program's time zone.
pub(super) fn try_again(console: &Console, l: Locale, key: &str, at: Option<Timestamp>) -> String {
    let t = l.strings();
    match at {
        Some(at) => {
            let tz = &console.engine.definition().program.time_zone;
            format!(
                "{} {}",
                t.get(key),
                t.with("portal_more.try_again_at", "when", &l.date_time(at, tz))
            )
        }
        None => t.get(key).to_owned(),
    }
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
    let (token, l) = check_login_token::<Portal>(&headers, &form.csrf)?;
    let t = l.strings();
    let (error, start_again) = match console.engine.sign_in_member(&form.email, &form.code).await {
        Ok(new) => return Ok(signed_in::<Portal>(&headers, &new.token, &new.session)),
        Err(EngineError::SignInCodeWrong) => (t.get("portal.code_wrong").to_owned(), false),
        Err(EngineError::SignInCodeExpired) => {
            // Dead after too many wrong guesses or its time: a new one may have to wait.
            match console
                .engine
                .sign_in_code_wait(&form.email)
                .await
                .map_err(|e| PortalError::from_engine(e, l))?
            {
                Some(at) => (
                    try_again(&console, l, "portal_more.code_dead", Some(at)),
                    false,
                ),
                None => (t.get("portal.code_expired").to_owned(), true),
            }
        }
        Err(e) => return Err(PortalError::from_engine(e, l)),
    };
    let page = CodePage {
        chrome: Chrome::anonymous(l, token, Portal::SIGN_IN),
        email: form.email,
        error: Some(error),
        start_again,
    };
    Ok(render(StatusCode::UNAUTHORIZED, &page))
}
