//! Households: make one, ask to join, the owner's consent, leaving, and reading them.

use crate::AppState;
use crate::api::responses::errors;
use crate::auth::Caller;
use crate::dto::{CreateHouseholdBody, HouseholdBody, JoinHouseholdBody, MaybeHouseholdResponse};
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;
use laurel_engine::Scope;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The households routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_household))
        .routes(routes!(household))
        .routes(routes!(join_household))
        .routes(routes!(approve_member))
        .routes(routes!(leave_household))
        .routes(routes!(member_household))
}

errors!(CreateErrors: [BODY, WRITE], [UnknownMember, MemberSuspended, MemberErased, HouseholdsNotOffered, InAnotherHousehold, MissingField, InvalidField]);

/// Make a household: its owner belongs to it at once. Asked again with the same name, it is
/// answered as it stands.
#[utoipa::path(post, path = "/api/v1/households", tag = "points",
    request_body = CreateHouseholdBody,
    responses((status = 200, description = "The household.", body = HouseholdBody), CreateErrors),
    security(("api_key" = [])))]
async fn create_household(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(b): ApiJson<CreateHouseholdBody>,
) -> ApiResult<Json<HouseholdBody>> {
    caller.require(Scope::Pos)?;
    let made = state
        .engine
        .create_household(b.owner_member_id, b.name)
        .await?;
    Ok(Json((&made).into()))
}

errors!(HouseholdErrors: [PATH], [UnknownHousehold]);

/// A household with everyone in it and the points they pool.
#[utoipa::path(get, path = "/api/v1/households/{id}", tag = "points",
    params(("id" = i64, Path, description = "household id")),
    responses((status = 200, description = "The household.", body = HouseholdBody), HouseholdErrors),
    security(("api_key" = [])))]
async fn household(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<HouseholdBody>> {
    caller.require(Scope::Pos)?;
    Ok(Json((&state.engine.household(id).await?).into()))
}

errors!(JoinErrors: [PATH, BODY, WRITE], [UnknownMember, MemberSuspended, MemberErased, UnknownHousehold, HouseholdsNotOffered, HouseholdFull, InAnotherHousehold]);

/// A member asks to join a household; they belong once its owner consents
/// (`…/members/{member_id}/approve`). Asked again, answered as it stands.
#[utoipa::path(post, path = "/api/v1/households/{id}/members", tag = "points",
    request_body = JoinHouseholdBody,
    params(("id" = i64, Path, description = "household id")),
    responses((status = 200, description = "The household with the member waiting.", body = HouseholdBody), JoinErrors),
    security(("api_key" = [])))]
async fn join_household(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<JoinHouseholdBody>,
) -> ApiResult<Json<HouseholdBody>> {
    caller.require(Scope::Pos)?;
    Ok(Json(
        (&state.engine.join_household(id, b.member_id).await?).into(),
    ))
}

errors!(ApproveErrors: [PATH, WRITE], [UnknownMember, UnknownHousehold, NotInHousehold, HouseholdsNotOffered]);

/// The owner consents to a member's joining: from now their points are pooled.
#[utoipa::path(post, path = "/api/v1/households/{id}/members/{member_id}/approve", tag = "points",
    params(("id" = i64, Path, description = "household id"), ("member_id" = i64, Path, description = "the member who asked")),
    responses((status = 200, description = "The household with the member in it.", body = HouseholdBody), ApproveErrors),
    security(("api_key" = [])))]
async fn approve_member(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((id, member)): ApiPath<(i64, i64)>,
) -> ApiResult<Json<HouseholdBody>> {
    caller.require(Scope::Pos)?;
    let approved = state.engine.approve_household_member(id, member).await?;
    Ok(Json((&approved).into()))
}

errors!(LeaveErrors: [PATH, WRITE], [UnknownMember, UnknownHousehold, NotInHousehold]);

/// A member leaves a household (or is removed, or their request declined); the owner leaving
/// ends it (`household` is then null). Their points stay their own.
#[utoipa::path(delete, path = "/api/v1/households/{id}/members/{member_id}", tag = "points",
    params(("id" = i64, Path, description = "household id"), ("member_id" = i64, Path, description = "the member leaving")),
    responses((status = 200, description = "The household after, or none once it ended.", body = MaybeHouseholdResponse), LeaveErrors),
    security(("api_key" = [])))]
async fn leave_household(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((id, member)): ApiPath<(i64, i64)>,
) -> ApiResult<Json<MaybeHouseholdResponse>> {
    caller.require(Scope::Pos)?;
    let after = state.engine.leave_household(id, member).await?;
    Ok(Json(MaybeHouseholdResponse {
        household: after.as_ref().map(Into::into),
    }))
}

errors!(MemberHouseholdErrors: [PATH], [UnknownMember]);

/// The household a member is in (or asked to join), if any.
#[utoipa::path(get, path = "/api/v1/members/{id}/household", tag = "points",
    params(("id" = i64, Path, description = "member id")),
    responses((status = 200, description = "The member's household, or none.", body = MaybeHouseholdResponse), MemberHouseholdErrors),
    security(("api_key" = [])))]
async fn member_household(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<MaybeHouseholdResponse>> {
    caller.require(Scope::Pos)?;
    let found = state.engine.household_of(id).await?;
    Ok(Json(MaybeHouseholdResponse {
        household: found.as_ref().map(Into::into),
    }))
}
