//! Rewards: the catalog, redeeming a reward for a member, a member's redemptions, and
//! cancelling or fulfilling one.

use crate::AppState;
use crate::auth::Caller;
use crate::dto::{
    RedeemRewardBody, RewardRedemptionBody, RewardRedemptionResponse, RewardRedemptionsResponse,
    RewardsResponse,
};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use axum::Json;
use axum::extract::State;
use laurel_engine::{RedeemRewardRequest, Scope};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The reward routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(catalog))
        .routes(routes!(redeem_reward, member_redemptions))
        .routes(routes!(redemption))
        .routes(routes!(cancel))
        .routes(routes!(fulfil))
}

/// Whose eligibility the catalog shows.
#[derive(Deserialize, IntoParams)]
pub struct CatalogQuery {
    /// A member: each reward then says whether they may redeem one now, and why not.
    member_id: Option<i64>,
}

/// The rewards catalog with stock; with `member_id`, what that member may redeem now.
#[utoipa::path(get, path = "/api/v1/rewards", tag = "rewards", params(CatalogQuery),
    responses((status = 200, body = RewardsResponse), (status = 404, body = ErrorBody)),
    security(("api_key" = [])))]
async fn catalog(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<CatalogQuery>,
) -> ApiResult<Json<RewardsResponse>> {
    caller.require(Scope::Pos)?;
    let views = state.engine.catalog(q.member_id).await?;
    Ok(Json(RewardsResponse::new(views, q.member_id.is_some())))
}

/// Redeem a reward: its cost is debited soonest-expiring first and the reward issued
/// (coupons with their codes, a donation's record). Refused with nothing debited:
/// `unknown_reward`, `reward_wrong_tier`, `reward_not_available`, `reward_out_of_stock`,
/// `reward_limit_reached`, `insufficient_points`.
#[utoipa::path(post, path = "/api/v1/members/{id}/rewards", tag = "rewards", request_body = RedeemRewardBody,
    params(("id" = i64, Path, description = "member id")),
    responses((status = 200, body = RewardRedemptionResponse), (status = 404, body = ErrorBody),
              (status = 409, description = "reward_wrong_tier, reward_not_available, reward_out_of_stock, reward_limit_reached, insufficient_points, idempotency_conflict", body = ErrorBody),
              (status = 422, description = "invalid_quantity, missing_field", body = ErrorBody)),
    security(("api_key" = [])))]
async fn redeem_reward(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<RedeemRewardBody>,
) -> ApiResult<Json<RewardRedemptionResponse>> {
    caller.require(Scope::Pos)?;
    let request = RedeemRewardRequest {
        member_id: id,
        reward_id: b.reward_id,
        quantity: b.quantity,
        idempotency_key: b.idempotency_key,
    };
    Ok(Json(state.engine.redeem_reward(request).await?.into()))
}

/// How many redemptions to list.
#[derive(Deserialize, IntoParams)]
pub struct RedemptionsQuery {
    /// Most to return (1–200, default 50).
    limit: Option<u32>,
}

/// A member's reward redemptions and their coupons, newest first.
#[utoipa::path(get, path = "/api/v1/members/{id}/rewards", tag = "rewards",
    params(("id" = i64, Path, description = "member id"), RedemptionsQuery),
    responses((status = 200, body = RewardRedemptionsResponse), (status = 404, body = ErrorBody)),
    security(("api_key" = [])))]
async fn member_redemptions(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<RedemptionsQuery>,
) -> ApiResult<Json<RewardRedemptionsResponse>> {
    caller.require(Scope::Pos)?;
    let found = state
        .engine
        .member_redemptions(id, q.limit.unwrap_or(50))
        .await?;
    Ok(Json(RewardRedemptionsResponse {
        redemptions: found.into_iter().map(Into::into).collect(),
    }))
}

/// One redemption with its coupons.
#[utoipa::path(get, path = "/api/v1/reward-redemptions/{id}", tag = "rewards",
    params(("id" = i64, Path, description = "redemption id")),
    responses((status = 200, body = RewardRedemptionBody), (status = 404, body = ErrorBody)),
    security(("api_key" = [])))]
async fn redemption(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<RewardRedemptionBody>> {
    caller.require(Scope::Pos)?;
    Ok(Json(state.engine.redemption(id).await?.into()))
}

/// Cancel an unused redemption: the points go back into the lots they came from, with their
/// original expiry; the stock is returned; its coupons are cancelled. Again: the same answer.
#[utoipa::path(post, path = "/api/v1/reward-redemptions/{id}/cancel", tag = "rewards",
    params(("id" = i64, Path, description = "redemption id")),
    responses((status = 200, body = RewardRedemptionResponse), (status = 404, body = ErrorBody),
              (status = 409, description = "coupon_used (a coupon was used), redemption_closed (fulfilled)", body = ErrorBody)),
    security(("api_key" = [])))]
async fn cancel(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<RewardRedemptionResponse>> {
    caller.require(Scope::Pos)?;
    let actor = format!("key:{}", caller.0.prefix);
    Ok(Json(
        state.engine.cancel_redemption(id, &actor).await?.into(),
    ))
}

/// Mark a gift or experience handed over. Again: the same answer.
#[utoipa::path(post, path = "/api/v1/reward-redemptions/{id}/fulfil", tag = "rewards",
    params(("id" = i64, Path, description = "redemption id")),
    responses((status = 200, body = RewardRedemptionResponse), (status = 404, body = ErrorBody),
              (status = 409, description = "redemption_closed (cancelled), redemption_not_fulfillable (a coupon reward)", body = ErrorBody)),
    security(("api_key" = [])))]
async fn fulfil(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<RewardRedemptionResponse>> {
    caller.require(Scope::Pos)?;
    let actor = format!("key:{}", caller.0.prefix);
    Ok(Json(
        state.engine.fulfil_redemption(id, &actor).await?.into(),
    ))
}
