//! The audit log (admins, managers and finance): who did what to which subject, when, and what
//! changed, in words, newest first, a page at a time — filtered by who, action, member and
//! days (`audit_filter.rs`), and downloaded as CSV with the same filter.

use crate::Console;
use crate::audit_filter::{FilterErrors, FilterForm};
use crate::audit_words::{self, ACTIONS};
use crate::csv::Csv;
use crate::i18n::Locale;
use crate::page::{paged, render};
use crate::web::{Chrome, PageError, Staff};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use laurel_engine::{AUDIT_PAGE_MAX, AuditRecord, Permission, StaffAccount};
use serde::Deserialize;
use std::collections::HashMap;

/// Entries per page.
const SHOWN: u32 = 50;

/// One entry as the page and the download show it.
struct AuditRow {
    when: String,
    who: String,
    action: String,
    subject: String,
    /// The member's page, when the subject is a member.
    subject_link: Option<String>,
    details: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    form: FilterForm,
    errors: FilterErrors,
    /// The staff accounts to choose from: (id, name).
    staff: Vec<(i64, String)>,
    /// The actions to choose from: (stable name, words).
    actions: Vec<(&'static str, String)>,
    rows: Vec<AuditRow>,
    /// The link to the next, older page.
    older: Option<String>,
    /// The link to the newest page, on a later page.
    newest: Option<String>,
    /// The download of every filtered entry.
    download: String,
}

/// The query: the filter form and a page's cursor.
#[derive(Deserialize)]
pub(crate) struct AuditQuery {
    #[serde(flatten)]
    form: FilterForm,
    before: Option<i64>,
}

/// How entries are worded: the page's language and time zone, and staff names by id.
struct Words {
    locale: Locale,
    tz: jiff::tz::TimeZone,
    names: HashMap<i64, String>,
}

impl Words {
    fn new(console: &Console, locale: Locale, staff: &[StaffAccount]) -> Words {
        Words {
            locale,
            tz: console.engine.definition().program.time_zone.clone(),
            names: staff.iter().map(|s| (s.id, s.name.clone())).collect(),
        }
    }

    fn row(&self, record: AuditRecord) -> AuditRow {
        let (l, e) = (self.locale, record.entry);
        let who = e
            .staff_user_id
            .and_then(|id| self.names.get(&id).cloned())
            .unwrap_or_else(|| e.actor.trim_start_matches("staff:").to_owned());
        let (subject, subject_link) = audit_words::subject(l, &e.subject);
        AuditRow {
            when: l.date_time(e.at, &self.tz),
            who,
            action: audit_words::action(l, &e.action),
            subject,
            subject_link,
            details: audit_words::details(l, &e.action, e.before.as_deref(), e.after.as_deref()),
        }
    }
}

pub(crate) async fn page(
    State(console): State<Console>,
    staff: Staff,
    Query(query): Query<AuditQuery>,
) -> Result<Response, PageError> {
    staff.require(Permission::ViewAudit)?;
    let l = staff.locale;
    let accounts = console.engine.staff_users().await.map_err(staff.fail())?;
    let words = Words::new(&console, l, &accounts);
    let form = query.form;
    let (rows, older, errors) = match form.filter(&words.tz) {
        Ok(filter) => {
            let page = console
                .engine
                .audit_page(&filter, query.before, SHOWN)
                .await
                .map_err(staff.fail())?;
            let rows = page.entries.into_iter().map(|r| words.row(r)).collect();
            (rows, page.older, FilterErrors::default())
        }
        Err(errors) => (Vec::new(), None, errors),
    };
    let asked = form.query();
    let link = |path: &str, cursor: Option<i64>| paged(path, &asked, cursor);
    let status = if errors == FilterErrors::default() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let page = AuditPage {
        chrome: Chrome::signed_in(&staff, "audit", link("/admin/audit", query.before)),
        staff: accounts.iter().map(|a| (a.id, a.name.clone())).collect(),
        actions: ACTIONS
            .into_iter()
            .map(|a| (a, audit_words::action(l, a)))
            .collect(),
        rows,
        older: older.map(|cursor| link("/admin/audit", Some(cursor))),
        newest: query.before.map(|_| link("/admin/audit", None)),
        download: link("/admin/audit.csv", None),
        form,
        errors,
    };
    Ok(render(status, &page))
}

/// Every entry the filter lets through, newest first, as a CSV download in the page's words.
pub(crate) async fn download(
    State(console): State<Console>,
    staff: Staff,
    Query(form): Query<FilterForm>,
) -> Result<Response, PageError> {
    staff.require(Permission::ViewAudit)?;
    let l = staff.locale;
    let t = l.strings();
    let accounts = console.engine.staff_users().await.map_err(staff.fail())?;
    let words = Words::new(&console, l, &accounts);
    // A bad filter is shown on the page, where the form names the field.
    let Ok(filter) = form.filter(&words.tz) else {
        return Err(PageError::new(
            StatusCode::BAD_REQUEST,
            l,
            "staff_pages.bad_filter",
        ));
    };
    let mut csv = Csv::new(
        &[
            "audit.when",
            "audit.who",
            "audit.what",
            "audit.subject",
            "staff_pages.details",
        ]
        .map(|key| t.get(key)),
    );
    let mut before = None;
    loop {
        let page = console
            .engine
            .audit_page(&filter, before, AUDIT_PAGE_MAX)
            .await
            .map_err(staff.fail())?;
        for record in page.entries {
            let r = words.row(record);
            csv.push(&[r.when, r.who, r.action, r.subject, r.details]);
        }
        match page.older {
            Some(cursor) => before = Some(cursor),
            None => break,
        }
    }
    Ok(csv.download("audit-log.csv"))
}
