//! Privacy: a member's consents with their history, erasing a member's personal data, and the
//! register of requests to do so.

use crate::AppState;
use crate::api::responses::errors;
use crate::auth::Caller;
use crate::dto::{ConsentsResponse, ErasureRequestsResponse, ErasureResponse};
use crate::error::ApiResult;
use crate::extract::{ApiPath, ApiQuery};
use axum::Json;
use axum::extract::State;
use laurel_engine::Scope;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The privacy routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(erase))
        .routes(routes!(requests))
        .routes(routes!(consents))
}

errors!(ConsentsErrors: [PATH], [UnknownMember]);

/// A member's consents: to marketing letters per channel (withheld until given) and to each
/// purpose (`profiling`: offers, segments and churn scores worked out from their buying,
/// allowed until withdrawn), with every change — what, given or withdrawn, when and where
/// (`portal`, `unsubscribe`) — newest first.
#[utoipa::path(get, path = "/api/v1/members/{id}/consents", tag = "privacy",
    params(("id" = i64, Path, description = "member id")),
    responses((status = 200, description = "The member's consents and their history.", body = ConsentsResponse), ConsentsErrors),
    security(("api_key" = [])))]
async fn consents(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ConsentsResponse>> {
    caller.require(Scope::Pos)?;
    let record = state
        .engine
        .consent_record(id, laurel_engine::CONSENT_CHANGES_MAX)
        .await?;
    Ok(Json(ConsentsResponse::new(id, record)))
}

errors!(EraseErrors: [PATH, WRITE, ADMIN], [UnknownMember, ErasureBlocked]);

/// Erase a member's personal data (admin keys only). Their name, email, phone, birthday and
/// attributes are destroyed, and so is what only they wrote (reports, transfer messages, the
/// name of a household they own, letters to them); wherever other stored text repeats their
/// values (events, audit entries) those are replaced — their external id by a pseudonym. The
/// points they hold are forfeited as breakage; the ledger, the books and every total keep
/// them under the pseudonym. Refused with `erasure_blocked` while they hold stored value,
/// points at a checkout or a membership. Asked again, answers the erasure made.
#[utoipa::path(post, path = "/api/v1/admin/members/{id}/erasure", tag = "privacy",
    params(("id" = i64, Path, description = "member id")),
    responses((status = 200, description = "The member, erased.", body = ErasureResponse), EraseErrors),
    security(("api_key" = [])))]
async fn erase(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ErasureResponse>> {
    caller.require(Scope::Admin)?;
    let erased = state.engine.erase_member(id, &caller.actor()).await?;
    Ok(Json(erased.into()))
}

/// Which requests to list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RequestsQuery {
    /// Only those waiting for staff (asked from the portal, not yet erased or declined).
    #[serde(default)]
    pub waiting: bool,
}

errors!(RequestsErrors: [QUERY, ADMIN], []);

/// The register of erasures: every request to erase a member (from the portal, waiting for
/// staff) and every erasure made, newest first.
#[utoipa::path(get, path = "/api/v1/admin/erasure-requests", tag = "privacy",
    params(RequestsQuery),
    responses((status = 200, description = "The requests.", body = ErasureRequestsResponse), RequestsErrors),
    security(("api_key" = [])))]
async fn requests(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<RequestsQuery>,
) -> ApiResult<Json<ErasureRequestsResponse>> {
    caller.require(Scope::Admin)?;
    let found = state.engine.erasure_requests(query.waiting).await?;
    Ok(Json(ErasureRequestsResponse {
        requests: found.into_iter().map(Into::into).collect(),
    }))
}
