//! Spending points and staff adjustments in the write path.

use crate::approvals;
use crate::checks::fingerprint;
use crate::error::Result;
use crate::fraud::judge::{self as fraud, Operation};
use crate::households::lend;
use crate::outcomes::PostingOutcome;
use crate::partners::entries::{self, Entry};
use crate::requests::{AdjustRequest, MemberRef, RedeemRequest};
use crate::staff::Role;
use crate::write::context::Context;
use crate::write::steps::{
    draws, internal, lock, lock_active, meta, post, refused, remember, replay,
};
use laurel_core::Points;
use laurel_core::earn::lot_schedule;
use laurel_store::{ApprovalClaim, JournalId, Tx};

/// Spends points soonest-expiring first, once per idempotency key.
pub(crate) async fn redeem(
    tx: &mut Tx,
    ctx: &Context<'_>,
    r: &RedeemRequest,
) -> Result<PostingOutcome> {
    let scope = format!("redeem:{}", r.member_id);
    let print = fingerprint(r)?;
    if let Some(answer) = replay(tx, &scope, &r.idempotency_key, &print).await? {
        return Ok(answer);
    }
    let partner = r
        .partner
        .as_deref()
        .map(|code| entries::partner(ctx, code))
        .transpose()?;
    let member = lock_active(tx, &MemberRef::Id(r.member_id)).await?;
    let judged = fraud::judge(tx, ctx, member.id, Operation::Redeem, &r.idempotency_key).await?;
    judged.refusal(ctx.now)?;
    let mut ledger = tx.ledger_of(&member).await?;
    // What the member's household lends them is decided before anything is written.
    let mut lent = None;
    if let Some(lend) = lend::plan(tx, ctx, &member, &ledger, Points(r.points)).await? {
        let made;
        (ledger, made) = lend.lend(tx, ctx, &member, ledger).await?;
        lent = Some(made);
    }
    let posting = ledger.redeem(Points(r.points)).map_err(refused)?;
    let reason = r.reason.clone().unwrap_or_else(|| "redemption".into());
    let m = meta(ctx, reason, r.reference.clone(), None, ctx.now);
    let (entry_id, balance, _) = post(tx, ctx, &member, &ledger, &posting, m).await?;
    judged
        .let_through(tx, Some(JournalId(entry_id)), None, ctx.now)
        .await?;
    if let Some(lent) = lent {
        lent.paid(tx, JournalId(entry_id)).await?;
    }
    if let Some(partner) = partner {
        let entry = Entry {
            member: member.id,
            journal: JournalId(entry_id),
            points: r.points,
            reference: &r.reference,
        };
        entries::burned(tx, ctx.now, partner, entry).await?;
    }
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
/// made is answered as first, whatever the cap has become since. One a second staff member
/// approved carries their `approval`: its request is approved here, after every refusal and
/// before the entry is written, or (decided by someone else first) nothing is written.
pub(crate) async fn adjust(
    tx: &mut Tx,
    ctx: &Context<'_>,
    r: &AdjustRequest,
    actor: &str,
    role: Role,
    approval: Option<&ApprovalClaim>,
) -> Result<PostingOutcome> {
    let scope = format!("adjust:{}", r.member_id);
    let print = fingerprint(r)?;
    if let Some(answer) = replay::<PostingOutcome>(tx, &scope, &r.idempotency_key, &print).await? {
        // Made already under its key: approving it makes nothing more.
        approvals::claim(tx, approval, ctx.now).await?;
        approvals::made(tx, approval, Some(JournalId(answer.entry_id)), None).await?;
        return Ok(answer);
    }
    ctx.adjust_policy.check(role, r.points)?;
    let member = lock(tx, &MemberRef::Id(r.member_id)).await?;
    crate::members::require_not_erased(&member)?;
    let operation = Operation::Adjust {
        actor,
        points: r.points,
    };
    let judged = fraud::judge(tx, ctx, member.id, operation, actor).await?;
    judged.refusal(ctx.now)?;
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
    approvals::claim(tx, approval, ctx.now).await?;
    let m = meta(
        ctx,
        r.reason.clone(),
        r.idempotency_key.clone(),
        Some(actor.to_owned()),
        ctx.now,
    );
    let (entry_id, balance, opened) = post(tx, ctx, &member, &ledger, &posting, m).await?;
    approvals::made(tx, approval, Some(JournalId(entry_id)), None).await?;
    // A credit's lot is what a reviewer may take back.
    judged
        .let_through(
            tx,
            Some(JournalId(entry_id)),
            opened.first().copied(),
            ctx.now,
        )
        .await?;
    if let Some(note) = &r.note {
        tx.add_staff_note(JournalId(entry_id), member.id, note)
            .await?;
    }
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
