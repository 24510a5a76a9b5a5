//! Executing one command inside the write path's transaction: load state, let the core decide,
//! store the decision, remember the answer.
//!
//! Invariant: every refusal (`EngineError::is_refusal`) is decided before the command's first
//! write. The write path relies on it to share one transaction among many commands without a
//! savepoint each.

use crate::commands::{Command, ValidPurchase, fingerprint};
use crate::error::{EngineError, Result};
use crate::outcomes::{
    Balances, Draw, EarnStatus, EventOutcome, GrantOutcome, PostingOutcome, PurchaseOutcome,
    RefundOutcome,
};
use crate::program_file::ProgramDefinition;
use crate::referrals;
use crate::requests::{
    AdjustRequest, EventRequest, LineRequest, MemberRef, POINTS_MAX, PurchaseRequest,
    RedeemRequest, RefundRequest, RefundScope,
};
use crate::rewards::{self, CouponUseOutcome, RedemptionOutcome};
use crate::tiers;
use jiff::Timestamp;
use laurel_core::earn::{EarnError, lot_schedule, reversal_points};
use laurel_core::ledger::{Account, LedgerError, LotEffect, LotState, MemberLedger, Posting};
use laurel_core::referrals::ReferralPolicy;
use laurel_core::rewards::Catalog;
use laurel_core::rules::{
    Activity, BASE_RULE_ID, Basket, Condition, EarnContext, Earning, Event, LimitKind, Line,
    MemberFacts, RuleSet, Trigger, evaluate, usage_periods,
};
use laurel_core::tiers::{TierMetric, TierPolicy};
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
    Event(EventOutcome),
    Refund(RefundOutcome),
    Posting(PostingOutcome),
    Job(Points),
    /// Tier reviews: how many changed the member's tier.
    Reviewed(u64),
    /// A manual tier assignment was stored.
    TierAssigned,
    /// A reward redeemed, cancelled or fulfilled.
    Redemption(RedemptionOutcome),
    /// A coupon used or released.
    CouponUse(CouponUseOutcome),
}

/// Everything a command needs besides the transaction.
pub(crate) struct Context<'a> {
    pub program: &'a Program,
    pub rules: &'a RuleSet,
    pub tiers: Option<&'a TierPolicy>,
    pub catalog: &'a Catalog,
    pub referrals: Option<&'a ReferralPolicy>,
    pub now: Timestamp,
}

impl<'a> Context<'a> {
    /// The context of commands decided at `now` under `definition`.
    pub fn new(definition: &'a ProgramDefinition, now: Timestamp) -> Context<'a> {
        Context {
            program: &definition.program,
            rules: &definition.rules,
            tiers: definition.tiers.as_ref(),
            catalog: &definition.catalog,
            referrals: definition.referrals.as_ref(),
            now,
        }
    }
}

pub(crate) async fn execute(tx: &mut Tx, ctx: &Context<'_>, command: &Command) -> Result<Outcome> {
    match command {
        Command::Enroll {
            member,
            referred_by,
        } => {
            let referrer = match referred_by {
                Some(code) => Some(referrals::check_enrollment(tx, ctx, member, code).await?),
                None => None,
            };
            let id = tx
                .insert_member(member)
                .await?
                .ok_or_else(|| EngineError::MemberExists(member.external_id.clone()))?;
            if let Some(referrer) = referrer {
                tx.insert_referral(referrer, id, member.enrolled_at).await?;
            }
            let tier = tiers::enrolled(tx, ctx, id, member.enrolled_at).await?;
            Ok(Outcome::Enrolled(Member {
                id,
                profile: member.clone(),
                status: "active".into(),
                available: 0,
                pending: 0,
                tier,
            }))
        }
        Command::AssignReferralCode(member) => referrals::assign_code(tx, *member)
            .await
            .map(Outcome::Enrolled),
        Command::Purchase(p) => purchase(tx, ctx, p).await.map(Outcome::Purchase),
        Command::Event(e) => event(tx, ctx, e).await.map(Outcome::Event),
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
        Command::ReviewTier { member, now } => tiers::review(tx, ctx, *member, *now)
            .await
            .map(Outcome::Reviewed),
        Command::AssignTier { request, actor } => tiers::assign(tx, ctx, request, actor)
            .await
            .map(|()| Outcome::TierAssigned),
        Command::RedeemReward(r) => rewards::redeem(tx, ctx, r).await.map(Outcome::Redemption),
        Command::CloseRedemption {
            member,
            redemption,
            fulfil,
            actor,
        } => rewards::close(tx, ctx, *member, *redemption, *fulfil, actor)
            .await
            .map(Outcome::Redemption),
        Command::UseCoupon {
            member,
            code,
            order,
            basket,
        } => rewards::use_coupon(tx, ctx, *member, code, order, basket.as_ref())
            .await
            .map(Outcome::CouponUse),
    }
}

/// The first answer to `(scope, key)` if this request was seen; a conflict if the key was used
/// for a different request.
pub(crate) async fn replay<T: DeserializeOwned>(
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

pub(crate) async fn remember<T: Serialize>(
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

pub(crate) async fn lock(tx: &mut Tx, member: &MemberRef) -> Result<Member> {
    let found = match member {
        MemberRef::Id(id) => tx.lock_member(Some(MemberId(*id)), None).await?,
        MemberRef::External(ext) => tx.lock_member(None, Some(ext)).await?,
    };
    found.ok_or_else(|| EngineError::UnknownMember(member.to_string()))
}

/// Posts a decision and returns the balances after it.
pub(crate) async fn post(
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

pub(crate) fn meta(
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

pub(crate) fn internal(e: impl std::fmt::Display) -> EngineError {
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
    let mut earning = earning(
        tx,
        ctx,
        &member,
        Activity::Purchase(basket(r)),
        r.occurred_at,
        "total",
    )
    .await?;
    let referral = referrals::qualifying(tx, ctx, &member, r.total, r.occurred_at).await?;
    if referral.is_some()
        && let Some(grant) = ctx.referrals.and_then(|p| p.referee_grant())
    {
        earning.total += grant.points;
        earning.grants.push(grant);
    }
    let earned = credit(
        tx,
        ctx,
        &member,
        &earning,
        r.occurred_at,
        "purchase".into(),
        key.clone(),
    )
    .await?;
    let purchase_id = tx
        .insert_purchase(&NewPurchase {
            member: member.id,
            channel: r.channel.as_str().to_owned(),
            order_id: r.order_id.clone(),
            store: r.store.clone(),
            currency: r.currency.clone(),
            total_minor: p.total_minor,
            points_earned: earning.total.get(),
            lot: earned.lot,
            occurred_at: r.occurred_at,
            recorded_at: ctx.now,
            lines: p.lines.clone(),
        })
        .await?;
    if let Some(referral) = &referral {
        referrals::pay_out(tx, ctx, referral, &member, purchase_id, r.occurred_at).await?;
    }
    let tier_change = tiers::after_activity(tx, ctx, &member).await?;
    let answer = PurchaseOutcome {
        purchase_id: purchase_id.0,
        member_id: member.id.0,
        points_earned: earning.total.get(),
        grants: grant_outcomes(earning),
        status: earned.status,
        pending_until: earned.pending_until,
        expires_at: earned.expires_at,
        balance: earned.balance,
        tier_change,
        replayed: false,
    };
    remember(tx, ctx, "purchase", &key, print, &answer).await?;
    Ok(answer)
}

async fn event(tx: &mut Tx, ctx: &Context<'_>, r: &EventRequest) -> Result<EventOutcome> {
    // The event id is unique per member, so the member is resolved (and locked) first.
    let member = lock(tx, &r.member).await?;
    let scope = format!("event:{}", member.id.0);
    // The member as given (id or external id) is not part of the fingerprint: either way of
    // naming them is the same event.
    let print = fingerprint(&(&r.event_id, &r.kind, &r.attributes, r.occurred_at));
    if let Some(answer) = replay::<EventOutcome>(tx, &scope, &r.event_id, &print).await? {
        return Ok(EventOutcome {
            replayed: true,
            ..answer
        });
    }
    let activity = Activity::Event(Event {
        kind: r.kind.clone(),
        attributes: r.attributes.clone(),
    });
    // Reads only: a refusal here (too many points) leaves the transaction untouched.
    let earning = earning(tx, ctx, &member, activity, r.occurred_at, "kind").await?;
    let earned = credit(
        tx,
        ctx,
        &member,
        &earning,
        r.occurred_at,
        format!("event: {}", r.kind),
        format!("{}:{}", r.kind, r.event_id),
    )
    .await?;
    // Events move the metric only when tiers qualify by points earned.
    let tier_change = match ctx.tiers {
        Some(policy)
            if policy.metric == TierMetric::PointsEarned && earning.total.is_positive() =>
        {
            tiers::after_activity(tx, ctx, &member).await?
        }
        _ => None,
    };
    let answer = EventOutcome {
        member_id: member.id.0,
        event_id: r.event_id.clone(),
        kind: r.kind.clone(),
        points_earned: earning.total.get(),
        grants: grant_outcomes(earning),
        status: earned.status,
        pending_until: earned.pending_until,
        expires_at: earned.expires_at,
        balance: earned.balance,
        tier_change,
        replayed: false,
    };
    remember(tx, ctx, &scope, &r.event_id, print, &answer).await?;
    Ok(answer)
}

/// A purchase request as the rules see it.
pub(crate) fn basket(r: &PurchaseRequest) -> Basket {
    Basket {
        channel: r.channel,
        store: r.store.clone(),
        total: r.total,
        lines: r.lines.iter().map(line).collect(),
    }
}

/// A basket line as rules and coupons see it.
pub(crate) fn line(l: &LineRequest) -> Line {
    Line {
        category: l.category.clone(),
        ..Line::new(l.sku.clone(), l.quantity, l.unit_price)
    }
}

pub(crate) fn grant_outcomes(earning: Earning) -> Vec<GrantOutcome> {
    earning
        .grants
        .into_iter()
        .map(|g| GrantOutcome {
            rule_id: g.rule_id,
            points: g.points.get(),
            capped_by: g.capped_by.map(|k| k.as_str().to_owned()),
            explanation: g.explanation,
        })
        .collect()
}

/// What an earning put in the member's account.
pub(crate) struct Credited {
    status: EarnStatus,
    pending_until: Option<Timestamp>,
    expires_at: Option<Timestamp>,
    lot: Option<laurel_core::ledger::LotId>,
    balance: Balances,
}

/// Posts one earn of the earning's total, if above zero, scheduled from `occurred_at` (pending
/// days, expiry), and records what each rule granted. The first write of a purchase or event.
pub(crate) async fn credit(
    tx: &mut Tx,
    ctx: &Context<'_>,
    member: &Member,
    earning: &Earning,
    occurred_at: Timestamp,
    reason: String,
    reference: String,
) -> Result<Credited> {
    let points = earning.total;
    let schedule = lot_schedule(ctx.program, occurred_at).map_err(internal)?;
    let mut credited = Credited {
        status: EarnStatus::None,
        pending_until: None,
        expires_at: None,
        lot: None,
        balance: Balances {
            available: member.available,
            pending: member.pending,
        },
    };
    if !points.is_positive() {
        return Ok(credited);
    }
    // An earn only opens a lot; it never draws on the others, so they need not be loaded
    // (a query that would grow with the member's history on every earning).
    let ledger = MemberLedger::balances_only(Points(member.available), Points(member.pending));
    let posting = ledger
        .earn(points, occurred_at, schedule, ctx.now)
        .map_err(internal)?;
    if let Some(LotEffect::Open(new)) = posting.lots.first() {
        (credited.status, credited.pending_until) = match new.state {
            LotState::Pending { until } => (EarnStatus::Pending, Some(until)),
            LotState::Available => (EarnStatus::Available, None),
        };
    }
    credited.expires_at = schedule.expires_at;
    let m = meta(ctx, reason, reference, None, occurred_at);
    let (journal, after, opened) = post(tx, member.id, &ledger, &posting, m).await?;
    credited.balance = after;
    credited.lot = opened.first().copied().map(laurel_core::ledger::LotId);
    let grants: Vec<NewGrant> = earning
        .grants
        .iter()
        .filter(|g| g.points.is_positive())
        .map(|g| NewGrant {
            rule_id: g.rule_id.clone(),
            points: g.points.get(),
        })
        .collect();
    tx.record_grants(JournalId(journal), member.id, occurred_at, &grants)
        .await?;
    Ok(credited)
}

/// What an activity (a purchase or an event) earns under the program's rules, given what the
/// member has done so far; a refusal when it is more than [`POINTS_MAX`] (`field` is named).
/// Writes nothing: it reads whether this is the member's first purchase and the usage of the
/// rules that have limits (on PostgreSQL, locking the campaign budgets it reads until commit).
pub(crate) async fn earning(
    tx: &mut Tx,
    ctx: &Context<'_>,
    member: &Member,
    activity: Activity,
    occurred_at: Timestamp,
    field: &str,
) -> Result<Earning> {
    let triggered: Vec<_> = ctx
        .rules
        .in_order()
        .iter()
        .filter(|rule| match (&rule.trigger, &activity) {
            (Trigger::Purchase, Activity::Purchase(_)) => true,
            (Trigger::Event(kind), Activity::Event(event)) => *kind == event.kind,
            _ => false,
        })
        .collect();
    let first_purchase = matches!(activity, Activity::Purchase(_))
        && triggered
            .iter()
            .any(|rule| rule.conditions.contains(&Condition::FirstPurchase))
        && !tx.has_purchased(member.id).await?;
    let limited = |kinds: &[LimitKind]| -> Vec<String> {
        triggered
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
        let periods = usage_periods(ctx.program, occurred_at).map_err(internal)?;
        tx.rule_usage(member.id, &member_limited, &campaign_limited, &periods)
            .await?
    };
    let facts = MemberFacts {
        tier: member.tier.tier.clone(),
        attributes: member.profile.attributes.clone(),
        birthday: member.profile.birthday,
        first_purchase,
    };
    let too_many = || {
        EngineError::invalid(
            field,
            "invalid_amount",
            format!("earns more than {POINTS_MAX} points"),
        )
    };
    let context = EarnContext::new(activity, facts, occurred_at).with_usage(usage);
    let out_of_range = |e| match e {
        EarnError::OutOfRange => too_many(),
        other => internal(other),
    };
    let mut earning = evaluate(ctx.program, ctx.rules, &context).map_err(out_of_range)?;
    if let Some(policy) = ctx.tiers {
        let base = earning.points_of(BASE_RULE_ID);
        let bonus = policy
            .bonus_grant(member.tier.tier.as_deref(), base, ctx.program.rounding)
            .map_err(out_of_range)?;
        if let Some(grant) = bonus {
            earning.total += grant.points;
            earning.grants.push(grant);
        }
    }
    if earning.total.get() > POINTS_MAX {
        return Err(too_many());
    }
    Ok(earning)
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

pub(crate) fn draws(posting: &Posting) -> Vec<Draw> {
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

pub(crate) fn refused(e: LedgerError) -> EngineError {
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
