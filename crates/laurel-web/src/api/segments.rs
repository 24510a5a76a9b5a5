//! Saved segments under `/api/v1/segments` (admin keys): save, change, read and delete a
//! segment, and page through its members.

use crate::AppState;
use crate::api::responses::errors;
use crate::auth::Caller;
use crate::dto::{
    MemberBody, SegmentChangeBody, SegmentMembersResponse, SegmentResponse, SegmentsResponse,
};
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery, page_cursor, page_limit};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::Timestamp;
use laurel_engine::{MemberFilter, MemberId, Scope, SegmentSpec};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The segment routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_segment, segments))
        .routes(routes!(segment, update_segment, delete_segment))
        .routes(routes!(segment_members))
}

errors!(CreateSegmentErrors: [BODY, ADMIN], [MissingField, InvalidField, InvalidSegment, SegmentExists]);

/// Save a segment: members are in it when all its conditions hold — their tier, days since
/// their last purchase or since joining, points they may spend, a consent, what they spent or
/// how often they bought over a window, a profile attribute, their churn risk or RFM segment
/// at the last insight refresh. Its members are worked out at once, then every day.
#[utoipa::path(post, path = "/api/v1/segments", tag = "segments", request_body = SegmentSpec,
    responses((status = 201, description = "Saved, with its members counted.", body = SegmentResponse), CreateSegmentErrors),
    security(("api_key" = [])))]
async fn create_segment(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(spec): ApiJson<SegmentSpec>,
) -> ApiResult<(StatusCode, Json<SegmentResponse>)> {
    caller.require(Scope::Admin)?;
    let saved = state.engine.create_segment(spec, Timestamp::now()).await?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

errors!(SegmentsErrors: [ADMIN], []);

/// Every saved segment, by id, with how many members it held at its last refresh.
#[utoipa::path(get, path = "/api/v1/segments", tag = "segments",
    responses((status = 200, description = "Every segment.", body = SegmentsResponse), SegmentsErrors),
    security(("api_key" = [])))]
async fn segments(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<SegmentsResponse>> {
    caller.require(Scope::Admin)?;
    let all = state.engine.segments().await?;
    Ok(Json(SegmentsResponse {
        segments: all.into_iter().map(Into::into).collect(),
    }))
}

errors!(SegmentErrors: [PATH, ADMIN], [UnknownSegment]);

/// One segment.
#[utoipa::path(get, path = "/api/v1/segments/{id}", tag = "segments",
    params(("id" = String, Path, description = "segment id")),
    responses((status = 200, description = "The segment.", body = SegmentResponse), SegmentErrors),
    security(("api_key" = [])))]
async fn segment(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<SegmentResponse>> {
    caller.require(Scope::Admin)?;
    Ok(Json(state.engine.segment(&id).await?.into()))
}

errors!(UpdateSegmentErrors: [PATH, BODY, ADMIN], [MissingField, InvalidField, UnknownSegment, InvalidSegment]);

/// Change a segment's name, description and conditions; its members are worked out again at
/// once.
#[utoipa::path(put, path = "/api/v1/segments/{id}", tag = "segments",
    params(("id" = String, Path, description = "segment id")),
    request_body = SegmentChangeBody,
    responses((status = 200, description = "Changed, with its members counted.", body = SegmentResponse), UpdateSegmentErrors),
    security(("api_key" = [])))]
async fn update_segment(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<SegmentChangeBody>,
) -> ApiResult<Json<SegmentResponse>> {
    caller.require(Scope::Admin)?;
    let changed = state
        .engine
        .update_segment(body.into_spec(id), Timestamp::now())
        .await?;
    Ok(Json(changed.into()))
}

errors!(DeleteSegmentErrors: [PATH, ADMIN], [UnknownSegment, SegmentInUse]);

/// Delete a segment; refused while the program names it.
#[utoipa::path(delete, path = "/api/v1/segments/{id}", tag = "segments",
    params(("id" = String, Path, description = "segment id")),
    responses((status = 204, description = "Deleted."), DeleteSegmentErrors),
    security(("api_key" = [])))]
async fn delete_segment(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    caller.require(Scope::Admin)?;
    state.engine.delete_segment(&id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A page of a segment's members.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MembersQuery {
    /// `next_cursor` of the previous page.
    #[param(pattern = "^[0-9]{1,18}$")]
    cursor: Option<String>,
    /// Members per page (1–200, default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
}

errors!(SegmentMembersErrors: [PATH, QUERY, ADMIN], [UnknownSegment]);

/// The members a segment held at its last refresh, newest first.
#[utoipa::path(get, path = "/api/v1/segments/{id}/members", tag = "segments",
    params(("id" = String, Path, description = "segment id"), MembersQuery),
    responses((status = 200, description = "A page of members.", body = SegmentMembersResponse), SegmentMembersErrors),
    security(("api_key" = [])))]
async fn segment_members(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<MembersQuery>,
) -> ApiResult<Json<SegmentMembersResponse>> {
    caller.require(Scope::Admin)?;
    let after = page_cursor(q.cursor.as_deref())?.map(MemberId);
    let limit = page_limit(q.limit)?;
    let segment = state.engine.segment(&id).await?;
    let filter = MemberFilter {
        segment: Some(segment.spec.id),
        ..MemberFilter::default()
    };
    let page = state.engine.member_page(&filter, after, limit).await?;
    Ok(Json(SegmentMembersResponse {
        members: page
            .members
            .into_iter()
            .map(|m| MemberBody::from(m.member))
            .collect(),
        next_cursor: page.next.map(|id| id.0.to_string()),
    }))
}
