//! What erasure calls answer.

use jiff::Timestamp;
use laurel_store::ErasureRequest;
use serde::{Deserialize, Serialize};

/// A member erased: the pseudonym the ledger keeps them under and what was forfeited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErasureOutcome {
    /// Laurel's id for the member: unchanged.
    pub member_id: i64,
    /// What their external id became (`erased-…`): it names no one.
    pub pseudonym: String,
    /// Points they held, forfeited as breakage.
    pub forfeited: i64,
    /// When they were erased.
    pub erased_at: Timestamp,
}

/// A request to erase a member, as told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErasureRequestView {
    /// Its id.
    pub id: i64,
    /// The member it concerns.
    pub member_id: i64,
    /// When it was asked for.
    pub requested_at: Timestamp,
    /// `member` (from the portal), or the staff member or key that erased.
    pub requested_by: String,
    /// `requested`, `erased` or `declined`.
    pub state: String,
    /// Who erased or declined.
    pub decided_by: Option<String>,
    /// When.
    pub decided_at: Option<Timestamp>,
    /// Points the erasure forfeited.
    pub forfeited: Option<i64>,
}

impl ErasureRequestView {
    pub(crate) fn of(r: ErasureRequest) -> ErasureRequestView {
        ErasureRequestView {
            id: r.id,
            member_id: r.member.0,
            requested_at: r.requested_at,
            requested_by: r.requested_by,
            state: r.state,
            decided_by: r.decided_by,
            decided_at: r.decided_at,
            forfeited: r.forfeited,
        }
    }
}
