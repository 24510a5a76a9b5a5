//! API keys (admin keys only): list them, make one with an expiry, rotate one (a new key,
//! shown once, while the old one works on for an overlap) and revoke one (a POST: a revoked
//! key stays listed). What is done to a
//! key is audited, as done by the calling key. A partner's key is made under
//! `/api/v1/admin/partners/{code}/keys`.

use crate::AppState;
use crate::api::responses::errors;
use crate::auth::Caller;
use crate::dto::{
    ApiKeyBody, ApiKeysResponse, IssuedKeyResponse, NewKeyBody, RotationBody, RotationResponse,
};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;
use jiff::Timestamp;
use laurel_engine::{ErrorCode, Scope};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The keys routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_keys, create_api_key))
        .routes(routes!(revoke_api_key))
        .routes(routes!(rotate_api_key))
}

errors!(KeysErrors: [ADMIN], []);

/// Every API key, newest first, revoked and expired ones too; never a key itself.
#[utoipa::path(get, path = "/api/v1/admin/keys", tag = "keys",
    responses((status = 200, description = "The keys.", body = ApiKeysResponse), KeysErrors),
    security(("api_key" = [])))]
async fn api_keys(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<ApiKeysResponse>> {
    caller.require(Scope::Admin)?;
    let now = Timestamp::now();
    let keys = state.engine.api_keys().await?;
    Ok(Json(ApiKeysResponse {
        keys: keys.into_iter().map(|k| ApiKeyBody::of(k, now)).collect(),
    }))
}

errors!(CreateKeyErrors: [BODY, ADMIN], [MissingField, InvalidField, InvalidDate]);

/// Make an admin or till key, optionally expiring. Audited.
#[utoipa::path(post, path = "/api/v1/admin/keys", tag = "keys",
    request_body = NewKeyBody,
    responses((status = 200, description = "The key, shown this once.", body = IssuedKeyResponse), CreateKeyErrors),
    security(("api_key" = [])))]
async fn create_api_key(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<NewKeyBody>,
) -> ApiResult<Json<IssuedKeyResponse>> {
    caller.require(Scope::Admin)?;
    let scope: Scope = body
        .scope
        .parse()
        .map_err(|e| ApiError::invalid("scope", ErrorCode::InvalidField, e))?;
    let expires_at = crate::dto::expiry(body.expires_at.as_deref())?;
    let key = state
        .engine
        .create_api_key(&body.name, scope, expires_at, &caller.acting())
        .await?;
    Ok(Json(key.into()))
}

errors!(RevokeKeyErrors: [PATH, ADMIN], [UnknownApiKey]);

/// Revoke a key: it authenticates nothing from now on (on other servers of a cluster within
/// 30 seconds). It stays listed, revoked; revoking it again changes nothing. Audited.
#[utoipa::path(post, path = "/api/v1/admin/keys/{id}/revocation", tag = "keys",
    params(("id" = i64, Path, description = "the key's id", minimum = 1)),
    responses((status = 200, description = "The key, revoked.", body = ApiKeyBody), RevokeKeyErrors),
    security(("api_key" = [])))]
async fn revoke_api_key(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ApiKeyBody>> {
    caller.require(Scope::Admin)?;
    state.engine.revoke_api_key(id, &caller.acting()).await?;
    let key = state.engine.api_key(id).await?;
    Ok(Json(ApiKeyBody::of(key, Timestamp::now())))
}

errors!(RotateKeyErrors: [PATH, BODY, ADMIN], [UnknownApiKey, KeyNotRotatable, UnknownPartner, InvalidField, InvalidDate]);

/// Rotate a key: a new key with its name, scope and partner, shown this once, while the old
/// one works on beside it for the overlap (default 7 days, never past its own expiry) and
/// then expires. A key is rotated once, while it works. Audited.
#[utoipa::path(post, path = "/api/v1/admin/keys/{id}/rotation", tag = "keys",
    params(("id" = i64, Path, description = "the key's id", minimum = 1)),
    request_body = RotationBody,
    responses((status = 200, description = "The new key, shown this once, and when the old one stops.", body = RotationResponse), RotateKeyErrors),
    security(("api_key" = [])))]
async fn rotate_api_key(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<RotationBody>,
) -> ApiResult<Json<RotationResponse>> {
    caller.require(Scope::Admin)?;
    let rotation = state
        .engine
        .rotate_api_key(id, body.ask()?, Timestamp::now(), &caller.acting())
        .await?;
    Ok(Json(rotation.into()))
}
