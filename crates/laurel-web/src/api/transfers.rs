//! Transfers between members: send points to another member, and read a member's transfers.

use crate::AppState;
use crate::api::responses::errors;
use crate::auth::Caller;
use crate::dto::{TransferBody, TransferResponse, TransfersResponse};
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery, page_cursor, page_limit};
use axum::Json;
use axum::extract::State;
use laurel_engine::Scope;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The transfers routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(send_points, member_transfers))
}

errors!(SendErrors: [PATH, BODY, WRITE], [UnknownMember, MemberSuspended, MemberErased, UnknownRecipient, TransferToSelf, TransfersNotOffered, TransferBelowMinimum, TransferOverDailyMax, TransferTooSoon, InsufficientPoints, IdempotencyConflict, MissingField, InvalidField, InvalidAmount, FraudRefused]);

/// Send points to another member, within the program's `[transfers]` limits; its fee is paid
/// on top. The points keep their expiry. Both members must be active.
#[utoipa::path(post, path = "/api/v1/members/{id}/transfers", tag = "points",
    request_body = TransferBody,
    params(("id" = i64, Path, description = "the sending member's id")),
    responses((status = 200, description = "The transfer and the sender's balances after it.", body = TransferResponse), SendErrors),
    security(("api_key" = [])))]
async fn send_points(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<TransferBody>,
) -> ApiResult<Json<TransferResponse>> {
    caller.require(Scope::Pos)?;
    let outcome = state.engine.send_points(b.request(id)?, None).await?;
    Ok(Json((&outcome).into()))
}

/// Pagination of a member's transfers.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TransfersQuery {
    /// `next_cursor` of the previous page.
    #[param(pattern = "^[0-9]{1,18}$")]
    cursor: Option<String>,
    /// Transfers per page (1–200, default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
}

errors!(TransfersErrors: [PATH, QUERY], [UnknownMember]);

/// The transfers a member sent and received, newest first.
#[utoipa::path(get, path = "/api/v1/members/{id}/transfers", tag = "points",
    params(("id" = i64, Path, description = "member id"), TransfersQuery),
    responses((status = 200, description = "A page of the member's transfers.", body = TransfersResponse), TransfersErrors),
    security(("api_key" = [])))]
async fn member_transfers(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<TransfersQuery>,
) -> ApiResult<Json<TransfersResponse>> {
    caller.require(Scope::Pos)?;
    let page = state
        .engine
        .transfers_of(id, page_cursor(q.cursor.as_deref())?, page_limit(q.limit)?)
        .await?;
    Ok(Json(TransfersResponse {
        transfers: page.transfers.iter().map(Into::into).collect(),
        next_cursor: page.next.map(|id| id.to_string()),
    }))
}
