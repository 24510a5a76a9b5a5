//! What an activity earns (the core's award, after loading what it depends on) and the posting
//! that credits it: shared by purchases, events, previews and a referrer's payout.

use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use crate::jobs::execute::Job;
use crate::outcomes::{Balances, EarnStatus, Earned, GrantOutcome, TierChangeOutcome};
use crate::requests::{LineRequest, POINTS_MAX, PurchaseRequest};
use crate::write::context::Context;
use crate::write::steps::{internal, meta, post};
use jiff::Timestamp;
use laurel_core::Points;
use laurel_core::award::{AwardTerms, award};
use laurel_core::earn::{EarnError, lot_schedule};
use laurel_core::ledger::{LotEffect, LotState, MemberLedger};
use laurel_core::referrals::ReferralPolicy;
use laurel_core::rules::{
    Activity, Basket, EarnContext, Earning, Line, MemberFacts, usage_periods,
};
use laurel_store::{JournalId, Member, MemberId, NewGrant, Referral, Tx};
use rust_decimal::Decimal;

/// What `member`'s tier takes off purchase `r`'s basket under `ctx`'s program (after any
/// coupon, which the till took off before sending the total): zero without tiers, and at a
/// coalition partner, whose prices are its own.
pub(crate) fn tier_discount(ctx: &Context<'_>, member: &Member, r: &PurchaseRequest) -> Decimal {
    match ctx.tiers {
        Some(policy) if r.partner.is_none() => policy.discount_for(
            member.tier.tier.as_deref(),
            r.total,
            Decimal::ZERO,
            ctx.program.currency.minor_digits(),
        ),
        _ => Decimal::ZERO,
    }
}

/// The idempotency scope of purchases: a purchase is recorded once per channel and order id.
pub(crate) const PURCHASE_SCOPE: &str = "purchase";

/// A purchase's idempotency key in [`PURCHASE_SCOPE`].
pub(crate) fn purchase_key(r: &PurchaseRequest) -> String {
    order_key(r.channel, &r.order_id)
}

/// An order's key in [`PURCHASE_SCOPE`], whoever bought.
pub(crate) fn order_key(channel: laurel_core::Channel, order_id: &str) -> String {
    format!("{channel}:{order_id}")
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
    let basket = basket(r);
    let referral =
        crate::referrals::execute::qualifying(tx, ctx, member, &basket, r.occurred_at).await?;
    let welcome = ctx.referrals.filter(|_| referral.is_some());
    let activity = Activity::Purchase(basket);
    let earning = earning(tx, ctx, member, activity, r.occurred_at, "total", welcome).await?;
    Ok((earning, referral))
}

/// A purchase request as the rules see it.
pub(crate) fn basket(r: &PurchaseRequest) -> Basket {
    Basket {
        channel: r.channel,
        store: r.store.clone(),
        total: r.total,
        lines: r.lines.iter().map(line).collect(),
        partner: r.partner.clone(),
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
    pub(crate) status: EarnStatus,
    pub(crate) pending_until: Option<Timestamp>,
    pub(crate) expires_at: Option<Timestamp>,
    /// The lot the earn opened, if it earned anything.
    pub(crate) lot: Option<laurel_core::ledger::LotId>,
    /// The earn posting, if it earned anything.
    pub(crate) journal: Option<JournalId>,
    pub(crate) balance: Balances,
}

impl Credited {
    /// What a purchase or event answers it earned: `earning`'s grants, where they went, and
    /// the tier change the activity brought.
    pub(crate) fn answer(self, earning: Earning, tier_change: Option<TierChangeOutcome>) -> Earned {
        Earned {
            points_earned: earning.total.get(),
            grants: grant_outcomes(earning),
            status: self.status,
            pending_until: self.pending_until,
            expires_at: self.expires_at,
            balance: self.balance,
            tier_change,
        }
    }
}

/// How an earn is posted: the reason and reference on its journal row, and whether a fraud
/// rule holds its points for review.
pub(crate) struct Posted {
    pub(crate) reason: String,
    pub(crate) reference: String,
    pub(crate) held: bool,
}

/// Posts one earn of the earning's total, if above zero, scheduled from `occurred_at` (pending
/// days, expiry; pending until a reviewer releases it when `held` by a fraud rule), and
/// records what each rule granted. The first write of a purchase or event.
pub(crate) async fn credit(
    tx: &mut Tx,
    ctx: &Context<'_>,
    member: &Member,
    earning: &Earning,
    occurred_at: Timestamp,
    posted: Posted,
) -> Result<Credited> {
    let Posted {
        reason,
        reference,
        held,
    } = posted;
    let points = earning.total;
    let mut schedule = lot_schedule(ctx.program, occurred_at).map_err(internal)?;
    if held {
        schedule = schedule.held();
    }
    let mut credited = Credited {
        status: EarnStatus::None,
        pending_until: None,
        expires_at: None,
        lot: None,
        journal: None,
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
            LotState::Pending { .. } if held => (EarnStatus::Held, None),
            LotState::Pending { until } => (EarnStatus::Pending, Some(until)),
            LotState::Available => (EarnStatus::Available, None),
        };
    }
    credited.expires_at = schedule.expires_at;
    let m = meta(ctx, reason, reference, None, occurred_at);
    let (journal, after, opened) = post(tx, ctx, member, &ledger, &posting, m).await?;
    credited.balance = after;
    // History imported late may have expired already: it is expired at once, so no point is
    // ever available past its expiry.
    if schedule.expires_at.is_some_and(|at| at <= ctx.now) {
        let expired =
            crate::jobs::execute::scheduled(tx, ctx, member.id, ctx.now, Job::Expire).await?;
        credited.status = EarnStatus::Expired;
        credited.balance.available -= expired.get();
    }
    credited.lot = opened.first().copied().map(laurel_core::ledger::LotId);
    credited.journal = Some(JournalId(journal));
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
pub(crate) async fn earning(
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
    let segments = if ctx.rules.asks_segments(&activity) {
        tx.member_segments(member.id).await?
    } else {
        Vec::new()
    };
    let facts = MemberFacts {
        tier: member.tier.tier.clone(),
        attributes: member.profile.attributes.clone(),
        birthday: member.profile.birthday,
        first_purchase,
        segments,
    };
    let context = EarnContext::new(activity, facts, occurred_at).with_usage(usage);
    let terms = AwardTerms {
        program: ctx.program,
        rules: ctx.rules,
        tiers: ctx.tiers,
        membership: member
            .plan
            .as_ref()
            .filter(|p| p.holds_at(occurred_at))
            .and_then(|p| ctx.memberships.plan(&p.plan)),
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
