//! The outbox: messages written in the transaction that caused them, sent afterwards by a
//! delivery loop that marks each one sent (at least once: a crash between sending and
//! marking sends it again).

use crate::connect::Store;
use crate::error::Result;
use crate::sql::{Sql, args};
use crate::tx::Tx;
use crate::types::{instant, micros};
use jiff::Timestamp;
use sqlx::Row;

/// A message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    /// How it goes (`email`).
    pub channel: String,
    /// To whom: an address for the channel.
    pub recipient: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// When it was written.
    pub created_at: Timestamp,
}

/// A message waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    /// Row id.
    pub id: i64,
    /// The message.
    pub message: NewMessage,
    /// Failed sends so far.
    pub attempts: i64,
}

/// The most messages one read of the outbox returns.
pub const OUTBOX_BATCH_MAX: u32 = 500;

impl Tx {
    /// Queues a message, to be sent once this transaction commits.
    pub async fn insert_message(&mut self, message: &NewMessage) -> Result<()> {
        self.run(
            "INSERT INTO outbox (channel, recipient, subject, body, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
            args![
                &message.channel,
                &message.recipient,
                &message.subject,
                &message.body,
                micros(message.created_at),
            ],
        )
        .await?;
        Ok(())
    }
}

impl Store {
    /// Unsent messages, oldest first, skipping those that failed `max_attempts` times.
    pub async fn unsent_messages(
        &self,
        limit: u32,
        max_attempts: i64,
    ) -> Result<Vec<OutboxMessage>> {
        let rows = sqlx::query(
            "SELECT id, channel, recipient, subject, body, created_at, attempts FROM outbox \
             WHERE sent_at IS NULL AND attempts < $1 ORDER BY id LIMIT $2",
        )
        .bind(max_attempts)
        .bind(i64::from(limit.clamp(1, OUTBOX_BATCH_MAX)))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(OutboxMessage {
                    id: row.try_get("id")?,
                    message: NewMessage {
                        channel: row.try_get("channel")?,
                        recipient: row.try_get("recipient")?,
                        subject: row.try_get("subject")?,
                        body: row.try_get("body")?,
                        created_at: instant(row.try_get("created_at")?)?,
                    },
                    attempts: row.try_get("attempts")?,
                })
            })
            .collect()
    }

    /// Marks a message sent.
    pub async fn mark_message_sent(&self, id: i64, at: Timestamp) -> Result<()> {
        sqlx::query("UPDATE outbox SET sent_at = $1 WHERE id = $2")
            .bind(micros(at))
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Records a failed send; it is tried again later, up to the caller's limit.
    pub async fn mark_message_failed(&self, id: i64, error: &str) -> Result<()> {
        sqlx::query("UPDATE outbox SET attempts = attempts + 1, last_error = $1 WHERE id = $2")
            .bind(error.to_owned())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
