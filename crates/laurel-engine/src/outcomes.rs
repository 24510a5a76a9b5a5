//! What commands answer. Serialized (as the engine's own storage format, not the API's) so that
//! a retried request gets the very same answer.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// A member's balances right after a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balances {
    /// Spendable points.
    pub available: i64,
    /// Points in the return window.
    pub pending: i64,
}

/// Where earned points went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EarnStatus {
    /// Nothing was earned.
    None,
    /// Pending until the return window closes.
    Pending,
    /// Spendable now.
    Available,
    /// Earned past its expiry (history imported late): posted and expired at once.
    Expired,
}

impl EarnStatus {
    /// Stable name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            EarnStatus::None => "none",
            EarnStatus::Pending => "pending",
            EarnStatus::Available => "available",
            EarnStatus::Expired => "expired",
        }
    }
}

/// The answer to a purchase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaseOutcome {
    /// Laurel's purchase id (for refunds).
    pub purchase_id: i64,
    /// The buyer.
    pub member_id: i64,
    /// Points earned: the sum of the grants.
    pub points_earned: i64,
    /// What earned them, rule by rule: the base earn first, then each rule that took effect.
    /// Answers stored before earning rules existed have none.
    #[serde(default)]
    pub grants: Vec<GrantOutcome>,
    /// What the member's tier took off the basket (the purchase's total), in currency units;
    /// zero without a tier discount (and in answers stored before it was recorded).
    #[serde(default)]
    pub tier_discount: rust_decimal::Decimal,
    /// Pending or available.
    pub status: EarnStatus,
    /// When pending points become available.
    pub pending_until: Option<Timestamp>,
    /// When the points expire.
    pub expires_at: Option<Timestamp>,
    /// Balances after.
    pub balance: Balances,
    /// The member's tier change this purchase brought, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier_change: Option<TierChangeOutcome>,
    /// True when this answer is a replay of the order's first answer (a retry or a re-import),
    /// not a new purchase. Not part of the stored answer.
    #[serde(skip)]
    pub replayed: bool,
}

/// The answer to a custom event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventOutcome {
    /// The member.
    pub member_id: i64,
    /// The caller's event id.
    pub event_id: String,
    /// The event's kind.
    pub kind: String,
    /// Points earned: the sum of the grants.
    pub points_earned: i64,
    /// What earned them, rule by rule (events have no base earn).
    pub grants: Vec<GrantOutcome>,
    /// None, pending or available.
    pub status: EarnStatus,
    /// When pending points become available.
    pub pending_until: Option<Timestamp>,
    /// When the points expire.
    pub expires_at: Option<Timestamp>,
    /// Balances after.
    pub balance: Balances,
    /// The member's tier change this event brought, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier_change: Option<TierChangeOutcome>,
    /// True when this answer is a replay of the event's first answer. Not part of the stored
    /// answer.
    #[serde(skip)]
    pub replayed: bool,
}

/// A change of tier an activity brought.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierChangeOutcome {
    /// The tier before (none below the lowest).
    pub from: Option<String>,
    /// The tier after.
    pub to: Option<String>,
    /// `qualified`, `review` or `manual`.
    pub reason: String,
}

impl From<&laurel_core::tiers::TierChange> for TierChangeOutcome {
    fn from(change: &laurel_core::tiers::TierChange) -> TierChangeOutcome {
        TierChangeOutcome {
            from: change.from.clone(),
            to: change.to.clone(),
            reason: change.reason.as_str().to_owned(),
        }
    }
}

/// What one earning rule (or the base earn, `base`) granted on a purchase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantOutcome {
    /// The rule's id, or `base`.
    pub rule_id: String,
    /// Points granted; zero when a limit left nothing.
    pub points: i64,
    /// The limit that cut the grant down (`per_member_day`…), if one did.
    pub capped_by: Option<String>,
    /// A sentence a cashier or member can read.
    pub explanation: String,
}

/// The answer to a refund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundOutcome {
    /// The purchase.
    pub purchase_id: i64,
    /// The shop's refund id.
    pub refund_id: String,
    /// Money refunded by this refund, minor units.
    pub amount_minor: i64,
    /// Points taken back.
    pub points_reversed: i64,
    /// Points that could not be taken back (cap-at-zero clawback).
    pub shortfall: i64,
    /// The member.
    pub member_id: i64,
    /// Balances after.
    pub balance: Balances,
}

/// One lot a debit drew on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draw {
    /// The lot.
    pub lot_id: i64,
    /// Points taken from it.
    pub points: i64,
}

/// The answer to a redemption or an adjustment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostingOutcome {
    /// The journal entry written.
    pub entry_id: i64,
    /// The member.
    pub member_id: i64,
    /// Signed points moved (negative for debits).
    pub points: i64,
    /// Lots drawn on, for debits.
    pub draws: Vec<Draw>,
    /// Balances after.
    pub balance: Balances,
}
