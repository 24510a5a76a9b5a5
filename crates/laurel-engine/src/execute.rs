//! Executing one command inside the write path's transaction: load state, let the core decide,
//! store the decision, remember the answer.
//!
//! Invariant: every refusal (`EngineError::is_refusal`) is decided before the command's first
//! write. The write path relies on it to share one transaction among many commands without a
//! savepoint each.

use crate::commands::{Command, ValidPurchase, fingerprint};
use crate::error::{EngineError, Result};
use crate::outcomes::{
    Balances, Draw, EarnStatus, GrantOutcome, PostingOutcome, PurchaseOutcome, RefundOutcome,
};
use crate::requests::{
    AdjustRequest, MemberRef, POINTS_MAX, RedeemRequest, RefundRequest, RefundScope,
};
use jiff::Timestamp;
use laurel_core::earn::{EarnError, lot_schedule, reversal_points};
use laurel_core::ledger::{Account, LedgerError, LotEffect, LotState, MemberLedger, Posting};
use laurel_core::rules::{
    Activity, Basket, Condition, EarnContext, Earning, LimitKind, Line, MemberFacts, RuleSet,
    Trigger, evaluate, usage_periods,
};
use laurel_core::{Points, Program};
use laurel_store::{
    IdempotentResponse, JournalId, JournalMeta, Member, MemberId, NewGrant, NewPurchase,
    RefundRecord, Tx,
};
use rust_decimal::Decimal;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// What a command answered.
#[derive(Debug, Clone)]
pub(crate) enum Outcome {
    Enrolled(Member),
    Purchase(PurchaseOutcome),
    Refund(RefundOutcome),
    Posting(PostingOutcome),
    Job(Points),
}

/// Everything a command needs besides the transaction.
pub(crate) struct Context<'a> {
    pub program: &'a Program,
    pub rules: &'a RuleSet,
    pub now: Timestamp,
}

pub(crate) async fn execute(tx: &mut Tx, ctx: &Context<'_>, command: &Command) -> Result<Outcome> {
    match command {
        Command::Enroll(member) => {
            let id = tx
                .insert_member(member)
                .await?
                .ok_or_else(|| EngineError::MemberExists(member.external_id.clone()))?;
            Ok(Outcome::Enrolled(Member {
                id,
                profile: member.clone(),
                status: "active".into(),
                available: 0,
                pending: 0,
            }))
        }
        Command::Purchase(p) => purchase(tx, ctx, p).await.map(Outcome::Purchase),
        Command::Refund(r) => refund(tx, ctx, r).await.map(Outcome::Refund),
        Command::Redeem(r) => redeem(tx, ctx, r).await.map(Outcome::Posting),
        Command::Adjust { request, actor } => {
            adjust(tx, ctx, request, actor).await.map(Outcome::Posting)
        }
        Command::Expire { member, now } => scheduled(tx, *member, *now, Job::Expire)
            .await
            .map(Outcome::Job),
        Command::Release { member, now } => scheduled(tx, *member, *now, Job::Release)
            .await
            .map(Outcome::Job),
    }
}

/// The first answer to `(scope, key)` if this request was seen; a conflict if the key was used
/// for a different request.
async fn replay<T: DeserializeOwned>(
    tx: &mut Tx,
    scope: &str,
    key: &str,
    fingerprint: &str,
) -> Result<Option<T>> {
    match tx.idempotent_response(scope, key).await? {
        None => Ok(None),
        Some(seen) if seen.fingerprint == fingerprint => serde_json::from_str(&seen.response)
            .map(Some)
            .map_err(|e| EngineError::Internal(format!("stored answer for {scope}/{key}: {e}"))),
        Some(_) => Err(EngineError::IdempotencyConflict(key.to_owned())),
    }
}

async fn remember<T: Serialize>(
    tx: &mut Tx,
    ctx: &Context<'_>,
    scope: &str,
    key: &str,
    fingerprint: String,
    answer: &T,
) -> Result<()> {
    let response =
        serde_json::to_string(answer).map_err(|e| EngineError::Internal(e.to_string()))?;
    tx.store_idempotent_response(
        scope,
        key,
        &IdempotentResponse {
            fingerprint,
            response,
        },
        ctx.now,
    )
    .await
    .map_err(Into::into)
}

async fn lock(tx: &mut Tx, member: &MemberRef) -> Result<Member> {
    let found = match member {
        MemberRef::Id(id) => tx.lock_member(Some(MemberId(*id)), None).await?,
        MemberRef::External(ext) => tx.lock_member(None, Some(ext)).await?,
    };
    found.ok_or_else(|| EngineError::UnknownMember(member.to_string()))
}

/// Posts a decision and returns the balances after it.
async fn post(
    tx: &mut Tx,
    member: MemberId,
    ledger: &MemberLedger,
    posting: &Posting,
    meta: JournalMeta,
) -> Result<(i64, Balances, Vec<i64>)> {
    let (journal, opened) = tx.post(member, posting, &meta).await?;
    metrics::counter!("laurel_ledger_postings_total", "kind" => posting.kind.as_str()).increment(1);
    let balances = Balances {
        available: (ledger.available + posting.delta(Account::MemberAvailable)).get(),
        pending: (ledger.pending + posting.delta(Account::MemberPending)).get(),
    };
    Ok((
        journal.0,
        balances,
        opened.into_iter().map(|l| l.0).collect(),
    ))
}

fn meta(
    ctx: &Context<'_>,
    reason: impl Into<String>,
    reference: impl Into<String>,
    actor: Option<String>,
    effective_at: Timestamp,
) -> JournalMeta {
    JournalMeta {
        reason: reason.into(),
        reference: reference.into(),
        actor,
        effective_at,
        posted_at: ctx.now,
    }
}

fn internal(e: impl std::fmt::Display) -> EngineError {
    EngineError::Internal(e.to_string())
}

async fn purchase(tx: &mut Tx, ctx: &Context<'_>, p: &ValidPurchase) -> Result<PurchaseOutcome> {
    let r = &p.request;
    let key = format!("{}:{}", r.channel, r.order_id);
    let print = fingerprint(r);
    if let Some(answer) = replay::<PurchaseOutcome>(tx, "purchase", &key, &print).await? {
        return Ok(PurchaseOutcome {
            replayed: true,
            ..answer
        });
    }
    let member = lock(tx, &r.member).await?;
    // Reads only: a refusal here (too many points) leaves the transaction untouched.
    let earning = earning(tx, ctx, p, &member).await?;
    let points = earning.total;
    if points.get() > POINTS_MAX {
        return Err(EngineError::invalid(
            "total",
            "invalid_amount",
            format!("earns more than {POINTS_MAX} points"),
        ));
    }
    let schedule = lot_schedule(ctx.program, r.occurred_at).map_err(internal)?;
    let mut balance = Balances {
        available: member.available,
        pending: member.pending,
    };
    let mut status = EarnStatus::None;
    let mut lot = None;
    let mut pending_until = None;
    if points.is_positive() {
        // An earn only opens a lot; it never draws on the others, so they need not be loaded
        // (a query that would grow with the member's history on every purchase).
        let ledger = MemberLedger::balances_only(Points(member.available), Points(member.pending));
        let posting = ledger
            .earn(points, r.occurred_at, schedule, ctx.now)
            .map_err(internal)?;
        if let Some(LotEffect::Open(new)) = posting.lots.first() {
            (status, pending_until) = match new.state {
                LotState::Pending { until } => (EarnStatus::Pending, Some(until)),
                LotState::Available => (EarnStatus::Available, None),
            };
        }
        let m = meta(ctx, "purchase", key.clone(), None, r.occurred_at);
        let (journal, after, opened) = post(tx, member.id, &ledger, &posting, m).await?;
        balance = after;
        lot = opened.first().copied().map(laurel_core::ledger::LotId);
        let grants: Vec<NewGrant> = earning
            .grants
            .iter()
            .filter(|g| g.points.is_positive())
            .map(|g| NewGrant {
                rule_id: g.rule_id.clone(),
                points: g.points.get(),
            })
            .collect();
        tx.record_grants(JournalId(journal), member.id, r.occurred_at, &grants)
            .await?;
    }
    let purchase_id = tx
        .insert_purchase(&NewPurchase {
            member: member.id,
            channel: r.channel.as_str().to_owned(),
            order_id: r.order_id.clone(),
            store: r.store.clone(),
            currency: r.currency.clone(),
            total_minor: p.total_minor,
            points_earned: points.get(),
            lot,
            occurred_at: r.occurred_at,
            recorded_at: ctx.now,
            lines: p.lines.clone(),
        })
        .await?;
    let answer = PurchaseOutcome {
        purchase_id: purchase_id.0,
        member_id: member.id.0,
        points_earned: points.get(),
        grants: earning
            .grants
            .into_iter()
            .map(|g| GrantOutcome {
                rule_id: g.rule_id,
                points: g.points.get(),
                capped_by: g.capped_by.map(|k| k.as_str().to_owned()),
                explanation: g.explanation,
            })
            .collect(),
        status,
        pending_until,
        expires_at: points
            .is_positive()
            .then_some(schedule.expires_at)
            .flatten(),
        balance,
        replayed: false,
    };
    remember(tx, ctx, "purchase", &key, print, &answer).await?;
    Ok(answer)
}

/// What a purchase earns under the program's rules, given what the member has done so far.
/// Writes nothing: it reads whether this is the member's first purchase and the usage of the
/// rules that have limits (on PostgreSQL, locking the campaign budgets it reads until commit).
async fn earning(
    tx: &mut Tx,
    ctx: &Context<'_>,
    p: &ValidPurchase,
    member: &Member,
) -> Result<Earning> {
    let r = &p.request;
    let purchase_rules: Vec<_> = ctx
        .rules
        .in_order()
        .iter()
        .filter(|rule| rule.trigger == Trigger::Purchase)
        .collect();
    let first_purchase = purchase_rules
        .iter()
        .any(|rule| rule.conditions.contains(&Condition::FirstPurchase))
        && !tx.has_purchased(member.id).await?;
    let limited = |kinds: &[LimitKind]| -> Vec<String> {
        purchase_rules
            .iter()
            .filter(|rule| kinds.iter().any(|k| rule.limits.get(*k).is_some()))
            .map(|rule| rule.id.clone())
            .collect()
    };
    let member_limited = limited(&[
        LimitKind::PerMemberDay,
        LimitKind::PerMemberWeek,
        LimitKind::PerMemberMonth,
        LimitKind::PerMemberLifetime,
    ]);
    let campaign_limited = limited(&[LimitKind::CampaignBudget]);
    let usage = if member_limited.is_empty() && campaign_limited.is_empty() {
        Default::default()
    } else {
        let periods = usage_periods(ctx.program, r.occurred_at).map_err(internal)?;
        tx.rule_usage(member.id, &member_limited, &campaign_limited, &periods)
            .await?
    };
    let basket = Basket {
        channel: r.channel,
        store: r.store.clone(),
        total: r.total,
        lines: r
            .lines
            .iter()
            .map(|l| Line {
                category: l.category.clone(),
                ..Line::new(l.sku.clone(), l.quantity, l.unit_price)
            })
            .collect(),
    };
    let facts = MemberFacts {
        birthday: member.profile.birthday,
        first_purchase,
        ..MemberFacts::default()
    };
    let context =
        EarnContext::new(Activity::Purchase(basket), facts, r.occurred_at).with_usage(usage);
    evaluate(ctx.program, ctx.rules, &context).map_err(|e| match e {
        EarnError::OutOfRange => EngineError::invalid(
            "total",
            "invalid_amount",
            format!("earns more than {POINTS_MAX} points"),
        ),
        other => internal(other),
    })
}

async fn refund(tx: &mut Tx, ctx: &Context<'_>, r: &RefundRequest) -> Result<RefundOutcome> {
    let key = format!("{}:{}", r.purchase_id, r.refund_id);
    let print = fingerprint(r);
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
            i64::try_from(scaled)
                .map_err(|_| EngineError::invalid("amount", "invalid_amount", "is out of range"))?
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
                            "unknown_line",
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

fn draws(posting: &Posting) -> Vec<Draw> {
    posting
        .lots
        .iter()
        .filter_map(|e| match e {
            LotEffect::Draw { lot, amount } => Some(Draw {
                lot_id: lot.0,
                points: amount.get(),
            }),
            _ => None,
        })
        .collect()
}

fn refused(e: LedgerError) -> EngineError {
    match e {
        LedgerError::Insufficient {
            available,
            requested,
        } => EngineError::InsufficientPoints {
            available,
            requested,
        },
        LedgerError::NonPositive(p) => EngineError::invalid(
            "points",
            "invalid_amount",
            format!("must be above zero, got {p}"),
        ),
    }
}

async fn redeem(tx: &mut Tx, ctx: &Context<'_>, r: &RedeemRequest) -> Result<PostingOutcome> {
    let scope = format!("redeem:{}", r.member_id);
    let print = fingerprint(r);
    if let Some(answer) = replay(tx, &scope, &r.idempotency_key, &print).await? {
        return Ok(answer);
    }
    let member = lock(tx, &MemberRef::Id(r.member_id)).await?;
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

async fn adjust(
    tx: &mut Tx,
    ctx: &Context<'_>,
    r: &AdjustRequest,
    actor: &str,
) -> Result<PostingOutcome> {
    let scope = format!("adjust:{}", r.member_id);
    let print = fingerprint(r);
    if let Some(answer) = replay(tx, &scope, &r.idempotency_key, &print).await? {
        return Ok(answer);
    }
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
enum Job {
    Expire,
    Release,
}

/// Expires or releases a member's due lots as of `now`; returns the points moved. Running it
/// again finds nothing due, so jobs are idempotent.
async fn scheduled(tx: &mut Tx, member: MemberId, now: Timestamp, job: Job) -> Result<Points> {
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
    };
    tx.post(member, &posting, &m).await?;
    metrics::counter!("laurel_ledger_postings_total", "kind" => posting.kind.as_str()).increment(1);
    Ok(moved)
}
