//! Webhook subscriptions: who hears of which events (created, listed, deleted), each
//! subscription's delivery log and replay; `validate.rs` checks a subscription before it is
//! stored, `deliver.rs` fans events out and sends them.

pub(crate) mod deliver;
mod validate;

pub use validate::{URL_CHARS_MAX, URL_PATTERN};

use crate::Engine;
use crate::error::{EngineError, Result};
use jiff::Timestamp;
use laurel_core::events::{EventKind, EventKinds};
use laurel_store::{DeliveryFilter, DeliveryRecord, NewWebhook, Store, Webhook};

pub use deliver::{DeliveryReport, Sent, WebhookRequest, WebhookSender, webhook_id};

/// A subscription to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateWebhook {
    /// Where deliveries are POSTed (`http` or `https`).
    pub url: String,
    /// The event kinds it wants, by their names (`points.earned`).
    pub event_types: Vec<String>,
    /// What it is for.
    pub description: Option<String>,
}

/// A subscription as shown (never with its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookView {
    /// Its id.
    pub id: i64,
    /// Where deliveries go.
    pub url: String,
    /// The event kinds it wants.
    pub event_types: Vec<EventKind>,
    /// What it is for.
    pub description: String,
    /// When it was created.
    pub created_at: Timestamp,
}

/// A subscription just created, with its signing secret: shown this once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedWebhook {
    /// The subscription.
    pub webhook: WebhookView,
    /// The secret every delivery is signed with (`whsec_…`).
    pub secret: String,
}

impl WebhookView {
    fn of(stored: &Webhook) -> WebhookView {
        WebhookView {
            id: stored.id,
            url: stored.subscription.url.clone(),
            event_types: kinds_of(&stored.subscription.event_kinds).iter().collect(),
            description: stored.subscription.description.clone(),
            created_at: stored.subscription.created_at,
        }
    }
}

/// The kinds a stored subscription names (a name this version does not know is skipped).
fn kinds_of(stored: &str) -> EventKinds {
    stored
        .split_whitespace()
        .filter_map(|name| name.parse().ok())
        .collect()
}

/// The kinds any live subscription wants: what the write path writes.
pub(crate) async fn listened_kinds(store: &Store) -> Result<EventKinds> {
    Ok(store
        .webhooks()
        .await?
        .iter()
        .map(|w| kinds_of(&w.subscription.event_kinds))
        .fold(EventKinds::NONE, EventKinds::union))
}

impl Engine {
    /// Subscribes a URL to event kinds; the answer carries the signing secret, shown once.
    /// Events are written from the next write batch on.
    pub async fn create_webhook(&self, request: CreateWebhook) -> Result<CreatedWebhook> {
        let checked = validate::check(request)?;
        let now = crate::as_stored(Timestamp::now());
        let secret = crate::codes::webhook_secret();
        let subscription = NewWebhook {
            url: checked.url,
            event_kinds: checked
                .kinds
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            secret: secret.clone(),
            description: checked.description,
            created_at: now,
        };
        let id = self.store.insert_webhook(&subscription).await?;
        self.refresh_listening().await?;
        Ok(CreatedWebhook {
            webhook: WebhookView::of(&Webhook { id, subscription }),
            secret,
        })
    }

    /// The live subscriptions, oldest first.
    pub async fn webhooks(&self) -> Result<Vec<WebhookView>> {
        Ok(self
            .store
            .webhooks()
            .await?
            .iter()
            .map(WebhookView::of)
            .collect())
    }

    /// One live subscription.
    pub async fn webhook(&self, id: i64) -> Result<WebhookView> {
        self.store
            .webhook(id)
            .await?
            .map(|w| WebhookView::of(&w))
            .ok_or(EngineError::UnknownWebhook(id))
    }

    /// Deletes a subscription: nothing more is sent to it; its delivery log stays readable
    /// in the database.
    pub async fn delete_webhook(&self, id: i64) -> Result<()> {
        if !self.store.delete_webhook(id, Timestamp::now()).await? {
            return Err(EngineError::UnknownWebhook(id));
        }
        self.refresh_listening().await
    }

    /// A page of a subscription's delivery log, newest first, older than the delivery
    /// `before`.
    pub async fn webhook_deliveries(
        &self,
        id: i64,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<DeliveryRecord>> {
        self.webhook_deliveries_where(id, DeliveryFilter::All, before, limit)
            .await
    }

    /// [`Engine::webhook_deliveries`] of only the deliveries `filter` lets through (those
    /// failing, for the console's "failures only").
    pub async fn webhook_deliveries_where(
        &self,
        id: i64,
        filter: DeliveryFilter,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<DeliveryRecord>> {
        self.webhook(id).await?;
        Ok(self.store.deliveries(id, filter, before, limit).await?)
    }

    /// Sends a delivery again now, with a fresh day of retries, whatever became of it (the
    /// receiver gets the same `webhook-id`, so it can tell a replay from a new event).
    pub async fn replay_delivery(&self, id: i64, delivery: i64) -> Result<()> {
        self.webhook(id).await?;
        if !self
            .store
            .replay_delivery(id, delivery, Timestamp::now())
            .await?
        {
            return Err(EngineError::UnknownDelivery {
                webhook: id,
                delivery,
            });
        }
        self.listening.committed();
        Ok(())
    }

    /// Reads which kinds the live subscriptions want and the program's automations are
    /// triggered by, for the write path.
    pub(crate) async fn refresh_listening(&self) -> Result<()> {
        let automations = crate::automations::listened_kinds(&self.programs.snapshot());
        self.listening
            .set(listened_kinds(&self.store).await?.union(automations));
        Ok(())
    }
}
