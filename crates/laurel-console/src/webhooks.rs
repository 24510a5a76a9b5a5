//! Webhook subscriptions (admins only): the live ones, a form that subscribes an address to
//! event types and shows its signing secret once with how a receiver checks it, and deleting
//! one after a confirming page. Creating and deleting are audited, never with the secret.
//! Each subscription's delivery log is `webhook_log.rs`.

use crate::Console;
// Untrimmed: a URL or a secret is checked as typed.
use crate::form_fields::{Fields, raw as field};
use crate::page::render;
use crate::web::{Chrome, PageError, Staff};
use crate::webhook_words;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use laurel_core::events::EventKind;
use laurel_engine::{
    CreateWebhook, EngineError, ErrorCode, Permission, TEXT_CHARS_MAX, URL_CHARS_MAX, WebhookView,
};
use serde::Deserialize;
use serde_json::json;

/// A subscription as the pages show it.
pub(crate) struct HookRow {
    /// Its id.
    pub(crate) id: i64,
    /// Where deliveries go.
    pub(crate) url: String,
    /// Its event types, in words.
    pub(crate) events: String,
    /// What it is for, as the admin wrote it.
    pub(crate) description: String,
    /// When it was created, in the program's time zone.
    pub(crate) created: String,
}

impl HookRow {
    /// `hook` in the page's words and the program's time zone.
    pub(crate) fn of(console: &Console, l: crate::i18n::Locale, hook: WebhookView) -> HookRow {
        let tz = &console.engine.definition().program.time_zone;
        HookRow {
            id: hook.id,
            events: webhook_words::event_types(l, hook.event_types.iter().map(|k| k.as_str())),
            url: hook.url,
            description: hook.description,
            created: l.date_time(hook.created_at, tz),
        }
    }
}

/// An event type the form offers: its stable name, the checkbox's id, its words and whether
/// it is ticked.
struct EventChoice {
    name: &'static str,
    id: String,
    words: String,
    ticked: bool,
}

/// The subscription form: what was typed and ticked, and the errors next to the fields.
#[derive(Default)]
struct SubscribeForm {
    url: String,
    events: Vec<&'static str>,
    description: String,
    url_error: Option<String>,
    events_error: Option<String>,
    description_error: Option<String>,
}

#[derive(Template)]
#[template(path = "webhooks.html")]
struct HooksPage {
    chrome: Chrome,
    rows: Vec<HookRow>,
    form: SubscribeForm,
    choices: Vec<EventChoice>,
    url_max: usize,
    description_max: usize,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "webhook_created.html")]
struct CreatedPage {
    chrome: Chrome,
    hook: HookRow,
    secret: String,
}

#[derive(Template)]
#[template(path = "webhook_delete.html")]
struct ConfirmPage {
    chrome: Chrome,
    hook: HookRow,
}

#[derive(Deserialize)]
pub(crate) struct HooksQuery {
    /// The id of the subscription just deleted (an id, so the page never repeats text from a
    /// link).
    deleted: Option<i64>,
}

pub(crate) async fn page(
    State(console): State<Console>,
    staff: Staff,
    Query(query): Query<HooksQuery>,
) -> Result<Response, PageError> {
    staff.require(Permission::ManageStaff)?;
    let t = staff.locale.strings();
    let notice = query
        .deleted
        .map(|id| t.with("webhooks.deleted_notice", "id", &id.to_string()));
    let page = hooks_page(&console, &staff, SubscribeForm::default(), notice).await?;
    Ok(render(StatusCode::OK, &page))
}

async fn hooks_page(
    console: &Console,
    staff: &Staff,
    form: SubscribeForm,
    notice: Option<String>,
) -> Result<HooksPage, PageError> {
    let l = staff.locale;
    let hooks = console.engine.webhooks().await.map_err(staff.fail())?;
    let choices = EventKind::ALL
        .iter()
        .map(|kind| EventChoice {
            name: kind.as_str(),
            id: format!("event-{}", kind.as_str().replace('.', "-")),
            words: webhook_words::event_type(l, kind.as_str()),
            ticked: form.events.contains(&kind.as_str()),
        })
        .collect();
    Ok(HooksPage {
        chrome: Chrome::signed_in(staff, "webhooks", "/admin/webhooks".into()),
        rows: hooks
            .into_iter()
            .map(|hook| HookRow::of(console, l, hook))
            .collect(),
        form,
        choices,
        url_max: URL_CHARS_MAX,
        description_max: TEXT_CHARS_MAX,
        notice,
    })
}

pub(crate) async fn create(
    State(console): State<Console>,
    staff: Staff,
    Form(fields): Form<Fields>,
) -> Result<Response, PageError> {
    staff.may_post(field(&fields, "csrf"), Permission::ManageStaff)?;
    let l = staff.locale;
    let t = l.strings();
    let posted: Vec<String> = fields
        .iter()
        .filter(|(k, _)| k == "event_types")
        .map(|(_, v)| v.clone())
        .collect();
    let description = field(&fields, "description");
    let mut form = SubscribeForm {
        url: field(&fields, "url").to_owned(),
        events: EventKind::ALL
            .iter()
            .map(|k| k.as_str())
            .filter(|name| posted.iter().any(|p| p == name))
            .collect(),
        description: description.to_owned(),
        ..SubscribeForm::default()
    };
    let request = CreateWebhook {
        url: form.url.clone(),
        event_types: posted,
        // A field left blank is no description, not an empty one.
        description: Some(description.to_owned()).filter(|d| !d.trim().is_empty()),
    };
    match console.engine.create_webhook(request).await {
        Ok(created) => {
            let hook = created.webhook;
            staff
                .audit(
                    &console,
                    "webhook.create",
                    format!("webhook:{}", hook.id),
                    None,
                    audited(&hook),
                )
                .await;
            let page = CreatedPage {
                chrome: Chrome::signed_in(&staff, "webhooks", "/admin/webhooks".into()),
                hook: HookRow::of(&console, l, hook),
                secret: created.secret,
            };
            // Shown once: no cache may keep a copy.
            return Ok((
                [(header::CACHE_CONTROL, "no-store")],
                render(StatusCode::OK, &page),
            )
                .into_response());
        }
        Err(EngineError::InvalidField { field, code, .. }) => match field.as_str() {
            "url" if code == ErrorCode::MissingField => {
                form.url_error = Some(t.get("field.required").to_owned());
            }
            "url" => form.url_error = Some(t.get("webhooks.bad_url").to_owned()),
            "event_types" => form.events_error = Some(t.get("webhooks.choose_events").to_owned()),
            _ => {
                form.description_error = Some(t.with(
                    "webhooks.description_bad",
                    "max",
                    &TEXT_CHARS_MAX.to_string(),
                ));
            }
        },
        Err(e) => return Err(PageError::from_engine(e, l)),
    }
    let page = hooks_page(&console, &staff, form, None).await?;
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

/// A subscription as the audit log keeps it: never its secret, which the view does not hold.
fn audited(hook: &WebhookView) -> serde_json::Value {
    let names: Vec<&str> = hook.event_types.iter().map(|k| k.as_str()).collect();
    json!({ "url": hook.url, "event_types": names, "description": hook.description })
}

/// The page that asks before a subscription is deleted.
pub(crate) async fn confirm_delete(
    State(console): State<Console>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    staff.require(Permission::ManageStaff)?;
    let hook = console.engine.webhook(id).await.map_err(staff.fail())?;
    let page = ConfirmPage {
        chrome: Chrome::signed_in(&staff, "webhooks", format!("/admin/webhooks/{id}/delete")),
        hook: HookRow::of(&console, staff.locale, hook),
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Deserialize)]
pub(crate) struct DeleteFields {
    #[serde(default)]
    csrf: String,
}

pub(crate) async fn delete(
    State(console): State<Console>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(fields): Form<DeleteFields>,
) -> Result<Response, PageError> {
    staff.may_post(&fields.csrf, Permission::ManageStaff)?;
    let fail = staff.fail();
    let hook = console.engine.webhook(id).await.map_err(&fail)?;
    console.engine.delete_webhook(id).await.map_err(&fail)?;
    staff
        .audit(
            &console,
            "webhook.delete",
            format!("webhook:{id}"),
            Some(audited(&hook)),
            json!({ "deleted": true }),
        )
        .await;
    Ok(Redirect::to(&format!("/admin/webhooks?deleted={id}")).into_response())
}
