//! Deciding a waiting request: approved by another staff member who could make it (then
//! applied as its maker would have made it then — the maker's cap and the fraud rules still
//! judge an adjustment), rejected by one, or withdrawn by its maker.
//!
//! Approving is one transaction: the operation carries the approval (an [`ApprovalClaim`])
//! to where it is written, and the transaction that writes it moves the request from
//! `waiting` to `approved` with what it made (see [`super::claim`]). So of two staff
//! approving at once only one applies it, the other answered `approval_decided`; and a
//! request whose applying is refused (the member's points no longer cover a debit, a tier
//! dropped since, another program version stored since a program change was asked) stays
//! waiting, as nothing of it was written. Rejecting and withdrawing are
//! one conditional update from `waiting`.

use super::{ApprovalView, Proposal, StaffMember};
use crate::Engine;
use crate::error::{EngineError, Result};
use crate::programs::apply::{ApplyProgram, ApprovedChange};
use crate::requests::{AdjustRequest, AssignTierRequest};
use crate::staff::Role;
use jiff::Timestamp;
use laurel_core::staff::{Decision, DecisionRefusal, Waiting, may_decide};
use laurel_store::ApprovalClaim;

impl Engine {
    /// `by` approves, rejects or withdraws request `id`; the request as it then stands.
    /// Refused when it was decided already (`approval_decided`), when its maker approves or
    /// rejects it (`own_approval`), when `by` could not make it themselves or withdraws
    /// another's (`approval_not_allowed`), and with the operation's own refusal when applying
    /// it is refused (the request then waits still).
    pub async fn decide_approval(
        &self,
        id: i64,
        by: &StaffMember,
        decision: Decision,
    ) -> Result<ApprovalView> {
        let request = self.approval(id).await?;
        let waiting = Waiting {
            kind: request.kind(),
            state: request.state,
            maker: request.requested_by.id,
        };
        may_decide(waiting, by.id, by.role, decision).map_err(|refusal| match refusal {
            DecisionRefusal::Decided(state) => EngineError::ApprovalDecided(id, state),
            DecisionRefusal::OwnRequest => EngineError::OwnApproval(id),
            DecisionRefusal::NotMaker | DecisionRefusal::NotAllowed => {
                EngineError::ApprovalNotAllowed(id)
            }
        })?;
        if decision == Decision::Approve {
            // Another node may have applied a program since: its caps and tiers judge.
            self.reload_programs().await?;
            let claim = ApprovalClaim {
                id,
                by: by.stored(),
            };
            self.apply_approved(&request, by, claim).await?;
        } else {
            let now = crate::as_stored(Timestamp::now());
            let closed = self
                .store
                .close_approval(id, decision.leaves(), &by.stored(), now)
                .await?;
            if !closed {
                let now_stands = self.approval(id).await?.state;
                return Err(EngineError::ApprovalDecided(id, now_stands));
            }
        }
        tracing::info!(id, decision = ?decision, actor = by.actor, "request for approval decided");
        self.approval(id).await
    }

    /// Applies an approved request through the path it would have taken unapproved, as its
    /// maker, carrying `claim` to the transaction that writes it.
    async fn apply_approved(
        &self,
        request: &ApprovalView,
        by: &StaffMember,
        claim: ApprovalClaim,
    ) -> Result<()> {
        let maker = request.requested_by.actor.as_str();
        match request.proposal.clone() {
            Proposal::Adjustment {
                member_id,
                points,
                reason,
                note,
                idempotency_key,
                role,
            } => {
                // The checker could make it themselves: within their own cap too.
                self.definition().adjust_policy.check(by.role, points)?;
                let role: Role = role
                    .parse()
                    .map_err(|e: crate::staff::UnknownRole| EngineError::Internal(e.to_string()))?;
                let adjustment = AdjustRequest {
                    member_id,
                    points,
                    reason,
                    note,
                    idempotency_key,
                };
                self.adjust_approved(adjustment, maker, role, Some(claim))
                    .await?;
            }
            Proposal::TierAssignment {
                member_id,
                tier,
                reason,
                until,
            } => {
                let assignment = AssignTierRequest {
                    member_id,
                    tier,
                    reason,
                    until,
                };
                self.assign_tier_now(assignment, maker, Some(claim)).await?;
            }
            Proposal::ProgramChange {
                text,
                effective_from,
                note,
                based_on,
            } => {
                let change = ApplyProgram {
                    text,
                    effective_from,
                    note,
                    dry_run: false,
                };
                let approved = ApprovedChange { claim, based_on };
                self.apply_program_now(change, maker, Some(&approved))
                    .await?;
            }
        }
        Ok(())
    }
}
