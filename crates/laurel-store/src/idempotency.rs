//! Idempotency records: the first answer to a request, keyed by scope and key.

use crate::error::Result;
use crate::tx::Tx;
use crate::types::{IdempotentResponse, micros};
use jiff::Timestamp;
use sqlx::Row;

impl Tx {
    /// The stored answer for `(scope, key)`, if the request was seen before.
    pub async fn idempotent_response(
        &mut self,
        scope: &str,
        key: &str,
    ) -> Result<Option<IdempotentResponse>> {
        let row = sqlx::query(
            "SELECT fingerprint, response FROM idempotency WHERE scope = $1 AND idem_key = $2",
        )
        .bind(scope.to_owned())
        .bind(key.to_owned())
        .fetch_optional(&mut *self.tx)
        .await?;
        row.map(|r| {
            Ok(IdempotentResponse {
                fingerprint: r.try_get("fingerprint")?,
                response: r.try_get("response")?,
            })
        })
        .transpose()
    }

    /// Stores the first answer for `(scope, key)`, in the same transaction as its effects.
    pub async fn store_idempotent_response(
        &mut self,
        scope: &str,
        key: &str,
        answer: &IdempotentResponse,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query("INSERT INTO idempotency (scope, idem_key, fingerprint, response, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(scope.to_owned())
            .bind(key.to_owned())
            .bind(answer.fingerprint.clone())
            .bind(answer.response.clone())
            .bind(micros(now))
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }
}
