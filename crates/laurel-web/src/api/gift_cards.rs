//! Gift cards: issued (admin keys), read, activated when sold, paying orders, refunded, and
//! loaded into a member's wallet. A card is named by its code in the `X-Gift-Card-Code`
//! header — never in the path, which proxies and access logs keep — and a card with a PIN is
//! reached only with it, in the `X-Gift-Card-Pin` header.

use crate::AppState;
use crate::api::responses::errors;
use crate::auth::Caller;
use crate::dto::{
    GiftCardLoadResponse, GiftCardResponse, IssueGiftCardsBody, IssuedGiftCardsResponse,
    LoadGiftCardBody, WalletMoveResponse, WalletPaymentBody, WalletRefundBody,
};
use crate::error::ApiResult;
use crate::extract::ApiJson;
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use laurel_engine::{CardKey, EngineError, ErrorCode, GiftCardMoveRequest, Scope};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The header a card's PIN comes in.
const PIN_HEADER: &str = "x-gift-card-pin";

/// The header a card's code comes in.
const CODE_HEADER: &str = "x-gift-card-code";

/// The gift card routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(issue_gift_cards))
        .routes(routes!(gift_card))
        .routes(routes!(activate_gift_card))
        .routes(routes!(gift_card_payment))
        .routes(routes!(gift_card_refund))
        .routes(routes!(load_gift_card))
        .routes(routes!(unlock_gift_card))
}

/// The card a request names: its code and PIN in their headers.
fn card_key(headers: &HeaderMap) -> ApiResult<CardKey> {
    Ok(CardKey {
        code: card_code(headers)?,
        pin: header(headers, PIN_HEADER),
    })
}

/// The code in a request's `X-Gift-Card-Code` header, required.
fn card_code(headers: &HeaderMap) -> ApiResult<String> {
    header(headers, CODE_HEADER).ok_or_else(|| {
        EngineError::invalid(
            "X-Gift-Card-Code",
            ErrorCode::MissingField,
            "give the card's code in the X-Gift-Card-Code header",
        )
        .into()
    })
}

/// A header's value, trimmed; none when absent or not text.
fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
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

errors!(CardErrors: [], [MissingField, UnknownGiftCard, GiftCardPinRequired, GiftCardPinWrong, GiftCardLocked]);

/// A card's balance and standing.
#[utoipa::path(get, path = "/api/v1/gift-card", tag = "gift cards",
    params(("X-Gift-Card-Code" = String, Header, description = "the card's code (case, dashes and spaces do not matter)"),
        ("X-Gift-Card-Pin" = Option<String>, Header, description = "the card's PIN, when it has one")),
    responses((status = 200, description = "The card.", body = GiftCardResponse), CardErrors),
    security(("api_key" = [])))]
async fn gift_card(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
) -> ApiResult<Json<GiftCardResponse>> {
    caller.require(Scope::Pos)?;
    let card = state.engine.gift_card(&card_key(&headers)?).await?;
    let currency = state.engine.definition().program.currency;
    Ok(Json(GiftCardResponse::of(&card, currency)))
}

errors!(ActivateErrors: [WRITE], [MissingField, UnknownGiftCard, GiftCardActive, GiftCardNotActive, GiftCardExpired, WalletNotOffered]);

/// Activate a card when it is sold: its value is paid in. The seller holds the card: no PIN.
#[utoipa::path(post, path = "/api/v1/gift-card/activate", tag = "gift cards",
    params(("X-Gift-Card-Code" = String, Header, description = "the card's code (case, dashes and spaces do not matter)")),
    responses((status = 200, description = "The card, active.", body = GiftCardResponse), ActivateErrors),
    security(("api_key" = [])))]
async fn activate_gift_card(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
) -> ApiResult<Json<GiftCardResponse>> {
    caller.require(Scope::Pos)?;
    let card = state
        .engine
        .activate_gift_card(&card_code(&headers)?, &caller.actor())
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

errors!(CardPayErrors: [BODY, WRITE], [UnknownGiftCard, GiftCardPinRequired, GiftCardPinWrong, GiftCardLocked, GiftCardNotActive, GiftCardExpired, IdempotencyConflict, WalletNotOffered, InsufficientFunds, InvalidAmount, UnknownCurrency, CurrencyMismatch, MissingField, InvalidField]);

/// Pay an order from a card, in whole or (with `partial`) what it holds.
#[utoipa::path(post, path = "/api/v1/gift-card/payments", tag = "gift cards", request_body = WalletPaymentBody,
    params(("X-Gift-Card-Code" = String, Header, description = "the card's code (case, dashes and spaces do not matter)"),
        ("X-Gift-Card-Pin" = Option<String>, Header, description = "the card's PIN, when it has one")),
    responses((status = 200, description = "The payment and the card after.", body = WalletMoveResponse), CardPayErrors),
    security(("api_key" = [])))]
async fn gift_card_payment(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiJson(b): ApiJson<WalletPaymentBody>,
) -> ApiResult<Json<WalletMoveResponse>> {
    card_move(&state, &caller, b.card_request(card_key(&headers)?)).await
}

errors!(CardRefundErrors: [BODY, WRITE], [UnknownGiftCard, GiftCardPinRequired, GiftCardPinWrong, GiftCardLocked, GiftCardNotActive, UnknownPayment, RefundExceedsPayment, IdempotencyConflict, WalletNotOffered, InvalidAmount, UnknownCurrency, CurrencyMismatch, MissingField, InvalidField]);

/// Give part or all of a card's payment back to the card.
#[utoipa::path(post, path = "/api/v1/gift-card/refunds", tag = "gift cards", request_body = WalletRefundBody,
    params(("X-Gift-Card-Code" = String, Header, description = "the card's code (case, dashes and spaces do not matter)"),
        ("X-Gift-Card-Pin" = Option<String>, Header, description = "the card's PIN, when it has one")),
    responses((status = 200, description = "The refund and the card after.", body = WalletMoveResponse), CardRefundErrors),
    security(("api_key" = [])))]
async fn gift_card_refund(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiJson(b): ApiJson<WalletRefundBody>,
) -> ApiResult<Json<WalletMoveResponse>> {
    card_move(&state, &caller, b.card_request(card_key(&headers)?)).await
}

errors!(UnlockErrors: [ADMIN], [MissingField, UnknownGiftCard]);

/// Unlock a card its wrong PINs locked, for a holder who proved it is theirs (admin keys
/// only; audited): its tries are given back.
#[utoipa::path(post, path = "/api/v1/gift-card/unlock", tag = "gift cards",
    params(("X-Gift-Card-Code" = String, Header, description = "the card's code (case, dashes and spaces do not matter)")),
    responses((status = 200, description = "The card, unlocked.", body = GiftCardResponse), UnlockErrors),
    security(("api_key" = [])))]
async fn unlock_gift_card(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
) -> ApiResult<Json<GiftCardResponse>> {
    caller.require(Scope::Admin)?;
    let card = state
        .engine
        .unlock_gift_card(&card_code(&headers)?, &caller.actor())
        .await?;
    let currency = state.engine.definition().program.currency;
    Ok(Json(GiftCardResponse::of(&card, currency)))
}

errors!(LoadErrors: [BODY, WRITE], [MissingField, UnknownGiftCard, UnknownMember, MemberSuspended, MemberErased, GiftCardPinRequired, GiftCardPinWrong, GiftCardLocked, GiftCardNotActive, GiftCardExpired, InsufficientFunds, WalletBalanceOverMax, WalletNotOffered]);

/// Load all a card holds into a member's wallet; the card pays no more.
#[utoipa::path(post, path = "/api/v1/gift-card/load", tag = "gift cards", request_body = LoadGiftCardBody,
    params(("X-Gift-Card-Code" = String, Header, description = "the card's code (case, dashes and spaces do not matter)"),
        ("X-Gift-Card-Pin" = Option<String>, Header, description = "the card's PIN, when it has one")),
    responses((status = 200, description = "The card, emptied, and the member's wallet after.", body = GiftCardLoadResponse), LoadErrors),
    security(("api_key" = [])))]
async fn load_gift_card(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiJson(b): ApiJson<LoadGiftCardBody>,
) -> ApiResult<Json<GiftCardLoadResponse>> {
    caller.require(Scope::Pos)?;
    let load = state
        .engine
        .load_gift_card(&card_key(&headers)?, b.member_id, &caller.actor())
        .await?;
    let currency = state.engine.definition().program.currency;
    Ok(Json(GiftCardLoadResponse::of(load, currency)))
}
