//! What a purchase or an event earned, as their answers show it.

use laurel_engine::GrantOutcome;
use serde::Serialize;
use utoipa::ToSchema;

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
