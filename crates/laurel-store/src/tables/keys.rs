//! API keys: only their hashes are stored.

use crate::db::connect::Store;
use crate::db::sql::{Row, Sql, args};
use crate::error::Result;
use crate::types::{ApiKey, instant, instant_opt, micros};
use jiff::Timestamp;

/// The most keys [`Store::api_keys`] lists.
pub const API_KEYS_MAX: u32 = 1_000;

fn key_from(row: &Row) -> Result<ApiKey> {
    Ok(ApiKey {
        id: row.get("id")?,
        name: row.get("name")?,
        scope: row.get("scope")?,
        partner: row.get("partner")?,
        prefix: row.get("prefix")?,
        created_at: instant(row.get("created_at")?)?,
        revoked_at: instant_opt(row.get("revoked_at")?)?,
    })
}

impl Store {
    /// Stores a new key's hash; returns its row id.
    pub async fn insert_api_key(
        &self,
        name: &str,
        scope: &str,
        partner: Option<&str>,
        prefix: &str,
        key_hash: &str,
        now: Timestamp,
    ) -> Result<i64> {
        let mut db = self;
        let row = db
            .row(
                "INSERT INTO api_keys (name, scope, partner, prefix, key_hash, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                args![name, scope, partner, prefix, key_hash, micros(now)],
            )
            .await?;
        row.get(0)
    }

    /// The live (not revoked) key with this hash.
    pub async fn api_key_by_hash(&self, key_hash: &str) -> Result<Option<ApiKey>> {
        let mut db = self;
        let row = db
            .row_opt(
                "SELECT id, name, scope, partner, prefix, created_at, revoked_at FROM api_keys \
                 WHERE key_hash = $1 AND revoked_at IS NULL",
                args![key_hash],
            )
            .await?;
        row.as_ref().map(key_from).transpose()
    }

    /// Keys, revoked ones too, newest first, up to [`API_KEYS_MAX`].
    pub async fn api_keys(&self) -> Result<Vec<ApiKey>> {
        let mut db = self;
        let rows = db
            .rows(
                "SELECT id, name, scope, partner, prefix, created_at, revoked_at FROM api_keys \
                 ORDER BY id DESC LIMIT $1",
                args![i64::from(API_KEYS_MAX)],
            )
            .await?;
        rows.iter().map(key_from).collect()
    }

    /// Revokes key `id` at `now`; false when there is no such live key (unknown, or revoked
    /// already: the first revocation's time stays).
    pub async fn revoke_api_key(&self, id: i64, now: Timestamp) -> Result<bool> {
        let mut db = self;
        let done = db
            .run(
                "UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
                args![micros(now), id],
            )
            .await?;
        Ok(done == 1)
    }
}
