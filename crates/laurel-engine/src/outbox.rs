//! Sending what the outbox holds. Messages are written in the transaction that caused them;
//! this sends them afterwards through a [`Mailer`], a batch at a time, and marks the batch's
//! sent ones in one statement, so a crash loses none (those of the batch under way may go out
//! twice).

use crate::Engine;
use crate::error::Result;
use jiff::Timestamp;
use laurel_store::NewMessage;
use std::future::Future;

/// Sends after this many failures stop: the message stays in the outbox for an operator.
const ATTEMPTS_MAX: i64 = 10;
/// Messages sent per pass.
const BATCH: u32 = 100;

/// Where messages go.
pub trait Mailer: Send + Sync {
    /// Sends one message; an error is recorded and the message tried again later.
    fn send(&self, message: &NewMessage) -> impl Future<Output = Result<(), String>> + Send;
}

/// The mailer when no mail server is configured: each message is written to the server's
/// log, where whoever runs Laurel (a developer, the demo) can read the code.
#[derive(Debug, Clone, Copy, Default)]
pub struct LogMailer;

impl Mailer for LogMailer {
    async fn send(&self, message: &NewMessage) -> Result<(), String> {
        tracing::info!(
            channel = %message.channel,
            to = %message.recipient,
            subject = %message.subject,
            body = %message.body,
            "message (no mail server configured: written here instead of sent)"
        );
        Ok(())
    }
}

impl Engine {
    /// Sends what waits in the outbox; returns how many went out.
    pub async fn deliver_outbox(&self, mailer: &impl Mailer) -> Result<usize> {
        let mut sent = 0;
        loop {
            let batch = self.store.unsent_messages(BATCH, ATTEMPTS_MAX).await?;
            if batch.is_empty() {
                return Ok(sent);
            }
            let mut failed = 0;
            let mut delivered = Vec::with_capacity(batch.len());
            for waiting in &batch {
                match mailer.send(&waiting.message).await {
                    Ok(()) => delivered.push(waiting.id),
                    Err(error) => {
                        tracing::warn!(id = waiting.id, %error, "a message could not be sent");
                        self.store.mark_message_failed(waiting.id, &error).await?;
                        failed += 1;
                    }
                }
            }
            self.store
                .mark_messages_sent(&delivered, Timestamp::now())
                .await?;
            sent += delivered.len();
            if failed == batch.len() {
                // Nothing got through: leave the rest for the next pass.
                return Ok(sent);
            }
        }
    }

    /// Wakes when a message was queued, so a delivery loop sends it at once.
    pub async fn outbox_queued(&self) {
        self.outbox_ready.notified().await;
    }
}
