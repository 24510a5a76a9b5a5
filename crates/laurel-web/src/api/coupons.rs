//! Coupons at the checkout: look one up, check it against a basket, use it on an order
//! (once), give it back when the order is cancelled.

use crate::AppState;
use crate::api::responses::errors;
use crate::auth::Caller;
use crate::dto::{
    ConsumeCouponBody, CouponBody, CouponCheckResponse, CouponUseResponse, ReleaseCouponBody,
    ValidateCouponBody, channel,
};
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;
use laurel_core::Channel;
use laurel_engine::{ConsumeCouponRequest, ReleaseCouponRequest, Scope};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The coupon routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(coupon))
        .routes(routes!(validate))
        .routes(routes!(consume))
        .routes(routes!(release))
}

errors!(CouponErrors: [PATH], [UnknownCoupon]);

/// A coupon by its code (any case).
#[utoipa::path(get, path = "/api/v1/coupons/{code}", tag = "coupons",
    params(("code" = String, Path, description = "coupon code")),
    responses((status = 200, description = "The coupon.", body = CouponBody), CouponErrors),
    security(("api_key" = [])))]
async fn coupon(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<Json<CouponBody>> {
    caller.require(Scope::Pos)?;
    Ok(Json(state.engine.coupon(&code).await?.into()))
}

errors!(ValidateErrors: [PATH, BODY], [UnknownCoupon, MissingField, InvalidField, InvalidAmount, UnknownCurrency, CurrencyMismatch]);

/// Whether a coupon applies to a basket and what it would take off, or why not (200 either
/// way: `valid`, `reason`). Writes nothing.
#[utoipa::path(post, path = "/api/v1/coupons/{code}/validate", tag = "coupons", request_body = ValidateCouponBody,
    params(("code" = String, Path, description = "coupon code")),
    responses((status = 200, description = "Whether the coupon applies to the basket, and its discount.", body = CouponCheckResponse), ValidateErrors),
    security(("api_key" = [])))]
async fn validate(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(code): ApiPath<String>,
    ApiJson(b): ApiJson<ValidateCouponBody>,
) -> ApiResult<Json<CouponCheckResponse>> {
    caller.require(Scope::Pos)?;
    let checkout = b.basket.into_request()?;
    Ok(Json(
        state.engine.check_coupon(&code, checkout).await?.into(),
    ))
}

errors!(ConsumeErrors: [PATH, BODY, WRITE], [UnknownCoupon, CouponUsed, CouponExpired, CouponCancelled, CouponMinSpend, CouponProductMissing, CouponNothingToDiscount, MissingField, InvalidField, InvalidAmount, UnknownCurrency, CurrencyMismatch]);

/// Use a coupon on an order. Once: the same order again answers the same (`repeated`),
/// another order is refused with `coupon_used`.
#[utoipa::path(post, path = "/api/v1/coupons/{code}/consume", tag = "coupons", request_body = ConsumeCouponBody,
    params(("code" = String, Path, description = "coupon code")),
    responses((status = 200, description = "The coupon used on the order, with its discount.", body = CouponUseResponse), ConsumeErrors),
    security(("api_key" = [])))]
async fn consume(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(code): ApiPath<String>,
    ApiJson(b): ApiJson<ConsumeCouponBody>,
) -> ApiResult<Json<CouponUseResponse>> {
    caller.require(Scope::Pos)?;
    let request = ConsumeCouponRequest {
        code,
        order_id: b.order_id,
        checkout: b.basket.into_request()?,
    };
    Ok(Json(state.engine.consume_coupon(request).await?.into()))
}

errors!(ReleaseErrors: [PATH, BODY, WRITE], [UnknownCoupon, CouponNotUsedByOrder, CouponCancelled, MissingField, InvalidField]);

/// Give a coupon back from the order that used it (the order was cancelled); it can be used
/// again. Releasing an unused coupon changes nothing.
#[utoipa::path(post, path = "/api/v1/coupons/{code}/release", tag = "coupons", request_body = ReleaseCouponBody,
    params(("code" = String, Path, description = "coupon code")),
    responses((status = 200, description = "The coupon, usable again.", body = CouponUseResponse), ReleaseErrors),
    security(("api_key" = [])))]
async fn release(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(code): ApiPath<String>,
    ApiJson(b): ApiJson<ReleaseCouponBody>,
) -> ApiResult<Json<CouponUseResponse>> {
    caller.require(Scope::Pos)?;
    let request = ReleaseCouponRequest {
        code,
        channel: channel("channel", Some(&b.channel), Channel::Pos)?,
        order_id: b.order_id,
    };
    Ok(Json(state.engine.release_coupon(request).await?.into()))
}
