//! Refunds: the points of the refunded part reversed in proportion, by amount or by lines.

use crate::checks::fingerprint;
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use crate::fraud::judge::{self as fraud, Operation};
use crate::outcomes::{Balances, RefundOutcome};
use crate::partners::entries::{self, Entry};
use crate::refunds::validate::ValidRefund;
use crate::requests::MemberRef;
use crate::write::context::Context;
use crate::write::steps::{internal, lock, meta, post, remember, replay};
use laurel_core::Points;
use laurel_core::refund::{
    RefundDecision, RefundRefusal, RefundableLine, RefundablePurchase, decide,
};
use laurel_store::{RefundRecord, Tx};

/// Refunds (part of) a purchase once per refund id, reversing its points in proportion.
pub(crate) async fn refund(
    tx: &mut Tx,
    ctx: &Context<'_>,
    v: &ValidRefund,
) -> Result<RefundOutcome> {
    let r = &v.request;
    let id = laurel_store::PurchaseId(r.purchase_id);
    // A partner's key sees its own purchases alone, answers to retries included.
    if r.partner.is_some() {
        let at = tx.purchase(id).await?.map(|p| p.partner);
        if at.as_ref() != Some(&r.partner) {
            return Err(EngineError::UnknownPurchase(r.purchase_id));
        }
    }
    let key = format!("{}:{}", r.purchase_id, r.refund_id);
    let print = fingerprint(r)?;
    if let Some(answer) = replay(tx, "refund", &key, &print).await? {
        return Ok(answer);
    }
    let owner = tx
        .purchase(id)
        .await?
        .ok_or(EngineError::UnknownPurchase(r.purchase_id))?
        .member;
    let member = lock(tx, &MemberRef::Id(owner.0)).await?;
    // Read the purchase again under its member's lock: on PostgreSQL another node may have
    // refunded it between the first read and the lock, and the stale amounts would let the
    // refunds add up to more than was paid.
    let purchase = tx
        .purchase(id)
        .await?
        .ok_or(EngineError::UnknownPurchase(r.purchase_id))?;
    let lines: Vec<RefundableLine> = purchase
        .lines
        .iter()
        .map(|l| RefundableLine {
            line_no: l.line_no,
            quantity: l.line.quantity,
            refunded_quantity: l.refunded_quantity,
            unit_price_minor: l.line.unit_price_minor,
        })
        .collect();
    let refundable = RefundablePurchase {
        total_minor: purchase.total_minor,
        refunded_minor: purchase.refunded_minor,
        points_earned: Points(purchase.points_earned),
        lines: &lines,
    };
    let RefundDecision {
        amount_minor,
        lines: line_quantities,
        points,
    } = decide(&refundable, &v.ask).map_err(refused)?;
    let operation = Operation::Refund {
        amount_minor,
        purchased_at: purchase.occurred_at,
    };
    let judged = fraud::judge(tx, ctx, member.id, operation, &key).await?;
    judged.refusal(ctx.now)?;
    let mut balance = Balances {
        available: member.available,
        pending: member.pending,
    };
    let (mut reversed, mut shortfall, mut journal) = (0, 0, None);
    if points.is_positive() {
        let ledger = tx.ledger_of(&member).await?;
        let posting = ledger
            .reverse(purchase.lot, points, ctx.program.clawback)
            .map_err(internal)?;
        shortfall = posting.shortfall.get();
        reversed = points.get() - shortfall;
        let m = meta(
            ctx,
            "refund",
            format!("{}:{}", purchase.order_id, r.refund_id),
            None,
            ctx.now,
        );
        let (id, after, _) = post(tx, ctx, &member, &ledger, &posting, m).await?;
        balance = after;
        journal = Some(laurel_store::JournalId(id));
        // The partner that issued the points is credited what it paid for those taken back.
        if let Some(lot) = purchase.lot.filter(|_| purchase.partner.is_some())
            && let Some(issued) = tx.partner_entry_of_lot(lot).await?
        {
            let reference = format!("{}:{}", purchase.order_id, r.refund_id);
            let entry = Entry {
                member: member.id,
                journal: laurel_store::JournalId(id),
                points: reversed,
                reference: &reference,
            };
            entries::reversed(tx, ctx.now, &issued, entry).await?;
        }
    }
    tx.record_refund(
        &RefundRecord {
            purchase: purchase.id,
            refund_id: r.refund_id.clone(),
            amount_minor,
            points_reversed: reversed,
            shortfall,
            journal,
            recorded_at: ctx.now,
        },
        &line_quantities,
    )
    .await?;
    judged.let_through(tx, journal, None, ctx.now).await?;
    crate::referrals::execute::take_back(
        tx,
        ctx,
        purchase.id,
        purchase.total_minor,
        purchase.refunded_minor + amount_minor,
    )
    .await?;
    let answer = RefundOutcome {
        purchase_id: purchase.id.0,
        refund_id: r.refund_id.clone(),
        amount_minor,
        points_reversed: reversed,
        shortfall,
        member_id: member.id.0,
        balance,
    };
    remember(tx, ctx, "refund", &key, print, &answer).await?;
    Ok(answer)
}

/// A refund the core refused, as the engine answers it.
pub(crate) fn refused(refusal: RefundRefusal) -> EngineError {
    match refusal {
        RefundRefusal::UnknownLine(_) => {
            EngineError::invalid("lines", ErrorCode::UnknownLine, refusal.to_string())
        }
        RefundRefusal::LineExceeded { .. } | RefundRefusal::ExceedsPurchase { .. } => {
            EngineError::RefundExceedsPurchase(refusal.to_string())
        }
    }
}
