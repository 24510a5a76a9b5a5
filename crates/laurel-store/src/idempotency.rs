//! Idempotency records: the first answer to a request, keyed by scope and key.

use crate::error::Result;
use crate::sql::{Sql, args};
use crate::tx::Tx;
use crate::types::{IdempotentResponse, micros};
use jiff::Timestamp;

impl Tx {
    /// The stored answer for `(scope, key)`, if the request was seen before.
    pub async fn idempotent_response(
        &mut self,
        scope: &str,
        key: &str,
    ) -> Result<Option<IdempotentResponse>> {
        let row = self
            .row_opt(
                "SELECT fingerprint, response FROM idempotency WHERE scope = $1 AND idem_key = $2",
                args![scope, key],
            )
            .await?;
        row.map(|r| {
            Ok(IdempotentResponse {
                fingerprint: r.get("fingerprint")?,
                response: r.get("response")?,
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
        self.run(
            "INSERT INTO idempotency (scope, idem_key, fingerprint, response, created_at) VALUES ($1, $2, $3, $4, $5)",
            args![scope, key, &answer.fingerprint, &answer.response, micros(now)],
        )
        .await?;
        Ok(())
    }
}
