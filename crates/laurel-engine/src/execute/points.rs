//! Spending and staff adjustments of points, and the scheduled expiry and release of lots.

use super::{Context, draws, internal, lock, lock_active, meta, post, refused, remember, replay};
use crate::commands::fingerprint;
use crate::error::{EngineError, Result};
use crate::outcomes::PostingOutcome;
use crate::requests::{AdjustRequest, MemberRef, RedeemRequest};
use crate::staff::Role;
use jiff::Timestamp;
use laurel_core::Points;
use laurel_core::earn::lot_schedule;
use laurel_store::{JournalMeta, MemberId, Tx};

/// Spends points soonest-expiring first, once per idempotency key.
pub(super) async fn redeem(
    tx: &mut Tx,
    ctx: &Context<'_>,
    r: &RedeemRequest,
) -> Result<PostingOutcome> {
    let scope = format!("redeem:{}", r.member_id);
    let print = fingerprint(r)?;
    if let Some(answer) = replay(tx, &scope, &r.idempotency_key, &print).await? {
        return Ok(answer);
    }
    let member = lock_active(tx, &MemberRef::Id(r.member_id)).await?;
    let ledger = tx.ledger_of(&member).await?;
    let posting = ledger.redeem(Points(r.points)).map_err(refused)?;
    let reason = r.reason.clone().unwrap_or_else(|| "redemption".into());
    let m = meta(ctx, reason, r.reference.clone(), None, ctx.now);
    let (entry_id, balance, _) = post(tx, member.id, &ledger, &posting, m).await?;
    let answer = PostingOutcome {
        entry_id,
        member_id: member.id.0,
        points: -r.points,
        draws: draws(&posting),
        balance,
    };
    remember(tx, ctx, &scope, &r.idempotency_key, print, &answer).await?;
    Ok(answer)
}

/// A staff credit or debit, once per idempotency key; the actor is recorded. One larger than
/// the program in force lets `role` make is refused before anything is written; a retry of one
/// made is answered as first, whatever the cap has become since.
pub(super) async fn adjust(
    tx: &mut Tx,
    ctx: &Context<'_>,
    r: &AdjustRequest,
    actor: &str,
    role: Role,
) -> Result<PostingOutcome> {
    let scope = format!("adjust:{}", r.member_id);
    let print = fingerprint(r)?;
    if let Some(answer) = replay(tx, &scope, &r.idempotency_key, &print).await? {
        return Ok(answer);
    }
    ctx.adjust_policy
        .check(role, r.points)
        .map_err(|over| EngineError::AdjustmentOverLimit {
            role: over.role,
            cap: over.cap,
            requested: over.requested,
        })?;
    let member = lock(tx, &MemberRef::Id(r.member_id)).await?;
    let ledger = tx.ledger_of(&member).await?;
    let posting = if r.points > 0 {
        let expires_at = lot_schedule(ctx.program, ctx.now)
            .map_err(internal)?
            .expires_at;
        ledger.adjust_credit(Points(r.points), ctx.now, expires_at)
    } else {
        ledger.adjust_debit(Points(-r.points))
    }
    .map_err(refused)?;
    let m = meta(
        ctx,
        r.reason.clone(),
        r.idempotency_key.clone(),
        Some(actor.to_owned()),
        ctx.now,
    );
    let (entry_id, balance, _) = post(tx, member.id, &ledger, &posting, m).await?;
    let answer = PostingOutcome {
        entry_id,
        member_id: member.id.0,
        points: r.points,
        draws: draws(&posting),
        balance,
    };
    remember(tx, ctx, &scope, &r.idempotency_key, print, &answer).await?;
    Ok(answer)
}

/// A scheduled job's work on one member.
#[derive(Debug, Clone, Copy)]
pub(super) enum Job {
    Expire,
    Release,
}

/// Expires or releases a member's due lots as of `now`; returns the points moved. Running it
/// again finds nothing due, so jobs are idempotent.
pub(super) async fn scheduled(
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
    tx.post(member, &posting, &m).await?;
    metrics::counter!("laurel_ledger_postings_total", "kind" => posting.kind.as_str()).increment(1);
    Ok(moved)
}
