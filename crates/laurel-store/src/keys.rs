//! API keys: only their hashes are stored.

use crate::connect::Store;
use crate::error::Result;
use crate::types::{ApiKey, instant, instant_opt, micros};
use jiff::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

/// The most keys [`Store::api_keys`] lists.
pub const API_KEYS_MAX: u32 = 1_000;

fn key_from(row: &AnyRow) -> Result<ApiKey> {
    Ok(ApiKey {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        scope: row.try_get("scope")?,
        prefix: row.try_get("prefix")?,
        created_at: instant(row.try_get("created_at")?)?,
        revoked_at: instant_opt(row.try_get("revoked_at")?)?,
    })
}

impl Store {
    /// Stores a new key's hash; returns its row id.
    pub async fn insert_api_key(
        &self,
        name: &str,
        scope: &str,
        prefix: &str,
        key_hash: &str,
        now: Timestamp,
    ) -> Result<i64> {
        let row = sqlx::query(
            "INSERT INTO api_keys (name, scope, prefix, key_hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(name.to_owned())
        .bind(scope.to_owned())
        .bind(prefix.to_owned())
        .bind(key_hash.to_owned())
        .bind(micros(now))
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get(0)?)
    }

    /// The live (not revoked) key with this hash.
    pub async fn api_key_by_hash(&self, key_hash: &str) -> Result<Option<ApiKey>> {
        let row = sqlx::query(
            "SELECT id, name, scope, prefix, created_at, revoked_at FROM api_keys \
             WHERE key_hash = $1 AND revoked_at IS NULL",
        )
        .bind(key_hash.to_owned())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(key_from).transpose()
    }

    /// Keys, revoked ones too, newest first, up to [`API_KEYS_MAX`].
    pub async fn api_keys(&self) -> Result<Vec<ApiKey>> {
        let rows = sqlx::query(
            "SELECT id, name, scope, prefix, created_at, revoked_at FROM api_keys \
             ORDER BY id DESC LIMIT $1",
        )
        .bind(i64::from(API_KEYS_MAX))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(key_from).collect()
    }

    /// Revokes key `id` at `now`; false when there is no such live key (unknown, or revoked
    /// already: the first revocation's time stays).
    pub async fn revoke_api_key(&self, id: i64, now: Timestamp) -> Result<bool> {
        let done =
            sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                .bind(micros(now))
                .bind(id)
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected() == 1)
    }
}
