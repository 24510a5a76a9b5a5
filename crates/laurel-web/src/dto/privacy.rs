//! Erasure: a member erased, and the register of requests to erase.

use jiff::Timestamp;
use laurel_engine::{ErasureOutcome, ErasureRequestView};
use serde::Serialize;
use utoipa::ToSchema;

/// A member erased.
#[derive(Serialize, ToSchema)]
pub struct ErasureResponse {
    /// Laurel's id for the member: unchanged.
    pub member_id: i64,
    /// What their external id became (`erased-…`); it names no one.
    pub pseudonym: String,
    /// Points they held, forfeited as breakage.
    pub forfeited: i64,
    /// When they were erased.
    #[schema(value_type = String, format = DateTime)]
    pub erased_at: Timestamp,
}

impl From<ErasureOutcome> for ErasureResponse {
    fn from(e: ErasureOutcome) -> ErasureResponse {
        ErasureResponse {
            member_id: e.member_id,
            pseudonym: e.pseudonym,
            forfeited: e.forfeited,
            erased_at: e.erased_at,
        }
    }
}

/// A request to erase a member, and what became of it.
#[derive(Serialize, ToSchema)]
pub struct ErasureRequestBody {
    /// Its id.
    pub id: i64,
    /// The member it concerns.
    pub member_id: i64,
    /// When it was asked for.
    #[schema(value_type = String, format = DateTime)]
    pub requested_at: Timestamp,
    /// `member` (asked from the portal), or the staff member or key that erased.
    pub requested_by: String,
    /// `requested` (waiting for staff), `erased` or `declined`.
    pub state: String,
    /// Who erased or declined.
    pub decided_by: Option<String>,
    /// When.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub decided_at: Option<Timestamp>,
    /// Points the erasure forfeited.
    pub forfeited: Option<i64>,
}

impl From<ErasureRequestView> for ErasureRequestBody {
    fn from(r: ErasureRequestView) -> ErasureRequestBody {
        ErasureRequestBody {
            id: r.id,
            member_id: r.member_id,
            requested_at: r.requested_at,
            requested_by: r.requested_by,
            state: r.state,
            decided_by: r.decided_by,
            decided_at: r.decided_at,
            forfeited: r.forfeited,
        }
    }
}

/// Erasure requests, newest first.
#[derive(Serialize, ToSchema)]
pub struct ErasureRequestsResponse {
    /// At most 200.
    pub requests: Vec<ErasureRequestBody>,
}
