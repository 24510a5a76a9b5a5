//! Custom events.

use crate::AppState;
use crate::api::responses::errors;
use crate::auth::Caller;
use crate::dto::{EventBody, EventResponse};
use crate::error::ApiResult;
use crate::extract::ApiJson;
use axum::Json;
use axum::extract::State;
use laurel_engine::Scope;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The events routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(event))
}

errors!(EventErrors: [BODY, WRITE], [UnknownMember, IdempotencyConflict, MemberSuspended, MemberErased, MissingField, InvalidField, InvalidDate, BackdatedTooFar, UnknownEventKind, FraudRefused]);

/// Record a custom event a member did (wrote a review, installed the app…) and earn what the
/// program's event rules grant for it. Idempotent by (member, event_id): the same event again
/// has one effect and gets the same answer; a different body is `idempotency_conflict`.
#[utoipa::path(post, path = "/api/v1/events", tag = "events", request_body = EventBody,
    responses((status = 200, description = "The points the event rules granted and the balance after.", body = EventResponse), EventErrors),
    security(("api_key" = [])))]
async fn event(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<EventBody>,
) -> ApiResult<Json<EventResponse>> {
    caller.require(Scope::Pos)?;
    Ok(Json(
        state
            .engine
            .record_event(body.into_request()?)
            .await?
            .into(),
    ))
}
