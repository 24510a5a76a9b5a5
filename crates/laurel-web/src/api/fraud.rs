//! Fraud cases: what the program's fraud rules caught, and a reviewer's decision on each.

use crate::AppState;
use crate::api::responses::errors;
use crate::auth::Caller;
use crate::dto::{FraudCaseBody, FraudCasesResponse, ReviewBody};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use axum::Json;
use axum::extract::State;
use laurel_engine::{ErrorCode, ReviewAction, Scope};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The fraud routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(cases))
        .routes(routes!(case))
        .routes(routes!(review))
}

/// Which cases to list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CasesQuery {
    /// Only those waiting for a reviewer.
    #[serde(default)]
    pub open: bool,
}

errors!(CasesErrors: [QUERY, ADMIN], []);

/// Fraud cases, newest first (admin keys only): every operation a fraud rule of the program
/// flagged, held, refused or froze, with the rule's figures.
#[utoipa::path(get, path = "/api/v1/admin/fraud/cases", tag = "fraud", params(CasesQuery),
    responses((status = 200, description = "The cases.", body = FraudCasesResponse), CasesErrors),
    security(("api_key" = [])))]
async fn cases(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<CasesQuery>,
) -> ApiResult<Json<FraudCasesResponse>> {
    caller.require(Scope::Admin)?;
    let found = state.engine.fraud_cases(query.open).await?;
    Ok(Json(FraudCasesResponse {
        cases: found.into_iter().map(Into::into).collect(),
    }))
}

errors!(CaseErrors: [PATH, ADMIN], [UnknownFraudCase]);

/// One fraud case (admin keys only).
#[utoipa::path(get, path = "/api/v1/admin/fraud/cases/{id}", tag = "fraud",
    params(("id" = i64, Path, description = "case id")),
    responses((status = 200, description = "The case.", body = FraudCaseBody), CaseErrors),
    security(("api_key" = [])))]
async fn case(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<FraudCaseBody>> {
    caller.require(Scope::Admin)?;
    Ok(Json(state.engine.fraud_case(id).await?.into()))
}

errors!(ReviewErrors: [PATH, BODY, WRITE, ADMIN], [UnknownFraudCase, FraudCaseClosed, NothingToReview, MemberErased, MissingField, InvalidField]);

/// Close an open case (admin keys only; the key is recorded as the reviewer, and audited):
/// `release`, `reverse`, `freeze` or `dismiss`.
#[utoipa::path(post, path = "/api/v1/admin/fraud/cases/{id}/review", tag = "fraud",
    request_body = ReviewBody,
    params(("id" = i64, Path, description = "case id")),
    responses((status = 200, description = "The case, closed.", body = FraudCaseBody), ReviewErrors),
    security(("api_key" = [])))]
async fn review(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ReviewBody>,
) -> ApiResult<Json<FraudCaseBody>> {
    caller.require(Scope::Admin)?;
    let action = ReviewAction::parse(&body.action).ok_or_else(|| {
        ApiError::invalid(
            "action",
            ErrorCode::InvalidField,
            "must be release, reverse, freeze or dismiss",
        )
    })?;
    let closed = state
        .engine
        .review_fraud_case(id, action, &caller.actor())
        .await?;
    Ok(Json(closed.into()))
}
