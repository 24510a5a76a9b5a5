//! Changing a member's consents and keeping their history: every change in effect appended
//! with where it was made, in the transaction that stores the consents, under the member's
//! lock so two changes never start from the same consents.

use super::consents::Consents;
use crate::Engine;
use crate::error::Result;
use jiff::Timestamp;
use laurel_store::{ConsentChange, MemberId, Tx};

/// Where a change of consent was made, as its history records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentSource {
    /// The member's profile page in the portal.
    Portal,
    /// The unsubscribe link in a letter.
    Unsubscribe,
}

impl ConsentSource {
    /// The stable name stored.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentSource::Portal => "portal",
            ConsentSource::Unsubscribe => "unsubscribe",
        }
    }
}

/// A member's consents now and how they came to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRecord {
    /// Consent per channel and purpose now.
    pub current: Consents,
    /// Every change, newest first.
    pub history: Vec<ConsentChange>,
}

/// Answers `update`'s channels and purposes for `member` in `tx`, appending each change in
/// effect with `source`; the consents now, `None` for a member there is not or who was erased.
pub(crate) async fn change_consents(
    tx: &mut Tx,
    member: MemberId,
    update: &Consents,
    source: ConsentSource,
    at: Timestamp,
) -> Result<Option<Consents>> {
    let Some(stored) = tx.lock_consents(member).await? else {
        return Ok(None);
    };
    let before = Consents::parse(stored.as_deref())?;
    let after = before.clone().answered(update);
    if after == before {
        return Ok(Some(after));
    }
    let changes: Vec<ConsentChange> = before
        .changes_to(&after)
        .into_iter()
        .map(|(subject, given)| ConsentChange {
            subject: subject.to_owned(),
            given,
            at,
            source: source.as_str().to_owned(),
        })
        .collect();
    tx.write_consents(member, &after.to_stored()?, &changes)
        .await?;
    Ok(Some(after))
}

impl Engine {
    /// A member's consent per channel and purpose.
    pub async fn consents(&self, member: i64) -> Result<Consents> {
        let stored = self.store.member_consents(MemberId(member)).await?;
        Consents::parse(stored.as_deref())
    }

    /// A member's consents now and their changes, newest first, at most `limit`.
    pub async fn consent_record(&self, member: i64, limit: u32) -> Result<ConsentRecord> {
        self.member(&crate::MemberRef::Id(member)).await?;
        let (current, history) = tokio::try_join!(self.consents(member), async {
            Ok(self.store.consent_changes(MemberId(member), limit).await?)
        })?;
        Ok(ConsentRecord { current, history })
    }
}
