//! The JSON shapes of webhook subscriptions and their delivery log.

use jiff::Timestamp;
use laurel_core::events::{DeliveryState, EventKind};
use laurel_engine::{CreateWebhook, DeliveryRecord, WebhookView};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

/// An event type's name (`points.earned`); its schema lists every type, from the core's list.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EventTypeName(pub String);

impl PartialSchema for EventTypeName {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(EventKind::ALL.iter().map(|k| k.as_str())))
            .description(Some("An event type."))
            .into()
    }
}

impl ToSchema for EventTypeName {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("EventType")
    }
}

/// A delivery's state's name; its schema lists every state, from the core's list.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct DeliveryStateName(pub &'static str);

impl PartialSchema for DeliveryStateName {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(DeliveryState::ALL.iter().map(|s| s.as_str())))
            .description(Some(
                "`pending` (waiting for its first or next attempt), `delivered`, or `failed` \
                 (retried for a day without success: dead-lettered until replayed).",
            ))
            .into()
    }
}

impl ToSchema for DeliveryStateName {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("DeliveryState")
    }
}

/// A new subscription.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookBody {
    /// Where deliveries are POSTed: an `http` or `https` URL.
    // URL_CHARS_MAX and URL_PATTERN: utoipa takes literals only (a test compares them).
    #[schema(min_length = 1, max_length = 2000, pattern = "^https?://[!-\"$-~]+$")]
    pub url: String,
    /// The event types it wants.
    #[schema(min_items = 1)]
    pub event_types: Vec<EventTypeName>,
    /// What it is for.
    #[schema(min_length = 1, max_length = 200)]
    pub description: Option<String>,
}

impl CreateWebhookBody {
    /// The engine's request.
    pub fn into_request(self) -> CreateWebhook {
        CreateWebhook {
            url: self.url,
            event_types: self.event_types.into_iter().map(|t| t.0).collect(),
            description: self.description,
        }
    }
}

/// A subscription (never with its secret).
#[derive(Serialize, ToSchema)]
pub struct WebhookBody {
    /// Its id.
    pub id: i64,
    /// Where deliveries go.
    pub url: String,
    /// The event types it wants.
    pub event_types: Vec<EventTypeName>,
    /// What it is for.
    pub description: String,
    /// When it was created.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

impl From<&WebhookView> for WebhookBody {
    fn from(view: &WebhookView) -> WebhookBody {
        WebhookBody {
            id: view.id,
            url: view.url.clone(),
            event_types: view
                .event_types
                .iter()
                .map(|k| EventTypeName(k.as_str().to_owned()))
                .collect(),
            description: view.description.clone(),
            created_at: view.created_at,
        }
    }
}

/// A subscription just created, with its signing secret — shown this once.
#[derive(Serialize, ToSchema)]
pub struct CreatedWebhookResponse {
    /// The subscription.
    pub webhook: WebhookBody,
    /// The secret deliveries are signed with (`whsec_…`): verify `webhook-signature` with it.
    pub secret: String,
}

/// The live subscriptions.
#[derive(Serialize, ToSchema)]
pub struct WebhooksResponse {
    /// Oldest first.
    pub webhooks: Vec<WebhookBody>,
}

/// One line of a subscription's delivery log.
#[derive(Serialize, ToSchema)]
pub struct DeliveryBody {
    /// The delivery's id (replay it by this).
    pub id: i64,
    /// The event's `webhook-id`.
    pub webhook_id: String,
    /// The event's type.
    pub event_type: String,
    /// Where it stands.
    pub state: DeliveryStateName,
    /// Attempts so far.
    pub attempts: i64,
    /// When the event was fanned out to this subscription.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    /// The last attempt.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_attempt_at: Option<Timestamp>,
    /// The next attempt, while pending.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub next_attempt_at: Option<Timestamp>,
    /// The HTTP status the last attempt was answered with (none: no answer).
    pub last_status: Option<i64>,
    /// What went wrong last.
    pub last_error: Option<String>,
    /// When it was delivered.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub delivered_at: Option<Timestamp>,
}

impl From<&DeliveryRecord> for DeliveryBody {
    fn from(record: &DeliveryRecord) -> DeliveryBody {
        DeliveryBody {
            id: record.id,
            webhook_id: laurel_engine::webhook_id(record.event_id),
            event_type: record.kind.clone(),
            state: DeliveryStateName(record.state.as_str()),
            attempts: record.attempts,
            created_at: record.created_at,
            last_attempt_at: record.last_attempt_at,
            next_attempt_at: record.next_attempt_at,
            last_status: record.last_status,
            last_error: record.last_error.clone(),
            delivered_at: record.delivered_at,
        }
    }
}

/// A page of a subscription's delivery log.
#[derive(Serialize, ToSchema)]
pub struct DeliveriesResponse {
    /// Newest first.
    pub deliveries: Vec<DeliveryBody>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}
