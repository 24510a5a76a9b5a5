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

/// A link to `path` with the filters `query` (a [`query_string`]) and, past the first page,
/// the cursor `before` (the last id shown): the links a list paged newest first shares.
pub fn paged(path: &str, query: &str, before: Option<i64>) -> String {
    let cursor = before.map(|id| format!("before={id}"));
    let parts: Vec<&str> = [query]
        .into_iter()
        .chain(cursor.as_deref())
        .filter(|part| !part.is_empty())
        .collect();
    if parts.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", parts.join("&"))
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paged_link_carries_its_filters_and_cursor_and_no_empty_query() {
        assert_eq!(paged("/admin/audit", "", None), "/admin/audit");
        assert_eq!(paged("/admin/audit", "who=1", None), "/admin/audit?who=1");
        assert_eq!(paged("/admin/audit", "", Some(7)), "/admin/audit?before=7");
        assert_eq!(
            paged("/admin/audit", "who=1&action=a", Some(7)),
            "/admin/audit?who=1&action=a&before=7"
        );
    }
}
