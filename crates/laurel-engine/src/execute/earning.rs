//! Purchases and custom events: what they earn under the program's rules (with the tier bonus
//! and a referral's), the earn posting and its grants, the tier check after.

use super::points::Job;
use super::{Context, internal, lock_active, meta, post, remember, replay};
use crate::commands::{ValidEvent, ValidPurchase, fingerprint};
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use crate::outcomes::{Balances, EarnStatus, EventOutcome, GrantOutcome, PurchaseOutcome};
use crate::referrals;
use crate::requests::{LineRequest, POINTS_MAX, PurchaseRequest};
use crate::tiers;
use jiff::Timestamp;
use laurel_core::award::{AwardTerms, award};
use laurel_core::earn::{EarnError, lot_schedule};
use laurel_core::ledger::{LotEffect, LotState, MemberLedger};
use laurel_core::referrals::ReferralPolicy;
use laurel_core::rules::{
    Activity, Basket, EarnContext, Earning, Event, Line, MemberFacts, usage_periods,
};
use laurel_core::tiers::TierMetric;
use laurel_core::{Money, Points};
use laurel_store::{JournalId, Member, MemberId, NewGrant, NewPurchase, Referral, Tx};
use rust_decimal::Decimal;

/// Records a purchase once per (channel, order id) and earns what the program grants for it.
pub(super) async fn purchase(
    tx: &mut Tx,
    ctx: &Context<'_>,
    p: &ValidPurchase,
) -> Result<PurchaseOutcome> {
    let r = &p.request;
    let ctx = &ctx.as_of(r.occurred_at);
    let key = purchase_key(r);
    let print = fingerprint(r)?;
    if let Some(answer) = replay::<PurchaseOutcome>(tx, PURCHASE_SCOPE, &key, &print).await? {
        return Ok(PurchaseOutcome {
            replayed: true,
            ..answer
        });
    }
    if let Some(late) = p.late {
        return Err(late.refusal());
    }
    let member = lock_active(tx, &r.member).await?;
    // Reads only: a refusal here (too many points) leaves the transaction untouched.
    let (earning, referral) = purchase_earning(tx, ctx, &member, r).await?;
    // Decided by the tier held before the purchase: an upgrade it brings discounts the next.
    let tier_discount = tier_discount(ctx, &member, r.total);
    let tier_discount_minor = Money::new(tier_discount, ctx.program.currency)
        .and_then(Money::to_minor)
        .map_err(internal)?;
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
            tier_discount_minor,
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
        tier_discount,
        status: earned.status,
        pending_until: earned.pending_until,
        expires_at: earned.expires_at,
        balance: earned.balance,
        tier_change,
        replayed: false,
    };
    remember(tx, ctx, PURCHASE_SCOPE, &key, print, &answer).await?;
    Ok(answer)
}

/// What `member`'s tier takes off a basket of `total` under `ctx`'s program (after any
/// coupon, which the till took off before sending the total): zero without tiers.
pub(crate) fn tier_discount(ctx: &Context<'_>, member: &Member, total: Decimal) -> Decimal {
    ctx.tiers.map_or(Decimal::ZERO, |policy| {
        policy.discount_for(
            member.tier.tier.as_deref(),
            total,
            Decimal::ZERO,
            ctx.program.currency.minor_digits(),
        )
    })
}

/// The idempotency scope of purchases: a purchase is recorded once per channel and order id.
pub(crate) const PURCHASE_SCOPE: &str = "purchase";

/// A purchase's idempotency key in [`PURCHASE_SCOPE`].
pub(crate) fn purchase_key(r: &PurchaseRequest) -> String {
    format!("{}:{}", r.channel, r.order_id)
}

/// The idempotency scope of a member's events: an event id is unique per member.
pub(crate) fn event_scope(member: MemberId) -> String {
    format!("event:{}", member.0)
}

/// What a purchase earns: its rules' grants and, when it pays out the buyer's referral, the
/// referral grant, with that referral. Reads only; the purchase and its preview both use it.
pub(crate) async fn purchase_earning(
    tx: &mut Tx,
    ctx: &Context<'_>,
    member: &Member,
    r: &PurchaseRequest,
) -> Result<(Earning, Option<Referral>)> {
    let referral = referrals::qualifying(tx, ctx, member, r.total, r.occurred_at).await?;
    let welcome = ctx.referrals.filter(|_| referral.is_some());
    let activity = Activity::Purchase(basket(r));
    let earning = earning(tx, ctx, member, activity, r.occurred_at, "total", welcome).await?;
    Ok((earning, referral))
}

/// Records a custom event once per member and event id and earns what its rules grant.
pub(super) async fn event(tx: &mut Tx, ctx: &Context<'_>, e: &ValidEvent) -> Result<EventOutcome> {
    let r = &e.request;
    let ctx = &ctx.as_of(r.occurred_at);
    // The event id is unique per member, so the member is resolved (and locked) first.
    let member = lock_active(tx, &r.member).await?;
    let scope = event_scope(member.id);
    // The member as given (id or external id) is not part of the fingerprint: either way of
    // naming them is the same event.
    let print = fingerprint(&(&r.event_id, &r.kind, &r.attributes, r.occurred_at))?;
    if let Some(answer) = replay::<EventOutcome>(tx, &scope, &r.event_id, &print).await? {
        return Ok(EventOutcome {
            replayed: true,
            ..answer
        });
    }
    if let Some(late) = e.late {
        return Err(late.refusal());
    }
    let activity = Activity::Event(Event {
        kind: r.kind.clone(),
        attributes: r.attributes.clone(),
    });
    // Reads only: a refusal here (too many points) leaves the transaction untouched.
    let earning = earning(tx, ctx, &member, activity, r.occurred_at, "kind", None).await?;
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
    /// The lot the earn opened, if it earned anything.
    pub(crate) lot: Option<laurel_core::ledger::LotId>,
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
    // History imported late may have expired already: it is expired at once, so no point is
    // ever available past its expiry.
    if schedule.expires_at.is_some_and(|at| at <= ctx.now) {
        let expired = super::points::scheduled(tx, ctx, member.id, ctx.now, Job::Expire).await?;
        credited.status = EarnStatus::Expired;
        credited.balance.available -= expired.get();
    }
    credited.lot = opened.first().copied().map(laurel_core::ledger::LotId);
    let grants: Vec<NewGrant> = earning
        .grants
        .iter()
        .filter(|g| g.points.is_positive())
        .map(|g| NewGrant {
            rule_id: g.rule_id.clone(),
            points: g.points.get(),
            capped_by: g.capped_by,
            basis: Some(g.basis.clone()),
        })
        .collect();
    let digits = ctx.program.currency.minor_digits();
    tx.record_grants(JournalId(journal), member.id, occurred_at, digits, &grants)
        .await?;
    Ok(credited)
}

/// What an activity (a purchase or an event) earns (see [`award`]), given what the member has
/// done so far; a refusal naming `field` when it is more than [`POINTS_MAX`]. `welcome` is the
/// referral policy when the purchase pays out the buyer's referral. Writes nothing: it reads
/// whether this is the member's first purchase and the usage of the rules that have limits
/// (on PostgreSQL, locking the campaign budgets it reads until commit).
async fn earning(
    tx: &mut Tx,
    ctx: &Context<'_>,
    member: &Member,
    activity: Activity,
    occurred_at: Timestamp,
    field: &str,
    welcome: Option<&ReferralPolicy>,
) -> Result<Earning> {
    let first_purchase =
        ctx.rules.asks_first_purchase(&activity) && !tx.has_purchased(member.id).await?;
    let limited = ctx.rules.limited_by(&activity);
    let usage = if limited.is_empty() {
        Default::default()
    } else {
        let periods = usage_periods(ctx.program, occurred_at).map_err(internal)?;
        tx.rule_usage(member.id, &limited.member, &limited.campaign, &periods)
            .await?
    };
    let facts = MemberFacts {
        tier: member.tier.tier.clone(),
        attributes: member.profile.attributes.clone(),
        birthday: member.profile.birthday,
        first_purchase,
    };
    let context = EarnContext::new(activity, facts, occurred_at).with_usage(usage);
    let terms = AwardTerms {
        program: ctx.program,
        rules: ctx.rules,
        tiers: ctx.tiers,
    };
    award(terms, &context, welcome).map_err(|e| match e {
        EarnError::OutOfRange => EngineError::invalid(
            field,
            ErrorCode::InvalidAmount,
            format!("earns more than {POINTS_MAX} points"),
        ),
        other => internal(other),
    })
}
