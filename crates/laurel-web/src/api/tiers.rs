//! Tiers: a member's tier status and progress; manual assignment.

use crate::AppState;
use crate::api::responses::errors;
use crate::auth::Caller;
use crate::dto::{AssignTierBody, TierStatusBody};
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;
use laurel_engine::{MemberRef, Scope};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The tier routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(tier_status, assign_tier))
}

errors!(TierStatusErrors: [PATH], [UnknownMember, UnknownTier]);

/// A member's tier: current tier and benefits, progress to the next, the next review's
/// outcome, and the history of changes.
#[utoipa::path(get, path = "/api/v1/members/{id}/tier", tag = "tiers", params(("id" = i64, Path, description = "member id")),
    responses((status = 200, description = "The member's tier status.", body = TierStatusBody), TierStatusErrors),
    security(("api_key" = [])))]
async fn tier_status(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<TierStatusBody>> {
    caller.require(Scope::Pos)?;
    Ok(Json(
        state.engine.tier_status(&MemberRef::Id(id)).await?.into(),
    ))
}

errors!(AssignTierErrors: [PATH, BODY, WRITE, ADMIN], [UnknownMember, MemberErased, UnknownTier, MissingField, InvalidField, InvalidDate, ApprovalRequired]);

/// Put a member in a tier (admin keys only), with a reason and an optional end; the key is
/// recorded as the actor. Reviews leave the tier alone until the end date.
#[utoipa::path(post, path = "/api/v1/members/{id}/tier", tag = "tiers", request_body = AssignTierBody,
    params(("id" = i64, Path, description = "member id")),
    responses((status = 200, description = "The member's tier status after the assignment.", body = TierStatusBody), AssignTierErrors),
    security(("api_key" = [])))]
async fn assign_tier(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<AssignTierBody>,
) -> ApiResult<Json<TierStatusBody>> {
    caller.require(Scope::Admin)?;
    let actor = format!("key:{}", caller.0.prefix);
    let view = state
        .engine
        .assign_tier(body.into_request(id)?, &actor)
        .await?;
    Ok(Json(view.into()))
}
