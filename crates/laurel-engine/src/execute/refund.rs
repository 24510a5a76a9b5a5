//! Refunds: the points of the refunded part reversed in proportion, by amount or by lines.

use super::{Context, internal, lock, meta, post, remember, replay};
use crate::commands::fingerprint;
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use crate::outcomes::{Balances, RefundOutcome};
use crate::referrals;
use crate::requests::{MemberRef, RefundRequest, RefundScope};
use laurel_core::Points;
use laurel_core::earn::reversal_points;
use laurel_store::{RefundRecord, Tx};
use rust_decimal::Decimal;

/// Refunds (part of) a purchase once per refund id, reversing its points in proportion.
pub(super) async fn refund(
    tx: &mut Tx,
    ctx: &Context<'_>,
    r: &RefundRequest,
) -> Result<RefundOutcome> {
    let key = format!("{}:{}", r.purchase_id, r.refund_id);
    let print = fingerprint(r)?;
    if let Some(answer) = replay(tx, "refund", &key, &print).await? {
        return Ok(answer);
    }
    let id = laurel_store::PurchaseId(r.purchase_id);
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
    let refundable = purchase.total_minor - purchase.refunded_minor;
    let mut line_quantities = Vec::new();
    let amount_minor = match &r.scope {
        RefundScope::Full => refundable,
        RefundScope::Amount(amount) => {
            let digits = ctx.program.currency.minor_digits();
            let scaled = *amount * Decimal::from(10_i64.pow(digits));
            i64::try_from(scaled).map_err(|_| {
                EngineError::invalid("amount", ErrorCode::InvalidAmount, "is out of range")
            })?
        }
        RefundScope::Lines(lines) => {
            // Decimal, not i64: quantity × unit price of a large basket can pass i64::MAX.
            let mut value = Decimal::ZERO;
            for &(line_no, quantity) in lines {
                let line = purchase
                    .lines
                    .iter()
                    .find(|l| l.line_no == line_no)
                    .ok_or_else(|| {
                        EngineError::invalid(
                            "lines",
                            ErrorCode::UnknownLine,
                            format!("the purchase has no line {line_no}"),
                        )
                    })?;
                let already = line.refunded_quantity
                    + line_quantities
                        .iter()
                        .filter(|(n, _)| *n == line_no)
                        .map(|(_, q)| q)
                        .sum::<i64>();
                if quantity > line.line.quantity - already {
                    return Err(EngineError::RefundExceedsPurchase(format!(
                        "line {line_no} has {} units left to refund, not {quantity}",
                        line.line.quantity - already
                    )));
                }
                line_quantities.push((line_no, quantity));
                value += Decimal::from(quantity) * Decimal::from(line.line.unit_price_minor);
            }
            // Lines may not add up to the total (basket discounts, tax): refund their share of it.
            let lines_total: Decimal = purchase
                .lines
                .iter()
                .map(|l| Decimal::from(l.line.quantity) * Decimal::from(l.line.unit_price_minor))
                .sum();
            if lines_total > Decimal::ZERO {
                let total = Decimal::from(purchase.total_minor);
                let share = value
                    .checked_mul(total)
                    .map(|product| product / lines_total)
                    .unwrap_or_else(|| value / lines_total * total);
                i64::try_from(share.floor())
                    .map_err(internal)?
                    .min(refundable)
            } else {
                0
            }
        }
    };
    if amount_minor <= 0 || amount_minor > refundable {
        return Err(EngineError::RefundExceedsPurchase(format!(
            "{} left to refund on this purchase (minor units), asked for {amount_minor}",
            refundable
        )));
    }
    let points = reversal_points(
        Points(purchase.points_earned),
        Decimal::from(purchase.total_minor),
        Decimal::from(purchase.refunded_minor),
        Decimal::from(amount_minor),
    );
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
        let (id, after, _) = post(tx, member.id, &ledger, &posting, m).await?;
        balance = after;
        journal = Some(laurel_store::JournalId(id));
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
    referrals::take_back(
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
