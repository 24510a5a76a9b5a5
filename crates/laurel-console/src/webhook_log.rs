//! A webhook subscription's delivery log (admins only): each delivery newest first, a page at
//! a time, in words — its event, where it stands (a failed one stands out), its attempts and
//! what the receiver last answered, when in the program's time zone — optionally only those
//! failing; and replaying a delivery (audited), which queues it to be sent again.

use crate::Console;
use crate::i18n::Locale;
use crate::page::{paged, query_string, render};
use crate::web::{Chrome, PageError, Staff};
use crate::webhook_words;
use crate::webhooks::HookRow;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::tz::TimeZone;
use laurel_core::events::DeliveryState;
use laurel_engine::{DeliveryFilter, DeliveryRecord, Permission, webhook_id};
use serde::Deserialize;
use serde_json::json;

/// Deliveries per page.
const PAGE: u32 = 50;

/// What `show` asks for when only failures are wanted.
const FAILING: &str = "failing";

/// One delivery as the log shows it.
struct DeliveryRow {
    id: i64,
    event: String,
    event_id: String,
    state: &'static str,
    failed: bool,
    attempts: i64,
    last_answer: String,
    last_attempt: String,
    next_attempt: String,
    delivered: String,
}

#[derive(Template)]
#[template(path = "webhook_log.html")]
struct LogPage {
    chrome: Chrome,
    hook: HookRow,
    /// Whether only failing deliveries are shown.
    failing: bool,
    rows: Vec<DeliveryRow>,
    first: Option<String>,
    next: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct LogQuery {
    /// `failing` for failures only.
    #[serde(default)]
    show: String,
    /// The last delivery of the page before.
    before: Option<i64>,
    /// The delivery just replayed, for the notice.
    replayed: Option<i64>,
}

/// `record` in the page's words and the program's time zone `tz`.
fn row(l: Locale, tz: &TimeZone, record: DeliveryRecord) -> DeliveryRow {
    let when = |at: Option<jiff::Timestamp>| at.map(|at| l.date_time(at, tz)).unwrap_or_default();
    DeliveryRow {
        id: record.id,
        event: webhook_words::event_type(l, &record.kind),
        event_id: webhook_id(record.event_id),
        state: webhook_words::state(l, record.state),
        failed: record.state == DeliveryState::Failed,
        attempts: record.attempts,
        last_answer: webhook_words::last_answer(
            l,
            record.last_status,
            record.last_error.as_deref(),
        ),
        last_attempt: when(record.last_attempt_at),
        next_attempt: when(record.next_attempt_at),
        delivered: when(record.delivered_at),
    }
}

pub(crate) async fn page(
    State(console): State<Console>,
    staff: Staff,
    Path(id): Path<i64>,
    Query(query): Query<LogQuery>,
) -> Result<Response, PageError> {
    staff.require(Permission::ManageStaff)?;
    let l = staff.locale;
    let hook = console.engine.webhook(id).await.map_err(staff.fail())?;
    let failing = query.show == FAILING;
    let filter = if failing {
        DeliveryFilter::Failing
    } else {
        DeliveryFilter::All
    };
    // One more than a page, to know whether there is a next one.
    let mut records = console
        .engine
        .webhook_deliveries_where(id, filter, query.before, PAGE + 1)
        .await
        .map_err(staff.fail())?;
    let more = records.len() > PAGE as usize;
    records.truncate(PAGE as usize);
    let path = format!("/admin/webhooks/{id}");
    let asked = query_string(&[("show", if failing { FAILING } else { "" })]);
    let next = records
        .last()
        .filter(|_| more)
        .map(|r| paged(&path, &asked, Some(r.id)));
    let tz = console.engine.definition().program.time_zone.clone();
    let notice = query.replayed.map(|delivery| {
        l.strings()
            .with("webhooks.replayed_notice", "id", &delivery.to_string())
    });
    let page = LogPage {
        chrome: Chrome::signed_in(&staff, "webhooks", paged(&path, &asked, query.before)),
        hook: HookRow::of(&console, l, hook),
        failing,
        rows: records.into_iter().map(|r| row(l, &tz, r)).collect(),
        first: query.before.map(|_| paged(&path, &asked, None)),
        next,
        notice,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Deserialize)]
pub(crate) struct ReplayFields {
    #[serde(default)]
    csrf: String,
}

/// Queues a delivery to be sent again and goes back to the log with a notice.
pub(crate) async fn replay(
    State(console): State<Console>,
    staff: Staff,
    Path((id, delivery)): Path<(i64, i64)>,
    Form(fields): Form<ReplayFields>,
) -> Result<Response, PageError> {
    staff.may_post(&fields.csrf, Permission::ManageStaff)?;
    console
        .engine
        .replay_delivery(id, delivery)
        .await
        .map_err(staff.fail())?;
    staff
        .audit(
            &console,
            "webhook.replay",
            format!("webhook:{id}"),
            None,
            json!({ "delivery": delivery }),
        )
        .await;
    Ok(Redirect::to(&format!("/admin/webhooks/{id}?replayed={delivery}")).into_response())
}
