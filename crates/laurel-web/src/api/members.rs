//! Members: enroll and read.

use crate::AppState;
use crate::api::responses::errors;
use crate::auth::Caller;
use crate::dto::{EnrollBody, MemberBody};
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use laurel_engine::{MemberRef, Scope};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The members routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(enroll, find))
        .routes(routes!(get_member))
}

errors!(EnrollErrors: [BODY, WRITE], [MemberExists, MissingField, InvalidField, InvalidDate, UnknownReferralCode, ReferralsNotOffered, SelfReferral, ReferralAlreadyMember, ReferralLimitReached, FraudRefused]);

/// Enroll a member.
#[utoipa::path(post, path = "/api/v1/members", tag = "members", request_body = EnrollBody,
    responses((status = 201, description = "Enrolled: the new member.", body = MemberBody), EnrollErrors),
    security(("api_key" = [])))]
async fn enroll(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<EnrollBody>,
) -> ApiResult<(StatusCode, Json<MemberBody>)> {
    caller.require(Scope::Pos)?;
    let member = state.engine.enroll(body.into_request()?).await?;
    Ok((StatusCode::CREATED, Json(member.into())))
}

/// Lookup filter.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FindQuery {
    /// The business's customer id (required).
    external_id: String,
}

errors!(FindErrors: [QUERY], [UnknownMember]);

/// Find a member by the business's customer id.
#[utoipa::path(get, path = "/api/v1/members", tag = "members", params(FindQuery),
    responses((status = 200, description = "The member with that external id.", body = MemberBody), FindErrors),
    security(("api_key" = [])))]
async fn find(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<FindQuery>,
) -> ApiResult<Json<MemberBody>> {
    caller.require(Scope::Pos)?;
    Ok(Json(
        state
            .engine
            .member(&MemberRef::External(q.external_id))
            .await?
            .into(),
    ))
}

errors!(MemberErrors: [PATH], [UnknownMember]);

/// Read a member.
#[utoipa::path(get, path = "/api/v1/members/{id}", tag = "members", params(("id" = i64, Path, description = "member id")),
    responses((status = 200, description = "The member with their balances.", body = MemberBody), MemberErrors),
    security(("api_key" = [])))]
async fn get_member(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<MemberBody>> {
    caller.require(Scope::Pos)?;
    Ok(Json(state.engine.member(&MemberRef::Id(id)).await?.into()))
}
