//! What a request for approval would do, kept as JSON until it is decided: the request as its
//! maker made it (and an adjustment's maker's role, whose cap it must still pass).

use crate::error::{EngineError, Result};
use crate::programs::apply::ApplyProgram;
use crate::requests::{AdjustRequest, AssignTierRequest};
use crate::staff::{ApprovalKind, Role};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// An operation waiting for approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Proposal {
    /// A staff credit (positive) or debit (negative).
    Adjustment {
        /// The member.
        member_id: i64,
        /// Signed points.
        points: i64,
        /// Why, as the member is told.
        reason: String,
        /// Staff's note.
        note: Option<String>,
        /// The maker's idempotency key: approving applies it once.
        idempotency_key: String,
        /// The maker's role (its stable name), whose cap the adjustment must pass.
        role: String,
    },
    /// A member put in a tier by hand.
    TierAssignment {
        /// The member.
        member_id: i64,
        /// The tier's id.
        tier: String,
        /// Why.
        reason: String,
        /// Until when; open-ended without.
        until: Option<Timestamp>,
    },
    /// A new program version.
    ProgramChange {
        /// The program text.
        text: String,
        /// In force from; from its approval without.
        effective_from: Option<Timestamp>,
        /// Why the program changes.
        note: Option<String>,
        /// The newest stored version when it was asked, which the text changes (none: only a
        /// program given in code, or a request kept before this was recorded). Approving it is
        /// refused once another version was stored since (`program_changed_since`): it would
        /// silently undo that version.
        #[serde(default)]
        based_on: Option<i64>,
    },
}

impl Proposal {
    /// What kind of operation it is.
    pub fn kind(&self) -> ApprovalKind {
        match self {
            Proposal::Adjustment { .. } => ApprovalKind::Adjustment,
            Proposal::TierAssignment { .. } => ApprovalKind::TierAssignment,
            Proposal::ProgramChange { .. } => ApprovalKind::ProgramChange,
        }
    }

    /// The member it is about, if any.
    pub fn member_id(&self) -> Option<i64> {
        match self {
            Proposal::Adjustment { member_id, .. } | Proposal::TierAssignment { member_id, .. } => {
                Some(*member_id)
            }
            Proposal::ProgramChange { .. } => None,
        }
    }

    /// The request with the free text staff wrote about its member (an adjustment's reason
    /// and note, a tier assignment's reason) replaced by `erased`: what is kept of a request
    /// about a member who was erased. A program change is about nobody.
    pub(crate) fn erased(self, erased: &str) -> Proposal {
        match self {
            Proposal::Adjustment {
                member_id,
                points,
                note,
                idempotency_key,
                role,
                ..
            } => Proposal::Adjustment {
                member_id,
                points,
                reason: erased.to_owned(),
                note: note.map(|_| erased.to_owned()),
                idempotency_key,
                role,
            },
            Proposal::TierAssignment {
                member_id,
                tier,
                until,
                ..
            } => Proposal::TierAssignment {
                member_id,
                tier,
                reason: erased.to_owned(),
                until,
            },
            change @ Proposal::ProgramChange { .. } => change,
        }
    }

    pub(super) fn adjustment(r: AdjustRequest, role: Role) -> Proposal {
        Proposal::Adjustment {
            member_id: r.member_id,
            points: r.points,
            reason: r.reason,
            note: r.note,
            idempotency_key: r.idempotency_key,
            role: role.as_str().to_owned(),
        }
    }

    pub(super) fn tier_assignment(r: AssignTierRequest) -> Proposal {
        Proposal::TierAssignment {
            member_id: r.member_id,
            tier: r.tier,
            reason: r.reason,
            until: r.until,
        }
    }

    pub(super) fn program_change(r: ApplyProgram, based_on: Option<i64>) -> Proposal {
        Proposal::ProgramChange {
            text: r.text,
            effective_from: r.effective_from,
            note: r.note,
            based_on,
        }
    }

    pub(crate) fn write(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|e| EngineError::Internal(e.to_string()))
    }

    pub(crate) fn read(json: &str) -> Result<Proposal> {
        serde_json::from_str(json)
            .map_err(|e| EngineError::Internal(format!("a stored request for approval: {e}")))
    }
}
