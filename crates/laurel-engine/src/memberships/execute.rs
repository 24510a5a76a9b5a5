//! Memberships in the write path: lock the member (and the membership), let the core decide,
//! charge or refund the fee (from the wallet when it pays), store the term, and keep the
//! member row's plan and paid tier in step with the membership.

use super::validate::{MembershipAsk, ValidJoin, ValidRenew};
use super::views::{MembershipOutcome, MembershipView};
use crate::error::{EngineError, Result};
use crate::requests::MemberRef;
use crate::tiers::execute::{measured, store_decision};
use crate::wallet::refusals::refusal;
use crate::write::context::Context;
use crate::write::steps::{lock, lock_active, remember, replay};
use laurel_core::events::EventKind;
use laurel_core::membership::{Membership, PayWith, Renewal, When};
use laurel_core::wallet::WalletAccount;
use laurel_store::{MemberId, MemberPlan, NewWalletMove, StoredMembership, TermPayment, Tx};
use rust_decimal::Decimal;

/// Buys a membership of a plan, once per idempotency key: refused while the member holds
/// one not yet ended; a first term is a trial when the plan has one and the member never
/// held the plan.
pub(crate) async fn join(
    tx: &mut Tx,
    ctx: &Context<'_>,
    v: &ValidJoin,
    actor: &str,
) -> Result<MembershipOutcome> {
    let r = &v.request;
    let scope = format!("memberships:{}", r.member_id);
    if let Some(answer) = replay(tx, &scope, &r.idempotency_key, &v.print).await? {
        return Ok(answer);
    }
    let plan = ctx
        .memberships
        .plan(&r.plan)
        .ok_or_else(|| EngineError::UnknownPlan(r.plan.clone()))?;
    if r.pay_with == PayWith::Wallet && ctx.wallet.is_none() {
        return Err(EngineError::WalletNotOffered);
    }
    let member = lock_active(tx, &MemberRef::Id(r.member_id)).await?;
    // A retry that waited for the first attempt's lock is answered as the first.
    if let Some(answer) = replay(tx, &scope, &r.idempotency_key, &v.print).await? {
        return Ok(answer);
    }
    if let Some(open) = tx.open_membership(member.id).await? {
        return Err(EngineError::MembershipHeld(open.id));
    }
    let held = tx.held_plan(member.id, &plan.id).await?;
    let tz = &ctx.program.time_zone;
    let m = Membership::start(plan, r.pay_with, held, at(ctx), tz);
    let wallet_move = charge(tx, ctx, member.id, &m, actor).await?;
    let payment = TermPayment {
        paid_at: at(ctx),
        reference: r.payment_reference.as_deref(),
        wallet_move,
    };
    let id = tx
        .insert_membership(member.id, &m, m.due_at(tz), actor, payment)
        .await?;
    let stored = StoredMembership {
        id,
        member: member.id,
        membership: m,
    };
    benefits(tx, ctx, &member, &stored.membership, actor, at(ctx)).await?;
    let charged = stored.membership.term.fee;
    let answer = told(
        tx,
        ctx,
        EventKind::MembershipStarted,
        &member,
        &stored,
        (charged, 0),
        wallet_move,
    )
    .await?;
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

/// Renews a membership for its next term, once per idempotency key (the business's billing
/// tells each payment; a wallet member's renewal is drawn from the wallet).
pub(crate) async fn renew(
    tx: &mut Tx,
    ctx: &Context<'_>,
    v: &ValidRenew,
    actor: &str,
) -> Result<MembershipOutcome> {
    let r = &v.request;
    let scope = format!("membership-renewals:{}", r.membership_id);
    if let Some(answer) = replay(tx, &scope, &r.idempotency_key, &v.print).await? {
        return Ok(answer);
    }
    let member = lock_active(tx, &MemberRef::Id(v.member.0)).await?;
    if let Some(answer) = replay(tx, &scope, &r.idempotency_key, &v.print).await? {
        return Ok(answer);
    }
    let stored = locked(tx, r.membership_id, member.id).await?;
    let m = &stored.membership;
    let plan = ctx
        .memberships
        .plan(&m.plan)
        .ok_or_else(|| EngineError::UnknownPlan(m.plan.clone()))?;
    let tz = &ctx.program.time_zone;
    let next = m.renew(plan, at(ctx), tz)?;
    let wallet_move = charge(tx, ctx, member.id, &next, actor).await?;
    let payment = TermPayment {
        paid_at: at(ctx),
        reference: r.payment_reference.as_deref(),
        wallet_move,
    };
    tx.insert_term(stored.id, &next.term, payment).await?;
    tx.update_membership(stored.id, &next, next.due_at(tz), None)
        .await?;
    benefits(tx, ctx, &member, &next, actor, at(ctx)).await?;
    let renewed = StoredMembership {
        membership: next,
        ..stored
    };
    let charged = renewed.membership.term.fee;
    let answer = told(
        tx,
        ctx,
        EventKind::MembershipRenewed,
        &member,
        &renewed,
        (charged, 0),
        wallet_move,
    )
    .await?;
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

/// Cancels a membership (a retry of the same cancellation is answered as the first), or
/// does what the memberships job finds due: `None` when nothing was.
pub(crate) async fn act(
    tx: &mut Tx,
    ctx: &Context<'_>,
    id: i64,
    member: MemberId,
    ask: MembershipAsk,
    actor: &str,
) -> Result<Option<MembershipOutcome>> {
    match ask {
        MembershipAsk::Cancel(when) => cancel(tx, ctx, id, member, when, actor).await.map(Some),
        MembershipAsk::Due(now) => due(tx, ctx, id, member, now).await,
    }
}

async fn cancel(
    tx: &mut Tx,
    ctx: &Context<'_>,
    id: i64,
    member: MemberId,
    when: When,
    actor: &str,
) -> Result<MembershipOutcome> {
    let scope = format!("membership-cancels:{id}");
    let key = match when {
        When::TermEnd => "term_end",
        When::Now => "now",
    };
    if let Some(answer) = replay(tx, &scope, key, key).await? {
        return Ok(answer);
    }
    let member = lock(tx, &MemberRef::Id(member.0)).await?;
    let stored = locked(tx, id, member.id).await?;
    let m = &stored.membership;
    let (after, refund) = m.cancel(ctx.memberships.plan(&m.plan), when, at(ctx))?;
    let refund_move = if refund > 0 && m.pay_with == PayWith::Wallet {
        refund_fee(tx, ctx, &stored, refund, actor).await?
    } else {
        None
    };
    let tz = &ctx.program.time_zone;
    tx.update_membership(id, &after, after.due_at(tz), refund_move)
        .await?;
    // At the term's end nothing of the member's changes now: the term runs as it was.
    if when == When::Now {
        benefits(tx, ctx, &member, &after, actor, at(ctx)).await?;
    }
    let cancelled = StoredMembership {
        membership: after,
        ..stored
    };
    let kind = EventKind::MembershipCancelled;
    let answer = told(tx, ctx, kind, &member, &cancelled, (0, refund), refund_move).await?;
    remember(tx, ctx, &scope, key, key.to_owned(), &answer).await?;
    Ok(answer)
}

/// The memberships job's work on one membership due as of the run's `now`: renew it from
/// the wallet, or end it — unpaid when the wallet cannot pay (short, no longer offered, its
/// member suspended), not renewed when its plan is no longer offered, its last term ran out,
/// or the run comes so late that the next term would be over already (nothing is charged
/// for time past). What it does is decided, paid and kept at the write's own instant, as
/// every command is, so a replay of the history meets it where it happened.
async fn due(
    tx: &mut Tx,
    ctx: &Context<'_>,
    id: i64,
    member: MemberId,
    now: jiff::Timestamp,
) -> Result<Option<MembershipOutcome>> {
    const ACTOR: &str = "job:memberships";
    use laurel_core::membership::EndReason;
    let member = lock(tx, &MemberRef::Id(member.0)).await?;
    let stored = locked(tx, id, member.id).await?;
    let m = &stored.membership;
    let tz = &ctx.program.time_zone;
    let (as_of, decided) = (crate::as_stored(now), at(ctx));
    let unpaid = || (m.end(m.term.ends_at, EndReason::Unpaid), 0, None);
    let (after, charged, wallet_move) = match m.due(as_of, tz) {
        None => return Ok(None),
        Some(Renewal::End(at, reason)) => (m.end(at, reason), 0, None),
        Some(Renewal::FromWallet) if ctx.wallet.is_none() => unpaid(),
        Some(Renewal::FromWallet) if crate::members::require_active(&member).is_err() => unpaid(),
        Some(Renewal::FromWallet) => match ctx.memberships.plan(&m.plan) {
            None => (m.end(m.term.ends_at, EndReason::NotRenewed), 0, None),
            Some(plan) => {
                let next = Membership {
                    term: m.term.next(plan, tz),
                    ..m.clone()
                };
                if next.term.ends_at <= as_of {
                    (m.end(m.term.ends_at, EndReason::NotRenewed), 0, None)
                } else {
                    // Nothing is written before the charge: a wallet short of the fee ends it.
                    match charge(tx, ctx, member.id, &next, ACTOR).await {
                        Ok(wallet_move) => {
                            let payment = TermPayment {
                                paid_at: decided,
                                reference: None,
                                wallet_move,
                            };
                            tx.insert_term(id, &next.term, payment).await?;
                            (next, plan.fee, wallet_move)
                        }
                        Err(e) if e.is_refusal() => unpaid(),
                        Err(e) => return Err(e),
                    }
                }
            }
        },
    };
    tx.update_membership(id, &after, after.due_at(tz), None)
        .await?;
    benefits(tx, ctx, &member, &after, ACTOR, decided).await?;
    let acted = StoredMembership {
        membership: after,
        ..stored
    };
    let kind = if acted.membership.ended.is_some() {
        EventKind::MembershipEnded
    } else {
        EventKind::MembershipRenewed
    };
    let answer = told(tx, ctx, kind, &member, &acted, (charged, 0), wallet_move).await?;
    Ok(Some(answer))
}

/// The membership, locked, refused unless it is `member`'s.
async fn locked(tx: &mut Tx, id: i64, member: MemberId) -> Result<StoredMembership> {
    tx.lock_membership(id)
        .await?
        .filter(|s| s.member == member)
        .ok_or(EngineError::UnknownMembership(id))
}

/// Draws a term's fee from the member's wallet when the wallet pays it (nothing for a
/// trial, or when the business's billing pays); the wallet move, if one was made. A wallet
/// short of the fee is refused before anything is written.
async fn charge(
    tx: &mut Tx,
    ctx: &Context<'_>,
    member: MemberId,
    m: &Membership,
    actor: &str,
) -> Result<Option<i64>> {
    if m.term.fee == 0 || m.pay_with != PayWith::Wallet {
        return Ok(None);
    }
    let wallet = tx.member_wallet(member).await?;
    let posting = wallet
        .balance
        .pay(m.term.fee, false)
        .map_err(|e| refusal(e, ctx.program.currency))?;
    let reference = format!("membership {} term {}", m.plan, m.term.number);
    let (move_id, _) = tx
        .post_wallet(
            &wallet,
            &NewWalletMove {
                posting: &posting,
                amount: posting.delta(WalletAccount::Settlement),
                payment: None,
                reference: &reference,
                actor,
                at: at(ctx),
            },
        )
        .await?;
    Ok(Some(move_id))
}

/// Gives a cut term's refund back to the wallet that paid it; the move.
async fn refund_fee(
    tx: &mut Tx,
    ctx: &Context<'_>,
    stored: &StoredMembership,
    refund: i64,
    actor: &str,
) -> Result<Option<i64>> {
    let number = stored.membership.term.number;
    let Some(payment) = tx.term_wallet_move(stored.id, number).await? else {
        return Ok(None);
    };
    let wallet = tx.member_wallet(stored.member).await?;
    let paid = tx
        .wallet_payment(payment)
        .await?
        .ok_or_else(|| EngineError::Internal(format!("membership payment {payment} vanished")))?;
    let posting = wallet
        .balance
        .refund(paid.taken, paid.refunded, refund)
        .map_err(|e| refusal(e, ctx.program.currency))?;
    let reference = format!("membership {} term {number}", stored.membership.plan);
    let (move_id, _) = tx
        .post_wallet(
            &wallet,
            &NewWalletMove {
                posting: &posting,
                amount: refund,
                payment: Some(payment),
                reference: &reference,
                actor,
                at: at(ctx),
            },
        )
        .await?;
    Ok(Some(move_id))
}

/// Keeps the member row in step with the membership as of `now`: its plan in force (whose
/// multiplier earns) and the tier its plan holds them in until the term ends — or, once its
/// term was cut, no plan and the tier the metric gives, at once. A term that ran out needs no
/// tier decision here: the paid tier ends by itself at the review due at the term's end.
async fn benefits(
    tx: &mut Tx,
    ctx: &Context<'_>,
    member: &laurel_store::Member,
    m: &Membership,
    actor: &str,
    now: jiff::Timestamp,
) -> Result<()> {
    // Running until its last term's end, or the instant a cut ends it (a term renewed ahead
    // and cut before it began leaves the term before it running).
    let running = m.term.ends() > now;
    let plan = running.then(|| MemberPlan {
        plan: m.plan.clone(),
        from: m.started_at,
        until: m.term.ends(),
    });
    if member.plan != plan {
        tx.set_member_plan(member.id, plan.as_ref()).await?;
    }
    let Some(policy) = ctx.tiers else {
        return Ok(());
    };
    let tz = &ctx.program.time_zone;
    let paid_tier = ctx
        .memberships
        .plan(&m.plan)
        .and_then(|p| p.benefits.tier.as_deref())
        .filter(|t| policy.tier(t).is_some());
    let decision = match (running, paid_tier) {
        (true, Some(tier)) => policy.hold_paid(&member.tier, tier, m.term.ends(), now, tz),
        _ if member.tier.paid.is_some() && m.term.cut_at.is_some() => {
            let window = policy.review_window(now, tz);
            let value = measured(tx, ctx.program, policy, member.id, window).await?;
            policy.end_paid(&member.tier, value, now, tz)
        }
        _ => return Ok(()),
    };
    let note = format!("membership {}", m.plan);
    store_decision(
        tx,
        ctx,
        member.into(),
        &member.tier,
        &decision,
        Some(&note),
        Some(actor),
        now,
    )
    .await?;
    Ok(())
}

/// The instant a command decides at, as the store keeps instants (to the microsecond), so
/// that what is answered is what is read back.
fn at(ctx: &Context<'_>) -> jiff::Timestamp {
    crate::as_stored(ctx.now)
}

/// The answer of a membership call that charged and refunded `moved` (minor units), told as
/// a `membership.*` event to those listening (your billing hears of renewals to charge and
/// ends to stop charging).
async fn told(
    tx: &mut Tx,
    ctx: &Context<'_>,
    kind: EventKind,
    member: &laurel_store::Member,
    stored: &StoredMembership,
    (charged, refunded): (i64, i64),
    wallet_move: Option<i64>,
) -> Result<MembershipOutcome> {
    let answer = outcome(ctx, stored, charged, refunded, wallet_move);
    let m = &answer.membership;
    crate::events::emit::emit(tx, ctx, kind, Some(member.id.0), || {
        crate::events::payload::MembershipData {
            member: crate::events::payload::EventMember::of(member),
            membership_id: m.id,
            plan: m.plan.clone(),
            state: m.state.clone(),
            pay_with: m.pay_with.clone(),
            term: m.term.number,
            starts_at: m.term.starts_at,
            ends_at: m.term.ends_at,
            charged: answer.charged.normalize().to_string(),
            refunded: answer.refunded.normalize().to_string(),
            end_reason: m.end_reason.clone(),
        }
    })
    .await?;
    Ok(answer)
}

/// The answer of a membership call.
fn outcome(
    ctx: &Context<'_>,
    stored: &StoredMembership,
    charged: i64,
    refunded: i64,
    wallet_move: Option<i64>,
) -> MembershipOutcome {
    let digits = ctx.program.currency.minor_digits();
    MembershipOutcome {
        membership: MembershipView::of(
            stored.id,
            stored.member.0,
            &stored.membership,
            at(ctx),
            digits,
        ),
        charged: Decimal::new(charged, digits),
        refunded: Decimal::new(refunded, digits),
        wallet_move_id: wallet_move,
    }
}
