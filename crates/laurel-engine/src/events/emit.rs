//! Writing an event in the transaction of its cause: nothing is written for a kind nobody
//! listens to, and what is written commits or rolls back with what caused it.

use crate::error::Result;
use crate::events::payload::Envelope;
use crate::write::context::Context;
use jiff::Timestamp;
use laurel_core::events::{EventKind, EventKinds};
use laurel_store::{NewEvent, Tx};
use serde::Serialize;

/// Writes a `kind` event about `member` (a member's id) if anyone listens to it; `data` is
/// made only then.
pub(crate) async fn emit<T: Serialize>(
    tx: &mut Tx,
    ctx: &Context<'_>,
    kind: EventKind,
    member: Option<i64>,
    data: impl FnOnce() -> T,
) -> Result<()> {
    write(tx, ctx.listening, ctx.now, kind, member, data).await
}

/// [`emit`] outside the write path, with the kinds listened to and the instant given.
pub(crate) async fn write<T: Serialize>(
    tx: &mut Tx,
    listening: EventKinds,
    at: Timestamp,
    kind: EventKind,
    member: Option<i64>,
    data: impl FnOnce() -> T,
) -> Result<()> {
    if !listening.contains(kind) {
        return Ok(());
    }
    let data = data();
    let payload = serde_json::to_string(&Envelope {
        kind: kind.as_str(),
        timestamp: at,
        data: &data,
    })
    .map_err(crate::write::steps::internal)?;
    tx.insert_event(&NewEvent {
        kind: kind.as_str(),
        member_id: member,
        payload: &payload,
        occurred_at: at,
    })
    .await?;
    Ok(())
}
