//! Rewards: the catalog, redeeming a reward for a member, a member's redemptions, and
//! cancelling or fulfilling one.

use crate::AppState;
use crate::api::responses::errors;
use crate::auth::Caller;
use crate::dto::{
    RedeemRewardBody, RewardRedemptionBody, RewardRedemptionResponse, RewardRedemptionsResponse,
    RewardsResponse,
};
use crate::error::ApiResult;
use crate::extract::page_limit;
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
#[into_params(parameter_in = Query)]
pub struct CatalogQuery {
    /// A member: each reward then says whether they may redeem one now, and why not.
    member_id: Option<i64>,
}

errors!(CatalogErrors: [QUERY], [UnknownMember]);

/// The rewards catalog with stock; with `member_id`, what that member may redeem now. A
/// partner's key sees the partner's own rewards.
#[utoipa::path(get, path = "/api/v1/rewards", tag = "rewards", params(CatalogQuery),
    responses((status = 200, description = "The catalog.", body = RewardsResponse), CatalogErrors),
    security(("api_key" = [])))]
async fn catalog(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<CatalogQuery>,
) -> ApiResult<Json<RewardsResponse>> {
    let partner = caller.own_partner()?;
    let mut views = state.engine.catalog(q.member_id).await?;
    // A partner's key sees the partner's own rewards.
    if partner.is_some() {
        views.retain(|v| v.reward.partner == partner);
    }
    Ok(Json(RewardsResponse::new(views, q.member_id.is_some())))
}

errors!(RedeemRewardErrors: [PATH, BODY, WRITE], [UnknownMember, UnknownReward, RewardWrongTier, RewardWrongSegment, RewardNotAvailable, RewardOutOfStock, RewardLimitReached, InsufficientPoints, IdempotencyConflict, MemberSuspended, MemberErased, InvalidQuantity, MissingField, InvalidField, FraudRefused]);

/// Redeem a reward: its cost is debited soonest-expiring first and the reward issued
/// (coupons with their codes, a donation's record). Refused with nothing debited:
/// `unknown_reward`, `reward_wrong_tier`, `reward_not_available`, `reward_out_of_stock`,
/// `reward_limit_reached`, `insufficient_points`.
#[utoipa::path(post, path = "/api/v1/members/{id}/rewards", tag = "rewards", request_body = RedeemRewardBody,
    params(("id" = i64, Path, description = "member id")),
    responses((status = 200, description = "The redemption with its coupons, and the balance after.", body = RewardRedemptionResponse), RedeemRewardErrors),
    security(("api_key" = [])))]
async fn redeem_reward(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<RedeemRewardBody>,
) -> ApiResult<Json<RewardRedemptionResponse>> {
    let request = RedeemRewardRequest {
        partner: caller.own_partner()?,
        member_id: id,
        reward_id: b.reward_id,
        quantity: b.quantity,
        idempotency_key: b.idempotency_key,
    };
    Ok(Json(state.engine.redeem_reward(request).await?.into()))
}

/// How many redemptions to list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RedemptionsQuery {
    /// Most to return (1–200, default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
}

errors!(MemberRedemptionsErrors: [PATH, QUERY], [UnknownMember]);

/// A member's reward redemptions and their coupons, newest first.
#[utoipa::path(get, path = "/api/v1/members/{id}/rewards", tag = "rewards",
    params(("id" = i64, Path, description = "member id"), RedemptionsQuery),
    responses((status = 200, description = "The member's redemptions, newest first.", body = RewardRedemptionsResponse), MemberRedemptionsErrors),
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
        .member_redemptions(id, page_limit(q.limit)?)
        .await?;
    Ok(Json(RewardRedemptionsResponse {
        redemptions: found.into_iter().map(Into::into).collect(),
    }))
}

errors!(RedemptionErrors: [PATH], [UnknownRedemption]);

/// One redemption with its coupons.
#[utoipa::path(get, path = "/api/v1/reward-redemptions/{id}", tag = "rewards",
    params(("id" = i64, Path, description = "redemption id")),
    responses((status = 200, description = "The redemption.", body = RewardRedemptionBody), RedemptionErrors),
    security(("api_key" = [])))]
async fn redemption(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<RewardRedemptionBody>> {
    caller.require(Scope::Pos)?;
    Ok(Json(state.engine.redemption(id).await?.into()))
}

errors!(CancelErrors: [PATH, WRITE], [UnknownRedemption, CouponUsed, RedemptionClosed]);

/// Cancel an unused redemption: the points go back into the lots they came from, with their
/// original expiry; the stock is returned; its coupons are cancelled. Again: the same answer.
#[utoipa::path(post, path = "/api/v1/reward-redemptions/{id}/cancel", tag = "rewards",
    params(("id" = i64, Path, description = "redemption id")),
    responses((status = 200, description = "The cancelled redemption and the balance after.", body = RewardRedemptionResponse), CancelErrors),
    security(("api_key" = [])))]
async fn cancel(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<RewardRedemptionResponse>> {
    caller.require(Scope::Pos)?;
    let actor = caller.actor();
    Ok(Json(
        state.engine.cancel_redemption(id, &actor).await?.into(),
    ))
}

errors!(FulfilErrors: [PATH, WRITE], [UnknownRedemption, RedemptionClosed, RedemptionNotFulfillable]);

/// Mark a gift or experience handed over. Again: the same answer.
#[utoipa::path(post, path = "/api/v1/reward-redemptions/{id}/fulfil", tag = "rewards",
    params(("id" = i64, Path, description = "redemption id")),
    responses((status = 200, description = "The fulfilled redemption.", body = RewardRedemptionResponse), FulfilErrors),
    security(("api_key" = [])))]
async fn fulfil(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<RewardRedemptionResponse>> {
    caller.require(Scope::Pos)?;
    let actor = caller.actor();
    Ok(Json(
        state.engine.fulfil_redemption(id, &actor).await?.into(),
    ))
}
