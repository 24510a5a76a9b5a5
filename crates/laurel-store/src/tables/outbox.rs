//! The outbox: messages written in the transaction that caused them, sent afterwards by a
//! delivery loop that marks each one sent (at least once: a crash between sending and
//! marking sends it again).

use crate::db::connect::Store;
use crate::db::sql::{Arg, Sql, args};
use crate::error::Result;
use crate::types::{instant, micros, numbered_list};
use crate::write::tx::Tx;
use jiff::Timestamp;

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
    /// The same as HTML, when it has an HTML part.
    pub html: Option<String>,
    /// What kind of message it is (`sign_in_code`, `points_expiring`…).
    pub kind: Option<String>,
    /// The member it is for.
    pub member_id: Option<i64>,
    /// Where its recipient stops marketing e-mail with one click (List-Unsubscribe).
    pub unsubscribe_url: Option<String>,
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
            "INSERT INTO outbox (channel, recipient, subject, body, html, kind, member_id, \
             unsubscribe_url, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            args![
                &message.channel,
                &message.recipient,
                &message.subject,
                &message.body,
                &message.html,
                &message.kind,
                message.member_id,
                &message.unsubscribe_url,
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
        let mut db = self;
        let rows = db
            .rows(
                "SELECT id, channel, recipient, subject, body, html, kind, member_id, \
                 unsubscribe_url, created_at, attempts FROM outbox \
                 WHERE sent_at IS NULL AND attempts < $1 ORDER BY id LIMIT $2",
                args![max_attempts, i64::from(limit.clamp(1, OUTBOX_BATCH_MAX))],
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(OutboxMessage {
                    id: row.get("id")?,
                    message: NewMessage {
                        channel: row.get("channel")?,
                        recipient: row.get("recipient")?,
                        subject: row.get("subject")?,
                        body: row.get("body")?,
                        html: row.get("html")?,
                        kind: row.get("kind")?,
                        member_id: row.get("member_id")?,
                        unsubscribe_url: row.get("unsubscribe_url")?,
                        created_at: instant(row.get("created_at")?)?,
                    },
                    attempts: row.get("attempts")?,
                })
            })
            .collect()
    }

    /// Marks messages sent, in one statement (a pass of the delivery loop costs the database
    /// one commit, not one per message).
    pub async fn mark_messages_sent(&self, ids: &[i64], at: Timestamp) -> Result<()> {
        for chunk in ids.chunks(OUTBOX_BATCH_MAX as usize) {
            let sql = format!(
                "UPDATE outbox SET sent_at = $1 WHERE id IN ({})",
                numbered_list(2, chunk.len())
            );
            let mut values = vec![Arg::from(micros(at))];
            values.extend(chunk.iter().map(|id| Arg::from(*id)));
            let mut db = self;
            db.run(&sql, &values).await?;
        }
        Ok(())
    }

    /// Records a failed send; it is tried again later, up to the caller's limit.
    pub async fn mark_message_failed(&self, id: i64, error: &str) -> Result<()> {
        let mut db = self;
        db.run(
            "UPDATE outbox SET attempts = attempts + 1, last_error = $1 WHERE id = $2",
            args![error, id],
        )
        .await?;
        Ok(())
    }
}
