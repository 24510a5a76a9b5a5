//! Coalition partners: the program's partners, their keys, and their settlement statements —
//! the program's view of any partner's, and a partner's own through its key.

use crate::AppState;
use crate::api::insight::period_of;
use crate::api::responses::errors;
use crate::auth::Caller;
use crate::dto::{PartnerKeyBody, PartnerKeyResponse, PartnersResponse, StatementResponse};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery, limit_within};
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use laurel_engine::{PARTNER_ENTRIES_PAGE_MAX, Scope};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The partners routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(partners))
        .routes(routes!(create_key))
        .routes(routes!(settlement))
        .routes(routes!(own_settlement))
}

errors!(PartnersErrors: [ADMIN], []);

/// The program's coalition partners (`[[partners]]`), with the prices their points settle at.
#[utoipa::path(get, path = "/api/v1/admin/partners", tag = "partners",
    responses((status = 200, description = "The partners.", body = PartnersResponse), PartnersErrors),
    security(("api_key" = [])))]
async fn partners(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<PartnersResponse>> {
    caller.require(Scope::Admin)?;
    let partners = state
        .engine
        .partners()
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(Json(PartnersResponse { partners }))
}

errors!(PartnerKeyErrors: [PATH, BODY, ADMIN], [UnknownPartner, MissingField, InvalidField, InvalidDate]);

/// Make an API key for a partner. It reaches members' balances, and the partner's own
/// purchases, refunds, rewards, redemptions and statements; nothing else. Audited.
#[utoipa::path(post, path = "/api/v1/admin/partners/{code}/keys", tag = "partners",
    request_body = PartnerKeyBody,
    params(("code" = String, Path, description = "the partner's code")),
    responses((status = 200, description = "The key, shown this once.", body = PartnerKeyResponse), PartnerKeyErrors),
    security(("api_key" = [])))]
async fn create_key(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(code): ApiPath<String>,
    ApiJson(body): ApiJson<PartnerKeyBody>,
) -> ApiResult<Json<PartnerKeyResponse>> {
    caller.require(Scope::Admin)?;
    let key = state
        .engine
        .create_partner_key(&body.name, &code, body.expires_at()?, &caller.acting())
        .await?;
    Ok(Json(PartnerKeyResponse::new(key, code)))
}

/// Which statement, and how much of it.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatementQuery {
    /// The first day (YYYY-MM-DD, in the program's time zone); default 89 days before `to`.
    #[param(format = Date)]
    from: Option<String>,
    /// The last day, included; default today.
    #[param(format = Date)]
    to: Option<String>,
    /// The last line of the previous page (its `next`).
    #[param(minimum = 0)]
    after: Option<i64>,
    /// Lines per page (1–1000, default 200).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u32>,
    /// `json` (the default) or `csv`: every line, then the totals and what is due.
    #[param(inline)]
    format: Option<StatementFormat>,
}

/// How a statement is written.
#[derive(Deserialize, ToSchema, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum StatementFormat {
    /// The totals and a page of lines, as JSON.
    Json,
    /// Every line, then the totals, one record a row.
    Csv,
}

/// Lines in a JSON page unless the caller says.
const LINES_DEFAULT: u32 = 200;

errors!(SettlementErrors: [PATH, QUERY, ADMIN], [UnknownPartner, InvalidDate]);

/// A partner's settlement statement for whole days, by when each entry was posted: the points
/// it issued (its purchases' earnings at its price per point, less refunds) and the points
/// burned there (redemptions at its reimbursement, less cancellations), what each is worth,
/// what is due either way, and every line. A day that is over never changes.
#[utoipa::path(get, path = "/api/v1/admin/partners/{code}/settlement", tag = "partners",
    params(("code" = String, Path, description = "the partner's code"), StatementQuery),
    responses((status = 200, description = "The statement.", content(
        (StatementResponse = "application/json"),
        (String = "text/csv"),
    )), SettlementErrors),
    security(("api_key" = [])))]
async fn settlement(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<StatementQuery>,
) -> ApiResult<Response> {
    caller.require(Scope::Admin)?;
    statement(&state, &code, &q).await
}

errors!(OwnSettlementErrors: [QUERY], [UnknownPartner, InvalidDate]);

/// The calling partner's own settlement statement (a partner's key only): as the program sees
/// it at `/api/v1/admin/partners/{code}/settlement`.
#[utoipa::path(get, path = "/api/v1/partner/settlement", tag = "partners",
    params(StatementQuery),
    responses((status = 200, description = "The statement.", content(
        (StatementResponse = "application/json"),
        (String = "text/csv"),
    )), OwnSettlementErrors),
    security(("api_key" = [])))]
async fn own_settlement(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<StatementQuery>,
) -> ApiResult<Response> {
    let code = caller.require_partner()?.to_owned();
    statement(&state, &code, &q).await
}

async fn statement(state: &AppState, code: &str, q: &StatementQuery) -> ApiResult<Response> {
    let engine = &state.engine;
    let period = period_of(engine, q.from.as_deref(), q.to.as_deref())?;
    if q.format == Some(StatementFormat::Csv) {
        let text = engine.partner_statement_csv(code, period).await?;
        let disposition = format!(
            "attachment; filename=\"settlement-{code}-{}-{}.csv\"",
            period.from, period.to
        );
        return Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            text,
        )
            .into_response());
    }
    let limit = limit_within(q.limit, LINES_DEFAULT, PARTNER_ENTRIES_PAGE_MAX)?;
    if q.after.is_some_and(|after| after < 0) {
        return Err(ApiError::new(
            laurel_engine::ErrorCode::InvalidQuery,
            "after: must be a line's id, 0 or more",
        ));
    }
    let statement = engine
        .partner_statement(code, period, q.after, limit)
        .await?;
    Ok(Json(StatementResponse::from(statement)).into_response())
}
