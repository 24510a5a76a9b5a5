//! Checkout holds on wallets (two-phase): place one at checkout, capture all or part when the
//! order completes, or void it; an uncaptured hold lapses by itself at its expiry.

use crate::AppState;
use crate::api::responses::errors;
use crate::auth::Caller;
use crate::dto::{CaptureBody, HoldBody, HoldResponse, PlaceHoldBody};
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

errors!(PlaceHoldErrors: [PATH, BODY, WRITE], [UnknownMember, MemberSuspended, IdempotencyConflict, WalletNotOffered, InsufficientFunds, InvalidAmount, UnknownCurrency, CurrencyMismatch, MissingField, InvalidField]);

/// Hold wallet value for a checkout: principal first, bonus last, out of reach of any other
/// payment until the hold is captured or voided, or lapses at its expiry.
#[utoipa::path(post, path = "/api/v1/members/{id}/holds", tag = "wallet", request_body = PlaceHoldBody,
    params(("id" = i64, Path, description = "member id")),
    responses((status = 200, description = "The hold and the wallet after.", body = HoldResponse), PlaceHoldErrors),
    security(("api_key" = [])))]
async fn place_hold(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<PlaceHoldBody>,
) -> ApiResult<Json<HoldResponse>> {
    caller.require(Scope::Pos)?;
    let outcome = state.engine.hold(b.request(id), &caller.actor()).await?;
    let currency = state.engine.definition().program.currency;
    Ok(Json(HoldResponse::of(outcome, currency)))
}

errors!(HoldErrors: [PATH], [UnknownHold]);

/// A hold: what it holds, where it stands, when it lapses.
#[utoipa::path(get, path = "/api/v1/holds/{id}", tag = "wallet",
    params(("id" = i64, Path, description = "hold id")),
    responses((status = 200, description = "The hold.", body = HoldBody), HoldErrors),
    security(("api_key" = [])))]
async fn hold(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<HoldBody>> {
    caller.require(Scope::Pos)?;
    let view = state.engine.hold_view(id).await?;
    let currency = state.engine.definition().program.currency;
    Ok(Json(HoldBody::of(&view, currency)))
}

errors!(CaptureErrors: [PATH, BODY, WRITE], [UnknownHold, HoldClosed, HoldExpired, CaptureExceedsHold, IdempotencyConflict, InvalidAmount, UnknownCurrency, CurrencyMismatch, MissingField]);

/// Capture a hold when its order completes: all of it, or `amount` (principal first); the
/// rest goes back to the wallet at once. A retry is answered as the first capture.
#[utoipa::path(post, path = "/api/v1/holds/{id}/capture", tag = "wallet", request_body = CaptureBody,
    params(("id" = i64, Path, description = "hold id")),
    responses((status = 200, description = "The captured hold and the wallet after.", body = HoldResponse), CaptureErrors),
    security(("api_key" = [])))]
async fn capture_hold(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<CaptureBody>,
) -> ApiResult<Json<HoldResponse>> {
    caller.require(Scope::Pos)?;
    let outcome = state
        .engine
        .capture_hold(b.request(id), &caller.actor())
        .await?;
    let currency = state.engine.definition().program.currency;
    Ok(Json(HoldResponse::of(outcome, currency)))
}

errors!(VoidErrors: [PATH, WRITE], [UnknownHold, HoldClosed]);

/// Void a hold: all it holds goes back to the wallet. A retry is answered as the first void.
#[utoipa::path(post, path = "/api/v1/holds/{id}/void", tag = "wallet",
    params(("id" = i64, Path, description = "hold id")),
    responses((status = 200, description = "The voided hold and the wallet after.", body = HoldResponse), VoidErrors),
    security(("api_key" = [])))]
async fn void_hold(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<HoldResponse>> {
    caller.require(Scope::Pos)?;
    let outcome = state.engine.void_hold(id, &caller.actor()).await?;
    let currency = state.engine.definition().program.currency;
    Ok(Json(HoldResponse::of(outcome, currency)))
}
