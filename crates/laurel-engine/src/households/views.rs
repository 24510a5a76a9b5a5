//! What household calls answer: the household with everyone in it and the points they pool.

use jiff::Timestamp;
use laurel_core::households::HouseholdMode;
use laurel_store::{HouseholdRole, StoredHousehold};
use serde::{Deserialize, Serialize};

/// A member of a household as told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdMemberView {
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
    /// Whether staff suspended them: a suspended member lends nothing.
    #[serde(default)]
    pub suspended: bool,
    /// When they joined (the owner: when they made it).
    pub joined_at: Option<Timestamp>,
}

/// The mode told of a household once the program no longer offers households.
pub const NO_MODE: &str = "none";

/// A household as told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdView {
    /// Its id.
    pub id: i64,
    /// What its members call it.
    pub name: String,
    /// The owner's member id.
    pub owner_id: i64,
    /// `pooled` or `owner_pays`: how its points are spent; `none` once the program no longer
    /// offers households (nothing is lent; its members may still leave).
    pub mode: String,
    /// The owner, the members, then those waiting, in the order they asked.
    pub members: Vec<HouseholdMemberView>,
    /// The points its members (not those waiting, nor those suspended) have together.
    pub pooled: i64,
    /// When it was made.
    pub created_at: Timestamp,
}

impl HouseholdView {
    /// A stored household, its points spent as `mode` says (`None`: the program no longer
    /// offers households).
    pub fn of(h: &StoredHousehold, mode: Option<HouseholdMode>) -> HouseholdView {
        HouseholdView {
            id: h.id,
            name: h.name.clone(),
            owner_id: h.owner.0,
            mode: mode.map_or(NO_MODE, HouseholdMode::as_str).to_owned(),
            members: h
                .members
                .iter()
                .map(|m| HouseholdMemberView {
                    member_id: m.member.0,
                    external_id: m.external_id.clone(),
                    name: m.name.clone(),
                    role: match m.role {
                        HouseholdRole::Requested => "requested",
                        HouseholdRole::Active if m.member == h.owner => "owner",
                        HouseholdRole::Active => "member",
                    }
                    .to_owned(),
                    available: m.available,
                    suspended: m.suspended,
                    joined_at: m.joined_at,
                })
                .collect(),
            pooled: h
                .active()
                .filter(|m| !m.suspended)
                .map(|m| m.available.max(0))
                .sum(),
            created_at: h.created_at,
        }
    }
}
