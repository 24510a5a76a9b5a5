//! Writing a response: a template rendered, a stylesheet served, a value put into a link.

use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

/// A template rendered to a response with `status`.
pub fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "a page failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// A stylesheet compiled into the binary, cached by browsers for an hour.
pub fn stylesheet(css: &'static str) -> Response {
    compiled_in("text/css; charset=utf-8", css)
}

/// A script compiled into the binary (pages work without it; it only adds to them), cached
/// like a stylesheet.
pub fn script(js: &'static str) -> Response {
    compiled_in("text/javascript; charset=utf-8", js)
}

fn compiled_in(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

/// A query string of the `fields` that are not blank (`who=1&action=…`), values trimmed and
/// percent-encoded: the filters a page's links carry.
pub fn query_string(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .filter(|(_, value)| !value.trim().is_empty())
        .map(|(name, value)| format!("{name}={}", encode(value.trim())))
        .collect::<Vec<_>>()
        .join("&")
}

/// A query-string value, percent-encoded.
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
