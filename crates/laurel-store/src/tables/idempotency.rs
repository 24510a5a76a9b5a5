//! Idempotency records: the first answer to a request, keyed by scope and key.

use crate::db::sql::{Arg, Sql, args};
use crate::error::Result;
use crate::types::{IdempotentResponse, micros, placeholders};
use crate::write::appends::Table;
use crate::write::tx::Tx;
use jiff::Timestamp;

/// (scope, key) pairs read ahead per statement.
const ANSWERS_PER_STATEMENT: usize = 128;

impl Tx {
    /// The stored answer for `(scope, key)`, if the request was seen before.
    pub async fn idempotent_response(
        &mut self,
        scope: &str,
        key: &str,
    ) -> Result<Option<IdempotentResponse>> {
        // Every answer stored in this transaction is known, held or written.
        if let Some(known) = self.known.answer(scope, key) {
            return Ok(known.cloned());
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

    /// Reads ahead the stored answers for `keys` (scope, key), so that the transaction's
    /// [`Tx::idempotent_response`] for any of them asks nothing.
    pub async fn read_answers(&mut self, keys: &[(&str, &str)]) -> Result<()> {
        let mut keys: Vec<(&str, &str)> = keys
            .iter()
            .copied()
            .filter(|(scope, key)| self.known.answer(scope, key).is_none())
            .collect();
        keys.sort_unstable();
        keys.dedup();
        for chunk in keys.chunks(ANSWERS_PER_STATEMENT) {
            // Padded with the last pair to a power of two, so a few texts serve every batch.
            let padded = chunk.len().next_power_of_two();
            let last = chunk[chunk.len() - 1];
            let values: Vec<Arg> = (0..padded)
                .flat_map(|i| {
                    let (scope, key) = *chunk.get(i).unwrap_or(&last);
                    [Arg::from(scope), Arg::from(key)]
                })
                .collect();
            // A join, not `(scope, idem_key) IN (VALUES …)`: SQLite scans the table for that.
            let sql = format!(
                "SELECT i.scope, i.idem_key, i.fingerprint, i.response \
                 FROM (VALUES {}) AS v JOIN idempotency AS i \
                 ON i.scope = v.column1 AND i.idem_key = v.column2",
                placeholders(padded, 2)
            );
            for row in self.rows(&sql, &values).await? {
                let (scope, key): (String, String) = (row.get("scope")?, row.get("idem_key")?);
                let answer = IdempotentResponse {
                    fingerprint: row.get("fingerprint")?,
                    response: row.get("response")?,
                };
                self.known.remember_answer(&scope, &key, Some(answer));
            }
        }
        for (scope, key) in keys {
            if self.known.answer(scope, key).is_none() {
                self.known.remember_answer(scope, key, None);
            }
        }
        Ok(())
    }

    /// Stores the first answer for `(scope, key)`, in the same transaction as its effects.
    pub async fn store_idempotent_response(
        &mut self,
        scope: &str,
        key: &str,
        answer: &IdempotentResponse,
        now: Timestamp,
    ) -> Result<()> {
        self.known.remember_answer(scope, key, Some(answer.clone()));
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
