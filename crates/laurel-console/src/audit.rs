//! The audit log (admins only): who did what to which subject, when, and the state before and
//! after, newest first, a page at a time.

use crate::Console;
use crate::page::render;
use crate::web::{Chrome, PageError, Staff};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use laurel_engine::Permission;
use serde::Deserialize;

/// Entries per page.
const SHOWN: u32 = 50;

/// One entry as the page shows it.
struct AuditRow {
    when: String,
    actor: String,
    action: String,
    subject: String,
    before: String,
    after: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    rows: Vec<AuditRow>,
    /// The cursor of the next, older page.
    older: Option<i64>,
    /// Whether this is a later page (which links back to the newest).
    paged: bool,
}

#[derive(Deserialize)]
pub(crate) struct AuditQuery {
    before: Option<i64>,
}

pub(crate) async fn page(
    State(console): State<Console>,
    staff: Staff,
    Query(query): Query<AuditQuery>,
) -> Result<Response, PageError> {
    staff.require(Permission::ManageStaff)?;
    let l = staff.locale;
    let page = console
        .engine
        .audit_page(query.before, SHOWN)
        .await
        .map_err(|e| PageError::from_engine(e, l))?;
    let tz = console.engine.definition().program.time_zone.clone();
    let rows = page
        .entries
        .into_iter()
        .map(|r| AuditRow {
            when: l.date_time(r.entry.at, &tz),
            actor: r.entry.actor,
            action: r.entry.action,
            subject: r.entry.subject,
            before: compact(r.entry.before),
            after: compact(r.entry.after),
        })
        .collect();
    let path = match query.before {
        Some(cursor) => format!("/admin/audit?before={cursor}"),
        None => "/admin/audit".into(),
    };
    let page = AuditPage {
        chrome: Chrome::signed_in(&staff, "audit", path),
        rows,
        older: page.older,
        paged: query.before.is_some(),
    };
    Ok(render(StatusCode::OK, &page))
}

/// Stored JSON on one line without spaces; text that is not JSON as it is.
fn compact(json: Option<String>) -> String {
    let Some(text) = json else {
        return String::new();
    };
    serde_json::from_str::<serde_json::Value>(&text).map_or(text, |value| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::compact;

    #[test]
    fn json_is_shown_on_one_line_and_other_text_as_it_is() {
        assert_eq!(
            compact(Some("{ \"available\": 120,\n \"pending\": 0 }".into())),
            r#"{"available":120,"pending":0}"#
        );
        assert_eq!(compact(Some("not json".into())), "not json");
        assert_eq!(compact(None), "");
    }
}
