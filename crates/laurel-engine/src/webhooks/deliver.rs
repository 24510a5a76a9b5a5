//! Delivering events: the fan-out makes one delivery per subscription wanting an event (at
//! most one, whatever restarts happen), and each due delivery is sent through a
//! [`WebhookSender`], its attempt recorded, and a failure retried as the core's
//! [`RetryPolicy`] says — for a day, then dead-lettered until replayed.

use crate::Engine;
use crate::error::Result;
use futures_util::StreamExt;
use jiff::Timestamp;
use laurel_core::events::{EventKind, EventKinds, Retry, RetryPolicy};
use laurel_store::{Attempt, AttemptEnd, DueDelivery, EVENTS_BATCH_MAX};
use std::future::Future;

/// One attempt at a delivery: what a sender POSTs, signed with `secret`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookRequest<'a> {
    /// Where to.
    pub url: &'a str,
    /// The subscription's signing secret (`whsec_…`).
    pub secret: &'a str,
    /// The `webhook-id`: the event's, the same on every attempt and replay, so a receiver
    /// can tell an event it already handled.
    pub id: String,
    /// The JSON body.
    pub payload: &'a str,
}

/// The `webhook-id` of an event: the same on every attempt and replay.
pub fn webhook_id(event: i64) -> String {
    format!("evt_{event}")
}

/// How an attempt went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent {
    /// The receiver answered; 2xx counts as delivered, anything else is retried.
    Answered(u16),
    /// No answer: the connection failed or timed out.
    Unreachable(String),
}

/// Sends deliveries (`laurel-notify`'s HTTP sender in a server).
pub trait WebhookSender: Send + Sync {
    /// Makes one attempt.
    fn send(&self, request: &WebhookRequest<'_>) -> impl Future<Output = Sent> + Send;
}

/// What one pass of the delivery loop did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    /// Deliveries made from new events.
    pub fanned_out: usize,
    /// Attempts made.
    pub attempted: usize,
    /// Of those, delivered.
    pub delivered: usize,
    /// Of those, failed for the last time (dead-lettered).
    pub gave_up: usize,
}

/// Deliveries attempted at once: one slow receiver does not hold up the others.
const IN_FLIGHT: usize = 16;
/// Due deliveries read per round.
const DUE_BATCH: u32 = 200;
/// The most of an error kept in the log.
const ERROR_CHARS_MAX: usize = 500;

impl Engine {
    /// Fans out the events written since the last pass and sends every delivery due at
    /// `now` (the clock is an argument so tests can move through a day of retries).
    pub async fn deliver_webhooks(
        &self,
        sender: &impl WebhookSender,
        now: Timestamp,
    ) -> Result<DeliveryReport> {
        let mut report = DeliveryReport {
            fanned_out: self.fan_out_events(now).await?,
            ..DeliveryReport::default()
        };
        loop {
            let due = self.store.due_deliveries(now, DUE_BATCH).await?;
            let full = due.len() == DUE_BATCH as usize;
            if due.is_empty() {
                return Ok(report);
            }
            // Owned deliveries: a stream of futures borrowing from a local would not be
            // `Send` for every lifetime, which a spawned delivery loop needs.
            let made: Vec<Made> = futures_util::stream::iter(due)
                .map(|delivery| async move { attempt(sender, &delivery, now).await })
                .buffer_unordered(IN_FLIGHT)
                .collect()
                .await;
            let attempts: Vec<(i64, Attempt<'_>)> = made
                .iter()
                .map(|m| {
                    let attempt = Attempt {
                        at: now,
                        status: m.status,
                        error: m.error.as_deref(),
                        end: m.end,
                    };
                    (m.delivery, attempt)
                })
                .collect();
            self.store.record_attempts(&attempts).await?;
            for m in &made {
                report.attempted += 1;
                match m.end {
                    AttemptEnd::Delivered => report.delivered += 1,
                    AttemptEnd::GaveUp => report.gave_up += 1,
                    AttemptEnd::RetryAt(_) => {}
                }
            }
            if !full {
                return Ok(report);
            }
        }
    }

    /// Waits until a write may have committed events or a delivery was replayed.
    pub async fn events_committed(&self) {
        self.listening.wait_committed().await;
    }

    /// Makes a delivery for each subscription wanting each event written since the last
    /// fan-out, due at `now`, and a run of each automation an event triggers; returns how
    /// many deliveries.
    async fn fan_out_events(&self, now: Timestamp) -> Result<usize> {
        let mut made = 0;
        let definition = self.programs.snapshot().in_force(now).definition.clone();
        loop {
            // Each subscription's kinds, read once per batch rather than once per event.
            let subscriptions: Vec<(i64, EventKinds)> = self
                .store
                .webhooks()
                .await?
                .iter()
                .map(|w| (w.id, super::kinds_of(&w.subscription.event_kinds)))
                .collect();
            let mut tx = self.store.begin().await?;
            let events = tx.waiting_events(EVENTS_BATCH_MAX).await?;
            if events.is_empty() {
                return Ok(made);
            }
            let mut pairs = Vec::new();
            for event in &events {
                crate::automations::runs_of_event(&mut tx, &definition, event, now).await?;
                let Ok(kind) = event.kind.parse::<EventKind>() else {
                    continue;
                };
                for (subscription, kinds) in &subscriptions {
                    if kinds.contains(kind) {
                        pairs.push((*subscription, event.id));
                    }
                }
            }
            tx.insert_deliveries(&pairs, now).await?;
            let ids: Vec<i64> = events.iter().map(|e| e.id).collect();
            tx.mark_fanned_out(&ids, now).await?;
            tx.commit().await?;
            made += pairs.len();
            if events.len() < EVENTS_BATCH_MAX as usize {
                return Ok(made);
            }
        }
    }
}

/// An attempt made, to be recorded with the others of its round.
struct Made {
    delivery: i64,
    status: Option<i64>,
    error: Option<String>,
    end: AttemptEnd,
}

/// One attempt at a delivery; how it ended, and when it is tried again if it failed.
async fn attempt(sender: &impl WebhookSender, delivery: &DueDelivery, now: Timestamp) -> Made {
    let sent = sender
        .send(&WebhookRequest {
            url: &delivery.url,
            secret: &delivery.secret,
            id: webhook_id(delivery.event_id),
            payload: &delivery.payload,
        })
        .await;
    let (status, error) = match &sent {
        Sent::Answered(status) if (200..300).contains(status) => (Some(*status), None),
        Sent::Answered(status) => (Some(*status), Some(format!("answered {status}"))),
        Sent::Unreachable(why) => (None, Some(why.chars().take(ERROR_CHARS_MAX).collect())),
    };
    let end = if error.is_none() {
        AttemptEnd::Delivered
    } else {
        let failures = u32::try_from(delivery.attempts + 1).unwrap_or(u32::MAX);
        let first = delivery.first_attempt_at.unwrap_or(now);
        let jitter = rand::random::<f64>();
        match RetryPolicy::STANDARD.after_failure(first, now, failures, jitter) {
            Retry::At(next) => AttemptEnd::RetryAt(next),
            Retry::GiveUp => AttemptEnd::GaveUp,
        }
    };
    if let Some(why) = &error {
        tracing::warn!(delivery = delivery.id, url = %delivery.url, error = %why, "a webhook delivery failed");
    }
    Made {
        delivery: delivery.id,
        status: status.map(i64::from),
        error,
        end,
    }
}
