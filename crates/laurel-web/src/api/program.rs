//! The program under `/api/v1/admin/program` (admin keys): read the versions, apply a new one.

use crate::AppState;
use crate::api::responses::errors;
use crate::auth::Caller;
use crate::dto::{
    ApplyProgramBody, ApplyProgramResponse, ProgramVersionBody, ProgramVersionsResponse,
};
use crate::error::ApiResult;
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

errors!(ProgramErrors: [ADMIN], []);

/// The program version in force now, with its text.
#[utoipa::path(get, path = "/api/v1/admin/program", tag = "program",
    responses((status = 200, description = "The version in force, with its text.", body = ProgramVersionBody), ProgramErrors),
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

errors!(ApplyProgramErrors: [BODY, WRITE, ADMIN], [InvalidProgram, MissingField, InvalidField, InvalidDate, ProgramCurrencyChanged, ProgramTierInUse, ApprovalRequired]);

/// Apply a new program version without a restart: validated like a program file (every
/// problem listed in `problems`), stored, in force from `effective_from` (now by default).
/// Purchases and events are judged by the version in force at their `occurred_at`.
#[utoipa::path(post, path = "/api/v1/admin/program", tag = "program", request_body = ApplyProgramBody,
    responses((status = 201, description = "A new version, stored.", body = ApplyProgramResponse),
              (status = 200, description = "Unchanged, or a dry run that validated.", body = ApplyProgramResponse), ApplyProgramErrors),
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

errors!(ProgramVersionsErrors: [ADMIN], []);

/// Every program version, by when it takes effect: which is in force, which are scheduled.
#[utoipa::path(get, path = "/api/v1/admin/program/versions", tag = "program",
    responses((status = 200, description = "Every version.", body = ProgramVersionsResponse), ProgramVersionsErrors),
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

errors!(ProgramVersionErrors: [PATH, ADMIN], [UnknownProgramVersion]);

/// One program version, with its text.
#[utoipa::path(get, path = "/api/v1/admin/program/versions/{version}", tag = "program",
    params(("version" = i64, Path, description = "version number")),
    responses((status = 200, description = "The version, with its text.", body = ProgramVersionBody), ProgramVersionErrors),
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
