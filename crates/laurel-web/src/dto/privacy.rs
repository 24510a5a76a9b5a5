//! Privacy: a member's consents with their history, a member erased, and the register of
//! requests to erase.

use jiff::Timestamp;
use laurel_engine::{ConsentChange, ConsentRecord, ErasureOutcome, ErasureRequestView};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// A member's consents now and how they came to be.
#[derive(Serialize, ToSchema)]
pub struct ConsentsResponse {
    /// Laurel's id for the member.
    pub member_id: i64,
    /// Consent to marketing letters per channel (`email`, `sms`, `push`).
    pub channels: BTreeMap<String, bool>,
    /// Consent per purpose (`profiling`).
    pub purposes: BTreeMap<String, bool>,
    /// Every change, newest first.
    pub history: Vec<ConsentChangeBody>,
}

impl ConsentsResponse {
    /// The response for `member`'s `record`.
    pub fn new(member: i64, record: ConsentRecord) -> ConsentsResponse {
        let map =
            |pairs: Vec<(&str, bool)>| pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        ConsentsResponse {
            member_id: member,
            channels: map(record.current.channels()),
            purposes: map(record.current.purposes()),
            history: record.history.into_iter().map(Into::into).collect(),
        }
    }
}

/// One change of consent.
#[derive(Serialize, ToSchema)]
pub struct ConsentChangeBody {
    /// The channel (`email`, `sms`, `push`) or purpose (`profiling`).
    pub consent: String,
    /// Given (true) or withdrawn.
    pub given: bool,
    /// When.
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    /// Where it was made: `portal` (the member's profile) or `unsubscribe` (a letter's link).
    pub source: String,
}

impl From<ConsentChange> for ConsentChangeBody {
    fn from(c: ConsentChange) -> ConsentChangeBody {
        ConsentChangeBody {
            consent: c.subject,
            given: c.given,
            at: c.at,
            source: c.source,
        }
    }
}

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
