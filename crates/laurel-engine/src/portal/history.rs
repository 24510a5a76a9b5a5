//! A member's history as the portal tells it: each ledger entry with what it was about — the
//! purchase it was earned on (where and for how much), or the friend a referral bonus was
//! for, by first name only: no other member's id reaches a member's page.

use crate::Engine;
use crate::error::Result;
use laurel_core::Money;
use laurel_core::ledger::PostingKind;
use laurel_store::{JournalId, LedgerEntry, MemberId};

/// What a history entry was about, beyond its kind and reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryAbout {
    /// Earned on a purchase: the store (when the till named one) and what was paid.
    Purchase {
        /// The store.
        store: Option<String>,
        /// The purchase's total.
        total: Money,
    },
    /// A referrer's bonus for a friend who joined with their code.
    Friend {
        /// The friend's first name, when they gave a name.
        first_name: Option<String>,
    },
}

/// One entry of a member's history and what it was about, when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    /// The ledger entry.
    pub entry: LedgerEntry,
    /// What it was about.
    pub about: Option<EntryAbout>,
}

/// A page of a member's history, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct History {
    /// The entries.
    pub entries: Vec<HistoryEntry>,
    /// Cursor for the next (older) page, if there is one.
    pub next_cursor: Option<JournalId>,
}

/// The first word of a name: how a member's page names a friend they referred.
fn first_name(name: &str) -> Option<String> {
    name.split_whitespace().next().map(str::to_owned)
}

/// The referral a referrer's bonus was for: its posting's reference is `referral:{id}`.
pub(super) fn referral_of(entry: &LedgerEntry) -> Option<i64> {
    let id = entry.meta.reference.strip_prefix("referral:")?;
    (entry.kind == PostingKind::Earn && entry.meta.reason.starts_with("referral: "))
        .then(|| id.parse().ok())
        .flatten()
}

/// A purchase's earn: its reference is `{channel}:{order id}`.
fn purchase_key_of(entry: &LedgerEntry) -> Option<&str> {
    (entry.kind == PostingKind::Earn && entry.meta.reason == "purchase")
        .then_some(entry.meta.reference.as_str())
}

impl Engine {
    /// [`Engine::ledger_of`] with what each entry was about: one statement for the page's
    /// purchases, and two (the referral, the friend) per referral bonus on it.
    pub async fn history(
        &self,
        member_id: i64,
        before: Option<i64>,
        kinds: &[PostingKind],
        limit: u32,
    ) -> Result<History> {
        let page = self.ledger_of(member_id, before, kinds, limit).await?;
        let member = MemberId(member_id);
        let orders: Vec<&str> = page
            .entries
            .iter()
            .filter_map(purchase_key_of)
            .filter_map(|key| key.split_once(':').map(|(_, order)| order))
            .collect();
        let purchases = self.store.purchases_by_orders(member, &orders).await?;
        let mut entries = Vec::with_capacity(page.entries.len());
        for entry in page.entries {
            let about = if let Some(key) = purchase_key_of(&entry) {
                purchases
                    .iter()
                    .find(|p| format!("{}:{}", p.channel, p.order_id) == key)
                    .and_then(|p| {
                        Some(EntryAbout::Purchase {
                            store: p.store.clone(),
                            total: Money::from_stored(p.total_minor, &p.currency).ok()?,
                        })
                    })
            } else if let Some(id) = referral_of(&entry) {
                self.friend(member, id).await?
            } else {
                None
            };
            entries.push(HistoryEntry { entry, about });
        }
        Ok(History {
            entries,
            next_cursor: page.next_cursor,
        })
    }

    /// The friend `referrer` referred in referral `id`, as their history names them.
    async fn friend(&self, referrer: MemberId, id: i64) -> Result<Option<EntryAbout>> {
        let Some(referral) = self.store.referral(id).await? else {
            return Ok(None);
        };
        if referral.referrer != referrer {
            return Ok(None);
        }
        let name = self
            .store
            .member(referral.referee)
            .await?
            .and_then(|m| m.profile.name);
        Ok(Some(EntryAbout::Friend {
            first_name: name.as_deref().and_then(first_name),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::first_name;

    #[test]
    fn a_friend_is_named_by_the_first_word_of_their_name() {
        assert_eq!(first_name(" Li  Na "), Some("Li".into()));
        assert_eq!(first_name("王美"), Some("王美".into()));
        assert_eq!(first_name("  "), None);
    }
}
