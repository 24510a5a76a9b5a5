//! The page's language: read from the `lang` cookie or Accept-Language, and switched by a
//! link that sets the cookie for the area it was followed in.

use super::Area;
use super::cookies::{cookie, set_cookie};
use crate::i18n::Locale;
use axum::extract::Query;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

/// The language cookie.
pub const LANG_COOKIE: &str = "lang";

/// How long the language choice is kept.
const A_YEAR: i64 = 365 * 24 * 3600;

/// The locale of a request: the `lang` cookie, else Accept-Language.
pub fn locale(headers: &HeaderMap) -> Locale {
    cookie(headers, LANG_COOKIE)
        .and_then(Locale::from_tag)
        .unwrap_or_else(|| {
            Locale::from_accept_language(
                headers
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or(""),
            )
        })
}

/// Where the language switcher goes.
#[derive(Deserialize)]
pub struct LanguageQuery {
    to: String,
    back: Option<String>,
}

/// Sets the language cookie for area `A`'s pages and goes back to `back` — only ever to a
/// page of that area (else to its home), so the switcher is no open redirect.
pub async fn switch<A: Area>(headers: HeaderMap, Query(q): Query<LanguageQuery>) -> Response {
    let locale = Locale::from_tag(&q.to).unwrap_or(Locale::En);
    let back = q
        .back
        .filter(|b| b.starts_with(A::PATH) && !b.starts_with("//"))
        .unwrap_or_else(|| A::HOME.to_owned());
    let cookie = set_cookie::<A>(&headers, LANG_COOKIE, locale.tag(), A_YEAR);
    ([(header::SET_COOKIE, cookie)], Redirect::to(&back)).into_response()
}
