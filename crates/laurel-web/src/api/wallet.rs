//! A member's wallet of stored value: its balance and statement, top-ups, payments, refunds
//! and cash-outs.

use crate::AppState;
use crate::api::responses::errors;
use crate::auth::Caller;
use crate::dto::{
    WalletAmountBody, WalletMoveResponse, WalletPaymentBody, WalletRefundBody, WalletResponse,
};
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery, page_cursor, page_limit};
use axum::Json;
use axum::extract::State;
use laurel_engine::{Scope, WalletAsk, WalletRequest};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The wallet routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(wallet_statement))
        .routes(routes!(wallet_top_up))
        .routes(routes!(wallet_pay))
        .routes(routes!(wallet_refund))
        .routes(routes!(wallet_cash_out))
}

/// Pagination of the statement.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatementQuery {
    /// `next_cursor` of the previous page.
    #[param(pattern = "^[0-9]{1,18}$")]
    cursor: Option<String>,
    /// Moves per page (1–200, default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
}

errors!(WalletErrors: [PATH, QUERY], [UnknownMember]);

/// What the member's wallet holds (principal and bonus) and its moves, newest first.
#[utoipa::path(get, path = "/api/v1/members/{id}/wallet", tag = "wallet",
    params(("id" = i64, Path, description = "member id"), StatementQuery),
    responses((status = 200, description = "The wallet and a page of its statement.", body = WalletResponse), WalletErrors),
    security(("api_key" = [])))]
async fn wallet_statement(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<StatementQuery>,
) -> ApiResult<Json<WalletResponse>> {
    caller.require(Scope::Pos)?;
    let cursor = page_cursor(q.cursor.as_deref())?;
    let statement = state
        .engine
        .wallet_statement(id, cursor, page_limit(q.limit)?)
        .await?;
    let currency = state.engine.definition().program.currency;
    Ok(Json(WalletResponse::of(id, statement, currency)))
}

/// Makes the move and answers it with its amounts in the program's currency.
async fn wallet_move(
    state: &AppState,
    caller: &Caller,
    request: WalletRequest,
) -> ApiResult<Json<WalletMoveResponse>> {
    let outcome = state.engine.wallet_move(request, &caller.actor()).await?;
    let currency = state.engine.definition().program.currency;
    Ok(Json(WalletMoveResponse::of(outcome, currency)))
}

errors!(TopUpErrors: [PATH, BODY, WRITE], [UnknownMember, MemberSuspended, MemberErased, IdempotencyConflict, WalletNotOffered, TopUpOutOfRange, WalletBalanceOverMax, InvalidAmount, UnknownCurrency, CurrencyMismatch, MissingField, InvalidField]);

/// Pay money into the wallet; the program's `[wallet]` bonus for the amount (and the member's
/// tier) is added as bonus value.
#[utoipa::path(post, path = "/api/v1/members/{id}/wallet/top-ups", tag = "wallet", request_body = WalletAmountBody,
    params(("id" = i64, Path, description = "member id")),
    responses((status = 200, description = "The top-up, its bonus and the wallet after.", body = WalletMoveResponse), TopUpErrors),
    security(("api_key" = [])))]
async fn wallet_top_up(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<WalletAmountBody>,
) -> ApiResult<Json<WalletMoveResponse>> {
    caller.require(Scope::Pos)?;
    wallet_move(&state, &caller, b.request(id, WalletAsk::TopUp)).await
}

errors!(PayErrors: [PATH, BODY, WRITE], [UnknownMember, MemberSuspended, MemberErased, IdempotencyConflict, WalletNotOffered, InsufficientFunds, InvalidAmount, UnknownCurrency, CurrencyMismatch, MissingField, InvalidField]);

/// Pay for an order from the wallet: principal first, bonus last. Short of funds:
/// `insufficient_funds` and nothing paid, unless `partial` asks to pay what it holds.
#[utoipa::path(post, path = "/api/v1/members/{id}/wallet/payments", tag = "wallet", request_body = WalletPaymentBody,
    params(("id" = i64, Path, description = "member id")),
    responses((status = 200, description = "The payment and the wallet after.", body = WalletMoveResponse), PayErrors),
    security(("api_key" = [])))]
async fn wallet_pay(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<WalletPaymentBody>,
) -> ApiResult<Json<WalletMoveResponse>> {
    caller.require(Scope::Pos)?;
    wallet_move(&state, &caller, b.request(id)).await
}

errors!(RefundErrors: [PATH, BODY, WRITE], [UnknownMember, UnknownPayment, IdempotencyConflict, WalletNotOffered, RefundExceedsPayment, InvalidAmount, UnknownCurrency, CurrencyMismatch, MissingField, InvalidField]);

/// Give part or all of a wallet payment back: principal and bonus return in the share the
/// payment took them.
#[utoipa::path(post, path = "/api/v1/members/{id}/wallet/refunds", tag = "wallet", request_body = WalletRefundBody,
    params(("id" = i64, Path, description = "member id")),
    responses((status = 200, description = "The refund and the wallet after.", body = WalletMoveResponse), RefundErrors),
    security(("api_key" = [])))]
async fn wallet_refund(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<WalletRefundBody>,
) -> ApiResult<Json<WalletMoveResponse>> {
    caller.require(Scope::Pos)?;
    wallet_move(&state, &caller, b.request(id)).await
}

errors!(CashOutErrors: [PATH, BODY, WRITE, ADMIN], [UnknownMember, IdempotencyConflict, WalletNotOffered, CashOutOverPrincipal, InvalidAmount, UnknownCurrency, CurrencyMismatch, MissingField, InvalidField]);

/// Pay principal out to the member (admin keys only); bonus value is never paid out.
#[utoipa::path(post, path = "/api/v1/members/{id}/wallet/cash-outs", tag = "wallet", request_body = WalletAmountBody,
    params(("id" = i64, Path, description = "member id")),
    responses((status = 200, description = "The cash-out and the wallet after.", body = WalletMoveResponse), CashOutErrors),
    security(("api_key" = [])))]
async fn wallet_cash_out(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<WalletAmountBody>,
) -> ApiResult<Json<WalletMoveResponse>> {
    caller.require(Scope::Admin)?;
    wallet_move(&state, &caller, b.request(id, WalletAsk::CashOut)).await
}
