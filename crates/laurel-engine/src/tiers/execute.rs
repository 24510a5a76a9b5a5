//! Tiers in the write path: the starting tier at enrollment, the upgrade check after activity,
//! reviews, manual assignment. The core decides; this measures, stores and records.

use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use crate::events::emit::emit;
use crate::events::payload::{EventMember, TierChangedData};
use crate::outcomes::TierChangeOutcome;
use crate::requests::AssignTierRequest;
use crate::write::context::Context;
use jiff::Timestamp;
use laurel_core::Program;
use laurel_core::events::EventKind;
use laurel_core::tiers::{ReviewRun, TierChange, TierDecision, TierPolicy, TierStatus, Window};
use laurel_store::{ApprovalClaim, Member, MemberId, Tx};
use rust_decimal::Decimal;

/// The policy's metric for a member over `window`, read inside a transaction.
pub(crate) async fn measured(
    tx: &mut Tx,
    program: &Program,
    policy: &TierPolicy,
    member: MemberId,
    window: Window,
) -> Result<Decimal> {
    let raw = tx.tier_metric(member, policy.metric, window).await?;
    Ok(policy.metric.from_raw(raw, program.currency.minor_digits()))
}

/// The refusal for tier requests when the program defines no tiers.
pub(crate) fn no_tiers() -> EngineError {
    EngineError::invalid("tier", ErrorCode::UnknownTier, "the program has no tiers")
}

/// The member whose tier a decision is about: their id, and their external id for events.
pub(crate) struct Whose<'a>(pub MemberId, pub &'a str);

impl<'a> From<&'a Member> for Whose<'a> {
    fn from(member: &'a Member) -> Whose<'a> {
        Whose(member.id, &member.profile.external_id)
    }
}

/// Stores a decision if it changed anything, recording its change with `note` and `actor`.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn store_decision(
    tx: &mut Tx,
    ctx: &Context<'_>,
    member: Whose<'_>,
    before: &TierStatus,
    decision: &TierDecision,
    note: Option<&str>,
    actor: Option<&str>,
    at: Timestamp,
) -> Result<Option<TierChangeOutcome>> {
    if decision.status != *before {
        tx.set_tier(member.0, &decision.status).await?;
    }
    let Some(change) = &decision.change else {
        return Ok(None);
    };
    // A manual assignment's end is kept with it, so a replay of the history assigns it alike.
    let until = decision.status.manual.as_ref().and_then(|m| m.until);
    record(tx, ctx, &member, change, note, actor, until, at).await?;
    Ok(Some(change.into()))
}

/// Records a change in the member's tier history and tells it as a `tier.changed` event.
#[allow(clippy::too_many_arguments)]
async fn record(
    tx: &mut Tx,
    ctx: &Context<'_>,
    member: &Whose<'_>,
    change: &TierChange,
    note: Option<&str>,
    actor: Option<&str>,
    until: Option<Timestamp>,
    at: Timestamp,
) -> Result<()> {
    tx.record_tier_change(member.0, change, note, actor, until, at)
        .await?;
    emit(tx, ctx, EventKind::TierChanged, Some(member.0.0), || {
        TierChangedData {
            member: EventMember {
                id: member.0.0,
                external_id: member.1.to_owned(),
            },
            from: change.from.clone(),
            to: change.to.clone(),
            reason: change.reason.as_str().to_owned(),
        }
    })
    .await
}

/// A new member's starting tier (the lowest, when its threshold is zero), stored and recorded
/// as held since they joined (`at`, in the past for a member brought from elsewhere).
///
/// The program in force now decides it, not the one in force when they joined: the member
/// holds the tier from now on under this program, which may have added tiers or dropped
/// those nobody held since. The starting tier schedules no review (nothing a review decides
/// can lower it), so a join date long past never leaves a review overdue; an upgrade later
/// schedules one from the activity's instant.
pub(crate) async fn enrolled(
    tx: &mut Tx,
    ctx: &Context<'_>,
    member: Whose<'_>,
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
            ctx,
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
    store_decision(
        tx,
        ctx,
        member.into(),
        &member.tier,
        &decision,
        None,
        None,
        ctx.now,
    )
    .await
}

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
    let mut run = ReviewRun::new(locked.tier.clone());
    let mut changes = 0;
    while let Some((at, window)) = run.next_due(policy, now, tz) {
        let value = measured(tx, ctx.program, policy, member, window).await?;
        if let Some(change) = run.review(policy, value, at, tz) {
            let whose = Whose::from(&locked);
            record(tx, ctx, &whose, &change, None, Some("scheduler"), None, at).await?;
            changes += 1;
        }
    }
    if run.status != locked.tier {
        tx.set_tier(member, &run.status).await?;
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
    crate::checks::text("reason", &request.reason)?;
    if request.until.is_some_and(|until| until <= now) {
        return Err(EngineError::invalid(
            "until",
            ErrorCode::InvalidField,
            "must be in the future",
        ));
    }
    Ok(request)
}

/// An admin's assignment, already validated; `actor` is recorded. One a second staff member
/// approved carries their `approval`: its request is approved in this transaction, or
/// (decided by someone else first) nothing is written.
pub(crate) async fn assign(
    tx: &mut Tx,
    ctx: &Context<'_>,
    request: &AssignTierRequest,
    actor: &str,
    approval: Option<&ApprovalClaim>,
) -> Result<()> {
    let policy = ctx.tiers.ok_or_else(no_tiers)?;
    let member = tx
        .lock_member(Some(MemberId(request.member_id)), None)
        .await?
        .ok_or_else(|| EngineError::UnknownMember(request.member_id.to_string()))?;
    crate::members::require_not_erased(&member)?;
    let decision = policy.assign(
        &member.tier,
        &request.tier,
        &request.reason,
        request.until,
        ctx.now,
        &ctx.program.time_zone,
    );
    crate::approvals::claim(tx, approval, ctx.now).await?;
    store_decision(
        tx,
        ctx,
        (&member).into(),
        &member.tier,
        &decision,
        Some(&request.reason),
        Some(actor),
        ctx.now,
    )
    .await?;
    Ok(())
}
