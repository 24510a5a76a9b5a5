//! API keys: generated once, shown once, stored as a hash; listed, rotated and revoked by
//! admins, each of those audited. A key may expire; a rotation (`rotation.rs`) makes its
//! successor and lets the old one work on for an overlap. Verifying one on every request is
//! `cache.rs`.

mod cache;
mod rotation;

use crate::codes::{random_token, sha256_hex};
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use crate::{Actor, Engine, as_stored};
use jiff::Timestamp;
use laurel_store::{ApiKey, AuditEntry, NewApiKey, Store};
use serde_json::{Value, json};
use std::fmt;
use std::str::FromStr;

pub(crate) use cache::KeyCache;
pub use rotation::{ROTATION_OVERLAP_DEFAULT, ROTATION_OVERLAP_MAX, Rotation, RotationAsk};

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
    /// When the key expires; none: never.
    pub expires_at: Option<Timestamp>,
}

/// Creates a key that never expires, stores its hash, and returns the key: the only time it
/// is ever visible. For the command line and tests, outside the audit log; a partner's key
/// names its partner, which only the program knows: make one with
/// [`Engine::create_partner_key`].
pub async fn create_key(store: &Store, name: &str, scope: Scope) -> Result<String> {
    create_key_expiring(store, name, scope, None).await
}

/// [`create_key`], expiring at `expires_at` (which must be ahead; none: never).
pub async fn create_key_expiring(
    store: &Store,
    name: &str,
    scope: Scope,
    expires_at: Option<Timestamp>,
) -> Result<String> {
    refuse_partner_scope(scope)?;
    let key = Minted::new(scope);
    let now = as_stored(Timestamp::now());
    let expires_at = checked_expiry(expires_at, now)?;
    store
        .insert_api_key(&key.stored(name, None, now, expires_at))
        .await?;
    Ok(key.key)
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
    /// When it expires; none: never.
    pub expires_at: Option<Timestamp>,
}

/// Longest key name accepted.
pub const KEY_NAME_MAX: usize = 100;

/// A key just generated, before it is stored.
struct Minted {
    scope: Scope,
    key: String,
    prefix: String,
    hash: String,
}

impl Minted {
    fn new(scope: Scope) -> Minted {
        let key = format!("lrl_{}_{}", scope.as_str(), random_token());
        Minted {
            scope,
            prefix: key[..16].to_owned(),
            hash: sha256_hex(&key),
            key,
        }
    }

    /// The row to store for it.
    fn stored<'a>(
        &'a self,
        name: &'a str,
        partner: Option<&'a str>,
        now: Timestamp,
        expires_at: Option<Timestamp>,
    ) -> NewApiKey<'a> {
        NewApiKey {
            name,
            scope: self.scope.as_str(),
            partner,
            prefix: &self.prefix,
            key_hash: &self.hash,
            created_at: now,
            expires_at,
        }
    }

    fn issued(self, id: i64, expires_at: Option<Timestamp>) -> IssuedKey {
        IssuedKey {
            id,
            key: self.key,
            prefix: self.prefix,
            expires_at,
        }
    }
}

/// How the audit log tells a key: never with the key itself.
pub(crate) fn audited(
    name: &str,
    scope: &str,
    partner: Option<&str>,
    prefix: &str,
    expires_at: Option<Timestamp>,
) -> Value {
    json!({
        "name": name,
        "scope": scope,
        "partner": partner,
        "prefix": prefix,
        "expires_at": expires_at.map(|at| at.to_string()),
    })
}

/// An audit entry of `by` doing `action` to key `id` at `at`.
pub(crate) fn audit_entry(
    by: &Actor,
    action: &str,
    id: i64,
    before: Option<Value>,
    after: Value,
    at: Timestamp,
) -> AuditEntry {
    by.audit(action, format!("api_key:{id}"), before, after, at)
}

impl Engine {
    /// Creates a key named `name` (trimmed; required, at most [`KEY_NAME_MAX`] characters),
    /// expiring at `expires_at` (ahead; none: never); audited as `by`'s. A partner's key is
    /// made by [`Engine::create_partner_key`].
    pub async fn create_api_key(
        &self,
        name: &str,
        scope: Scope,
        expires_at: Option<Timestamp>,
        by: &Actor,
    ) -> Result<IssuedKey> {
        refuse_partner_scope(scope)?;
        self.issue(name, scope, None, expires_at, by).await
    }

    /// Creates a key for the program's partner `partner`: it reaches members' balances and the
    /// partner's own purchases, redemptions and statements.
    pub async fn create_partner_key(
        &self,
        name: &str,
        partner: &str,
        expires_at: Option<Timestamp>,
        by: &Actor,
    ) -> Result<IssuedKey> {
        self.refuse_former_partner(partner)?;
        self.issue(name, Scope::Partner, Some(partner), expires_at, by)
            .await
    }

    /// Refuses a partner the program does not have now: one it dropped keeps its statements,
    /// not new keys.
    fn refuse_former_partner(&self, partner: &str) -> Result<()> {
        if self.definition().partners.get(partner).is_none() {
            return Err(EngineError::UnknownPartner(partner.to_owned()));
        }
        Ok(())
    }

    async fn issue(
        &self,
        name: &str,
        scope: Scope,
        partner: Option<&str>,
        expires_at: Option<Timestamp>,
        by: &Actor,
    ) -> Result<IssuedKey> {
        let name = checked_name(name)?;
        let now = as_stored(Timestamp::now());
        let expires_at = checked_expiry(expires_at, now)?;
        let key = Minted::new(scope);
        let stored = key.stored(name, partner, now, expires_at);
        let after = audited(name, scope.as_str(), partner, &key.prefix, expires_at);
        let id = self
            .store
            .insert_api_key_audited(&stored, |id| {
                audit_entry(by, "api_key.create", id, None, after, now)
            })
            .await?;
        Ok(key.issued(id, expires_at))
    }

    /// Every key, revoked and expired ones too, newest first.
    pub async fn api_keys(&self) -> Result<Vec<ApiKey>> {
        Ok(self.store.api_keys().await?)
    }

    /// Key `id`, revoked or not.
    pub async fn api_key(&self, id: i64) -> Result<ApiKey> {
        self.store
            .api_key(id)
            .await?
            .ok_or(EngineError::UnknownApiKey(id))
    }

    /// Revokes key `id`, audited as `by`'s; false when it is revoked already. This node
    /// refuses the key at once; other nodes once their cache of it runs out (30 seconds).
    pub async fn revoke_api_key(&self, id: i64, by: &Actor) -> Result<bool> {
        let key = self.api_key(id).await?;
        let now = as_stored(Timestamp::now());
        let state = |revoked: bool| {
            let mut state = audited(
                &key.name,
                &key.scope,
                key.partner.as_deref(),
                &key.prefix,
                key.expires_at,
            );
            state["revoked"] = json!(revoked);
            state
        };
        let audit = audit_entry(
            by,
            "api_key.revoke",
            id,
            Some(state(false)),
            state(true),
            now,
        );
        let revoked = self.store.revoke_api_key(id, now, &audit).await?;
        self.keys.forget(id);
        Ok(revoked)
    }

    /// Checks an API key now: the caller it names; none for an unknown or revoked key;
    /// [`EngineError::KeyExpired`] for one past its expiry.
    pub async fn authenticate(&self, key: &str) -> Result<Option<Principal>> {
        self.authenticate_at(key, Timestamp::now()).await
    }

    /// [`Engine::authenticate`] as at instant `now` (tests move the clock with it).
    pub async fn authenticate_at(&self, key: &str, now: Timestamp) -> Result<Option<Principal>> {
        self.keys.authenticate(&self.store, key, now).await
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

/// A new key's expiry as stored: ahead of `now` (a key born expired is a mistake).
fn checked_expiry(expires_at: Option<Timestamp>, now: Timestamp) -> Result<Option<Timestamp>> {
    match expires_at.map(as_stored) {
        Some(at) if at <= now => Err(EngineError::invalid(
            "expires_at",
            ErrorCode::InvalidDate,
            format!("{at} is not ahead: a key expires in the future"),
        )),
        other => Ok(other),
    }
}
