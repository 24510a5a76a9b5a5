//! Referrals: a member's code to share and the referrals they made.

use crate::AppState;
use crate::api::responses::errors;
use crate::auth::Caller;
use crate::dto::ReferralsResponse;
use crate::error::ApiResult;
use crate::extract::page_limit;
use crate::extract::{ApiPath, ApiQuery};
use axum::Json;
use axum::extract::State;
use laurel_engine::Scope;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The referral routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(referrals))
}

/// How many referrals to list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReferralsQuery {
    /// Most to return (1–200, default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
}

errors!(ReferralsErrors: [PATH, QUERY], [UnknownMember]);

/// A member's referral code, how they were referred, and the referrals they made. New members
/// enroll with the code as `referral_code`; their first purchase that reaches the program's
/// minimum within its window pays both.
#[utoipa::path(get, path = "/api/v1/members/{id}/referrals", tag = "referrals",
    params(("id" = i64, Path, description = "member id"), ReferralsQuery),
    responses((status = 200, description = "The member's code and referrals.", body = ReferralsResponse), ReferralsErrors),
    security(("api_key" = [])))]
async fn referrals(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<ReferralsQuery>,
) -> ApiResult<Json<ReferralsResponse>> {
    caller.require(Scope::Pos)?;
    let view = state.engine.referrals(id, page_limit(q.limit)?).await?;
    Ok(Json(view.into()))
}
