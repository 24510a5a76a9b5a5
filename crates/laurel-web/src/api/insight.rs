//! Insight under `/api/v1/insight` (admin keys): the KPIs of a period.

use crate::AppState;
use crate::api::responses::errors;
use crate::auth::Caller;
use crate::dto::KpiReportResponse;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiQuery;
use axum::Json;
use axum::extract::State;
use jiff::Timestamp;
use jiff::civil::Date;
use laurel_core::insight::Period;
use laurel_engine::{ErrorCode, Scope, period_error};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The insight routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(kpis))
}

/// The days of the period; both default to the 90 days ending today.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// The first day (YYYY-MM-DD, in the program's time zone); default 89 days before `to`.
    #[param(format = Date)]
    from: Option<String>,
    /// The last day, included; default today.
    #[param(format = Date)]
    to: Option<String>,
}

/// Days a period spans when only its end is given.
const DEFAULT_DAYS: i64 = 90;

errors!(KpiErrors: [QUERY, ADMIN], [InvalidDate]);

/// The KPIs of a period and of the period of as many days before it: members, buyers,
/// engagement, retention and churn, order values of members and non-members, points issued,
/// redeemed and expired with their rates, the liability, the program's cost per unit sold,
/// reward popularity, tiers and referrals. Each is counted when it happened (a purchase's
/// `occurred_at`, a member's enrollment date), and each is defined in `definition`.
#[utoipa::path(get, path = "/api/v1/insight/kpis", tag = "insight",
    params(PeriodQuery),
    responses((status = 200, description = "The KPIs of the period and of the one before.", body = KpiReportResponse), KpiErrors),
    security(("api_key" = [])))]
async fn kpis(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> ApiResult<Json<KpiReportResponse>> {
    caller.require(Scope::Admin)?;
    let engine = &state.engine;
    let to = match day("to", q.to.as_deref())? {
        Some(to) => to,
        None => engine.days_to_today(1, Timestamp::now())?.to,
    };
    let period = match day("from", q.from.as_deref())? {
        Some(from) => Period::new(from, to).map_err(period_error)?,
        None => Period::ending(to, DEFAULT_DAYS).map_err(period_error)?,
    };
    let report = engine.kpis(period).await?;
    let program = &engine.definition().program;
    Ok(Json(KpiReportResponse::new(
        report,
        program.currency.to_string(),
        program.time_zone.iana_name().unwrap_or("UTC").to_owned(),
    )))
}

/// A day given as YYYY-MM-DD, if given.
fn day(name: &str, text: Option<&str>) -> ApiResult<Option<Date>> {
    text.map(|t| {
        t.parse::<Date>().map_err(|_| {
            ApiError::invalid(name, ErrorCode::InvalidQuery, "is not a date (YYYY-MM-DD)")
        })
    })
    .transpose()
}
