//! The books under `/api/v1/admin/books` (admin keys): the liability roll-forward of a
//! range, its journal (JSON or CSV), estimates of the redemption rate, and period closes.

use crate::AppState;
use crate::api::responses::errors;
use crate::auth::Caller;
use crate::dto::{
    BooksJournalResponse, BooksReportResponse, CloseBody, ClosesResponse, EstimateBody,
    EstimatesResponse,
};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery};
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use laurel_engine::{BooksJournal, BooksRange, Engine, ErrorCode, NewEstimate, Scope};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The books routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(report))
        .routes(routes!(journal))
        .routes(routes!(record_estimate, estimates))
        .routes(routes!(close_period, closes))
}

/// The range a report covers.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RangeQuery {
    /// The first day (YYYY-MM-DD, in the program's time zone) or instant (RFC 3339); default
    /// the start of the reporting period holding `to`.
    from: Option<String>,
    /// The last day, included, or the instant after the last one counted; default now.
    to: Option<String>,
}

impl RangeQuery {
    fn range(&self, engine: &Engine) -> ApiResult<BooksRange> {
        Ok(engine.books_range(self.from.as_deref(), self.to.as_deref())?)
    }
}

errors!(ReportErrors: [QUERY, ADMIN], [InvalidDate]);

/// The liability roll-forward of a range (IFRS 15): for points earned with sales, the
/// contract liability at the start, what sales deferred, what refunds reversed, what was
/// recognised as points were redeemed (the cumulative catch-up under the estimate in force)
/// and as they lapsed (breakage), and the liability at the end, with the points behind each;
/// the same for the provision for points given without a sale; each period of the program's
/// reporting period, closed ones as they were closed.
#[utoipa::path(get, path = "/api/v1/admin/books/report", tag = "books",
    params(RangeQuery),
    responses((status = 200, description = "The roll-forward.", body = BooksReportResponse), ReportErrors),
    security(("api_key" = [])))]
async fn report(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<RangeQuery>,
) -> ApiResult<Json<BooksReportResponse>> {
    caller.require(Scope::Admin)?;
    let engine = &state.engine;
    let report = engine.books_report(q.range(engine)?).await?;
    let tz = engine.definition().program.time_zone.clone();
    Ok(Json(BooksReportResponse::new(&report, &tz)))
}

/// The journal's range and form.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JournalQuery {
    /// As for the report.
    from: Option<String>,
    /// As for the report.
    to: Option<String>,
    /// `json` (the default) or `csv`.
    #[param(inline)]
    format: Option<JournalFormat>,
}

/// How the journal is written.
#[derive(Deserialize, ToSchema, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum JournalFormat {
    /// The entries as JSON.
    Json,
    /// A heading, then one entry per row.
    Csv,
}

errors!(JournalErrors: [QUERY, ADMIN], [InvalidDate]);

/// The journal entries of a range, period by period: each an amount debited to one account
/// and credited to another (the codes of `[books.accounts]`), dated the period's last day,
/// with the ledger postings behind it. Every period's entries balance and move the liability
/// accounts by exactly the roll-forward.
#[utoipa::path(get, path = "/api/v1/admin/books/journal", tag = "books",
    params(JournalQuery),
    responses((status = 200, description = "The entries.", content(
        (BooksJournalResponse = "application/json"),
        (String = "text/csv"),
    )), JournalErrors),
    security(("api_key" = [])))]
async fn journal(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<JournalQuery>,
) -> ApiResult<Response> {
    caller.require(Scope::Admin)?;
    let csv = q.format == Some(JournalFormat::Csv);
    let engine = &state.engine;
    let range = engine.books_range(q.from.as_deref(), q.to.as_deref())?;
    let journal = BooksJournal::of(engine.books_report(range).await?);
    let tz = engine.definition().program.time_zone.clone();
    let body = BooksJournalResponse::new(&journal, &tz);
    if !csv {
        return Ok(Json(body).into_response());
    }
    let text = body
        .to_csv()
        .map_err(|e| ApiError::from(laurel_engine::EngineError::Internal(e.to_string())))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"journal.csv\"",
            ),
        ],
        text,
    )
        .into_response())
}

/// An estimate of the share of points that will be redeemed.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EstimateRequestBody {
    /// When it takes effect: a day (YYYY-MM-DD, from its start in the program's time zone) or
    /// an RFC 3339 instant; not inside a closed period.
    #[schema(min_length = 1)]
    pub effective_from: String,
    /// The share, as a decimal above 0 and at most 1 (`"0.72"`).
    #[schema(min_length = 1)]
    pub expected_redemption_rate: String,
    /// Why the estimate changes (kept with it, and in the audit log).
    #[schema(min_length = 1)]
    pub note: String,
}

errors!(EstimateErrors: [BODY, ADMIN], [MissingField, InvalidField, InvalidDate, BooksPeriodClosed]);

/// Record an estimate of the redemption rate, in force from its instant until a later one
/// takes effect. Never edited: a new estimate replaces it from its own instant. Sales keep
/// the allocation they were made with; recognition catches up at once.
#[utoipa::path(post, path = "/api/v1/admin/books/estimates", tag = "books",
    request_body = EstimateRequestBody,
    responses((status = 201, description = "Recorded.", body = EstimateBody), EstimateErrors),
    security(("api_key" = [])))]
async fn record_estimate(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<EstimateRequestBody>,
) -> ApiResult<(StatusCode, Json<EstimateBody>)> {
    caller.require(Scope::Admin)?;
    let engine = &state.engine;
    let effective_from = engine.books_instant("effective_from", &body.effective_from)?;
    let rate = body.expected_redemption_rate.trim().parse().map_err(|_| {
        ApiError::invalid(
            "expected_redemption_rate",
            ErrorCode::InvalidField,
            "a decimal above 0 and at most 1, such as \"0.72\"",
        )
    })?;
    let estimate = engine
        .record_books_estimate(
            NewEstimate {
                effective_from,
                rate,
                note: body.note,
            },
            &caller.acting(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(EstimateBody::from(&estimate))))
}

errors!(EstimatesErrors: [ADMIN], []);

/// The estimates recorded, in the order they take effect.
#[utoipa::path(get, path = "/api/v1/admin/books/estimates", tag = "books",
    responses((status = 200, description = "The estimates.", body = EstimatesResponse), EstimatesErrors),
    security(("api_key" = [])))]
async fn estimates(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<EstimatesResponse>> {
    caller.require(Scope::Admin)?;
    let engine = &state.engine;
    Ok(Json(EstimatesResponse {
        program_rate: crate::dto::decimal(
            engine.definition().books_policy().expected_redemption_rate,
        ),
        estimates: engine
            .books_estimates()
            .await?
            .iter()
            .map(EstimateBody::from)
            .collect(),
    }))
}

/// A period to close.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseRequestBody {
    /// The period, named as the program's reporting period is: `2026-11` (month), `2026-Q4`
    /// (quarter) or `2026` (year).
    #[schema(min_length = 1)]
    pub period: String,
}

errors!(CloseErrors: [BODY, ADMIN], [InvalidField, BooksPeriodClosed, BooksPeriodNotEnded]);

/// Close a period: where the books stand at its end (and at the end of every period since
/// the last close) is locked. What is recorded later with an earlier date posts to the
/// first open period, shown there as late. Audited.
#[utoipa::path(post, path = "/api/v1/admin/books/closes", tag = "books",
    request_body = CloseRequestBody,
    responses((status = 201, description = "Closed.", body = CloseBody), CloseErrors),
    security(("api_key" = [])))]
async fn close_period(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CloseRequestBody>,
) -> ApiResult<(StatusCode, Json<CloseBody>)> {
    caller.require(Scope::Admin)?;
    let close = state
        .engine
        .close_books_period(&body.period, &caller.acting())
        .await?;
    Ok((StatusCode::CREATED, Json(CloseBody::from(&close))))
}

errors!(ClosesErrors: [ADMIN], []);

/// The periods closed, oldest first.
#[utoipa::path(get, path = "/api/v1/admin/books/closes", tag = "books",
    responses((status = 200, description = "The closes.", body = ClosesResponse), ClosesErrors),
    security(("api_key" = [])))]
async fn closes(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<ClosesResponse>> {
    caller.require(Scope::Admin)?;
    Ok(Json(ClosesResponse {
        closes: state
            .engine
            .books_closes()
            .await?
            .iter()
            .map(CloseBody::from)
            .collect(),
    }))
}
