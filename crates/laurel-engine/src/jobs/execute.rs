//! The scheduled expiry and release of a member's due lots, in the write path.

use crate::error::{EngineError, Result};
use crate::write::context::Context;
use crate::write::steps::post;
use jiff::Timestamp;
use laurel_core::Points;
use laurel_store::{JournalMeta, MemberId, Tx};

/// A scheduled job's work on one member.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Job {
    Expire,
    Release,
}

/// Expires or releases a member's due lots as of `now`; returns the points moved. Running it
/// again finds nothing due, so jobs are idempotent.
pub(crate) async fn scheduled(
    tx: &mut Tx,
    ctx: &Context<'_>,
    member: MemberId,
    now: Timestamp,
    job: Job,
) -> Result<Points> {
    let Some(locked) = tx.lock_member(Some(member), None).await? else {
        return Err(EngineError::UnknownMember(member.0.to_string()));
    };
    let ledger = tx.ledger_of(&locked).await?;
    let (posting, reason) = match job {
        Job::Expire => (ledger.expire(now), "expired"),
        Job::Release => (ledger.release(now), "return window closed"),
    };
    let Some(posting) = posting else {
        return Ok(Points::ZERO);
    };
    let moved = posting.movements.iter().map(|m| m.amount).sum();
    let m = JournalMeta {
        reason: reason.into(),
        reference: format!("job:{}", posting.kind.as_str()),
        actor: Some("scheduler".into()),
        effective_at: now,
        posted_at: now,
        program_version: ctx.version,
    };
    post(tx, ctx, &locked, &ledger, &posting, m).await?;
    Ok(moved)
}
