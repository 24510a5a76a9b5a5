//! Maker-checker: which staff operations a second staff member must approve before they take
//! effect (the program's `[staff.approval]`), and who may decide a waiting request.

use super::role::{Permission, Role};
use crate::Points;

crate::states! {
    /// What a request waiting for approval would do.
    pub enum ApprovalKind ("kind of approval") {
        /// A staff credit or debit of a member's points.
        Adjustment = "adjustment",
        /// Putting a member in a tier by hand.
        TierAssignment = "tier_assignment",
        /// A new program version.
        ProgramChange = "program_change",
    }
}

crate::states! {
    /// Where a request for approval stands.
    pub enum ApprovalState ("approval state") {
        /// Nobody has decided it yet.
        Waiting = "waiting",
        /// A second staff member approved it, and it was applied.
        Approved = "approved",
        /// A second staff member turned it down: nothing was applied.
        Rejected = "rejected",
        /// Its maker took it back: nothing was applied.
        Withdrawn = "withdrawn",
    }
}

impl ApprovalKind {
    /// What a staff member must be allowed to do to make, and so to approve, one.
    pub fn permission(self) -> Permission {
        match self {
            ApprovalKind::Adjustment => Permission::AdjustPoints,
            ApprovalKind::TierAssignment => Permission::ManageMembers,
            ApprovalKind::ProgramChange => Permission::EditProgram,
        }
    }
}

/// Which operations need a second staff member. The default needs none (a program without
/// `[staff.approval]`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ApprovalPolicy {
    /// Adjustments moving more points than this (credit or debit) wait for approval.
    pub adjust_over: Option<Points>,
    /// Manual tier assignments wait for approval.
    pub tier_assignments: bool,
    /// New program versions wait for approval.
    pub program_changes: bool,
}

impl ApprovalPolicy {
    /// Whether an operation of `kind` (an adjustment of `points`) needs a second staff member.
    pub fn needs(&self, kind: ApprovalKind, points: i64) -> bool {
        match kind {
            ApprovalKind::Adjustment => self
                .adjust_over
                .is_some_and(|over| points.unsigned_abs() > over.get().unsigned_abs()),
            ApprovalKind::TierAssignment => self.tier_assignments,
            ApprovalKind::ProgramChange => self.program_changes,
        }
    }

    /// Whether the policy needs approval of anything at all.
    pub fn any(&self) -> bool {
        self.adjust_over.is_some() || self.tier_assignments || self.program_changes
    }
}

/// What a staff member does with a waiting request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Apply it.
    Approve,
    /// Turn it down.
    Reject,
    /// Take one's own back.
    Withdraw,
}

impl Decision {
    /// The state a request is left in by it.
    pub fn leaves(self) -> ApprovalState {
        match self {
            Decision::Approve => ApprovalState::Approved,
            Decision::Reject => ApprovalState::Rejected,
            Decision::Withdraw => ApprovalState::Withdrawn,
        }
    }
}

/// Why a staff member may not decide a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DecisionRefusal {
    /// It was decided already.
    #[error("the request was {0} already")]
    Decided(ApprovalState),
    /// The maker approving or rejecting their own: the point is a second person.
    #[error("a second staff member must decide a request, not its maker")]
    OwnRequest,
    /// Someone else than its maker withdrawing it.
    #[error("only its maker may withdraw a request")]
    NotMaker,
    /// The decider may not make such an operation themselves.
    #[error("the role may not make such an operation")]
    NotAllowed,
}

/// A request as its decider sees it: its kind, state and maker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waiting {
    /// What it would do.
    pub kind: ApprovalKind,
    /// Where it stands.
    pub state: ApprovalState,
    /// The staff account that made it.
    pub maker: i64,
}

/// Whether staff account `by` in `role` may take `decision` on `request`: a waiting request,
/// decided by someone else who could make it (approve, reject), or withdrawn by its maker.
pub fn may_decide(
    request: Waiting,
    by: i64,
    role: Role,
    decision: Decision,
) -> Result<(), DecisionRefusal> {
    if request.state != ApprovalState::Waiting {
        return Err(DecisionRefusal::Decided(request.state));
    }
    let own = request.maker == by;
    match decision {
        Decision::Withdraw if own => Ok(()),
        Decision::Withdraw => Err(DecisionRefusal::NotMaker),
        Decision::Approve | Decision::Reject if own => Err(DecisionRefusal::OwnRequest),
        Decision::Approve | Decision::Reject if !role.may(request.kind.permission()) => {
            Err(DecisionRefusal::NotAllowed)
        }
        Decision::Approve | Decision::Reject => Ok(()),
    }
}
