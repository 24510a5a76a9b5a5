//! The JSON shapes of households: making one, asking to join, and the household as answered.

use super::whole;
use laurel_engine::{HouseholdMemberView, HouseholdView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Make a household.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateHouseholdBody {
    /// The member who owns it (and consents to others' joining).
    #[serde(deserialize_with = "whole::deserialize")]
    pub owner_member_id: i64,
    /// What its members call it.
    #[schema(min_length = 1, max_length = 200, example = "The Lis")]
    pub name: String,
}

/// Ask to join a household.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinHouseholdBody {
    /// The member asking.
    #[serde(deserialize_with = "whole::deserialize")]
    pub member_id: i64,
}

/// A member of a household.
#[derive(Serialize, ToSchema)]
pub struct HouseholdMemberBody {
    /// Laurel's member id.
    pub member_id: i64,
    /// The business's customer id.
    pub external_id: String,
    /// Their name, if given.
    pub name: Option<String>,
    /// `owner`, `member`, or `requested` (waiting for the owner's consent).
    pub role: String,
    /// Their spendable points.
    pub available: i64,
    /// When they joined (RFC 3339).
    pub joined_at: Option<String>,
}

impl From<&HouseholdMemberView> for HouseholdMemberBody {
    fn from(m: &HouseholdMemberView) -> HouseholdMemberBody {
        HouseholdMemberBody {
            member_id: m.member_id,
            external_id: m.external_id.clone(),
            name: m.name.clone(),
            role: m.role.clone(),
            available: m.available,
            joined_at: m.joined_at.map(|t| t.to_string()),
        }
    }
}

/// A household.
#[derive(Serialize, ToSchema)]
pub struct HouseholdBody {
    /// Its id.
    pub household_id: i64,
    /// What its members call it.
    pub name: String,
    /// The owner's member id.
    pub owner_member_id: i64,
    /// `pooled` (every member spends from everyone's points) or `owner_pays` (members spend
    /// their own, then the owner's); `none` once the program no longer offers households
    /// (nothing is lent; members may still leave).
    pub mode: String,
    /// The owner, the members, then those waiting.
    pub members: Vec<HouseholdMemberBody>,
    /// The points its members (not those waiting) have together.
    pub pooled: i64,
    /// When it was made (RFC 3339).
    pub created_at: String,
}

impl From<&HouseholdView> for HouseholdBody {
    fn from(h: &HouseholdView) -> HouseholdBody {
        HouseholdBody {
            household_id: h.id,
            name: h.name.clone(),
            owner_member_id: h.owner_id,
            mode: h.mode.clone(),
            members: h.members.iter().map(Into::into).collect(),
            pooled: h.pooled,
            created_at: h.created_at.to_string(),
        }
    }
}

/// A member's household, or the household after someone left: none once it ended.
#[derive(Serialize, ToSchema)]
pub struct MaybeHouseholdResponse {
    /// The household, if there is one.
    pub household: Option<HouseholdBody>,
}
