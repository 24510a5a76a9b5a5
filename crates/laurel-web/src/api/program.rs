//! The program under `/api/v1/admin/program` (admin keys): read the versions, apply a new one.

use crate::AppState;
use crate::auth::Caller;
use crate::dto::{
    ApplyProgramBody, ApplyProgramResponse, ProgramVersionBody, ProgramVersionsResponse,
};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::Timestamp;
use laurel_engine::{Applied, Scope};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The program routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(program_in_force, apply_program))
        .routes(routes!(program_versions))
        .routes(routes!(program_version))
}

/// The program version in force now, with its text.
#[utoipa::path(get, path = "/api/v1/admin/program", tag = "program",
    responses((status = 200, body = ProgramVersionBody), (status = 403, description = "forbidden", body = ErrorBody)),
    security(("api_key" = [])))]
async fn program_in_force(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<ProgramVersionBody>> {
    caller.require(Scope::Admin)?;
    let now = Timestamp::now();
    let version = state.engine.program_in_force(now).await?;
    Ok(Json(ProgramVersionBody::new(&version, &version, now, true)))
}

/// Apply a new program version without a restart: validated like a program file (every
/// problem listed in `problems`), stored, in force from `effective_from` (now by default).
/// Purchases and events are judged by the version in force at their `occurred_at`.
#[utoipa::path(post, path = "/api/v1/admin/program", tag = "program", request_body = ApplyProgramBody,
    responses((status = 201, description = "a new version", body = ApplyProgramResponse),
              (status = 200, description = "unchanged, or a dry run that validated", body = ApplyProgramResponse),
              (status = 403, description = "forbidden", body = ErrorBody),
              (status = 409, description = "program_currency_changed, program_tier_in_use", body = ErrorBody),
              (status = 422, description = "invalid_program (with problems), invalid_field, invalid_date", body = ErrorBody)),
    security(("api_key" = [])))]
async fn apply_program(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<ApplyProgramBody>,
) -> ApiResult<(StatusCode, Json<ApplyProgramResponse>)> {
    caller.require(Scope::Admin)?;
    let actor = format!("key:{}", caller.0.prefix);
    let applied = state
        .engine
        .apply_program(body.into_request()?, &actor)
        .await?;
    let now = Timestamp::now();
    let in_force = state.engine.program_in_force(now).await?;
    let (status, outcome, version) = match &applied {
        Applied::Created(v) => (StatusCode::CREATED, "created", v),
        Applied::Unchanged(v) => (StatusCode::OK, "unchanged", v),
        Applied::Checked(v) => (StatusCode::OK, "checked", v),
    };
    let version = match applied {
        Applied::Checked(_) => ProgramVersionBody::checked(version),
        _ => ProgramVersionBody::new(version, &in_force, now, false),
    };
    Ok((
        status,
        Json(ApplyProgramResponse {
            outcome: outcome.to_owned(),
            version,
        }),
    ))
}

/// Every program version, by when it takes effect: which is in force, which are scheduled.
#[utoipa::path(get, path = "/api/v1/admin/program/versions", tag = "program",
    responses((status = 200, body = ProgramVersionsResponse), (status = 403, description = "forbidden", body = ErrorBody)),
    security(("api_key" = [])))]
async fn program_versions(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<ProgramVersionsResponse>> {
    caller.require(Scope::Admin)?;
    let now = Timestamp::now();
    let versions = state.engine.program_versions().await?;
    let in_force = state.engine.program_in_force(now).await?;
    Ok(Json(ProgramVersionsResponse {
        versions: versions
            .iter()
            .map(|v| ProgramVersionBody::new(v, &in_force, now, false))
            .collect(),
    }))
}

/// One program version, with its text.
#[utoipa::path(get, path = "/api/v1/admin/program/versions/{version}", tag = "program",
    params(("version" = i64, Path, description = "version number")),
    responses((status = 200, body = ProgramVersionBody), (status = 403, description = "forbidden", body = ErrorBody),
              (status = 404, description = "unknown_program_version", body = ErrorBody)),
    security(("api_key" = [])))]
async fn program_version(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(number): ApiPath<i64>,
) -> ApiResult<Json<ProgramVersionBody>> {
    caller.require(Scope::Admin)?;
    let now = Timestamp::now();
    let version = state.engine.program_version(number).await?;
    let in_force = state.engine.program_in_force(now).await?;
    Ok(Json(ProgramVersionBody::new(
        &version, &in_force, now, true,
    )))
}
