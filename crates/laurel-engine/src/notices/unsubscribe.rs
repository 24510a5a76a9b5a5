//! Stopping letters from the link in one, without signing in: the link's token names the
//! member (and can do nothing else), its channel what to stop; using it withdraws their
//! consent to that channel, the change kept in their consent history as made by the link.

use super::EMAIL;
use crate::Engine;
use crate::error::Result;
use crate::privacy::consent_history::{ConsentSource, change_consents};
use crate::privacy::consents::Consents;
use jiff::Timestamp;
use laurel_core::notices::CHANNELS;

/// Whom an unsubscribe link is for, as its page shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsubscribing {
    /// The channel the link stops (`email`, `sms`, `push`).
    pub channel: &'static str,
    /// Where the letters went: the address or phone number.
    pub to: Option<String>,
    /// Whether they still consent to the channel.
    pub subscribed: bool,
}

/// The channel a link names; e-mail when it names none or one there is not.
fn channel_of(named: &str) -> &'static str {
    CHANNELS
        .iter()
        .copied()
        .find(|c| *c == named)
        .unwrap_or(EMAIL)
}

impl Engine {
    /// Whom the unsubscribe link with `token` for `channel` is for; `None` for a token no
    /// member holds.
    pub async fn unsubscribing(&self, token: &str, channel: &str) -> Result<Option<Unsubscribing>> {
        let channel = channel_of(channel);
        if !crate::checks::findable(token) {
            return Ok(None);
        }
        let Some(member) = self.store.member_by_unsubscribe_token(token).await? else {
            return Ok(None);
        };
        let consents = Consents::parse(member.consents.as_deref())?;
        Ok(Some(Unsubscribing {
            channel,
            to: match channel {
                EMAIL => member.email,
                super::SMS => member.phone,
                _ => Some(member.external_id),
            },
            subscribed: consents.allows(channel),
        }))
    }

    /// Withdraws the consent to `channel` of the member whose links carry `token`; false for
    /// a token no member holds. Doing it twice is the same as once.
    pub async fn unsubscribe(&self, token: &str, channel: &str) -> Result<bool> {
        let channel = channel_of(channel);
        if !crate::checks::findable(token) {
            return Ok(false);
        }
        let Some(member) = self.store.member_by_unsubscribe_token(token).await? else {
            return Ok(false);
        };
        let mut tx = self.store.begin().await?;
        let withdrawn = Consents::default().with(channel, false);
        change_consents(
            &mut tx,
            member.id,
            &withdrawn,
            ConsentSource::Unsubscribe,
            Timestamp::now(),
        )
        .await?;
        tx.commit().await?;
        tracing::info!(
            member = member.id.0,
            "a member unsubscribed from e-mail by link"
        );
        Ok(true)
    }
}
