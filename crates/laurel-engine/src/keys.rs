//! API keys: generated once, shown once, stored as a hash; listed and revoked by admins.

use crate::Engine;
use crate::codes::{random_token, sha256_hex};
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use jiff::Timestamp;
use laurel_store::{ApiKey, Store};
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What a key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Everything, including manual adjustments.
    Admin,
    /// Till and web-shop calls: members, purchases, refunds, redemptions, reads.
    Pos,
    /// A coalition partner's calls: members' balances, and its own purchases, refunds,
    /// redemptions and statements.
    Partner,
}

impl Scope {
    /// Stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Admin => "admin",
            Scope::Pos => "pos",
            Scope::Partner => "partner",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A scope name that is not `admin`, `pos` or `partner`.
#[derive(Debug, thiserror::Error)]
#[error("unknown scope `{0}`: expected admin, pos or partner")]
pub struct UnknownScope(String);

impl FromStr for Scope {
    type Err = UnknownScope;
    fn from_str(s: &str) -> Result<Scope, UnknownScope> {
        match s {
            "admin" => Ok(Scope::Admin),
            "pos" => Ok(Scope::Pos),
            "partner" => Ok(Scope::Partner),
            other => Err(UnknownScope(other.to_owned())),
        }
    }
}

/// Who is calling: an authenticated key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// Key id.
    pub key_id: i64,
    /// Key label.
    pub name: String,
    /// Scope.
    pub scope: Scope,
    /// The key's visible prefix; what the ledger records as the actor.
    pub prefix: String,
    /// The partner a partner's key speaks for.
    pub partner: Option<String>,
}

/// Creates a key, stores its hash, and returns the key: the only time it is ever visible.
/// A partner's key names its partner, which only the program knows: make one with
/// [`Engine::create_partner_key`].
pub async fn create_key(store: &Store, name: &str, scope: Scope) -> Result<String> {
    refuse_partner_scope(scope)?;
    Ok(issue(store, name, scope, None).await?.key)
}

/// Refuses the partner scope where no partner is named.
fn refuse_partner_scope(scope: Scope) -> Result<()> {
    if scope == Scope::Partner {
        return Err(EngineError::invalid(
            "scope",
            ErrorCode::InvalidField,
            "a partner's key names its partner: make it from the console's API keys page or \
             POST /api/v1/admin/partners/{code}/keys",
        ));
    }
    Ok(())
}

/// A key just created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedKey {
    /// Row id.
    pub id: i64,
    /// The key itself: shown this once, never stored.
    pub key: String,
    /// Its visible prefix, as listings show it.
    pub prefix: String,
}

/// Longest key name accepted.
pub const KEY_NAME_MAX: usize = 100;

async fn issue(
    store: &Store,
    name: &str,
    scope: Scope,
    partner: Option<&str>,
) -> Result<IssuedKey> {
    let key = format!("lrl_{}_{}", scope.as_str(), random_token());
    let prefix = key[..16].to_owned();
    let id = store
        .insert_api_key(
            name,
            scope.as_str(),
            partner,
            &prefix,
            &sha256_hex(&key),
            Timestamp::now(),
        )
        .await?;
    Ok(IssuedKey { id, key, prefix })
}

impl Engine {
    /// Creates a key named `name` (trimmed; required, at most [`KEY_NAME_MAX`] characters).
    /// A partner's key is made by [`Engine::create_partner_key`].
    pub async fn create_api_key(&self, name: &str, scope: Scope) -> Result<IssuedKey> {
        refuse_partner_scope(scope)?;
        let name = checked_name(name)?;
        issue(&self.store, name, scope, None).await
    }

    /// Creates a key for the program's partner `partner`: it reaches members' balances and the
    /// partner's own purchases, redemptions and statements.
    pub async fn create_partner_key(&self, name: &str, partner: &str) -> Result<IssuedKey> {
        let name = checked_name(name)?;
        // A partner of the program now: one it dropped keeps its statements, not new keys.
        if self.definition().partners.get(partner).is_none() {
            return Err(EngineError::UnknownPartner(partner.to_owned()));
        }
        issue(&self.store, name, Scope::Partner, Some(partner)).await
    }

    /// Every key, revoked ones too, newest first.
    pub async fn api_keys(&self) -> Result<Vec<ApiKey>> {
        Ok(self.store.api_keys().await?)
    }

    /// Revokes key `id`; false when it is unknown or revoked already. This node refuses the key
    /// at once; other nodes once their cache of it runs out (30 seconds).
    pub async fn revoke_api_key(&self, id: i64) -> Result<bool> {
        let revoked = self.store.revoke_api_key(id, Timestamp::now()).await?;
        self.keys.forget(id);
        Ok(revoked)
    }
}

/// A key's name trimmed and checked: required, at most [`KEY_NAME_MAX`] printable characters.
fn checked_name(name: &str) -> Result<&str> {
    let name = name.trim();
    if name.is_empty() {
        return Err(EngineError::invalid(
            "name",
            ErrorCode::MissingField,
            "is required",
        ));
    }
    if name.chars().count() > KEY_NAME_MAX {
        return Err(EngineError::invalid(
            "name",
            ErrorCode::InvalidField,
            format!("is longer than {KEY_NAME_MAX} characters"),
        ));
    }
    crate::checks::checked(
        "name",
        laurel_core::text::characters(name, laurel_core::text::Layout::Line),
    )?;
    Ok(name)
}

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
    fn forget(&self, id: i64) {
        if let Ok(mut seen) = self.seen.lock() {
            seen.retain(|_, (principal, _)| principal.as_ref().is_none_or(|p| p.key_id != id));
        }
    }

    pub async fn authenticate(&self, store: &Store, key: &str) -> Result<Option<Principal>> {
        let hashed = sha256_hex(key);
        if let Ok(seen) = self.seen.lock()
            && let Some((principal, at)) = seen.get(&hashed)
            && at.elapsed() < CACHE_TTL
        {
            return Ok(principal.clone());
        }
        let principal = store.api_key_by_hash(&hashed).await?.and_then(|k| {
            Some(Principal {
                key_id: k.id,
                name: k.name,
                scope: k.scope.parse().ok()?,
                prefix: k.prefix,
                partner: k.partner,
            })
        });
        if let Ok(mut seen) = self.seen.lock() {
            if seen.len() >= CACHE_MAX {
                seen.clear();
            }
            seen.insert(hashed, (principal.clone(), Instant::now()));
        }
        Ok(principal)
    }
}
