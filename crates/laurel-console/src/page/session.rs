//! Starting and ending a session, the same in every area: the sign-in forms' double-submit
//! token, the cookies set on signing in, and signing out.

use super::cookies::{cookie, expire, set_cookie};
use super::csrf::check_csrf;
use super::language::locale;
use super::{Area, Chrome, PageError, Signed, render};
use crate::Console;
use crate::i18n::Locale;
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;

/// How long a sign-in form's token lasts.
const AN_HOUR: i64 = 3600;

/// Area `A`'s sign-in form (`page` builds it around its chrome), answered with `status`, with a
/// fresh double-submit token: no session exists yet to hold a token, so the form's hidden
/// field (from the chrome) must match a cookie instead.
pub fn sign_in_form<A: Area, T: Template>(
    headers: &HeaderMap,
    status: StatusCode,
    page: impl FnOnce(Chrome<A>) -> T,
) -> Response {
    let token = laurel_engine::random_token();
    let cookie = set_cookie::<A>(headers, A::LOGIN_COOKIE, &token, AN_HOUR);
    let chrome = Chrome::anonymous(locale(headers), token, A::SIGN_IN);
    (
        [(header::SET_COOKIE, cookie)],
        render(status, &page(chrome)),
    )
        .into_response()
}

/// The double-submit check: the form's token is the cookie's. Gives back the token (for a
/// next form) and the request's language (for the page that follows).
pub fn check_login_token<A: Area>(
    headers: &HeaderMap,
    form_token: &str,
) -> Result<(String, Locale), PageError<A>> {
    let locale = locale(headers);
    let expected = cookie(headers, A::LOGIN_COOKIE).unwrap_or("");
    check_csrf(locale, form_token, expected)?;
    Ok((expected.to_owned(), locale))
}

/// Signed in: the session's cookies ([`session_cookies`]), and on to the area's home.
pub fn signed_in<A: Area>(headers: &HeaderMap, token: &str, session: &A::Session) -> Response {
    let [session, spent] = session_cookies::<A>(headers, token, session);
    (
        // Appended: an array of headers would keep only the last Set-Cookie.
        AppendHeaders([(header::SET_COOKIE, session), (header::SET_COOKIE, spent)]),
        Redirect::to(A::HOME),
    )
        .into_response()
}

/// The `Set-Cookie` values of a new session: its cookie, living as long as the session, and
/// the sign-in form's token spent.
pub fn session_cookies<A: Area>(
    headers: &HeaderMap,
    token: &str,
    session: &A::Session,
) -> [HeaderValue; 2] {
    let max_age = (A::expires_at(session) - Timestamp::now()).as_secs();
    [
        set_cookie::<A>(headers, A::SESSION_COOKIE, token, max_age),
        expire::<A>(headers, A::LOGIN_COOKIE),
    ]
}

/// The sign-out form.
#[derive(Deserialize)]
pub struct SignOutForm {
    #[serde(default)]
    csrf: String,
}

/// Signs the visitor out of area `A`: the session revoked, its cookie expired, back to the
/// sign-in page.
pub async fn sign_out<A: Area>(
    State(console): State<Console>,
    visitor: Signed<A>,
    headers: HeaderMap,
    Form(form): Form<SignOutForm>,
) -> Result<Response, PageError<A>> {
    visitor.check_csrf(&form.csrf)?;
    if let Some(token) = cookie(&headers, A::SESSION_COOKIE) {
        A::revoke(&console.engine, token)
            .await
            .map_err(visitor.fail())?;
    }
    let gone = expire::<A>(&headers, A::SESSION_COOKIE);
    Ok(([(header::SET_COOKIE, gone)], Redirect::to(A::SIGN_IN)).into_response())
}
