//! Where a letter's unsubscribe link lands, without signing in: the page asks before it
//! withdraws the member's consent to e-mail; a mail program's one-click unsubscribe (RFC
//! 8058: a POST of `List-Unsubscribe=One-Click` to the same link) does it at once.

use super::web::{Chrome, PortalError};
use crate::Console;
use crate::page::{locale, render};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;

/// What the page says.
enum Standing {
    /// The link names no member.
    Unknown,
    /// Still receiving marketing e-mail, at this address.
    Subscribed(String),
    /// No more marketing e-mail.
    Unsubscribed,
}

#[derive(Template)]
#[template(path = "portal/unsubscribe.html")]
struct UnsubscribePage {
    chrome: Chrome,
    token: String,
    standing: Standing,
}

/// The link's token.
#[derive(Deserialize)]
pub(crate) struct Token {
    #[serde(default)]
    t: String,
}

/// The page a link opens: asks whether to stop, or says it stopped.
pub(crate) async fn page(
    State(console): State<Console>,
    headers: HeaderMap,
    Query(token): Query<Token>,
) -> Result<Response, PortalError> {
    let l = locale(&headers);
    let standing = match console
        .engine
        .unsubscribing(&token.t)
        .await
        .map_err(|e| PortalError::from_engine(e, l))?
    {
        None => Standing::Unknown,
        Some(member) if member.subscribed => Standing::Subscribed(member.email.unwrap_or_default()),
        Some(_) => Standing::Unsubscribed,
    };
    Ok(answer(l, token.t, standing))
}

/// Stops marketing e-mail: the page's button, or a mail program's one-click POST (the token
/// in the link's query; the body only says `List-Unsubscribe=One-Click`).
pub(crate) async fn stop(
    State(console): State<Console>,
    headers: HeaderMap,
    Query(query): Query<Token>,
    Form(form): Form<Token>,
) -> Result<Response, PortalError> {
    let l = locale(&headers);
    let token = if form.t.is_empty() { query.t } else { form.t };
    let done = console
        .engine
        .unsubscribe(&token)
        .await
        .map_err(|e| PortalError::from_engine(e, l))?;
    let standing = if done {
        Standing::Unsubscribed
    } else {
        Standing::Unknown
    };
    Ok(answer(l, token, standing))
}

fn answer(l: crate::i18n::Locale, token: String, standing: Standing) -> Response {
    let status = match standing {
        Standing::Unknown => StatusCode::NOT_FOUND,
        _ => StatusCode::OK,
    };
    let page = UnsubscribePage {
        chrome: Chrome::anonymous(l, String::new(), "/portal/unsubscribe"),
        token,
        standing,
    };
    render(status, &page)
}
