//! The JSON shapes of custom events: an event a member did and its answer.

use super::{EarnedBody, instant, member_ref, whole};
use crate::error::ApiError;
use laurel_engine::EventOutcome;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Record a custom event a member did. Name the member by `member_id` or `external_id`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventBody {
    /// Your event id; unique per member, and the idempotency key.
    #[schema(example = "review-88231")]
    #[schema(min_length = 1, max_length = 200)]
    pub event_id: String,
    /// Laurel's member id.
    #[serde(default, deserialize_with = "whole::deserialize_option")]
    pub member_id: Option<i64>,
    /// The business's customer id.
    #[schema(min_length = 1, max_length = 200)]
    pub external_id: Option<String>,
    /// The event's kind: review_written, survey_completed, app_installed, social_share, or a
    /// kind the program declares in `[events] declared`.
    #[schema(example = "review_written")]
    #[schema(min_length = 1, max_length = 200)]
    pub kind: String,
    /// Attributes rule conditions may compare (at most 50; keys and values up to 200 characters).
    #[serde(default)]
    #[schema(example = json!({"rating": "5"}))]
    pub attributes: std::collections::BTreeMap<String, String>,
    /// When the event happened (RFC 3339).
    #[schema(format = DateTime)]
    pub occurred_at: String,
}

impl EventBody {
    /// Into the engine's request.
    pub fn into_request(self) -> Result<laurel_engine::EventRequest, ApiError> {
        Ok(laurel_engine::EventRequest {
            member: member_ref(self.member_id, self.external_id)?,
            event_id: self.event_id,
            kind: self.kind,
            attributes: self.attributes,
            occurred_at: instant("occurred_at", &self.occurred_at)?,
        })
    }
}

/// The answer to an event.
#[derive(Serialize, ToSchema)]
pub struct EventResponse {
    /// The member.
    pub member_id: i64,
    /// Your event id.
    pub event_id: String,
    /// The event's kind.
    pub kind: String,
    /// What it earned.
    #[serde(flatten)]
    pub earned: EarnedBody,
}

impl From<EventOutcome> for EventResponse {
    fn from(e: EventOutcome) -> EventResponse {
        EventResponse {
            member_id: e.member_id,
            event_id: e.event_id,
            kind: e.kind,
            earned: e.earned.into(),
        }
    }
}
