//! Verifying a key on every request without a database read each time: recent answers are
//! remembered, with the key's expiry, so a key that expires while remembered is refused at
//! once.

use super::{Principal, Scope};
use crate::codes::sha256_hex;
use crate::error::{EngineError, Result};
use jiff::Timestamp;
use laurel_store::{ApiKey, Store};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a verified key is trusted without asking the database again.
const CACHE_TTL: Duration = Duration::from_secs(30);
/// Most keys remembered; past it the cache starts over.
const CACHE_MAX: usize = 10_000;

/// Verifies keys, remembering recent answers so a request does not cost a database read.
#[derive(Default)]
pub(crate) struct KeyCache {
    seen: Mutex<HashMap<String, (Option<Principal>, Instant)>>,
}

impl KeyCache {
    /// Forgets what was verified of key `id`, so its next use asks the database.
    pub(super) fn forget(&self, id: i64) {
        if let Ok(mut seen) = self.seen.lock() {
            seen.retain(|_, (principal, _)| principal.as_ref().is_none_or(|p| p.key_id != id));
        }
    }

    /// The caller `key` names at `now`: none for an unknown or revoked key,
    /// [`EngineError::KeyExpired`] for one past its expiry.
    pub(super) async fn authenticate(
        &self,
        store: &Store,
        key: &str,
        now: Timestamp,
    ) -> Result<Option<Principal>> {
        let principal = self.verify(store, key).await?;
        match principal {
            Some(Principal {
                expires_at: Some(at),
                ..
            }) if at <= now => Err(EngineError::KeyExpired(at)),
            other => Ok(other),
        }
    }

    /// The key's principal, expired or not, from memory when it is fresh there.
    async fn verify(&self, store: &Store, key: &str) -> Result<Option<Principal>> {
        let hashed = sha256_hex(key);
        if let Ok(seen) = self.seen.lock()
            && let Some((principal, at)) = seen.get(&hashed)
            && at.elapsed() < CACHE_TTL
        {
            return Ok(principal.clone());
        }
        let principal = store.api_key_by_hash(&hashed).await?.and_then(principal_of);
        if let Ok(mut seen) = self.seen.lock() {
            if seen.len() >= CACHE_MAX {
                seen.clear();
            }
            seen.insert(hashed, (principal.clone(), Instant::now()));
        }
        Ok(principal)
    }
}

/// The caller a stored key names; none for a scope this version does not know.
fn principal_of(key: ApiKey) -> Option<Principal> {
    Some(Principal {
        key_id: key.id,
        name: key.name,
        scope: key.scope.parse::<Scope>().ok()?,
        prefix: key.prefix,
        partner: key.partner,
        expires_at: key.expires_at,
    })
}
