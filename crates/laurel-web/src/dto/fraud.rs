//! Fraud cases and a reviewer's decision.

use jiff::Timestamp;
use laurel_engine::FraudCaseView;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A case: the operation a fraud rule caught, its evidence, and what became of it.
#[derive(Serialize, ToSchema)]
pub struct FraudCaseBody {
    /// Its id.
    pub id: i64,
    /// Whose operation.
    pub member_id: i64,
    /// The deciding rule's id.
    pub rule: String,
    /// What it measures (`points_earned`, `purchases`, `spend`, `redemptions`,
    /// `refund_ratio`, `transfers_in`, `staff_adjusted`, `referrals`, `referral_chain`,
    /// `same_email_domain`, `same_phone_prefix`, `same_device`).
    pub measure: String,
    /// The figure measured over the window, the operation included (a decimal).
    pub observed: String,
    /// The rule's most.
    pub max: String,
    /// The rule's window, in hours.
    pub window_hours: i64,
    /// What the rule did: `flag`, `hold`, `refuse` or `freeze`.
    pub action: String,
    /// What was judged: `purchase`, `event`, `redemption`, `refund`, `transfer`,
    /// `adjustment`, `referral` (the member is the referrer; the reference, who joined) or
    /// `enrollment` (the member who joined).
    pub operation: String,
    /// Its reference: the order's key, the idempotency key, or the staff member who adjusted.
    pub reference: String,
    /// The posting let through, if it was.
    pub journal_id: Option<i64>,
    /// The lot of points held for review, if points were.
    pub lot_id: Option<i64>,
    /// Every rule the operation breached, with its figures.
    #[schema(value_type = Vec<Object>)]
    pub evidence: serde_json::Value,
    /// `open`, `released`, `reversed`, `frozen` or `dismissed`.
    pub state: String,
    /// When it was opened.
    #[schema(value_type = String, format = DateTime)]
    pub opened_at: Timestamp,
    /// Who closed it.
    pub decided_by: Option<String>,
    /// When.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub decided_at: Option<Timestamp>,
}

impl From<FraudCaseView> for FraudCaseBody {
    fn from(c: FraudCaseView) -> FraudCaseBody {
        FraudCaseBody {
            id: c.id,
            member_id: c.member_id,
            rule: c.rule,
            measure: c.measure,
            observed: c.observed.normalize().to_string(),
            max: c.max.normalize().to_string(),
            window_hours: c.window_hours,
            action: c.action,
            operation: c.operation,
            reference: c.reference,
            journal_id: c.journal_id,
            lot_id: c.lot_id,
            evidence: serde_json::from_str(&c.evidence).unwrap_or(serde_json::Value::Null),
            state: c.state,
            opened_at: c.opened_at,
            decided_by: c.decided_by,
            decided_at: c.decided_at,
        }
    }
}

/// Fraud cases, newest first.
#[derive(Serialize, ToSchema)]
pub struct FraudCasesResponse {
    /// At most 200.
    pub cases: Vec<FraudCaseBody>,
}

/// A reviewer's decision on an open case.
#[derive(Deserialize, ToSchema)]
pub struct ReviewBody {
    /// `release` (held points become the member's), `reverse` (they, or the earning let
    /// through, are taken back), `freeze` (the member is suspended) or `dismiss` (nothing was
    /// wrong; held points are released).
    pub action: String,
}
