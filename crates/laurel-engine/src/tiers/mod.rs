//! Tiers: a member's status read (progress, the next review's outcome, history).
//!
//! The core decides ([`TierPolicy`]); this module measures the metric over the window the
//! policy names, stores the status and records every change.

pub(crate) mod execute;

use crate::Engine;
use crate::error::{EngineError, Result};
use crate::requests::{AssignTierRequest, MemberRef};
use crate::tiers::execute::{no_tiers, validate_assignment};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use laurel_core::Program;
use laurel_core::tiers::{Tier, TierMetric, TierPolicy, TierProgress, TierStatus, Window};
use laurel_store::{MemberId, Store, TierHistoryEntry};
use rust_decimal::Decimal;

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

    /// Puts a member in a tier by an admin's decision, recorded with `actor`. Refused
    /// (`approval_required`) when the program says a second staff member must approve tier
    /// assignments: the API's keys have no second person behind them.
    pub async fn assign_tier(&self, request: AssignTierRequest, actor: &str) -> Result<TierView> {
        self.refuse_unapproved(crate::staff::ApprovalKind::TierAssignment, 0)
            .await?;
        self.assign_tier_now(request, actor, None).await
    }

    /// [`Engine::assign_tier`] whatever the approvals: a staff member's that needs none, or
    /// one approved (carrying its `approval`, approved as it is written).
    pub(crate) async fn assign_tier_now(
        &self,
        request: AssignTierRequest,
        actor: &str,
        approval: Option<laurel_store::ApprovalClaim>,
    ) -> Result<TierView> {
        let member_id = request.member_id;
        let valid =
            validate_assignment(self.definition().tiers.as_ref(), request, Timestamp::now())?;
        let command = crate::write::command::Command::AssignTier {
            request: valid,
            actor: actor.to_owned(),
            approval,
        };
        match self.writer.submit(command).await? {
            crate::write::outcome::Outcome::TierAssigned => {
                self.tier_status(&MemberRef::Id(member_id)).await
            }
            other => Err(EngineError::Internal(format!(
                "write path answered {other:?}"
            ))),
        }
    }
}

pub(crate) async fn measure(
    store: &Store,
    program: &Program,
    policy: &TierPolicy,
    member: MemberId,
    window: Window,
) -> Result<Decimal> {
    let raw = store.tier_metric(member, policy.metric, window).await?;
    Ok(policy.metric.from_raw(raw, program.currency.minor_digits()))
}
