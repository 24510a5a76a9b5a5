//! Stopping marketing e-mail from the link in a letter, without signing in: the link's token
//! names the member (and can do nothing else); using it withdraws their consent to e-mail.

use super::EMAIL;
use crate::Engine;
use crate::error::Result;
use crate::portal::Consents;

/// Whom an unsubscribe link is for, as its page shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsubscribing {
    /// The address the letters went to.
    pub email: Option<String>,
    /// Whether they still consent to e-mail.
    pub subscribed: bool,
}

impl Engine {
    /// Whom the unsubscribe link with `token` is for; `None` for a token no member holds.
    pub async fn unsubscribing(&self, token: &str) -> Result<Option<Unsubscribing>> {
        if !crate::checks::findable(token) {
            return Ok(None);
        }
        let Some(member) = self.store.member_by_unsubscribe_token(token).await? else {
            return Ok(None);
        };
        let consents = Consents::parse(member.consents.as_deref())?;
        Ok(Some(Unsubscribing {
            email: member.email,
            subscribed: consents.allows(EMAIL),
        }))
    }

    /// Withdraws the consent to e-mail of the member whose links carry `token`; false for a
    /// token no member holds. Doing it twice is the same as once.
    pub async fn unsubscribe(&self, token: &str) -> Result<bool> {
        if !crate::checks::findable(token) {
            return Ok(false);
        }
        let Some(member) = self.store.member_by_unsubscribe_token(token).await? else {
            return Ok(false);
        };
        let consents = Consents::parse(member.consents.as_deref())?.without(EMAIL);
        self.store
            .set_consents(member.id, &consents.to_stored()?)
            .await?;
        tracing::info!(
            member = member.id.0,
            "a member unsubscribed from e-mail by link"
        );
        Ok(true)
    }
}
