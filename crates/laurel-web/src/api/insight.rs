//! Insight under `/api/v1/insight` (admin keys): the KPIs of a period, the breakdowns and the
//! churn-risk list; and a member's insight.

use crate::AppState;
use crate::api::responses::errors;
use crate::auth::Caller;
use crate::dto::{
    ChurnListResponse, CohortsResponse, DistributionsResponse, KpiReportResponse,
    MemberInsightResponse,
};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiPath, ApiQuery, page_limit};
use axum::Json;
use axum::extract::State;
use jiff::Timestamp;
use jiff::civil::Date;
use laurel_core::insight::{COHORT_MONTHS_MAX, Period};
use laurel_engine::{ChurnFilter, ChurnKey, ErrorCode, Scope, period_error};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The insight routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(kpis))
        .routes(routes!(distributions))
        .routes(routes!(cohorts))
        .routes(routes!(member_insight))
        .routes(routes!(churn_risk))
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
    let report = engine.kpis(q.period(engine)?).await?;
    let program = &engine.definition().program;
    Ok(Json(KpiReportResponse::new(
        report,
        program.currency.to_string(),
        program.time_zone.iana_name().unwrap_or("UTC").to_owned(),
    )))
}

impl PeriodQuery {
    /// The period asked for, the defaults filled in.
    fn period(&self, engine: &laurel_engine::Engine) -> ApiResult<Period> {
        period_of(engine, self.from.as_deref(), self.to.as_deref())
    }
}

/// The days from `from` to `to` (both `YYYY-MM-DD`, in the program's time zone, both
/// included): `to` today and `from` 89 days before it when not given.
pub(crate) fn period_of(
    engine: &laurel_engine::Engine,
    from: Option<&str>,
    to: Option<&str>,
) -> ApiResult<Period> {
    let to = match day("to", to)? {
        Some(to) => to,
        None => engine.days_to_today(1, Timestamp::now())?.to,
    };
    Ok(match day("from", from)? {
        Some(from) => Period::new(from, to),
        None => Period::ending(to, DEFAULT_DAYS),
    }
    .map_err(period_error)?)
}

/// How purchases spread over the members who bought in a period (how many purchases each
/// made, and the repeat-purchase rate), and how long before its end members last bought.
#[utoipa::path(get, path = "/api/v1/insight/distributions", tag = "insight",
    params(PeriodQuery),
    responses((status = 200, description = "Members by purchases in the period and by days since their last purchase.", body = DistributionsResponse), KpiErrors),
    security(("api_key" = [])))]
async fn distributions(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> ApiResult<Json<DistributionsResponse>> {
    caller.require(Scope::Admin)?;
    let period = q.period(&state.engine)?;
    let spread = state.engine.distributions(period).await?;
    Ok(Json(DistributionsResponse::new(period, &spread)))
}

/// How many calendar months the cohort table covers.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CohortQuery {
    /// Months ending with this one (1–36, default 12).
    #[param(minimum = 1, maximum = 36)]
    months: Option<u32>,
}

errors!(CohortErrors: [QUERY, ADMIN], []);

/// Retention by monthly cohort: the members who joined in each month, and how many of them
/// bought in each month from then to this one.
#[utoipa::path(get, path = "/api/v1/insight/cohorts", tag = "insight",
    params(CohortQuery),
    responses((status = 200, description = "The cohorts, oldest first.", body = CohortsResponse), CohortErrors),
    security(("api_key" = [])))]
async fn cohorts(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<CohortQuery>,
) -> ApiResult<Json<CohortsResponse>> {
    caller.require(Scope::Admin)?;
    let months = q.months.unwrap_or(12);
    if !(1..=COHORT_MONTHS_MAX).contains(&months) {
        return Err(ApiError::invalid(
            "months",
            ErrorCode::InvalidQuery,
            format!("is 1 to {COHORT_MONTHS_MAX}"),
        ));
    }
    Ok(Json(
        state.engine.cohorts(months, Timestamp::now()).await?.into(),
    ))
}

errors!(MemberInsightErrors: [PATH], [UnknownMember]);

/// What the last insight refresh (daily) worked out for a member: their RFM scores and named
/// segment, the probability they are still active with the churn risk and its reason, their
/// expected purchases in the next 90 days and 12-month value, and the fitted models behind
/// it. A member with no purchases by the last refresh has only `member_id` (and `model`).
#[utoipa::path(get, path = "/api/v1/members/{id}/insight", tag = "insight",
    params(("id" = i64, Path, description = "member id")),
    responses((status = 200, description = "The member's scores and forecast.", body = MemberInsightResponse), MemberInsightErrors),
    security(("api_key" = [])))]
async fn member_insight(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<MemberInsightResponse>> {
    caller.require(Scope::Pos)?;
    let insight = state.engine.member_insight(id).await?;
    let currency = state.engine.definition().program.currency;
    Ok(Json(MemberInsightResponse::new(
        id,
        insight,
        currency,
        Timestamp::now(),
    )))
}

/// A level of the churn-risk list.
#[derive(Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ChurnLevel {
    /// P(alive) below 0.3.
    High,
    /// P(alive) from 0.3 up to 0.7.
    Medium,
}

/// Which members of the churn-risk list, and where the page starts.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChurnQuery {
    /// Only this level; both when absent (high first).
    #[param(inline)]
    level: Option<ChurnLevel>,
    /// `next` of the previous page.
    #[param(
        pattern = "^(high|medium|low)\\.[0-9]{1,18}\\.[0-9]{1,18}$",
        example = "high.84210.1042"
    )]
    after: Option<String>,
    /// Members per page (1–200, default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
}

errors!(ChurnErrors: [QUERY, ADMIN], []);

/// The members the last insight refresh (daily) put at risk of having lapsed: high risk first,
/// then medium, within a level those least likely still active first, each with the value at
/// stake (their expected spend over the next 12 months) and the reason in words. Pages follow
/// `next`; members the refresh could not forecast (too little history to fit on) are not
/// listed.
#[utoipa::path(get, path = "/api/v1/insight/churn-risk", tag = "insight",
    params(ChurnQuery),
    responses((status = 200, description = "A page of the churn-risk list.", body = ChurnListResponse), ChurnErrors),
    security(("api_key" = [])))]
async fn churn_risk(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ChurnQuery>,
) -> ApiResult<Json<ChurnListResponse>> {
    caller.require(Scope::Admin)?;
    let filter = match q.level {
        Some(ChurnLevel::High) => ChurnFilter::High,
        Some(ChurnLevel::Medium) => ChurnFilter::Medium,
        None => ChurnFilter::AtRisk,
    };
    let after = q
        .after
        .as_deref()
        .map(str::parse::<ChurnKey>)
        .transpose()
        .map_err(|e| ApiError::invalid("after", ErrorCode::InvalidQuery, e.to_string()))?;
    let limit = page_limit(q.limit)?;
    let page = state.engine.churn_risk(filter, after, limit).await?;
    let currency = state.engine.definition().program.currency;
    Ok(Json(ChurnListResponse::new(
        page,
        currency,
        Timestamp::now(),
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
