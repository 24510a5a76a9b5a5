//! What a purchase or an event earned, as their answers show it.

use super::{BalanceBody, TierChangeBody};
use laurel_engine::{Earned, GrantOutcome};
use serde::Serialize;
use utoipa::ToSchema;

/// What a purchase or an event earned: the points, rule by rule, where they went, the balance
/// after and the tier change it brought. Flattened into both answers.
#[derive(Serialize, ToSchema)]
pub struct EarnedBody {
    /// Points earned: the sum of the grants.
    pub points_earned: i64,
    /// What earned them, rule by rule in evaluation order: for a purchase the base earn first,
    /// then each earning rule that took effect (events have no base earn).
    pub grants: Vec<GrantBody>,
    /// none, pending, available, or expired (history reported past its expiry: posted and
    /// expired at once).
    pub status: String,
    /// When pending points become available.
    pub pending_until: Option<String>,
    /// When the points expire.
    pub expires_at: Option<String>,
    /// Balances after.
    pub balance: BalanceBody,
    /// The tier change it brought, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier_change: Option<TierChangeBody>,
}

impl From<Earned> for EarnedBody {
    fn from(e: Earned) -> EarnedBody {
        EarnedBody {
            points_earned: e.points_earned,
            grants: e.grants.into_iter().map(Into::into).collect(),
            status: e.status.as_str().to_owned(),
            pending_until: e.pending_until.map(|t| t.to_string()),
            expires_at: e.expires_at.map(|t| t.to_string()),
            balance: e.balance.into(),
            tier_change: e.tier_change.map(Into::into),
        }
    }
}

/// What one earning rule, or the base earn, granted on a purchase.
#[derive(Serialize, ToSchema)]
pub struct GrantBody {
    /// The rule's id from the program file, or `base` for the base earn.
    #[schema(example = "double_tuesday")]
    pub rule_id: String,
    /// Points granted; zero when a limit left nothing.
    pub points: i64,
    /// The limit that cut the grant down, if one did: per_transaction, per_member_day,
    /// per_member_week, per_member_month, per_member_lifetime or campaign_budget.
    #[schema(example = "per_member_day")]
    pub capped_by: Option<String>,
    /// A sentence a cashier or member can read.
    #[schema(example = "Double points Tuesday: 2× on 128.00 → +128")]
    pub explanation: String,
}

impl From<GrantOutcome> for GrantBody {
    fn from(g: GrantOutcome) -> GrantBody {
        GrantBody {
            rule_id: g.rule_id,
            points: g.points,
            capped_by: g.capped_by,
            explanation: g.explanation,
        }
    }
}
