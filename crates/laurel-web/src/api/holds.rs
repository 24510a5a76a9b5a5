//! Checkout holds (two-phase), of wallet value or of points: place one at checkout, capture
//! all or part when the order completes, or void it; an uncaptured hold lapses by itself at
//! its expiry. Both kinds share one series of ids, so `/api/v1/holds/{id}` names either.

use crate::AppState;
use crate::api::responses::errors;
use crate::auth::Caller;
use crate::dto::{
    AnyHoldBody, CaptureBody, HoldAnswer, HoldAsk, HoldBody, HoldResponse, PlaceHoldBody,
};
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;
use laurel_engine::Scope;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The holds routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(place_hold))
        .routes(routes!(hold))
        .routes(routes!(capture_hold))
        .routes(routes!(void_hold))
}

errors!(PlaceHoldErrors: [PATH, BODY, WRITE], [UnknownMember, MemberSuspended, MemberErased, IdempotencyConflict, WalletNotOffered, InsufficientFunds, InsufficientPoints, InvalidAmount, UnknownCurrency, CurrencyMismatch, MissingField, InvalidField]);

/// Hold wallet value (`amount`) or points (`points`) for a checkout, out of reach of any
/// other payment or redemption until the hold is captured or voided, or lapses at its
/// expiry. Wallet value: principal first, bonus last. Points: the soonest-expiring first.
#[utoipa::path(post, path = "/api/v1/members/{id}/holds", tag = "wallet", request_body = PlaceHoldBody,
    params(("id" = i64, Path, description = "member id")),
    responses((status = 200, description = "The hold, and the wallet or the member's points after.", body = HoldAnswer), PlaceHoldErrors),
    security(("api_key" = [])))]
async fn place_hold(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<PlaceHoldBody>,
) -> ApiResult<Json<HoldAnswer>> {
    caller.require(Scope::Pos)?;
    let answer = match b.request(id)? {
        HoldAsk::Points(request) => {
            let outcome = state.engine.hold_points(request, &caller.actor()).await?;
            HoldAnswer::Points((&outcome).into())
        }
        HoldAsk::Wallet(request) => {
            let outcome = state.engine.hold(request, &caller.actor()).await?;
            let currency = state.engine.definition().program.currency;
            HoldAnswer::Wallet(Box::new(HoldResponse::of(outcome, currency)))
        }
    };
    Ok(Json(answer))
}

errors!(HoldErrors: [PATH], [UnknownHold]);

/// A hold: what it holds, where it stands, when it lapses.
#[utoipa::path(get, path = "/api/v1/holds/{id}", tag = "wallet",
    params(("id" = i64, Path, description = "hold id")),
    responses((status = 200, description = "The hold, of wallet value or of points.", body = AnyHoldBody), HoldErrors),
    security(("api_key" = [])))]
async fn hold(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<AnyHoldBody>> {
    caller.require(Scope::Pos)?;
    if let Some(points) = state.engine.point_hold_view(id).await? {
        return Ok(Json(AnyHoldBody::Points((&points).into())));
    }
    let view = state.engine.hold_view(id).await?;
    let currency = state.engine.definition().program.currency;
    Ok(Json(AnyHoldBody::Wallet(Box::new(HoldBody::of(
        &view, currency,
    )))))
}

errors!(CaptureErrors: [PATH, BODY, WRITE], [UnknownHold, HoldClosed, HoldExpired, CaptureExceedsHold, IdempotencyConflict, InvalidAmount, UnknownCurrency, CurrencyMismatch, MissingField, InvalidField]);

/// Capture a hold when its order completes: all of it, or `amount` of wallet value
/// (principal first) or `points` (the soonest-expiring); the rest goes back at once. A retry
/// is answered as the first capture.
#[utoipa::path(post, path = "/api/v1/holds/{id}/capture", tag = "wallet", request_body = CaptureBody,
    params(("id" = i64, Path, description = "hold id")),
    responses((status = 200, description = "The captured hold, and the wallet or the member's points after.", body = HoldAnswer), CaptureErrors),
    security(("api_key" = [])))]
async fn capture_hold(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<CaptureBody>,
) -> ApiResult<Json<HoldAnswer>> {
    caller.require(Scope::Pos)?;
    if state.engine.point_hold_view(id).await?.is_some() {
        if b.amount.is_some() || b.currency.is_some() {
            return Err(crate::error::ApiError::invalid(
                "amount",
                laurel_engine::ErrorCode::InvalidField,
                "a hold of points is captured in points",
            ));
        }
        let outcome = state
            .engine
            .capture_point_hold(id, b.points, &caller.actor())
            .await?;
        return Ok(Json(HoldAnswer::Points((&outcome).into())));
    }
    if b.points.is_some() {
        return Err(crate::error::ApiError::invalid(
            "points",
            laurel_engine::ErrorCode::InvalidField,
            "a hold of wallet value is captured in money",
        ));
    }
    let outcome = state
        .engine
        .capture_hold(b.request(id), &caller.actor())
        .await?;
    let currency = state.engine.definition().program.currency;
    Ok(Json(HoldAnswer::Wallet(Box::new(HoldResponse::of(
        outcome, currency,
    )))))
}

errors!(VoidErrors: [PATH, WRITE], [UnknownHold, HoldClosed]);

/// Void a hold: all it holds goes back. A retry is answered as the first void.
#[utoipa::path(post, path = "/api/v1/holds/{id}/void", tag = "wallet",
    params(("id" = i64, Path, description = "hold id")),
    responses((status = 200, description = "The voided hold, and the wallet or the member's points after.", body = HoldAnswer), VoidErrors),
    security(("api_key" = [])))]
async fn void_hold(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<HoldAnswer>> {
    caller.require(Scope::Pos)?;
    if state.engine.point_hold_view(id).await?.is_some() {
        let outcome = state.engine.void_point_hold(id, &caller.actor()).await?;
        return Ok(Json(HoldAnswer::Points((&outcome).into())));
    }
    let outcome = state.engine.void_hold(id, &caller.actor()).await?;
    let currency = state.engine.definition().program.currency;
    Ok(Json(HoldAnswer::Wallet(Box::new(HoldResponse::of(
        outcome, currency,
    )))))
}
