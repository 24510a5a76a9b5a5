//! Saved segments: what is written to save or change one (the engine's `SegmentSpec`,
//! documented there), what is answered, and a page of a segment's members.

use crate::dto::members::MemberBody;
use laurel_engine::{ConditionSpec, SegmentSpec, SegmentView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A segment's new name, description and conditions (its id is the path's).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SegmentChangeBody {
    /// What staff call it.
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// What it is for.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 2000)]
    pub description: Option<String>,
    /// What a member must meet, all at once.
    #[schema(min_items = 1, max_items = 20)]
    pub conditions: Vec<ConditionSpec>,
}

impl SegmentChangeBody {
    /// The whole segment, under the path's id.
    pub fn into_spec(self, id: String) -> SegmentSpec {
        SegmentSpec {
            id,
            name: self.name,
            description: self.description,
            conditions: self.conditions,
        }
    }
}

/// A saved segment and how many members it held at its last refresh.
#[derive(Serialize, ToSchema)]
pub struct SegmentResponse {
    /// Its id.
    pub id: String,
    /// What staff call it.
    pub name: String,
    /// What it is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Its conditions, as written.
    pub conditions: Vec<ConditionSpec>,
    /// When it was saved first (RFC 3339).
    pub created_at: String,
    /// When it was last changed.
    pub updated_at: String,
    /// When its members were last worked out: on saving, then daily.
    pub refreshed_at: Option<String>,
    /// How many members it held then.
    pub members: i64,
}

impl From<SegmentView> for SegmentResponse {
    fn from(view: SegmentView) -> SegmentResponse {
        SegmentResponse {
            id: view.spec.id,
            name: view.spec.name,
            description: view.spec.description,
            conditions: view.spec.conditions,
            created_at: view.created_at.to_string(),
            updated_at: view.updated_at.to_string(),
            refreshed_at: view.refreshed_at.map(|t| t.to_string()),
            members: view.members,
        }
    }
}

/// Every saved segment, by id.
#[derive(Serialize, ToSchema)]
pub struct SegmentsResponse {
    /// The segments.
    pub segments: Vec<SegmentResponse>,
}

/// A page of a segment's members, newest first.
#[derive(Serialize, ToSchema)]
pub struct SegmentMembersResponse {
    /// The members.
    pub members: Vec<MemberBody>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}
