//! API keys: only their hashes are stored.

use crate::connect::Store;
use crate::error::Result;
use crate::types::{ApiKey, micros};
use jiff::Timestamp;
use sqlx::Row;

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
        let row = sqlx::query("SELECT id, name, scope, prefix FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL")
            .bind(key_hash.to_owned())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok(ApiKey {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                scope: r.try_get("scope")?,
                prefix: r.try_get("prefix")?,
            })
        })
        .transpose()
    }
}
