//! Laurel's HTTP edge: the JSON API under `/api/v1` with its OpenAPI document, health and
//! metrics. Handlers are thin: they parse, authorize, call the engine and shape the answer.
//!
//! Architecture invariant: no business rule lives here; errors map to HTTP in one table
//! (`error.rs`).

pub mod api;
pub mod auth;
pub mod dto;
pub mod error;
pub mod extract;
pub mod headers;
pub mod limits;
pub mod telemetry;
mod texts;

use axum::Router;
use axum::routing::get;
use error::ApiError;
use laurel_engine::{Engine, ErrorCode};
use std::future::Future;
use std::sync::Arc;
use tokio::net::TcpListener;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

/// Largest request body accepted: a basket of hundreds of lines fits easily.
pub const BODY_BYTES_MAX: usize = 256 * 1024;

/// What handlers share.
#[derive(Clone)]
pub struct AppState {
    /// The engine.
    pub engine: Arc<Engine>,
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Laurel", description = "Self-hostable customer loyalty engine: members, points, purchases, refunds, custom events, tiers, rewards and coupons, referrals, and the versioned program."),
    modifiers(&BearerAuth),
    components(schemas(
        error::ErrorBody, error::ErrorDetail,
        laurel_engine::events::payload::MemberEnrolledData,
        laurel_engine::events::payload::MemberStandingData,
        laurel_engine::events::payload::PointsData,
        laurel_engine::events::payload::TierChangedData,
        laurel_engine::events::payload::RewardRedeemedData,
        laurel_engine::events::payload::CouponUsedData,
        laurel_engine::events::payload::ReferralPaidData,
        laurel_engine::events::payload::ProgramAppliedData,
        laurel_engine::events::payload::MessageData,
        laurel_engine::events::payload::AutomationFiredData,
        laurel_engine::events::payload::MembershipData,
    )),
    tags((name = "members"), (name = "purchases"), (name = "events"), (name = "points"), (name = "tiers"), (name = "rewards"), (name = "coupons"), (name = "referrals"), (name = "program"), (name = "webhooks"), (name = "automations"), (name = "insight"), (name = "segments"), (name = "offers"), (name = "books"), (name = "wallet"), (name = "gift cards"), (name = "memberships"), (name = "partners"), (name = "keys"), (name = "privacy"), (name = "fraud"))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The API's routes and their OpenAPI document.
fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let router_and_doc = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(api::members::router())
        .merge(api::purchases::router())
        .merge(api::events::router())
        .merge(api::points::router())
        .merge(api::tiers::router())
        .merge(api::rewards::router())
        .merge(api::coupons::router())
        .merge(api::referrals::router())
        .merge(api::program::router())
        .merge(api::webhooks::router())
        .merge(api::automations::router())
        .merge(api::insight::router())
        .merge(api::segments::router())
        .merge(api::offers::router())
        .merge(api::simulations::router())
        .merge(api::books::router())
        .merge(api::wallet::router())
        .merge(api::holds::router())
        .merge(api::memberships::router())
        .merge(api::transfers::router())
        .merge(api::households::router())
        .merge(api::gift_cards::router())
        .merge(api::partners::router())
        .merge(api::privacy::router())
        .merge(api::fraud::router())
        .merge(api::keys::router())
        .split_for_parts();
    let (router, mut doc) = router_and_doc;
    api::webhooks::document_events(&mut doc);
    texts::printable_texts(&mut doc);
    (router, doc)
}

/// The OpenAPI document, as served at `/api/v1/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api().1
}

/// The whole API.
pub fn app(state: AppState) -> Router {
    app_with(state, Router::new())
}

/// The API with web pages beside it (the console): `pages` must have no fallback of its own;
/// it shares the API's metrics, body limit and JSON 404 for paths nothing routes. No rate
/// limits: see [`app_limited`].
pub fn app_with(state: AppState, pages: Router) -> Router {
    app_limited(state, pages, limits::RateLimits::default())
}

/// [`app_with`], its API limited per key as `limits` says (the pages' sign-in routes take
/// their own limit where they are routed).
pub fn app_limited(state: AppState, pages: Router, limits: limits::RateLimits) -> Router {
    let (routes, doc) = api();
    let routes = limits::per_key(routes, limits.api_per_key, &limits.clients);
    let doc = Arc::new(doc);
    let metrics = telemetry::handle();
    let app = routes
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let doc = doc.clone();
                async move { axum::Json(doc.as_ref().clone()) }
            }),
        )
        .route("/healthz", get(|| async { "ok" }))
        .route("/metrics", get(move || async move { metrics.render() }))
        .fallback(|| async { ApiError::new(ErrorCode::NotFound, "no such route") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                ErrorCode::MethodNotAllowed,
                "this route does not take that method",
            )
        })
        .with_state(state)
        .merge(pages)
        .layer(axum::middleware::from_fn(telemetry::track))
        .layer(axum::extract::DefaultBodyLimit::max(BODY_BYTES_MAX));
    headers::secured(app)
}

/// Serves an app ([`app`] or [`app_with`]) on a bound listener until `shutdown` resolves,
/// then finishes in-flight requests.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Each request knows its client's address: the limits per address count by it.
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
