//! Laurel's deliveries to the outside world. The engine writes what is to be sent into its
//! outbox, in the transaction that caused it, and sends it through a [`laurel_engine::Mailer`];
//! this crate holds the mailers that reach real servers.
//!
//! - `smtp.rs`: [`SmtpMailer`], e-mail over SMTP (plain, STARTTLS or implicit TLS), configured
//!   by one URL ([`SmtpUrl`]);
//! - `delivery.rs`: [`Delivery`], the mailer a server uses: SMTP when configured, else the log.

mod delivery;
mod smtp;

pub use delivery::Delivery;
pub use smtp::{Security, SmtpMailer, SmtpUrl, SmtpUrlError};
