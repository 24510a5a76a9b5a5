//! Gift cards: issued (admin keys), read, activated when sold, paying orders, refunded, and
//! loaded into a member's wallet. A card is named by its code in the path; a card with a PIN
//! is reached only with it, in the `X-Gift-Card-Pin` header.

use crate::AppState;
use crate::api::responses::errors;
use crate::auth::Caller;
use crate::dto::{
    GiftCardLoadResponse, GiftCardResponse, IssueGiftCardsBody, IssuedGiftCardsResponse,
    LoadGiftCardBody, WalletMoveResponse, WalletPaymentBody, WalletRefundBody,
};
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use laurel_engine::{CardKey, GiftCardMoveRequest, Scope};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The header a card's PIN comes in.
const PIN_HEADER: &str = "x-gift-card-pin";

/// The gift card routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(issue_gift_cards))
        .routes(routes!(gift_card))
        .routes(routes!(activate_gift_card))
        .routes(routes!(gift_card_payment))
        .routes(routes!(gift_card_refund))
        .routes(routes!(load_gift_card))
}

/// The card a request names: the code in its path and the PIN in its header.
fn card_key(code: String, headers: &HeaderMap) -> CardKey {
    CardKey {
        code,
        pin: headers
            .get(PIN_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(|pin| pin.trim().to_owned()),
    }
}

errors!(IssueErrors: [BODY, WRITE, ADMIN], [IdempotencyConflict, WalletNotOffered, InvalidAmount, UnknownCurrency, CurrencyMismatch, InvalidDate, MissingField, InvalidField]);

/// Issue gift cards, one or a batch of up to 1,000 of one value (admin keys only). The
/// answer is the only time their codes and PINs are told: keep it.
#[utoipa::path(post, path = "/api/v1/gift-cards", tag = "gift cards", request_body = IssueGiftCardsBody,
    responses((status = 200, description = "The batch with each card's code and PIN.", body = IssuedGiftCardsResponse), IssueErrors),
    security(("api_key" = [])))]
async fn issue_gift_cards(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(b): ApiJson<IssueGiftCardsBody>,
) -> ApiResult<Json<IssuedGiftCardsResponse>> {
    caller.require(Scope::Admin)?;
    let issued = state
        .engine
        .issue_gift_cards(b.request()?, &caller.actor())
        .await?;
    let currency = state.engine.definition().program.currency;
    Ok(Json(IssuedGiftCardsResponse::of(issued, currency)))
}

errors!(CardErrors: [PATH], [UnknownGiftCard, GiftCardPinRequired, GiftCardPinWrong, GiftCardLocked]);

/// A card's balance and standing.
#[utoipa::path(get, path = "/api/v1/gift-cards/{code}", tag = "gift cards",
    params(("code" = String, Path, description = "the card's code (case, dashes and spaces do not matter)"),
        ("X-Gift-Card-Pin" = Option<String>, Header, description = "the card's PIN, when it has one")),
    responses((status = 200, description = "The card.", body = GiftCardResponse), CardErrors),
    security(("api_key" = [])))]
async fn gift_card(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(code): ApiPath<String>,
    headers: HeaderMap,
) -> ApiResult<Json<GiftCardResponse>> {
    caller.require(Scope::Pos)?;
    let card = state.engine.gift_card(&card_key(code, &headers)).await?;
    let currency = state.engine.definition().program.currency;
    Ok(Json(GiftCardResponse::of(&card, currency)))
}

errors!(ActivateErrors: [PATH, WRITE], [UnknownGiftCard, GiftCardActive, GiftCardNotActive, GiftCardExpired, WalletNotOffered]);

/// Activate a card when it is sold: its value is paid in. The seller holds the card: no PIN.
#[utoipa::path(post, path = "/api/v1/gift-cards/{code}/activate", tag = "gift cards",
    params(("code" = String, Path, description = "the card's code")),
    responses((status = 200, description = "The card, active.", body = GiftCardResponse), ActivateErrors),
    security(("api_key" = [])))]
async fn activate_gift_card(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<Json<GiftCardResponse>> {
    caller.require(Scope::Pos)?;
    let card = state
        .engine
        .activate_gift_card(&code, &caller.actor())
        .await?;
    let currency = state.engine.definition().program.currency;
    Ok(Json(GiftCardResponse::of(&card, currency)))
}

/// Makes a payment or refund of a card and answers it in the program's currency.
async fn card_move(
    state: &AppState,
    caller: &Caller,
    request: GiftCardMoveRequest,
) -> ApiResult<Json<WalletMoveResponse>> {
    caller.require(Scope::Pos)?;
    let outcome = state
        .engine
        .gift_card_move(request, &caller.actor())
        .await?;
    let currency = state.engine.definition().program.currency;
    Ok(Json(WalletMoveResponse::of(outcome, currency)))
}

errors!(CardPayErrors: [PATH, BODY, WRITE], [UnknownGiftCard, GiftCardPinRequired, GiftCardPinWrong, GiftCardLocked, GiftCardNotActive, GiftCardExpired, IdempotencyConflict, WalletNotOffered, InsufficientFunds, InvalidAmount, UnknownCurrency, CurrencyMismatch, MissingField, InvalidField]);

/// Pay an order from a card, in whole or (with `partial`) what it holds.
#[utoipa::path(post, path = "/api/v1/gift-cards/{code}/payments", tag = "gift cards", request_body = WalletPaymentBody,
    params(("code" = String, Path, description = "the card's code"),
        ("X-Gift-Card-Pin" = Option<String>, Header, description = "the card's PIN, when it has one")),
    responses((status = 200, description = "The payment and the card after.", body = WalletMoveResponse), CardPayErrors),
    security(("api_key" = [])))]
async fn gift_card_payment(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(code): ApiPath<String>,
    headers: HeaderMap,
    ApiJson(b): ApiJson<WalletPaymentBody>,
) -> ApiResult<Json<WalletMoveResponse>> {
    card_move(&state, &caller, b.card_request(card_key(code, &headers))).await
}

errors!(CardRefundErrors: [PATH, BODY, WRITE], [UnknownGiftCard, GiftCardPinRequired, GiftCardPinWrong, GiftCardLocked, GiftCardNotActive, UnknownPayment, RefundExceedsPayment, IdempotencyConflict, WalletNotOffered, InvalidAmount, UnknownCurrency, CurrencyMismatch, MissingField, InvalidField]);

/// Give part or all of a card's payment back to the card.
#[utoipa::path(post, path = "/api/v1/gift-cards/{code}/refunds", tag = "gift cards", request_body = WalletRefundBody,
    params(("code" = String, Path, description = "the card's code"),
        ("X-Gift-Card-Pin" = Option<String>, Header, description = "the card's PIN, when it has one")),
    responses((status = 200, description = "The refund and the card after.", body = WalletMoveResponse), CardRefundErrors),
    security(("api_key" = [])))]
async fn gift_card_refund(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(code): ApiPath<String>,
    headers: HeaderMap,
    ApiJson(b): ApiJson<WalletRefundBody>,
) -> ApiResult<Json<WalletMoveResponse>> {
    card_move(&state, &caller, b.card_request(card_key(code, &headers))).await
}

errors!(LoadErrors: [PATH, BODY, WRITE], [UnknownGiftCard, UnknownMember, MemberSuspended, GiftCardPinRequired, GiftCardPinWrong, GiftCardLocked, GiftCardNotActive, GiftCardExpired, InsufficientFunds, WalletBalanceOverMax, WalletNotOffered]);

/// Load all a card holds into a member's wallet; the card pays no more.
#[utoipa::path(post, path = "/api/v1/gift-cards/{code}/load", tag = "gift cards", request_body = LoadGiftCardBody,
    params(("code" = String, Path, description = "the card's code"),
        ("X-Gift-Card-Pin" = Option<String>, Header, description = "the card's PIN, when it has one")),
    responses((status = 200, description = "The card, emptied, and the member's wallet after.", body = GiftCardLoadResponse), LoadErrors),
    security(("api_key" = [])))]
async fn load_gift_card(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(code): ApiPath<String>,
    headers: HeaderMap,
    ApiJson(b): ApiJson<LoadGiftCardBody>,
) -> ApiResult<Json<GiftCardLoadResponse>> {
    caller.require(Scope::Pos)?;
    let load = state
        .engine
        .load_gift_card(&card_key(code, &headers), b.member_id, &caller.actor())
        .await?;
    let currency = state.engine.definition().program.currency;
    Ok(Json(GiftCardLoadResponse::of(load, currency)))
}
