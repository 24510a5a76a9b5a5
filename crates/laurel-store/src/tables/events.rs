//! Domain events: written in the transaction of their cause, read once by the fan-out that
//! turns each into a delivery per subscription wanting it.

use crate::db::sql::{Arg, Sql, args};
use crate::error::Result;
use crate::types::{instant, micros, numbered_list};
use crate::write::tx::Tx;
use jiff::Timestamp;

/// An event to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent<'a> {
    /// Its kind's stable name (`points.earned`).
    pub kind: &'a str,
    /// The member it is about, if any.
    pub member_id: Option<i64>,
    /// The JSON document subscribers receive.
    pub payload: &'a str,
    /// When it happened.
    pub occurred_at: Timestamp,
}

/// A stored event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    /// Row id; subscribers receive it as the `webhook-id`.
    pub id: i64,
    /// Its kind's stable name.
    pub kind: String,
    /// The member it is about, if any.
    pub member_id: Option<i64>,
    /// The JSON document subscribers receive.
    pub payload: String,
    /// When it happened.
    pub occurred_at: Timestamp,
}

/// The most events one fan-out reads.
pub const EVENTS_BATCH_MAX: u32 = 1_000;

impl Tx {
    /// Stores an event, to be fanned out once this transaction commits.
    pub async fn insert_event(&mut self, event: &NewEvent<'_>) -> Result<()> {
        self.run(
            "INSERT INTO events (kind, member_id, payload, occurred_at) VALUES ($1, $2, $3, $4)",
            args![
                event.kind,
                event.member_id,
                event.payload,
                micros(event.occurred_at)
            ],
        )
        .await?;
        Ok(())
    }

    /// Events not fanned out yet, oldest first.
    pub async fn waiting_events(&mut self, limit: u32) -> Result<Vec<StoredEvent>> {
        let rows = self
            .rows(
                "SELECT id, kind, member_id, payload, occurred_at FROM events \
                 WHERE fanned_out_at IS NULL \
                 ORDER BY id LIMIT $1",
                args![i64::from(limit.clamp(1, EVENTS_BATCH_MAX))],
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(StoredEvent {
                    id: row.get("id")?,
                    kind: row.get("kind")?,
                    member_id: row.get("member_id")?,
                    payload: row.get("payload")?,
                    occurred_at: instant(row.get("occurred_at")?)?,
                })
            })
            .collect()
    }

    /// Marks events fanned out.
    pub async fn mark_fanned_out(&mut self, events: &[i64], at: Timestamp) -> Result<()> {
        for chunk in events.chunks(EVENTS_BATCH_MAX as usize) {
            let sql = format!(
                "UPDATE events SET fanned_out_at = $1 WHERE id IN ({})",
                numbered_list(2, chunk.len())
            );
            let at = micros(at);
            let mut values = vec![Arg::from(at)];
            values.extend(chunk.iter().map(|id| Arg::from(*id)));
            self.run(&sql, &values).await?;
        }
        Ok(())
    }
}
