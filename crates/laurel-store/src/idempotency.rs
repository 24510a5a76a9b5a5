//! Idempotency records: the first answer to a request, keyed by scope and key.

use crate::appends::Table;
use crate::error::Result;
use crate::sql::args;
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
        // An answer given earlier in this transaction may still be held:
        // (scope, idem_key, fingerprint, response, created_at).
        let held = self
            .held(Table::Idempotency)
            .find(|row| row[0].text() == Some(scope) && row[1].text() == Some(key));
        if let Some(row) = held {
            return Ok(Some(IdempotentResponse {
                fingerprint: row[2].text().unwrap_or_default().to_owned(),
                response: row[3].text().unwrap_or_default().to_owned(),
            }));
        }
        let row = self
            .rows_past(
                Table::Idempotency,
                "SELECT fingerprint, response FROM idempotency WHERE scope = $1 AND idem_key = $2",
                args![scope, key],
            )
            .await?
            .pop();
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
        self.append(
            Table::Idempotency,
            args![
                scope,
                key,
                &answer.fingerprint,
                &answer.response,
                micros(now)
            ],
        )
        .await
    }
}
