//! API keys: only their hashes are stored. A key may expire; a rotation makes a new key and
//! sets the old one to expire, each naming the other. What staff do to keys is audited in the
//! same transaction.

use crate::db::connect::Store;
use crate::db::sql::{Row, Sql, args};
use crate::error::Result;
use crate::tables::audit::{AuditEntry, insert_audit};
use crate::types::{ApiKey, instant, instant_opt, micros};
use jiff::Timestamp;

/// The most keys [`Store::api_keys`] lists.
pub const API_KEYS_MAX: u32 = 1_000;

/// A key to store: everything but its row id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewApiKey<'a> {
    /// Label.
    pub name: &'a str,
    /// What it may do (`admin`, `pos`, `partner`).
    pub scope: &'a str,
    /// The partner a partner's key speaks for.
    pub partner: Option<&'a str>,
    /// Its visible first characters.
    pub prefix: &'a str,
    /// The hash of the key itself, which is never stored.
    pub key_hash: &'a str,
    /// When it is made.
    pub created_at: Timestamp,
    /// When it expires; none: never.
    pub expires_at: Option<Timestamp>,
}

/// Every column a key is read with.
const COLUMNS: &str = "id, name, scope, partner, prefix, created_at, revoked_at, expires_at, \
                       rotated_from, rotated_to";

fn key_from(row: &Row) -> Result<ApiKey> {
    Ok(ApiKey {
        id: row.get("id")?,
        name: row.get("name")?,
        scope: row.get("scope")?,
        partner: row.get("partner")?,
        prefix: row.get("prefix")?,
        created_at: instant(row.get("created_at")?)?,
        revoked_at: instant_opt(row.get("revoked_at")?)?,
        expires_at: instant_opt(row.get("expires_at")?)?,
        rotated_from: row.get("rotated_from")?,
        rotated_to: row.get("rotated_to")?,
    })
}

/// Inserts `key`, made by rotating `rotated_from` if it names one; its row id.
async fn insert<S: Sql>(db: &mut S, key: &NewApiKey<'_>, rotated_from: Option<i64>) -> Result<i64> {
    db.row(
        "INSERT INTO api_keys \
         (name, scope, partner, prefix, key_hash, created_at, expires_at, rotated_from) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        args![
            key.name,
            key.scope,
            key.partner,
            key.prefix,
            key.key_hash,
            micros(key.created_at),
            key.expires_at.map(micros),
            rotated_from,
        ],
    )
    .await?
    .get(0)
}

impl Store {
    /// Stores a new key's hash; returns its row id. For keys made outside the audit log's
    /// reach (the command line's first key); staff's are made by
    /// [`Store::insert_api_key_audited`].
    pub async fn insert_api_key(&self, key: &NewApiKey<'_>) -> Result<i64> {
        let mut db = self;
        insert(&mut db, key, None).await
    }

    /// Stores a new key's hash and the audit entry `audit` writes of its row id, together;
    /// returns the row id.
    pub async fn insert_api_key_audited(
        &self,
        key: &NewApiKey<'_>,
        audit: impl FnOnce(i64) -> AuditEntry,
    ) -> Result<i64> {
        let mut tx = self.begin().await?;
        let id = insert(&mut tx, key, None).await?;
        insert_audit(&mut tx, &audit(id)).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The live (not revoked) key with this hash, expired or not: whoever asks decides
    /// whether it has expired at their instant.
    pub async fn api_key_by_hash(&self, key_hash: &str) -> Result<Option<ApiKey>> {
        let mut db = self;
        let row = db
            .row_opt(
                &format!(
                    "SELECT {COLUMNS} FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL"
                ),
                args![key_hash],
            )
            .await?;
        row.as_ref().map(key_from).transpose()
    }

    /// Key `id`, revoked or not.
    pub async fn api_key(&self, id: i64) -> Result<Option<ApiKey>> {
        let mut db = self;
        let row = db
            .row_opt(
                &format!("SELECT {COLUMNS} FROM api_keys WHERE id = $1"),
                args![id],
            )
            .await?;
        row.as_ref().map(key_from).transpose()
    }

    /// Keys, revoked and expired ones too, newest first, up to [`API_KEYS_MAX`].
    pub async fn api_keys(&self) -> Result<Vec<ApiKey>> {
        let mut db = self;
        let rows = db
            .rows(
                &format!("SELECT {COLUMNS} FROM api_keys ORDER BY id DESC LIMIT $1"),
                args![i64::from(API_KEYS_MAX)],
            )
            .await?;
        rows.iter().map(key_from).collect()
    }

    /// Rotates key `old`: stores `new` as rotated from it, sets `old` to expire at
    /// `old_expires_at` and to name `new`, and writes the audit entry `audit` writes of the new
    /// key's row id, all together. None (and nothing stored) unless `old` is live at
    /// `new.created_at` — not revoked, not expired — and not rotated already, so two rotations
    /// of one key never both happen.
    pub async fn rotate_api_key(
        &self,
        old: i64,
        new: &NewApiKey<'_>,
        old_expires_at: Timestamp,
        audit: impl FnOnce(i64) -> AuditEntry,
    ) -> Result<Option<i64>> {
        let mut tx = self.begin().await?;
        let id = insert(&mut tx, new, Some(old)).await?;
        let rotated = tx
            .run(
                "UPDATE api_keys SET expires_at = $1, rotated_to = $2 \
                 WHERE id = $3 AND revoked_at IS NULL AND rotated_to IS NULL \
                 AND (expires_at IS NULL OR expires_at > $4)",
                args![micros(old_expires_at), id, old, micros(new.created_at)],
            )
            .await?;
        if rotated != 1 {
            tx.rollback().await?;
            return Ok(None);
        }
        insert_audit(&mut tx, &audit(id)).await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    /// Revokes key `id` at `now`, writing `audit` with it; false (and nothing written) when
    /// there is no such live key (unknown, or revoked already: the first revocation's time
    /// stays).
    pub async fn revoke_api_key(
        &self,
        id: i64,
        now: Timestamp,
        audit: &AuditEntry,
    ) -> Result<bool> {
        let mut tx = self.begin().await?;
        let done = tx
            .run(
                "UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
                args![micros(now), id],
            )
            .await?;
        if done != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        insert_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(true)
    }
}
