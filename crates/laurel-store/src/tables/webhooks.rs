//! Webhook subscriptions and their deliveries: one per subscription and event, made by the
//! fan-out, attempted until delivered or given up, and listed as the subscription's log.

use crate::db::connect::Store;
use crate::db::sql::{Arg, Row, Sql, args};
use crate::error::{Result, StoreError};
use crate::types::{instant, instant_opt, micros, placeholders};
use crate::write::tx::Tx;
use jiff::Timestamp;
use laurel_core::events::DeliveryState;

/// A subscription as created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWebhook {
    /// Where deliveries are POSTed.
    pub url: String,
    /// The event kinds it wants, space-separated.
    pub event_kinds: String,
    /// The signing secret (`whsec_…`).
    pub secret: String,
    /// What it is for, in the admin's words.
    pub description: String,
    /// When it was created.
    pub created_at: Timestamp,
}

/// A live subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    /// Row id.
    pub id: i64,
    /// The subscription as created.
    pub subscription: NewWebhook,
}

/// A delivery due for an attempt, with what the attempt sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueDelivery {
    /// Row id.
    pub id: i64,
    /// The subscription's URL.
    pub url: String,
    /// The subscription's signing secret.
    pub secret: String,
    /// The event's id: the `webhook-id`, the same on every attempt.
    pub event_id: i64,
    /// The event's JSON document.
    pub payload: String,
    /// Attempts so far.
    pub attempts: i64,
    /// When the first attempt was made; none yet if `None`.
    pub first_attempt_at: Option<Timestamp>,
}

/// How an attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptEnd {
    /// Delivered.
    Delivered,
    /// Failed; tried again then.
    RetryAt(Timestamp),
    /// Failed for the last time: dead-lettered.
    GaveUp,
}

/// An attempt's record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt<'a> {
    /// When it was made.
    pub at: Timestamp,
    /// The HTTP status answered, if any.
    pub status: Option<i64>,
    /// What went wrong, if anything.
    pub error: Option<&'a str>,
    /// How it ended.
    pub end: AttemptEnd,
}

/// One line of a subscription's delivery log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRecord {
    /// Row id.
    pub id: i64,
    /// The event's id.
    pub event_id: i64,
    /// The event's kind.
    pub kind: String,
    /// Where it stands.
    pub state: DeliveryState,
    /// Attempts so far.
    pub attempts: i64,
    /// When the delivery was made (the event fanned out).
    pub created_at: Timestamp,
    /// The last attempt.
    pub last_attempt_at: Option<Timestamp>,
    /// The next attempt, while pending.
    pub next_attempt_at: Option<Timestamp>,
    /// The last attempt's HTTP status.
    pub last_status: Option<i64>,
    /// What went wrong last.
    pub last_error: Option<String>,
    /// When it was delivered.
    pub delivered_at: Option<Timestamp>,
}

/// Which lines of a delivery log a read returns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DeliveryFilter {
    /// Every delivery.
    #[default]
    All,
    /// Those whose last attempt failed: waiting to be tried again, dead-lettered, or replayed
    /// and not yet tried.
    Failing,
}

/// The most lines one read of a delivery log returns.
pub const DELIVERIES_PAGE_MAX: u32 = 200;

/// The most deliveries one read of those due returns.
pub const DUE_BATCH_MAX: u32 = 500;

const WEBHOOK_COLUMNS: &str = "id, url, event_kinds, secret, description, created_at";

fn webhook_from(row: &Row) -> Result<Webhook> {
    Ok(Webhook {
        id: row.get("id")?,
        subscription: NewWebhook {
            url: row.get("url")?,
            event_kinds: row.get("event_kinds")?,
            secret: row.get("secret")?,
            description: row.get("description")?,
            created_at: instant(row.get("created_at")?)?,
        },
    })
}

fn delivery_from(row: &Row) -> Result<DeliveryRecord> {
    let state: String = row.get("state")?;
    Ok(DeliveryRecord {
        id: row.get("id")?,
        event_id: row.get("event_id")?,
        kind: row.get("kind")?,
        state: state
            .parse()
            .map_err(|e| StoreError::Corrupt(format!("delivery: {e}")))?,
        attempts: row.get("attempts")?,
        created_at: instant(row.get("created_at")?)?,
        last_attempt_at: instant_opt(row.get("last_attempt_at")?)?,
        next_attempt_at: instant_opt(row.get("next_attempt_at")?)?,
        last_status: row.get("last_status")?,
        last_error: row.get("last_error")?,
        delivered_at: instant_opt(row.get("delivered_at")?)?,
    })
}

impl Store {
    /// Stores a subscription; returns its id.
    pub async fn insert_webhook(&self, webhook: &NewWebhook) -> Result<i64> {
        let mut db = self;
        let row = db
            .row(
                "INSERT INTO webhook_subscriptions (url, event_kinds, secret, description, created_at) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
                args![
                    &webhook.url,
                    &webhook.event_kinds,
                    &webhook.secret,
                    &webhook.description,
                    micros(webhook.created_at)
                ],
            )
            .await?;
        row.get(0)
    }

    /// The live subscriptions, oldest first.
    pub async fn webhooks(&self) -> Result<Vec<Webhook>> {
        let mut db = self;
        let rows = db
            .rows(
                &format!(
                    "SELECT {WEBHOOK_COLUMNS} FROM webhook_subscriptions \
                     WHERE deleted_at IS NULL ORDER BY id"
                ),
                args![],
            )
            .await?;
        rows.iter().map(webhook_from).collect()
    }

    /// A live subscription.
    pub async fn webhook(&self, id: i64) -> Result<Option<Webhook>> {
        let mut db = self;
        let row = db
            .row_opt(
                &format!(
                    "SELECT {WEBHOOK_COLUMNS} FROM webhook_subscriptions \
                     WHERE id = $1 AND deleted_at IS NULL"
                ),
                args![id],
            )
            .await?;
        row.as_ref().map(webhook_from).transpose()
    }

    /// Deletes a subscription: nothing more is fanned out or attempted for it; its log stays.
    /// False if there was no live one.
    pub async fn delete_webhook(&self, id: i64, at: Timestamp) -> Result<bool> {
        let mut tx = self.begin().await?;
        let deleted = tx
            .run(
                "UPDATE webhook_subscriptions SET deleted_at = $1 WHERE id = $2 AND deleted_at IS NULL",
                args![micros(at), id],
            )
            .await?;
        tx.run(
            "UPDATE webhook_deliveries SET next_attempt_at = NULL \
             WHERE subscription_id = $1 AND state = $2",
            args![id, DeliveryState::Pending.as_str()],
        )
        .await?;
        tx.commit().await?;
        Ok(deleted > 0)
    }

    /// Deliveries due at `now`, soonest first (none of a deleted subscription, even one a
    /// fan-out racing the deletion made).
    pub async fn due_deliveries(&self, now: Timestamp, limit: u32) -> Result<Vec<DueDelivery>> {
        let mut db = self;
        let rows = db
            .rows(
                "SELECT d.id, s.url, s.secret, d.event_id, e.payload, d.attempts, d.first_attempt_at \
                 FROM webhook_deliveries d \
                 JOIN webhook_subscriptions s ON s.id = d.subscription_id \
                 JOIN events e ON e.id = d.event_id \
                 WHERE d.next_attempt_at IS NOT NULL AND d.next_attempt_at <= $1 \
                 AND s.deleted_at IS NULL \
                 ORDER BY d.next_attempt_at, d.id LIMIT $2",
                args![micros(now), i64::from(limit.clamp(1, DUE_BATCH_MAX))],
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(DueDelivery {
                    id: row.get("id")?,
                    url: row.get("url")?,
                    secret: row.get("secret")?,
                    event_id: row.get("event_id")?,
                    payload: row.get("payload")?,
                    attempts: row.get("attempts")?,
                    first_attempt_at: instant_opt(row.get("first_attempt_at")?)?,
                })
            })
            .collect()
    }

    /// Records attempts at deliveries and where each leaves its delivery, in one transaction
    /// (a round of attempts costs the database one commit, not one per delivery).
    pub async fn record_attempts(&self, attempts: &[(i64, Attempt<'_>)]) -> Result<()> {
        let mut tx = self.begin().await?;
        for (delivery, attempt) in attempts {
            tx.record_attempt(*delivery, attempt).await?;
        }
        tx.commit().await
    }
    /// A page of a subscription's delivery log, newest first, before the delivery `before`,
    /// of the deliveries `filter` lets through.
    pub async fn deliveries(
        &self,
        subscription: i64,
        filter: DeliveryFilter,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<DeliveryRecord>> {
        // An attempt that fails records its error and one that delivers clears it; a replay
        // leaves it, so a replayed delivery counts as failing until it goes through.
        let only = match filter {
            DeliveryFilter::All => "",
            DeliveryFilter::Failing => " AND d.last_error IS NOT NULL",
        };
        let mut db = self;
        let rows = db
            .rows(
                &format!(
                    "SELECT d.id, d.event_id, e.kind, d.state, d.attempts, d.created_at, \
                     d.last_attempt_at, d.next_attempt_at, d.last_status, d.last_error, d.delivered_at \
                     FROM webhook_deliveries d JOIN events e ON e.id = d.event_id \
                     WHERE d.subscription_id = $1 AND d.id < $2{only} ORDER BY d.id DESC LIMIT $3"
                ),
                args![
                    subscription,
                    before.unwrap_or(i64::MAX),
                    i64::from(limit.clamp(1, DELIVERIES_PAGE_MAX))
                ],
            )
            .await?;
        rows.iter().map(delivery_from).collect()
    }

    /// Sends a delivery of a live subscription again at `now`, with a fresh day of retries,
    /// whatever became of it. False if the subscription has no such delivery.
    pub async fn replay_delivery(
        &self,
        subscription: i64,
        delivery: i64,
        now: Timestamp,
    ) -> Result<bool> {
        let mut db = self;
        let replayed = db
            .run(
                "UPDATE webhook_deliveries SET state = $1, next_attempt_at = $2, \
                 first_attempt_at = NULL, delivered_at = NULL \
                 WHERE id = $3 AND subscription_id = $4 AND subscription_id IN \
                 (SELECT id FROM webhook_subscriptions WHERE deleted_at IS NULL)",
                args![
                    DeliveryState::Pending.as_str(),
                    micros(now),
                    delivery,
                    subscription
                ],
            )
            .await?;
        Ok(replayed > 0)
    }
}

impl Tx {
    /// Records an attempt at a delivery and where it leaves it.
    async fn record_attempt(&mut self, delivery: i64, attempt: &Attempt<'_>) -> Result<()> {
        let at = micros(attempt.at);
        let (state, next, delivered) = match attempt.end {
            AttemptEnd::Delivered => (DeliveryState::Delivered, None, Some(at)),
            AttemptEnd::RetryAt(next) => (DeliveryState::Pending, Some(micros(next)), None),
            AttemptEnd::GaveUp => (DeliveryState::Failed, None, None),
        };
        self.run(
            "UPDATE webhook_deliveries SET attempts = attempts + 1, \
             first_attempt_at = COALESCE(first_attempt_at, $1), last_attempt_at = $1, \
             state = $2, next_attempt_at = $3, last_status = $4, last_error = $5, \
             delivered_at = $6 WHERE id = $7",
            args![
                at,
                state.as_str(),
                next,
                attempt.status,
                attempt.error,
                delivered,
                delivery
            ],
        )
        .await?;
        Ok(())
    }

    /// Makes a delivery, due at `due`, for each `(subscription, event)` pair; a pair that has
    /// one already keeps it.
    pub async fn insert_deliveries(&mut self, pairs: &[(i64, i64)], due: Timestamp) -> Result<()> {
        const COLUMNS: usize = 5;
        let due = micros(due);
        let pending = DeliveryState::Pending.as_str();
        for chunk in pairs.chunks(200) {
            let sql = format!(
                "INSERT INTO webhook_deliveries (subscription_id, event_id, state, created_at, next_attempt_at) \
                 VALUES {} ON CONFLICT (subscription_id, event_id) DO NOTHING",
                placeholders(chunk.len(), COLUMNS)
            );
            let values: Vec<Arg> = chunk
                .iter()
                .flat_map(|(subscription, event)| {
                    [
                        Arg::from(*subscription),
                        Arg::from(*event),
                        Arg::from(pending),
                        Arg::from(due),
                        Arg::from(due),
                    ]
                })
                .collect();
            self.run(&sql, &values).await?;
        }
        Ok(())
    }
}
