//! Reward and coupon commands inside the write path's transaction. Like every command, each
//! decides all its refusals before its first write.

use super::views::CouponUseOutcome;
use super::views::CouponView;
use super::views::RedemptionOutcome;
use super::views::RedemptionView;
use crate::checks::fingerprint;
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use crate::events::emit::emit;
use crate::events::payload::{CouponUsedData, EventMember, RewardRedeemedData};
use crate::fraud::judge::{self as fraud, Operation};
use crate::outcomes::Balances;
use crate::partners::entries::{self, Entry};
use crate::requests::{MemberRef, RedeemRewardRequest};
use crate::write::context::Context;
use crate::write::steps::{internal, lock, lock_active, meta, post, refused, remember, replay};
use jiff::SignedDuration;
use laurel_core::Money;
use laurel_core::events::EventKind;
use laurel_core::rewards::{Closable, CloseRefusal, Closing, decide_close};
use laurel_core::rewards::{RedemptionFacts, Reward, RewardKind, RewardRefusal};
use laurel_core::rules::Basket;
use laurel_store::{MemberId, NewCoupon, NewRedemption, RedemptionId, StoredCoupon, Tx};
use rust_decimal::Decimal;

/// Redeems a reward: the catalog's checks, the points debited soonest-expiring first, the
/// stock counted, and what the reward is issued (coupons, a donation's record).
pub(crate) async fn redeem(
    tx: &mut Tx,
    ctx: &Context<'_>,
    r: &RedeemRewardRequest,
) -> Result<RedemptionOutcome> {
    // A partner's key sees the partner's own rewards alone, answers to retries included.
    let theirs =
        |reward: &&laurel_core::rewards::Reward| r.partner.is_none() || reward.partner == r.partner;
    if r.partner.is_some() && ctx.catalog.get(&r.reward_id).filter(theirs).is_none() {
        return Err(EngineError::UnknownReward(r.reward_id.clone()));
    }
    let scope = format!("reward:{}", r.member_id);
    let print = fingerprint(r)?;
    if let Some(answer) = replay(tx, &scope, &r.idempotency_key, &print).await? {
        return Ok(answer);
    }
    let reward = ctx
        .catalog
        .get(&r.reward_id)
        .filter(theirs)
        .ok_or_else(|| EngineError::UnknownReward(r.reward_id.clone()))?;
    let partner = reward
        .partner
        .as_deref()
        .map(|code| entries::partner(ctx, code))
        .transpose()?;
    let member = lock_active(tx, &MemberRef::Id(r.member_id)).await?;
    let segments = if reward.segments.is_empty() {
        Vec::new()
    } else {
        tx.member_segments(member.id).await?
    };
    let facts = RedemptionFacts {
        tier: member.tier.tier.clone(),
        segments,
        redeemed_by_member: tx.member_reward_units(member.id, &reward.id).await?,
        redeemed_in_all: tx.reward_units(&reward.id).await?,
        quantity: r.quantity,
        now: ctx.now,
    };
    let cost = reward
        .check_redemption(&facts)
        .map_err(EngineError::Reward)?;
    let mut ledger = tx.ledger_of(&member).await?;
    // What the member's household would lend them is decided before anything is written, and
    // lent once the stock is taken.
    let lend = crate::households::lend::plan(tx, ctx, &member, &ledger, cost).await?;
    if lend.is_none() {
        ledger.redeem(cost).map_err(refused)?;
    }
    let judged = fraud::judge(tx, ctx, member.id, Operation::Redeem, &r.idempotency_key).await?;
    judged.refusal(ctx.now)?;
    let quantity = i64::from(r.quantity);
    // The first write: on PostgreSQL another writer may have taken the last units since
    // they were counted above.
    if !tx
        .take_reward_units(&reward.id, quantity, reward.stock)
        .await?
    {
        let left = reward
            .stock_left(tx.reward_units(&reward.id).await?)
            .unwrap_or(0);
        return Err(EngineError::Reward(RewardRefusal::OutOfStock {
            left,
            requested: r.quantity,
        }));
    }
    let mut lent = None;
    if let Some(lend) = lend {
        let made;
        (ledger, made) = lend.lend(tx, ctx, &member, ledger).await?;
        lent = Some(made);
    }
    let posting = ledger.redeem(cost).map_err(refused)?;
    let m = meta(
        ctx,
        format!("reward: {}", reward.name),
        format!("reward:{}", reward.id),
        None,
        ctx.now,
    );
    let (entry_id, balance, _) = post(tx, ctx, &member, &ledger, &posting, m).await?;
    judged
        .let_through(tx, Some(laurel_store::JournalId(entry_id)), None, ctx.now)
        .await?;
    if let Some(lent) = lent {
        lent.paid(tx, laurel_store::JournalId(entry_id)).await?;
    }
    if let Some(partner) = partner {
        let reference = format!("reward:{}", reward.id);
        let entry = Entry {
            member: member.id,
            journal: laurel_store::JournalId(entry_id),
            points: cost.get(),
            reference: &reference,
        };
        entries::burned(tx, ctx.now, partner, entry).await?;
    }
    let currency = ctx.program.currency;
    let donation_value = match &reward.kind {
        RewardKind::Donation { .. } => {
            let money = ctx
                .program
                .value_of(cost)
                .and_then(Money::to_minor)
                .map_err(internal)?;
            Some(money)
        }
        _ => None,
    };
    let record = NewRedemption {
        member: member.id,
        reward_id: reward.id.clone(),
        reward_name: reward.name.fallback().to_owned(),
        reward_kind: reward.kind.as_str().to_owned(),
        quantity,
        points: cost.get(),
        journal: laurel_store::JournalId(entry_id),
        cause: match &reward.kind {
            RewardKind::Donation { cause } => Some(cause.clone()),
            _ => None,
        },
        value_minor: donation_value,
        currency: currency.code().to_owned(),
        redeemed_at: ctx.now,
    };
    let status = reward.kind.state_when_redeemed();
    let id = tx.insert_redemption(&record, status).await?;
    if reward.kind.issues_coupon() {
        for _ in 0..r.quantity {
            tx.insert_coupon(&new_coupon(ctx, reward, member.id, id)?)
                .await?;
        }
    }
    let stored = tx
        .redemption(id)
        .await?
        .ok_or_else(|| internal(format!("redemption {} vanished", id.0)))?;
    let answer = RedemptionOutcome {
        redemption: RedemptionView::from_stored(&stored, currency),
        entry_id: Some(entry_id),
        balance,
    };
    emit(
        tx,
        ctx,
        EventKind::RewardRedeemed,
        Some(member.id.0),
        || RewardRedeemedData {
            member: EventMember::of(&member),
            redemption_id: id.0,
            reward: reward.id.clone(),
            points: cost.get(),
            coupons: answer
                .redemption
                .coupons
                .iter()
                .map(|c| c.code.clone())
                .collect(),
        },
    )
    .await?;
    remember(tx, ctx, &scope, &r.idempotency_key, print, &answer).await?;
    Ok(answer)
}

fn new_coupon(
    ctx: &Context<'_>,
    reward: &Reward,
    member: MemberId,
    redemption: RedemptionId,
) -> Result<NewCoupon> {
    let currency = ctx.program.currency;
    let minor = |amount: Option<Decimal>| -> Result<Option<i64>> {
        amount
            .map(|a| Money::new(a, currency).and_then(Money::to_minor))
            .transpose()
            .map_err(internal)
    };
    let (amount, percent, max_discount, sku) = match &reward.kind {
        RewardKind::AmountCoupon { amount } => (Some(*amount), None, None, None),
        RewardKind::PercentCoupon {
            percent,
            max_discount,
        } => (None, Some(percent.to_string()), *max_discount, None),
        RewardKind::FreeProduct { sku } => (None, None, None, Some(sku.clone())),
        _ => return Err(internal(format!("{} issues no coupons", reward.id))),
    };
    let valid = SignedDuration::from_hours(24 * i64::from(reward.coupon.valid_days));
    Ok(NewCoupon {
        code: crate::codes::random_code(4),
        member,
        redemption,
        reward_id: reward.id.clone(),
        kind: reward.kind.as_str().to_owned(),
        amount_minor: minor(amount)?,
        percent,
        max_discount_minor: minor(max_discount)?,
        sku,
        min_spend_minor: minor(reward.coupon.min_spend)?,
        currency: currency.code().to_owned(),
        issued_at: ctx.now,
        expires_at: ctx.now.checked_add(valid).map_err(internal)?,
    })
}

/// Cancels a redemption (its points restored into their lots, its stock returned, its coupons
/// cancelled) or marks it fulfilled. Repeating either answers the same.
pub(crate) async fn close(
    tx: &mut Tx,
    ctx: &Context<'_>,
    member: MemberId,
    id: RedemptionId,
    closing: Closing,
    actor: &str,
) -> Result<RedemptionOutcome> {
    let locked = lock(tx, &MemberRef::Id(member.0)).await?;
    let redemption = tx
        .redemption(id)
        .await?
        .filter(|r| r.redemption.member == member)
        .ok_or(EngineError::UnknownRedemption(id.0))?;
    let mut balance = Balances {
        available: locked.available,
        pending: locked.pending,
    };
    let currency = ctx.program.currency;
    let answer = |r: &laurel_store::Redemption, balance: Balances| RedemptionOutcome {
        redemption: RedemptionView::from_stored(r, currency),
        entry_id: r.restore_journal.map(|j| j.0),
        balance,
    };
    let used = redemption
        .coupons
        .iter()
        .find(|c| c.status == laurel_core::CouponStatus::Consumed);
    let closable = Closable {
        state: redemption.status,
        issued_coupons: !redemption.coupons.is_empty(),
        used_on: used.map(|c| c.consumed_order.as_deref().unwrap_or_default()),
    };
    if !decide_close(closable, closing).map_err(|e| close_refused(e, id))? {
        return Ok(answer(&redemption, balance));
    }
    if closing == Closing::Fulfil {
        tx.close_redemption(id, closing.target(), ctx.now, actor, None)
            .await?;
    } else {
        let drawn = tx.drawn_lots(redemption.redemption.journal).await?;
        let ledger = tx.ledger_of(&locked).await?;
        let posting = ledger.restore(&drawn, ctx.now).map_err(refused)?;
        let m = meta(
            ctx,
            format!("reward cancelled: {}", redemption.redemption.reward_name),
            format!("redemption:{}", id.0),
            Some(actor.to_owned()),
            ctx.now,
        );
        let (entry, after, _) = post(tx, ctx, &locked, &ledger, &posting, m).await?;
        balance = after;
        // The program no longer pays the partner for points burned on a cancelled reward.
        if let Some(burned) = tx.partner_entry(redemption.redemption.journal).await? {
            let reference = format!("redemption:{}", id.0);
            let back = Entry {
                member: locked.id,
                journal: laurel_store::JournalId(entry),
                points: burned.points,
                reference: &reference,
            };
            entries::reversed(tx, ctx.now, &burned, back).await?;
        }
        // What the household lent toward it goes back to those who lent it.
        let journal = redemption.redemption.journal;
        if let Some(after) = crate::households::lend::give_back(tx, ctx, locked.id, journal).await?
        {
            balance = after;
        }
        tx.close_redemption(
            id,
            closing.target(),
            ctx.now,
            actor,
            Some(laurel_store::JournalId(entry)),
        )
        .await?;
        tx.return_reward_units(
            &redemption.redemption.reward_id,
            redemption.redemption.quantity,
        )
        .await?;
    }
    let closed = tx
        .redemption(id)
        .await?
        .ok_or(EngineError::UnknownRedemption(id.0))?;
    Ok(answer(&closed, balance))
}

/// Uses a coupon on `order` for `basket`, or (without a basket) releases it from `order`.
pub(crate) async fn use_coupon(
    tx: &mut Tx,
    ctx: &Context<'_>,
    member: MemberId,
    code: &str,
    order: &str,
    basket: Option<&Basket>,
) -> Result<CouponUseOutcome> {
    let locked = lock(tx, &MemberRef::Id(member.0)).await?;
    let stored: StoredCoupon = tx
        .coupon(code)
        .await?
        .filter(|c| c.coupon.member == member)
        .ok_or(EngineError::UnknownCoupon)?;
    let currency = ctx.program.currency;
    let view = CouponView::from_stored(&stored, currency);
    let coupon = view
        .to_core()
        .ok_or_else(|| internal(format!("coupon {} is not readable", stored.id)))?;
    let (discount, repeated) = match basket {
        Some(basket) => {
            let (discount, repeated) = coupon
                .consume(order, basket, currency.minor_digits(), ctx.now)
                .map_err(EngineError::Coupon)?;
            if !repeated {
                let minor = Money::new(discount, currency)
                    .and_then(Money::to_minor)
                    .map_err(internal)?;
                tx.set_coupon_use(stored.id, Some((order, minor)), ctx.now)
                    .await?;
                emit(tx, ctx, EventKind::CouponUsed, Some(member.0), || {
                    CouponUsedData {
                        member: EventMember::of(&locked),
                        code: code.to_owned(),
                        order: order.to_owned(),
                        redemption_id: stored.coupon.redemption.0,
                    }
                })
                .await?;
            }
            (Some(discount), repeated)
        }
        None => {
            let changed = coupon.release(order).map_err(EngineError::Coupon)?;
            if changed {
                tx.set_coupon_use(stored.id, None, ctx.now).await?;
            }
            (None, !changed)
        }
    };
    let after = tx.coupon(code).await?.ok_or(EngineError::UnknownCoupon)?;
    Ok(CouponUseOutcome {
        coupon: CouponView::from_stored(&after, currency),
        order: order.to_owned(),
        discount,
        repeated,
    })
}

/// A close the core refused, as the engine answers it.
fn close_refused(refusal: CloseRefusal, id: RedemptionId) -> EngineError {
    match refusal {
        CloseRefusal::AlreadyClosed(state) => EngineError::RedemptionClosed {
            code: ErrorCode::RedemptionClosed,
            message: format!("redemption {} is already {state}", id.0),
        },
        CloseRefusal::NotFulfillable => EngineError::RedemptionClosed {
            code: ErrorCode::RedemptionNotFulfillable,
            message: refusal.to_string(),
        },
        CloseRefusal::CouponUsed(order) => {
            EngineError::Coupon(laurel_core::rewards::CouponRefusal::Used(order))
        }
    }
}
