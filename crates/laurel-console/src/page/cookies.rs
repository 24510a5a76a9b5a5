//! Cookies: reading one from a request, and setting one with the flags every cookie of the
//! pages carries.

use super::Area;
use axum::http::{HeaderMap, HeaderValue, header};

/// The value of cookie `name`, if the request carries it.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Whether the request came to a loopback address over plain HTTP (the demo, tests): the one
/// case where cookies are sent without `Secure`, since browsers would drop them otherwise.
pub fn plain_loopback(headers: &HeaderMap) -> bool {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let name = host.rsplit_once(':').map_or(host, |(name, _)| name);
    let forwarded_tls = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|p| p.eq_ignore_ascii_case("https"));
    !forwarded_tls && matches!(name, "localhost" | "127.0.0.1" | "[::1]")
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, under area `A`'s path (so the console's
/// and the portal's cookies never meet), Secure unless served to loopback over plain HTTP;
/// `max_age` 0 deletes it.
pub fn set_cookie<A: Area>(
    headers: &HeaderMap,
    name: &str,
    value: &str,
    max_age: i64,
) -> HeaderValue {
    let secure = if plain_loopback(headers) {
        ""
    } else {
        "; Secure"
    };
    let text = format!(
        "{name}={value}; Path={}; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}",
        A::PATH
    );
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// A `Set-Cookie` value that deletes cookie `name` of area `A`.
pub fn expire<A: Area>(headers: &HeaderMap, name: &str) -> HeaderValue {
    set_cookie::<A>(headers, name, "", 0)
}
