//! Purchases and refunds.

use crate::AppState;
use crate::api::responses::errors;
use crate::auth::Caller;
use crate::dto::{
    PreviewResponse, PurchaseAnswer, PurchaseBody, PurchaseCall, RefundBody, RefundResponse,
};
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The purchases routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(purchase))
        .routes(routes!(preview))
        .routes(routes!(refund))
}

errors!(PurchaseErrors: [BODY, WRITE], [UnknownMember, UnknownPartner, IdempotencyConflict, MemberSuspended, MemberErased, MissingField, InvalidField, InvalidAmount, UnknownCurrency, CurrencyMismatch, InvalidDate, BackdatedTooFar, FraudRefused]);

/// Record a purchase and earn its points; without a member, record a non-member's purchase
/// (no points; counted only to compare what members spend with what others do). Idempotent by
/// (channel, order_id), whoever bought: the same order again has one effect and gets the same
/// answer; a different body (or the same order for someone else) is `idempotency_conflict`.
#[utoipa::path(post, path = "/api/v1/purchases", tag = "purchases", request_body = PurchaseBody,
    responses((status = 200, description = "A member's purchase: the points earned, rule by rule, and the balance after. A non-member's: its id.", body = PurchaseAnswer), PurchaseErrors),
    security(("api_key" = [])))]
async fn purchase(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(mut body): ApiJson<PurchaseBody>,
) -> ApiResult<Json<PurchaseAnswer>> {
    let partner = caller.at_partner(body.partner.take())?;
    Ok(Json(match body.into_call()? {
        PurchaseCall::Member(mut request) => {
            request.partner = partner;
            PurchaseAnswer::Member(Box::new(state.engine.purchase(request).await?.into()))
        }
        PurchaseCall::Guest(request) => {
            if partner.is_some() {
                return Err(guests_are_the_programs());
            }
            PurchaseAnswer::Guest(state.engine.guest_purchase(request).await?.into())
        }
    }))
}

errors!(PreviewErrors: [BODY], [UnknownMember, UnknownPartner, MemberSuspended, MemberErased, MissingField, InvalidField, InvalidAmount, UnknownCurrency, CurrencyMismatch, InvalidDate, BackdatedTooFar]);

/// Preview a purchase before payment: the same body as a purchase, validated and decided the
/// same way (rules, limits, tier bonus), answering what it would earn and what it would do to
/// the member's tier. Writes nothing; the order id stays free.
#[utoipa::path(post, path = "/api/v1/purchases/preview", tag = "purchases", request_body = PurchaseBody,
    responses((status = 200, description = "What the purchase would earn and bring; nothing is written.", body = PreviewResponse), PreviewErrors),
    security(("api_key" = [])))]
async fn preview(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(mut body): ApiJson<PurchaseBody>,
) -> ApiResult<Json<PreviewResponse>> {
    let partner = caller.at_partner(body.partner.take())?;
    let mut request = body.into_request()?;
    request.partner = partner;
    Ok(Json(state.engine.preview(request).await?.into()))
}

errors!(RefundErrors: [PATH, BODY, WRITE], [UnknownPurchase, RefundExceedsPurchase, IdempotencyConflict, MissingField, InvalidField, InvalidAmount, UnknownLine, FraudRefused]);

/// Refund a purchase in full, by amount, or by lines; reverses its points in proportion.
/// Spent points follow the program's clawback policy.
#[utoipa::path(post, path = "/api/v1/purchases/{id}/refunds", tag = "purchases", request_body = RefundBody,
    params(("id" = i64, Path, description = "purchase id")),
    responses((status = 200, description = "The points reversed and the balance after.", body = RefundResponse), RefundErrors),
    security(("api_key" = [])))]
async fn refund(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<RefundBody>,
) -> ApiResult<Json<RefundResponse>> {
    let mut request = body.into_request(id)?;
    request.partner = caller.own_partner()?;
    let outcome = state.engine.refund(request).await?;
    Ok(Json(RefundResponse::new(
        outcome,
        state.engine.definition().program.currency,
    )))
}

/// A non-member's purchase made at a partner: a partner's purchases are members', earning by
/// its rules.
fn guests_are_the_programs() -> crate::error::ApiError {
    crate::error::ApiError::new(
        laurel_engine::ErrorCode::Forbidden,
        "a purchase at a partner is a member's: name the member",
    )
}
