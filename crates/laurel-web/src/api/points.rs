//! A member's points: balance, ledger, redemptions, adjustments.

use crate::AppState;
use crate::api::responses::errors;
use crate::auth::Caller;
use crate::dto::{
    AdjustmentBody, BalanceResponse, LedgerResponse, PostingResponse, RedemptionBody,
};
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::extract::{page_cursor, page_limit};
use axum::Json;
use axum::extract::State;
use laurel_engine::{AdjustRequest, RedeemRequest, Scope};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The points routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(balance))
        .routes(routes!(ledger))
        .routes(routes!(redeem))
        .routes(routes!(adjust))
}

errors!(BalanceErrors: [PATH], [UnknownMember]);

/// Available and pending points, their value, and the next expiries.
#[utoipa::path(get, path = "/api/v1/members/{id}/balance", tag = "points", params(("id" = i64, Path, description = "member id")),
    responses((status = 200, description = "The member's balance.", body = BalanceResponse), BalanceErrors),
    security(("api_key" = [])))]
async fn balance(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<BalanceResponse>> {
    // Every key sees balances: a partner's till shows a member what they may spend there.
    caller.own_partner()?;
    let view = state.engine.balance(id).await?;
    Ok(Json(BalanceResponse::new(
        view,
        state.engine.definition().program.points_name.fallback(),
    )))
}

/// Pagination of the ledger.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LedgerQuery {
    /// `next_cursor` of the previous page.
    #[param(pattern = "^[0-9]{1,18}$")]
    cursor: Option<String>,
    /// Entries per page (1–200, default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
}

errors!(LedgerErrors: [PATH, QUERY], [UnknownMember]);

/// The member's ledger entries, newest first.
#[utoipa::path(get, path = "/api/v1/members/{id}/ledger", tag = "points",
    params(("id" = i64, Path, description = "member id"), LedgerQuery),
    responses((status = 200, description = "A page of ledger entries, newest first.", body = LedgerResponse), LedgerErrors),
    security(("api_key" = [])))]
async fn ledger(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<LedgerQuery>,
) -> ApiResult<Json<LedgerResponse>> {
    caller.require(Scope::Pos)?;
    let cursor = page_cursor(q.cursor.as_deref())?;
    let page = state
        .engine
        .ledger(id, cursor, page_limit(q.limit)?)
        .await?;
    let definition = state.engine.definition();
    Ok(Json(LedgerResponse::of(&definition.program, page)))
}

errors!(RedeemErrors: [PATH, BODY, WRITE], [UnknownMember, UnknownPartner, InsufficientPoints, IdempotencyConflict, MemberSuspended, MemberErased, MissingField, InvalidField, InvalidAmount, FraudRefused]);

/// Spend points (pay with points, or a reward the caller hands out). Lots are consumed
/// soonest-expiring first. Short of points: `insufficient_points`, nothing changed.
#[utoipa::path(post, path = "/api/v1/members/{id}/redemptions", tag = "points", request_body = RedemptionBody,
    params(("id" = i64, Path, description = "member id")),
    responses((status = 200, description = "The points spent and the balance after.", body = PostingResponse), RedeemErrors),
    security(("api_key" = [])))]
async fn redeem(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<RedemptionBody>,
) -> ApiResult<Json<PostingResponse>> {
    let request = RedeemRequest {
        partner: caller.at_partner(b.partner)?,
        member_id: id,
        points: b.points,
        idempotency_key: b.idempotency_key,
        reference: b.reference,
        reason: b.reason,
    };
    Ok(Json(state.engine.redeem(request).await?.into()))
}

errors!(AdjustErrors: [PATH, BODY, WRITE, ADMIN], [UnknownMember, InsufficientPoints, IdempotencyConflict, MemberSuspended, MemberErased, MissingField, InvalidField, InvalidAmount, AdjustmentOverLimit, FraudRefused, ApprovalRequired]);

/// Manual credit or debit (admin keys only); the key is recorded as the actor.
#[utoipa::path(post, path = "/api/v1/members/{id}/adjustments", tag = "points", request_body = AdjustmentBody,
    params(("id" = i64, Path, description = "member id")),
    responses((status = 200, description = "The adjustment and the balance after.", body = PostingResponse), AdjustErrors),
    security(("api_key" = [])))]
async fn adjust(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<AdjustmentBody>,
) -> ApiResult<Json<PostingResponse>> {
    caller.require(Scope::Admin)?;
    let request = AdjustRequest {
        member_id: id,
        points: b.points,
        reason: b.reason,
        note: b.note,
        idempotency_key: b.idempotency_key,
    };
    let actor = caller.actor();
    Ok(Json(state.engine.adjust(request, &actor).await?.into()))
}
