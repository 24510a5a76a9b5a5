//! A staff member's adjustment, tier assignment or program change: made at once when the
//! program needs no approval of it, else checked as far as it can be now (so the maker hears
//! of a mistake at once, not after a second person looked) and stored as waiting.

use super::{ApprovalView, Made, Proposal, StaffMember};
use crate::Engine;
use crate::error::Result;
use crate::outcomes::PostingOutcome;
use crate::programs::apply::{Applied, ApplyProgram};
use crate::requests::{AdjustRequest, AssignTierRequest, MemberRef};
use crate::staff::ApprovalKind;
use crate::tiers::TierView;
use crate::tiers::execute::validate_assignment;
use jiff::Timestamp;
use laurel_store::{MemberId, NewApproval};

impl Engine {
    /// A staff member's credit or debit: made at once (within the
    /// program's `[staff] adjust_max` for their role), or,
    /// when it moves more points than the program's `[staff.approval] adjust_over`, stored
    /// for a second staff member (refused at once when over the maker's own cap).
    pub async fn adjust_by(
        &self,
        request: AdjustRequest,
        by: &StaffMember,
    ) -> Result<Made<PostingOutcome>> {
        self.reload_programs().await?;
        let definition = self.definition();
        if !definition
            .approval
            .needs(ApprovalKind::Adjustment, request.points)
        {
            return self
                .adjust_as(request, &by.actor, by.role)
                .await
                .map(Made::Done);
        }
        let valid = crate::points::validate::adjust(request)?;
        definition.adjust_policy.check(by.role, valid.points)?;
        self.waiting_member(valid.member_id).await?;
        let member = Some(MemberId(valid.member_id));
        self.wait(Proposal::adjustment(valid, by.role), member, by)
            .await
    }

    /// A staff member puts a member in a tier: at once, or stored for a second staff member
    /// when the program's `[staff.approval] tier_assignments` says so.
    pub async fn assign_tier_by(
        &self,
        request: AssignTierRequest,
        by: &StaffMember,
    ) -> Result<Made<TierView>> {
        self.reload_programs().await?;
        let definition = self.definition();
        if !definition.approval.needs(ApprovalKind::TierAssignment, 0) {
            return self
                .assign_tier_now(request, &by.actor, None)
                .await
                .map(Made::Done);
        }
        let valid = validate_assignment(definition.tiers.as_ref(), request, Timestamp::now())?;
        self.waiting_member(valid.member_id).await?;
        let member = Some(MemberId(valid.member_id));
        self.wait(Proposal::tier_assignment(valid), member, by)
            .await
    }

    /// A staff member applies a program version: at once (and a dry run always), or, when
    /// the program in force's `[staff.approval] program_changes` says so, checked as a dry run
    /// and stored for a second staff member.
    pub async fn apply_program_by(
        &self,
        request: ApplyProgram,
        by: &StaffMember,
    ) -> Result<Made<Applied>> {
        self.reload_programs().await?;
        let needs = self
            .definition()
            .approval
            .needs(ApprovalKind::ProgramChange, 0);
        if request.dry_run || !needs {
            return self
                .apply_program_now(request, &by.actor, None)
                .await
                .map(Made::Done);
        }
        // Read before the check, so the text was checked against this version or a newer one.
        let based_on = self.programs.newest_stored();
        let check = ApplyProgram {
            dry_run: true,
            ..request.clone()
        };
        if let Applied::Unchanged(same) = self.apply_program_now(check, &by.actor, None).await? {
            // Nothing would change: nothing to approve.
            return Ok(Made::Done(Applied::Unchanged(same)));
        }
        self.wait(Proposal::program_change(request, based_on), None, by)
            .await
    }

    /// Refuses a request about a member who is unknown or erased.
    async fn waiting_member(&self, id: i64) -> Result<()> {
        let member = self.member(&MemberRef::Id(id)).await?;
        crate::members::require_not_erased(&member)
    }

    /// Stores `proposal` as waiting for approval.
    async fn wait<T>(
        &self,
        proposal: Proposal,
        member: Option<MemberId>,
        by: &StaffMember,
    ) -> Result<Made<T>> {
        let asked = NewApproval {
            kind: proposal.kind(),
            request: proposal.write()?,
            member,
            requested_by: by.stored(),
            requested_at: crate::as_stored(Timestamp::now()),
        };
        let id = self.store.insert_approval(&asked).await?;
        tracing::info!(id, kind = %asked.kind, actor = by.actor, "waiting for approval");
        Ok(Made::Waiting(Box::new(ApprovalView::read(
            laurel_store::Approval {
                id,
                asked,
                state: crate::staff::ApprovalState::Waiting,
                decided: None,
                journal: None,
                program_version: None,
            },
        )?)))
    }
}
