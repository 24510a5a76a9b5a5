//! Where a letter's unsubscribe link lands, without signing in: the page asks before it
//! withdraws the member's consent to the link's channel (e-mail, text messages, app
//! notifications); a mail program's one-click unsubscribe (RFC 8058: a POST of
//! `List-Unsubscribe=One-Click` to the same link) does it at once.

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
    /// Still receiving letters on the channel, at this address or number.
    Subscribed(String),
    /// No more letters on the channel.
    Unsubscribed,
}

#[derive(Template)]
#[template(path = "portal/unsubscribe.html")]
struct UnsubscribePage {
    chrome: Chrome,
    token: String,
    /// The channel's stable name, carried by the form.
    channel: &'static str,
    /// The channel in words.
    channel_words: String,
    standing: Standing,
}

/// The link's token and channel (`email` when it names none).
#[derive(Deserialize)]
pub(crate) struct Token {
    #[serde(default)]
    t: String,
    #[serde(default)]
    c: String,
}

/// The page a link opens: asks whether to stop, or says it stopped.
pub(crate) async fn page(
    State(console): State<Console>,
    headers: HeaderMap,
    Query(token): Query<Token>,
) -> Result<Response, PortalError> {
    let l = locale(&headers);
    let found = console
        .engine
        .unsubscribing(&token.t, &token.c)
        .await
        .map_err(|e| PortalError::from_engine(e, l))?;
    let standing = match &found {
        None => Standing::Unknown,
        Some(member) if member.subscribed => {
            Standing::Subscribed(member.to.clone().unwrap_or_default())
        }
        Some(_) => Standing::Unsubscribed,
    };
    let channel = found.map_or("email", |m| m.channel);
    Ok(answer(l, token.t, channel, standing))
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
    let link = if form.t.is_empty() { query } else { form };
    let done = console
        .engine
        .unsubscribe(&link.t, &link.c)
        .await
        .map_err(|e| PortalError::from_engine(e, l))?;
    let standing = if done {
        Standing::Unsubscribed
    } else {
        Standing::Unknown
    };
    let channel = laurel_engine::CHANNELS
        .iter()
        .copied()
        .find(|c| *c == link.c)
        .unwrap_or("email");
    Ok(answer(l, link.t, channel, standing))
}

fn answer(
    l: crate::i18n::Locale,
    token: String,
    channel: &'static str,
    standing: Standing,
) -> Response {
    let status = match standing {
        Standing::Unknown => StatusCode::NOT_FOUND,
        _ => StatusCode::OK,
    };
    // The language switch comes back to this very link (a token is letters and digits).
    let here = format!(
        "/portal/unsubscribe?t={}&c={channel}",
        crate::page::encode(&token)
    );
    let page = UnsubscribePage {
        chrome: Chrome::anonymous(l, String::new(), &here),
        token,
        channel,
        channel_words: l
            .strings()
            .get(&format!("portal.channel_{channel}"))
            .to_owned(),
        standing,
    };
    render(status, &page)
}
