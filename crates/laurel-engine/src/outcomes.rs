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
    /// Held for review by a fraud rule: spendable once a reviewer releases it.
    Held,
    /// Earned past its expiry (history imported late): posted and expired at once.
    Expired,
}

impl EarnStatus {
    /// Stable name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            EarnStatus::None => "none",
            EarnStatus::Pending => "pending",
            EarnStatus::Held => "held",
            EarnStatus::Available => "available",
            EarnStatus::Expired => "expired",
        }
    }
}

/// What a purchase or an event earned: the part of their answers they share. Flattened into
/// both, so their stored answers keep the shape they had before it was shared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Earned {
    /// Points earned: the sum of the grants.
    pub points_earned: i64,
    /// What earned them, rule by rule: for a purchase the base earn first, then each rule that
    /// took effect. Purchase answers stored before earning rules existed have none.
    #[serde(default)]
    pub grants: Vec<GrantOutcome>,
    /// None, pending, available or expired.
    pub status: EarnStatus,
    /// When pending points become available.
    pub pending_until: Option<Timestamp>,
    /// When the points expire.
    pub expires_at: Option<Timestamp>,
    /// Balances after.
    pub balance: Balances,
    /// The member's tier change the activity brought, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier_change: Option<TierChangeOutcome>,
}

/// The answer to a purchase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaseOutcome {
    /// Laurel's purchase id (for refunds).
    pub purchase_id: i64,
    /// The buyer.
    pub member_id: i64,
    /// What the member's tier took off the basket (the purchase's total), in currency units;
    /// zero without a tier discount (and in answers stored before it was recorded).
    #[serde(default)]
    pub tier_discount: rust_decimal::Decimal,
    /// What it earned.
    #[serde(flatten)]
    pub earned: Earned,
    /// True when this answer is a replay of the order's first answer (a retry or a re-import),
    /// not a new purchase. Not part of the stored answer.
    #[serde(skip)]
    pub replayed: bool,
}

/// The answer to a purchase by a customer who is not a member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuestPurchaseOutcome {
    /// Laurel's id of the recorded purchase.
    pub guest_purchase_id: i64,
    /// True when this answer is a replay of the order's first answer. Not stored.
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
    /// What it earned (events have no base earn).
    #[serde(flatten)]
    pub earned: Earned,
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::{EventOutcome, PurchaseOutcome};
    use serde::Serialize;
    use serde::de::DeserializeOwned;
    use serde_json::{Value, json};

    /// `answer` is in the shape stored before `Earned` existed: a retry must still read it, and
    /// storing it again must give the very same JSON (another node may run that version).
    fn stored<T: DeserializeOwned + Serialize>(answer: Value) {
        let read: T = serde_json::from_value(answer.clone()).unwrap();
        assert_eq!(serde_json::to_value(&read).unwrap(), answer);
    }

    #[test]
    fn purchase_answers_keep_their_stored_shape() {
        stored::<PurchaseOutcome>(json!({
            "purchase_id": 7,
            "member_id": 3,
            "points_earned": 228,
            "grants": [
                {"rule_id": "base", "points": 128, "capped_by": null,
                 "explanation": "1 point per 1.00 spent"},
                {"rule_id": "double_tuesday", "points": 100, "capped_by": "per_member_day",
                 "explanation": "Double points Tuesday: 2× on 128.00 → +100"},
            ],
            "tier_discount": "6.4",
            "status": "pending",
            "pending_until": "2026-12-08T09:30:00Z",
            "expires_at": "2027-11-24T09:30:00Z",
            "balance": {"available": 40, "pending": 228},
            "tier_change": {"from": "silver", "to": "gold", "reason": "qualified"},
        }));
    }

    #[test]
    fn purchase_answers_from_before_rules_and_tier_discounts_still_read() {
        let answer: PurchaseOutcome = serde_json::from_value(json!({
            "purchase_id": 1,
            "member_id": 2,
            "points_earned": 0,
            "status": "none",
            "pending_until": null,
            "expires_at": null,
            "balance": {"available": 0, "pending": 0},
        }))
        .unwrap();
        assert!(answer.earned.grants.is_empty() && answer.earned.tier_change.is_none());
        assert!(answer.tier_discount.is_zero());
    }

    #[test]
    fn event_answers_keep_their_stored_shape() {
        stored::<EventOutcome>(json!({
            "member_id": 3,
            "event_id": "review-88231",
            "kind": "review_written",
            "points_earned": 20,
            "grants": [
                {"rule_id": "reviews", "points": 20, "capped_by": null,
                 "explanation": "Reviews: +20"},
            ],
            "status": "available",
            "pending_until": null,
            "expires_at": null,
            "balance": {"available": 60, "pending": 0},
        }));
    }
}
