//! Laurel's deliveries to the outside world. The engine writes what is to be sent into its
//! outbox, in the transaction that caused it, and sends it through a [`laurel_engine::Mailer`];
//! this crate holds the mailers that reach real servers.
//!
//! - `smtp.rs`: [`SmtpMailer`], e-mail over SMTP (plain, STARTTLS or implicit TLS), configured
//!   by one URL ([`SmtpUrl`]);
//! - `delivery.rs`: [`Delivery`], the mailer a server uses: SMTP when configured, else the log;
//! - `webhook.rs`: [`HttpSender`], webhook deliveries over HTTP(S), signed as the Standard
//!   Webhooks convention says ([`signature`]).

mod delivery;
mod smtp;
mod webhook;

pub use delivery::Delivery;
pub use smtp::{Security, SmtpMailer, SmtpUrl, SmtpUrlError};
pub use webhook::{BadSecret, HttpSender, SenderError, signature};
