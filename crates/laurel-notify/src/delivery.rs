//! Which mailer the outbox goes through: the configured SMTP server, or the log when there is
//! none (the demo, a developer's machine).

use crate::smtp::SmtpMailer;
use laurel_engine::{LogMailer, Mailer, NewMessage};

/// The outbox's way out.
#[derive(Clone)]
pub enum Delivery {
    /// Written to the server's log, where whoever runs Laurel can read it.
    Log(LogMailer),
    /// Sent through an SMTP server.
    Smtp(SmtpMailer),
}

impl Mailer for Delivery {
    async fn send(&self, message: &NewMessage) -> Result<(), String> {
        match self {
            Delivery::Log(log) => log.send(message).await,
            Delivery::Smtp(smtp) => smtp.send(message).await,
        }
    }
}
