//! Personal offers under `/api/v1/members/{id}/offers` (any key): what the checkout and the
//! app put before a member.

use crate::AppState;
use crate::api::responses::errors;
use crate::auth::Caller;
use crate::dto::OffersResponse;
use crate::error::ApiResult;
use crate::extract::{ApiPath, ApiQuery, limit_or};
use axum::Json;
use axum::extract::State;
use jiff::Timestamp;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The offers routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(offers))
}

/// Offers when a call does not say: what a checkout screen or an app card shows.
const OFFERS_DEFAULT: u32 = 10;

/// How many offers.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OffersQuery {
    /// Offers at most (1–200, default 10).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
}

errors!(OffersErrors: [PATH, QUERY], [UnknownMember]);

/// The rewards and bonus rules that fit the member best, best first: by the categories they
/// buy (over the last year), how often they pay with coupons, their tier and what would take
/// them to the next, what they can afford, and whether they are lapsing. Only rewards they may
/// redeem (points aside) and rules they could still trigger are offered; each comes with the
/// reason it fits as a code, English words and its figures.
#[utoipa::path(get, path = "/api/v1/members/{id}/offers", tag = "offers",
    params(("id" = i64, Path, description = "member id"), OffersQuery),
    responses((status = 200, description = "The member's offers, best first.", body = OffersResponse), OffersErrors),
    security(("api_key" = [])))]
async fn offers(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<OffersQuery>,
) -> ApiResult<Json<OffersResponse>> {
    caller.require(laurel_engine::Scope::Pos)?;
    let limit = limit_or(q.limit, OFFERS_DEFAULT)?;
    let offers = state
        .engine
        .offers(id, Timestamp::now(), limit as usize)
        .await?;
    Ok(Json(OffersResponse::new(id, offers)))
}
