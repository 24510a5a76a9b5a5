//! Deciding a waiting request: approved by another staff member who could make it (then
//! applied as its maker would have made it then — the maker's cap and the fraud rules still
//! judge an adjustment), rejected by one, or withdrawn by its maker.
//!
//! The decision is taken first, as a conditional update from `waiting`, so of two staff
//! deciding at once only one wins and nothing is applied twice; a request whose applying is
//! refused (the member's points no longer cover a debit, a tier dropped since) is put back to
//! waiting with the refusal answered, as nothing of it took effect.

use super::{ApprovalView, Proposal, StaffMember};
use crate::Engine;
use crate::error::{EngineError, Result};
use crate::programs::apply::{Applied, ApplyProgram};
use crate::requests::{AdjustRequest, AssignTierRequest};
use crate::staff::Role;
use jiff::Timestamp;
use laurel_core::staff::{Decision, DecisionRefusal, Waiting, may_decide};
use laurel_store::JournalId;

/// What applying an approved request made.
struct Applying {
    journal: Option<JournalId>,
    program_version: Option<i64>,
}

impl Engine {
    /// `by` approves, rejects or withdraws request `id`; the request as it then stands.
    /// Refused when it was decided already (`approval_decided`), when its maker approves or
    /// rejects it (`own_approval`), when `by` could not make it themselves or withdraws
    /// another's (`approval_not_allowed`), and with the operation's own refusal when applying
    /// it is refused.
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
        if let (Decision::Approve, Proposal::Adjustment { points, .. }) =
            (decision, &request.proposal)
        {
            // The checker could make it themselves: within their own cap too.
            self.definition().adjust_policy.check(by.role, *points)?;
        }
        let now = crate::as_stored(Timestamp::now());
        let decided = self
            .store
            .decide_approval(id, decision.leaves(), &by.stored(), now)
            .await?;
        if !decided {
            let now_stands = self.approval(id).await?.state;
            return Err(EngineError::ApprovalDecided(id, now_stands));
        }
        if decision == Decision::Approve {
            match self.apply_approved(&request).await {
                Ok(made) => {
                    self.store
                        .approval_applied(id, made.journal, made.program_version)
                        .await?;
                }
                Err(refused) => {
                    self.store.reopen_approval(id, &by.stored()).await?;
                    return Err(refused);
                }
            }
        }
        tracing::info!(id, decision = ?decision, actor = by.actor, "request for approval decided");
        self.approval(id).await
    }

    /// Applies an approved request through the path it would have taken unapproved, as its
    /// maker.
    async fn apply_approved(&self, request: &ApprovalView) -> Result<Applying> {
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
                let outcome = self.adjust_as(adjustment, maker, role).await?;
                Ok(Applying {
                    journal: Some(JournalId(outcome.entry_id)),
                    program_version: None,
                })
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
                self.assign_tier_now(assignment, maker).await?;
                Ok(Applying {
                    journal: None,
                    program_version: None,
                })
            }
            Proposal::ProgramChange {
                text,
                effective_from,
                note,
            } => {
                let change = ApplyProgram {
                    text,
                    effective_from,
                    note,
                    dry_run: false,
                };
                let version = match self.apply_program_now(change, maker).await? {
                    Applied::Created(v) | Applied::Unchanged(v) | Applied::Checked(v) => v.version,
                };
                Ok(Applying {
                    journal: None,
                    program_version: version,
                })
            }
        }
    }
}
