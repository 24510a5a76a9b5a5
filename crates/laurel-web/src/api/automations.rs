//! Automations under `/api/v1/admin/automations` (admin keys): a dry run of one of the
//! program's automations. They are defined, and changed, in the program text.

use crate::AppState;
use crate::api::responses::errors;
use crate::auth::Caller;
use crate::dto::DryRunResponse;
use crate::error::ApiResult;
use crate::extract::{ApiPath, ApiQuery, page_limit};
use axum::Json;
use axum::extract::State;
use jiff::Timestamp;
use laurel_engine::Scope;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The automation routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(dry_run))
}

/// How many members a dry run lists.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DryRunQuery {
    /// Members listed (1–200, default 50); the totals count everyone.
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
}

errors!(DryRunErrors: [PATH, QUERY, ADMIN], [UnknownAutomation]);

/// A dry run of an automation of the program in force: who it would act on now, and what
/// each would get. Nothing is written.
#[utoipa::path(post, path = "/api/v1/admin/automations/{id}/dry-run", tag = "automations",
    params(("id" = String, Path, description = "the automation's id in the program"), DryRunQuery),
    responses((status = 200, description = "Who it would act on, and how.", body = DryRunResponse), DryRunErrors),
    security(("api_key" = [])))]
async fn dry_run(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<DryRunQuery>,
) -> ApiResult<Json<DryRunResponse>> {
    caller.require(Scope::Admin)?;
    let limit = page_limit(q.limit)? as usize;
    let run = state
        .engine
        .automation_dry_run(&id, Timestamp::now(), limit)
        .await?;
    Ok(Json(run.into()))
}
