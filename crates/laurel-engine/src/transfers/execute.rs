//! Sending points in the write path: both members locked (in id order, by the batch's read
//! ahead, so transfers both ways at once wait rather than deadlock), every refusal decided,
//! then the fee, the sender's side and the receiver's side posted in the one transaction.

use super::validate::{ValidTransfer, to_self};
use super::views::{TransferOutcome, TransferView};
use crate::error::{EngineError, Result};
use crate::fraud::judge::{self as fraud, Operation};
use crate::members::require_active;
use crate::requests::MemberRef;
use crate::write::context::Context;
use crate::write::steps::{
    find_locked, internal, lock_active, meta, post, refused, remember, replay,
};
use laurel_core::Points;
use laurel_core::ledger::{LotId, MemberLedger};
use laurel_core::transfers::{TransferAsk, day_around};
use laurel_store::{JournalId, NewTransfer, Tx};

/// Sends points from one member to another, once per idempotency key; `actor` is recorded
/// when staff send on the member's behalf.
pub(crate) async fn send(
    tx: &mut Tx,
    ctx: &Context<'_>,
    v: &ValidTransfer,
    actor: Option<&str>,
) -> Result<TransferOutcome> {
    let r = &v.request;
    let scope = format!("transfer:{}", r.member_id);
    if let Some(answer) = replay(tx, &scope, &r.idempotency_key, &v.print).await? {
        return Ok(answer);
    }
    let policy = ctx.transfers.ok_or(EngineError::TransfersNotOffered)?;
    let sender = lock_active(tx, &MemberRef::Id(r.member_id)).await?;
    let receiver = find_locked(tx, &r.to)
        .await?
        .ok_or_else(|| EngineError::UnknownRecipient(r.to.to_string()))?;
    if receiver.id == sender.id {
        return Err(to_self());
    }
    let points = Points(r.points);
    let (day_start, day_end) = day_around(ctx.now, &ctx.program.time_zone);
    let sent_today = tx.points_sent(sender.id, day_start, day_end).await?;
    policy.check(TransferAsk {
        points,
        sent_today,
        enrolled_at: sender.profile.enrolled_at,
        now: ctx.now,
    })?;
    // The sender's own refusals first: whether another member is suspended is theirs.
    require_active(&receiver)?;
    let operation = Operation::Transfer { sender: sender.id };
    let judged = fraud::judge(tx, ctx, receiver.id, operation, &r.idempotency_key).await?;
    judged.refusal(ctx.now)?;
    let fee = policy.fee.on(points);
    let ledger = tx.ledger_of(&sender).await?;
    let sent = ledger.send(points, fee).map_err(refused)?;
    // Receiving opens lots and never draws: the balances are all it decides from.
    let receiving =
        MemberLedger::balances_only(Points(receiver.available), Points(receiver.pending));
    let received = receiving
        .receive(&sent.carried, ctx.now)
        .map_err(internal)?;

    let m = || {
        meta(
            ctx,
            "transfer",
            r.idempotency_key.clone(),
            actor.map(str::to_owned),
            ctx.now,
        )
    };
    let mut after_fee = ledger.clone();
    let fee_journal = match &sent.fee {
        Some(posting) => {
            let (journal, _, _) = post(tx, ctx, &sender, &ledger, posting, m()).await?;
            // A fee only draws on lots: no lot id is asked for.
            after_fee
                .apply(posting, || LotId(i64::MAX))
                .map_err(internal)?;
            Some(JournalId(journal))
        }
        None => None,
    };
    let (out_journal, balance, _) = post(tx, ctx, &sender, &after_fee, &sent.out, m()).await?;
    let (in_journal, _, _) = post(tx, ctx, &receiver, &receiving, &received, m()).await?;
    judged
        .let_through(tx, Some(JournalId(in_journal)), None, ctx.now)
        .await?;
    let id = tx
        .insert_transfer(&NewTransfer {
            gives_back: None,
            sender: sender.id,
            receiver: receiver.id,
            points,
            fee,
            out_journal: JournalId(out_journal),
            in_journal: JournalId(in_journal),
            fee_journal,
            message: r.message.as_deref(),
            actor,
            household: None,
            created_at: crate::as_stored(ctx.now),
        })
        .await?;
    let answer = TransferOutcome {
        transfer: TransferView {
            id,
            from: side(&sender),
            to: side(&receiver),
            points: points.get(),
            fee: fee.get(),
            message: r.message.clone(),
            actor: actor.map(str::to_owned),
            household: None,
            created_at: crate::as_stored(ctx.now),
        },
        balance,
    };
    remember(
        tx,
        ctx,
        &scope,
        &r.idempotency_key,
        v.print.clone(),
        &answer,
    )
    .await?;
    Ok(answer)
}

fn side(member: &laurel_store::Member) -> super::views::TransferSide {
    super::views::TransferSide {
        member_id: member.id.0,
        external_id: member.profile.external_id.clone(),
        name: member.profile.name.clone(),
    }
}
