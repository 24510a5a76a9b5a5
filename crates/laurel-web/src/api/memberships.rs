//! Paid memberships: buy a plan's membership for a member, renew it when your billing
//! charged the next term, cancel it at its term's end or at once, and read them.

use crate::AppState;
use crate::api::responses::errors;
use crate::auth::Caller;
use crate::dto::{
    CancelMembershipBody, JoinMembershipBody, MembershipDetailBody, MembershipResponse,
    MembershipsResponse, RenewMembershipBody,
};
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;
use laurel_engine::Scope;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The memberships routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(join_membership, member_memberships))
        .routes(routes!(membership))
        .routes(routes!(renew_membership))
        .routes(routes!(cancel_membership))
}

errors!(JoinErrors: [PATH, BODY, WRITE], [UnknownMember, MemberSuspended, MemberErased, UnknownPlan, MembershipHeld, IdempotencyConflict, WalletNotOffered, InsufficientFunds, MissingField, InvalidField]);

/// Buy a membership of a plan: its first term begins now (a free trial first when the plan
/// has one and the member never held it). Fees paid from the wallet are drawn at once.
#[utoipa::path(post, path = "/api/v1/members/{id}/memberships", tag = "memberships",
    request_body = JoinMembershipBody,
    params(("id" = i64, Path, description = "member id")),
    responses((status = 200, description = "The membership and what it charged.", body = MembershipResponse), JoinErrors),
    security(("api_key" = [])))]
async fn join_membership(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<JoinMembershipBody>,
) -> ApiResult<Json<MembershipResponse>> {
    caller.require(Scope::Pos)?;
    let outcome = state
        .engine
        .join_membership(b.request(id), &caller.actor())
        .await?;
    Ok(Json((&outcome).into()))
}

errors!(MemberMembershipsErrors: [PATH], [UnknownMember]);

/// A member's memberships, newest first.
#[utoipa::path(get, path = "/api/v1/members/{id}/memberships", tag = "memberships",
    params(("id" = i64, Path, description = "member id")),
    responses((status = 200, description = "The member's memberships.", body = MembershipsResponse), MemberMembershipsErrors),
    security(("api_key" = [])))]
async fn member_memberships(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<MembershipsResponse>> {
    caller.require(Scope::Pos)?;
    let memberships = state.engine.memberships_of(id).await?;
    Ok(Json(MembershipsResponse {
        memberships: memberships.iter().map(Into::into).collect(),
    }))
}

errors!(MembershipErrors: [PATH], [UnknownMembership]);

/// A membership with every term it ran.
#[utoipa::path(get, path = "/api/v1/memberships/{id}", tag = "memberships",
    params(("id" = i64, Path, description = "membership id")),
    responses((status = 200, description = "The membership and its terms.", body = MembershipDetailBody), MembershipErrors),
    security(("api_key" = [])))]
async fn membership(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<MembershipDetailBody>> {
    caller.require(Scope::Pos)?;
    let view = state.engine.membership(id).await?;
    let terms = state.engine.membership_terms(id).await?;
    Ok(Json(MembershipDetailBody {
        membership: (&view).into(),
        terms: terms.iter().map(Into::into).collect(),
    }))
}

errors!(RenewErrors: [PATH, BODY, WRITE], [UnknownMembership, MemberSuspended, MemberErased, UnknownPlan, MembershipEnded, MembershipNotRenewing, RenewalNotOpen, IdempotencyConflict, InsufficientFunds, MissingField, InvalidField]);

/// Renew a membership for its next term, which begins where the current one ends: open from
/// a week before its end until three days after it (a wallet member's is renewed by Laurel
/// at the end).
#[utoipa::path(post, path = "/api/v1/memberships/{id}/renewals", tag = "memberships",
    request_body = RenewMembershipBody,
    params(("id" = i64, Path, description = "membership id")),
    responses((status = 200, description = "The membership in its new term.", body = MembershipResponse), RenewErrors),
    security(("api_key" = [])))]
async fn renew_membership(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<RenewMembershipBody>,
) -> ApiResult<Json<MembershipResponse>> {
    caller.require(Scope::Pos)?;
    let outcome = state
        .engine
        .renew_membership(b.request(id), &caller.actor())
        .await?;
    Ok(Json((&outcome).into()))
}

errors!(CancelErrors: [PATH, BODY, WRITE], [UnknownMembership, MembershipEnded, MembershipEnding, InvalidField]);

/// Cancel a membership: at its term's end (it runs out, nothing given back) or now (its
/// term is cut, with the fee's share of the time left given back where the plan says — to
/// the wallet when it paid, else for your billing to refund). A retry is answered as the
/// first.
#[utoipa::path(post, path = "/api/v1/memberships/{id}/cancel", tag = "memberships",
    request_body = CancelMembershipBody,
    params(("id" = i64, Path, description = "membership id")),
    responses((status = 200, description = "The membership after it and any refund.", body = MembershipResponse), CancelErrors),
    security(("api_key" = [])))]
async fn cancel_membership(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<CancelMembershipBody>,
) -> ApiResult<Json<MembershipResponse>> {
    caller.require(Scope::Pos)?;
    let outcome = state
        .engine
        .cancel_membership(id, b.when(), &caller.actor())
        .await?;
    Ok(Json((&outcome).into()))
}
