//! Webhook subscriptions under `/api/v1/admin/webhooks` (admin keys): subscribe a URL to event
//! types, list and delete subscriptions, read a subscription's delivery log and replay a
//! delivery. What each event says is documented under the document's `webhooks`
//! ([`document_events`]).

use crate::AppState;
use crate::api::responses::errors;
use crate::auth::Caller;
use crate::dto::{
    CreateWebhookBody, CreatedWebhookResponse, DeliveriesResponse, DeliveryBody, WebhookBody,
    WebhooksResponse,
};
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery, page_cursor, page_limit};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use laurel_core::events::EventKind;
use laurel_engine::Scope;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The webhook routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_webhook, webhooks))
        .routes(routes!(webhook, delete_webhook))
        .routes(routes!(deliveries))
        .routes(routes!(replay))
}

errors!(CreateWebhookErrors: [BODY, ADMIN], [MissingField, InvalidField]);

/// Subscribe a URL to event types. Each event is POSTed as JSON, signed as the Standard
/// Webhooks convention says (`webhook-id`, `webhook-timestamp`, `webhook-signature:
/// v1,<base64 HMAC-SHA256 of "id.timestamp.body">` keyed by the secret's bytes after
/// `whsec_`); a receiver answers 2xx, anything else is retried with backoff for a day. The
/// answer carries the signing secret: it is shown this once.
#[utoipa::path(post, path = "/api/v1/admin/webhooks", tag = "webhooks", request_body = CreateWebhookBody,
    responses((status = 201, description = "Subscribed; keep the secret.", body = CreatedWebhookResponse), CreateWebhookErrors),
    security(("api_key" = [])))]
async fn create_webhook(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateWebhookBody>,
) -> ApiResult<(StatusCode, Json<CreatedWebhookResponse>)> {
    caller.require(Scope::Admin)?;
    let created = state.engine.create_webhook(body.into_request()).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedWebhookResponse {
            webhook: WebhookBody::from(&created.webhook),
            secret: created.secret,
        }),
    ))
}

errors!(WebhooksErrors: [ADMIN], []);

/// The live subscriptions, oldest first (without their secrets).
#[utoipa::path(get, path = "/api/v1/admin/webhooks", tag = "webhooks",
    responses((status = 200, description = "Every live subscription.", body = WebhooksResponse), WebhooksErrors),
    security(("api_key" = [])))]
async fn webhooks(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<WebhooksResponse>> {
    caller.require(Scope::Admin)?;
    let all = state.engine.webhooks().await?;
    Ok(Json(WebhooksResponse {
        webhooks: all.iter().map(WebhookBody::from).collect(),
    }))
}

errors!(WebhookErrors: [PATH, ADMIN], [UnknownWebhook]);

/// One subscription.
#[utoipa::path(get, path = "/api/v1/admin/webhooks/{id}", tag = "webhooks",
    params(("id" = i64, Path, description = "subscription id")),
    responses((status = 200, description = "The subscription.", body = WebhookBody), WebhookErrors),
    security(("api_key" = [])))]
async fn webhook(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<WebhookBody>> {
    caller.require(Scope::Admin)?;
    Ok(Json(WebhookBody::from(&state.engine.webhook(id).await?)))
}

/// Delete a subscription: nothing more is sent to it, retries waiting included.
#[utoipa::path(delete, path = "/api/v1/admin/webhooks/{id}", tag = "webhooks",
    params(("id" = i64, Path, description = "subscription id")),
    responses((status = 204, description = "Deleted."), WebhookErrors),
    security(("api_key" = [])))]
async fn delete_webhook(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    caller.require(Scope::Admin)?;
    state.engine.delete_webhook(id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Pagination of a delivery log.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveriesQuery {
    /// `next_cursor` of the previous page.
    #[param(pattern = "^[0-9]{1,18}$")]
    cursor: Option<String>,
    /// Deliveries per page (1–200, default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
}

errors!(DeliveriesErrors: [PATH, QUERY, ADMIN], [UnknownWebhook]);

/// A subscription's delivery log, newest first: each event's delivery, its attempts, the last
/// answer or error, and whether it is pending, delivered or failed (dead-lettered).
#[utoipa::path(get, path = "/api/v1/admin/webhooks/{id}/deliveries", tag = "webhooks",
    params(("id" = i64, Path, description = "subscription id"), DeliveriesQuery),
    responses((status = 200, description = "A page of deliveries, newest first.", body = DeliveriesResponse), DeliveriesErrors),
    security(("api_key" = [])))]
async fn deliveries(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<DeliveriesQuery>,
) -> ApiResult<Json<DeliveriesResponse>> {
    caller.require(Scope::Admin)?;
    let before = page_cursor(q.cursor.as_deref())?;
    let limit = page_limit(q.limit)?;
    let page = state.engine.webhook_deliveries(id, before, limit).await?;
    let next_cursor = (page.len() == limit as usize)
        .then(|| page.last().map(|d| d.id.to_string()))
        .flatten();
    Ok(Json(DeliveriesResponse {
        deliveries: page.iter().map(DeliveryBody::from).collect(),
        next_cursor,
    }))
}

errors!(ReplayErrors: [PATH, ADMIN], [UnknownWebhook, UnknownDelivery]);

/// Send a delivery again now, whatever became of it, with a fresh day of retries. The
/// receiver gets the event's same `webhook-id`, so it can tell a replay from a new event.
#[utoipa::path(post, path = "/api/v1/admin/webhooks/{id}/deliveries/{delivery}/replay", tag = "webhooks",
    params(("id" = i64, Path, description = "subscription id"), ("delivery" = i64, Path, description = "delivery id")),
    responses((status = 202, description = "Queued to be sent again."), ReplayErrors),
    security(("api_key" = [])))]
async fn replay(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((id, delivery)): ApiPath<(i64, i64)>,
) -> ApiResult<StatusCode> {
    caller.require(Scope::Admin)?;
    state.engine.replay_delivery(id, delivery).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Documents every event under the document's `webhooks`: one POST per event type, its body
/// the envelope (`type`, `timestamp`, `data`) around the type's data schema, with the three
/// signature headers.
pub fn document_events(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn};
    use utoipa::openapi::request_body::RequestBodyBuilder;
    use utoipa::openapi::schema::{ObjectBuilder, Ref, Type};
    use utoipa::openapi::{ContentBuilder, PathItem, PathsBuilder, Required, ResponseBuilder};

    let header = |name: &str, description: &str| {
        ParameterBuilder::new()
            .name(name)
            .parameter_in(ParameterIn::Header)
            .required(Required::True)
            .description(Some(description))
            .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
            .build()
    };
    let mut paths = PathsBuilder::new();
    for kind in EventKind::ALL {
        let data = laurel_engine::events::payload::data_schema(*kind);
        let envelope = ObjectBuilder::new()
            .property(
                "type",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some([kind.as_str()])),
            )
            .required("type")
            .property(
                "timestamp",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                        utoipa::openapi::KnownFormat::DateTime,
                    )))
                    .description(Some("When it happened.")),
            )
            .required("timestamp")
            .property("data", Ref::from_schema_name(data))
            .required("data");
        let operation = OperationBuilder::new()
            .summary(Some(format!("`{}`", kind.as_str())))
            .description(Some(format!(
                "Sent to subscriptions of `{}`. Verify `webhook-signature` before trusting \
                 the body; answer 2xx at once (anything else is retried for a day). \
                 `webhook-id` is the same on every retry and replay.",
                kind.as_str()
            )))
            .parameter(header(
                "webhook-id",
                "The event's id (`evt_…`): de-duplicate on it.",
            ))
            .parameter(header(
                "webhook-timestamp",
                "When this attempt was sent, in Unix seconds.",
            ))
            .parameter(header(
                "webhook-signature",
                "`v1,` and the base64 HMAC-SHA256 of `id.timestamp.body`, keyed by the \
                 secret's bytes after `whsec_`.",
            ))
            .request_body(Some(
                RequestBodyBuilder::new()
                    .content(
                        "application/json",
                        ContentBuilder::new().schema(Some(envelope)).build(),
                    )
                    .required(Some(Required::True))
                    .build(),
            ))
            .response(
                "2XX",
                ResponseBuilder::new().description("Received; not sent again."),
            )
            .build();
        paths = paths.path(kind.as_str(), PathItem::new(HttpMethod::Post, operation));
    }
    doc.webhooks = Some(paths.build());
}
