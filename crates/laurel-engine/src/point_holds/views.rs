//! What point hold calls answer: the hold, and the member's points after it.

use jiff::Timestamp;
use laurel_store::StoredPointHold;
use serde::{Deserialize, Serialize};

/// A point hold as told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointHoldView {
    /// Its id (of the one series wallet holds share).
    pub id: i64,
    /// Whose points.
    pub member_id: i64,
    /// Points it holds (or held).
    pub points: i64,
    /// `held`, `captured`, `voided` or `expired`.
    pub state: String,
    /// What its capture spent.
    pub captured: i64,
    /// The order.
    pub reference: String,
    /// When it was placed.
    pub held_at: Timestamp,
    /// When it lapses if not captured.
    pub expires_at: Timestamp,
    /// When it was closed.
    pub closed_at: Option<Timestamp>,
}

impl PointHoldView {
    /// The stored hold as told.
    pub fn of(h: &StoredPointHold) -> PointHoldView {
        PointHoldView {
            id: h.id,
            member_id: h.member.0,
            points: h.points.get(),
            state: h.state.as_str().to_owned(),
            captured: h.captured.get(),
            reference: h.reference.clone(),
            held_at: h.held_at,
            expires_at: h.expires_at,
            closed_at: h.closed_at,
        }
    }
}

/// The member's points after a hold's change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointsAfter {
    /// Spendable points.
    pub available: i64,
    /// Points in the return window.
    pub pending: i64,
    /// Points held at checkouts.
    pub held: i64,
}

/// A point hold placed, captured, voided or lapsed, with the member's points after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointHoldOutcome {
    /// The hold after it.
    pub hold: PointHoldView,
    /// The member's points after it.
    pub points: PointsAfter,
}
