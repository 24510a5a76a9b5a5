//! What if, under `/api/v1/admin/program/simulations` (admin keys): ask for a draft program
//! to be replayed over the stored history beside the versions in force, follow its progress,
//! read its report.

use crate::AppState;
use crate::api::responses::errors;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use laurel_engine::{Scope, Simulation, SimulationRun, StatedAssumption};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The simulation routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(start_simulation, simulations))
        .routes(routes!(simulation))
}

/// A draft to simulate.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SimulationBody {
    /// The draft's program text: TOML, as in a program file.
    #[schema(min_length = 1)]
    pub draft: String,
    /// When the draft takes effect and the report begins (RFC 3339); without it the draft
    /// decides the whole history and the report begins with the first thing that happened.
    #[schema(format = DateTime)]
    pub from: Option<String>,
    /// When the report ends (RFC 3339); now when absent.
    #[schema(format = DateTime)]
    pub to: Option<String>,
    /// Changes in behaviour stated for the draft, applied to its replay only and listed in
    /// the report.
    #[serde(default)]
    #[schema(max_items = 10)]
    pub assumptions: Vec<StatedAssumption>,
}

impl SimulationBody {
    fn into_request(self) -> Result<Simulation, ApiError> {
        let at = |field: &str, text: Option<String>| {
            text.as_deref()
                .map(|t| crate::dto::instant(field, t))
                .transpose()
        };
        Ok(Simulation {
            from: at("from", self.from)?,
            to: at("to", self.to)?,
            draft: self.draft,
            assumptions: self.assumptions,
        })
    }
}

/// The latest simulations, newest first, without their reports.
#[derive(Serialize, ToSchema)]
pub struct SimulationsResponse {
    /// The simulations.
    pub simulations: Vec<SimulationRun>,
}

errors!(StartSimulationErrors: [BODY, ADMIN], [MissingField, InvalidField, InvalidDate, InvalidProgram, ProgramCurrencyChanged, UnknownSegment]);

/// Ask for a simulation: the draft is checked at once (every problem listed, as when a
/// version is applied), then the stored history is replayed through it and through the
/// versions in force, in memory, writing nothing. Answered while it runs: follow it at
/// `GET /api/v1/admin/program/simulations/{id}`.
#[utoipa::path(post, path = "/api/v1/admin/program/simulations", tag = "program", request_body = SimulationBody,
    responses((status = 202, description = "Checked and running.", body = SimulationRun), StartSimulationErrors),
    security(("api_key" = [])))]
async fn start_simulation(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<SimulationBody>,
) -> ApiResult<(StatusCode, Json<SimulationRun>)> {
    caller.require(Scope::Admin)?;
    let actor = caller.actor();
    let run = state
        .engine
        .start_simulation(body.into_request()?, &actor)
        .await?;
    Ok((StatusCode::ACCEPTED, Json(run)))
}

errors!(SimulationsErrors: [ADMIN], []);

/// The latest simulations, newest first, without their reports.
#[utoipa::path(get, path = "/api/v1/admin/program/simulations", tag = "program",
    responses((status = 200, description = "The latest simulations.", body = SimulationsResponse), SimulationsErrors),
    security(("api_key" = [])))]
async fn simulations(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<SimulationsResponse>> {
    caller.require(Scope::Admin)?;
    Ok(Json(SimulationsResponse {
        simulations: state.engine.simulations().await?,
    }))
}

errors!(SimulationErrors: [PATH, ADMIN], [UnknownSimulation]);

/// A simulation: its progress while it runs (`done` of `total` happenings replayed), then
/// its report — per month and in total, for the versions in force and for the draft.
#[utoipa::path(get, path = "/api/v1/admin/program/simulations/{id}", tag = "program",
    params(("id" = i64, Path, description = "simulation id")),
    responses((status = 200, description = "The simulation.", body = SimulationRun), SimulationErrors),
    security(("api_key" = [])))]
async fn simulation(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<SimulationRun>> {
    caller.require(Scope::Admin)?;
    Ok(Json(state.engine.simulation(id).await?))
}
