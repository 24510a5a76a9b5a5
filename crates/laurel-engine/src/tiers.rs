//! Tiers in the write path: upgrades after activity, reviews, manual assignment; and the
//! status read (progress, the next review's outcome, history).
//!
//! The core decides ([`TierPolicy`]); this module measures the metric over the window the
//! policy names, stores the status and records every change.

use crate::Engine;
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use crate::execute::Context;
use crate::outcomes::TierChangeOutcome;
use crate::requests::{AssignTierRequest, MemberRef};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use laurel_core::Program;
use laurel_core::tiers::{
    Tier, TierChange, TierDecision, TierMetric, TierPolicy, TierProgress, TierStatus, Window,
};
use laurel_store::{Member, MemberId, Store, TierHistoryEntry, Tx};
use rust_decimal::Decimal;

/// A member's raw metric value as the policy compares it: spend in currency units.
fn metric_value(program: &Program, metric: TierMetric, raw: i64) -> Decimal {
    match metric {
        TierMetric::Spend => Decimal::new(raw, program.currency.minor_digits()),
        TierMetric::Purchases | TierMetric::PointsEarned => Decimal::from(raw),
    }
}

/// The policy's metric for a member over `window`, read inside a transaction.
pub(crate) async fn measured(
    tx: &mut Tx,
    program: &Program,
    policy: &TierPolicy,
    member: MemberId,
    window: Window,
) -> Result<Decimal> {
    let raw = tx.tier_metric(member, policy.metric, window).await?;
    Ok(metric_value(program, policy.metric, raw))
}

/// The refusal for tier requests when the program defines no tiers.
fn no_tiers() -> EngineError {
    EngineError::invalid("tier", ErrorCode::UnknownTier, "the program has no tiers")
}

/// Stores a decision if it changed anything, recording its change with `note` and `actor`.
async fn store_decision(
    tx: &mut Tx,
    member: MemberId,
    before: &TierStatus,
    decision: &TierDecision,
    note: Option<&str>,
    actor: Option<&str>,
    at: Timestamp,
) -> Result<Option<TierChangeOutcome>> {
    if decision.status != *before {
        tx.set_tier(member, &decision.status).await?;
    }
    let Some(change) = &decision.change else {
        return Ok(None);
    };
    tx.record_tier_change(member, change, note, actor, at)
        .await?;
    Ok(Some(change.into()))
}

/// A new member's starting tier (the lowest, when its threshold is zero), stored and recorded.
pub(crate) async fn enrolled(
    tx: &mut Tx,
    ctx: &Context<'_>,
    member: MemberId,
    at: Timestamp,
) -> Result<TierStatus> {
    let Some(policy) = ctx.tiers else {
        return Ok(TierStatus::default());
    };
    let status = policy.initial(at);
    if status.tier.is_some() {
        let decision = TierDecision {
            change: Some(TierChange {
                from: None,
                to: status.tier.clone(),
                reason: laurel_core::tiers::TierChangeReason::Qualified,
            }),
            status: status.clone(),
        };
        store_decision(
            tx,
            member,
            &TierStatus::default(),
            &decision,
            None,
            None,
            at,
        )
        .await?;
    }
    Ok(status)
}

/// After a member's activity (a purchase, or an event when points earned qualify): an upgrade
/// if they now qualify higher, or the end of their grace period if they requalified.
pub(crate) async fn after_activity(
    tx: &mut Tx,
    ctx: &Context<'_>,
    member: &Member,
) -> Result<Option<TierChangeOutcome>> {
    let Some(policy) = ctx.tiers else {
        return Ok(None);
    };
    let at_top = policy.rank(member.tier.tier.as_deref()) == policy.tiers().len();
    if at_top && member.tier.downgrade_at.is_none() {
        // Nothing an activity can change: skip the metric query.
        return Ok(None);
    }
    let tz = &ctx.program.time_zone;
    let window = policy.activity_window(ctx.now, tz);
    let value = measured(tx, ctx.program, policy, member.id, window).await?;
    let decision = policy.after_activity(&member.tier, value, ctx.now, tz);
    store_decision(tx, member.id, &member.tier, &decision, None, None, ctx.now).await
}

/// Reviews catch up with at most this many due reviews of one member at once (a job that has
/// not run for years); the rest wait for the next run.
const REVIEWS_PER_RUN_MAX: usize = 24;

/// Runs a member's due reviews up to `now`; returns how many changed their tier.
pub(crate) async fn review(
    tx: &mut Tx,
    ctx: &Context<'_>,
    member: MemberId,
    now: Timestamp,
) -> Result<u64> {
    let locked = tx
        .lock_member(Some(member), None)
        .await?
        .ok_or_else(|| EngineError::UnknownMember(member.0.to_string()))?;
    let Some(policy) = ctx.tiers else {
        // The program dropped its tiers: nothing to review any more.
        if locked.tier.review_at.is_some() {
            let status = TierStatus {
                review_at: None,
                ..locked.tier.clone()
            };
            tx.set_tier(member, &status).await?;
        }
        return Ok(0);
    };
    let tz = &ctx.program.time_zone;
    let mut status = locked.tier.clone();
    let mut changes = 0;
    for _ in 0..REVIEWS_PER_RUN_MAX {
        let Some(at) = status.review_at.filter(|at| *at <= now) else {
            break;
        };
        let window = policy.review_window(at, tz);
        let value = measured(tx, ctx.program, policy, member, window).await?;
        let decision = policy.review(&status, value, at, tz);
        if let Some(change) = &decision.change {
            tx.record_tier_change(member, change, None, Some("scheduler"), at)
                .await?;
            changes += 1;
        }
        let stuck = decision.status.review_at == Some(at);
        status = decision.status;
        if stuck {
            // A review that schedules itself again at the same instant would loop.
            status.review_at = None;
            break;
        }
    }
    if status != locked.tier {
        tx.set_tier(member, &status).await?;
    }
    Ok(changes)
}

/// Checks an assignment against the program before the write path: a known tier, a reason,
/// an end in the future.
pub(crate) fn validate_assignment(
    policy: Option<&TierPolicy>,
    request: AssignTierRequest,
    now: Timestamp,
) -> Result<AssignTierRequest> {
    let policy = policy.ok_or_else(no_tiers)?;
    if policy.tier(&request.tier).is_none() {
        let known: Vec<&str> = policy.tiers().iter().map(|t| t.id.as_str()).collect();
        return Err(EngineError::invalid(
            "tier",
            ErrorCode::UnknownTier,
            format!(
                "no tier `{}`: the program's tiers are {}",
                request.tier,
                known.join(", ")
            ),
        ));
    }
    crate::commands::text("reason", &request.reason)?;
    if request.until.is_some_and(|until| until <= now) {
        return Err(EngineError::invalid(
            "until",
            ErrorCode::InvalidField,
            "must be in the future",
        ));
    }
    Ok(request)
}

/// An admin's assignment, already validated; `actor` is recorded.
pub(crate) async fn assign(
    tx: &mut Tx,
    ctx: &Context<'_>,
    request: &AssignTierRequest,
    actor: &str,
) -> Result<()> {
    let policy = ctx.tiers.ok_or_else(no_tiers)?;
    let member = tx
        .lock_member(Some(MemberId(request.member_id)), None)
        .await?
        .ok_or_else(|| EngineError::UnknownMember(request.member_id.to_string()))?;
    let decision = policy.assign(
        &member.tier,
        &request.tier,
        &request.reason,
        request.until,
        ctx.now,
        &ctx.program.time_zone,
    );
    store_decision(
        tx,
        member.id,
        &member.tier,
        &decision,
        Some(&request.reason),
        Some(actor),
        ctx.now,
    )
    .await?;
    Ok(())
}

/// What the next review will do if nothing else happens before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextReview {
    /// When it falls.
    pub at: Timestamp,
    /// The tier after it (the same as now when nothing changes).
    pub tier_after: Option<String>,
    /// Set when the review would start a grace period: the member keeps the tier until then
    /// to requalify.
    pub grace_until: Option<Timestamp>,
}

/// A member's tier status as shown to staff and members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierView {
    /// The member.
    pub member_id: i64,
    /// Their tier, if any (the policy's definition of it).
    pub tier: Option<Tier>,
    /// The stored status: since when, manual assignment, grace deadline.
    pub status: TierStatus,
    /// The qualifying metric.
    pub metric: TierMetric,
    /// The window the metric is measured over now.
    pub window: Window,
    /// Progress towards the next tier.
    pub progress: TierProgress,
    /// The next review, if one is due some day.
    pub next_review: Option<NextReview>,
    /// Changes, newest first.
    pub history: Vec<TierHistoryEntry>,
}

impl Engine {
    /// A member's tier: where they stand, what it takes to go up, what the next review does.
    pub async fn tier_status(&self, member: &MemberRef) -> Result<TierView> {
        let definition = self.definition();
        let policy = definition.tiers.as_ref().ok_or_else(no_tiers)?;
        let member = self.member(member).await?;
        let (program, store) = (&definition.program, self.store());
        let tz: &TimeZone = &program.time_zone;
        let now = Timestamp::now();
        let window = policy.activity_window(now, tz);
        let value = measure(store, program, policy, member.id, window).await?;
        let next_review = match member.tier.review_at {
            None => None,
            Some(at) => {
                let then = measure(
                    store,
                    program,
                    policy,
                    member.id,
                    policy.review_window(at, tz),
                )
                .await?;
                let decision = policy.review(&member.tier, then, at, tz);
                Some(NextReview {
                    at,
                    tier_after: decision.status.tier.clone(),
                    grace_until: decision
                        .status
                        .downgrade_at
                        .filter(|_| member.tier.downgrade_at.is_none()),
                })
            }
        };
        Ok(TierView {
            member_id: member.id.0,
            tier: member
                .tier
                .tier
                .as_deref()
                .and_then(|id| policy.tier(id))
                .cloned(),
            metric: policy.metric,
            window,
            progress: policy.progress(&member.tier, value, window),
            next_review,
            history: store.tier_history(member.id).await?,
            status: member.tier,
        })
    }

    /// Puts a member in a tier by an admin's decision, recorded with `actor`.
    pub async fn assign_tier(&self, request: AssignTierRequest, actor: &str) -> Result<TierView> {
        let member_id = request.member_id;
        let valid =
            validate_assignment(self.definition().tiers.as_ref(), request, Timestamp::now())?;
        let command = crate::commands::Command::AssignTier {
            request: valid,
            actor: actor.to_owned(),
        };
        match self.writer.submit(command).await? {
            crate::execute::Outcome::TierAssigned => {
                self.tier_status(&MemberRef::Id(member_id)).await
            }
            other => Err(EngineError::Internal(format!(
                "write path answered {other:?}"
            ))),
        }
    }
}

async fn measure(
    store: &Store,
    program: &Program,
    policy: &TierPolicy,
    member: MemberId,
    window: Window,
) -> Result<Decimal> {
    let raw = store.tier_metric(member, policy.metric, window).await?;
    Ok(metric_value(program, policy.metric, raw))
}
