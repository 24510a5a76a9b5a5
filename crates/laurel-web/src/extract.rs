//! Extractors whose rejections speak the API's error format instead of axum's plain text.

use crate::error::ApiError;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use laurel_engine::ErrorCode;
use serde::de::DeserializeOwned;

/// A JSON body.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    let text = rejection.body_text();
    match rejection {
        JsonRejection::JsonDataError(_) => ApiError::new(ErrorCode::InvalidBody, text),
        JsonRejection::JsonSyntaxError(_) => ApiError::new(ErrorCode::MalformedJson, text),
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            ErrorCode::UnsupportedMediaType,
            "send the body as JSON with Content-Type: application/json",
        ),
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::new(ErrorCode::PayloadTooLarge, "the request body is too large")
        }
        _ => ApiError::new(ErrorCode::InvalidBody, text),
    }
}

/// Path parameters.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|r: PathRejection| ApiError::new(ErrorCode::InvalidPath, r.body_text()))
    }
}

/// Query parameters.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|r: QueryRejection| ApiError::new(ErrorCode::InvalidQuery, r.body_text()))
    }
}

/// Items per page when a call does not say.
pub const PAGE_DEFAULT: u32 = 50;
/// Most items a page may ask for.
pub const PAGE_MAX: u32 = 200;

/// A `limit` query parameter: [`PAGE_DEFAULT`] when absent, refused outside 1..=[`PAGE_MAX`]
/// (the document states the range, so a client is told rather than silently clamped).
pub fn page_limit(limit: Option<u32>) -> Result<u32, ApiError> {
    limit_or(limit, PAGE_DEFAULT)
}

/// A `limit` query parameter: `default` when absent, refused outside 1..=[`PAGE_MAX`].
pub fn limit_or(limit: Option<u32>, default: u32) -> Result<u32, ApiError> {
    limit_within(limit, default, PAGE_MAX)
}

/// A `limit` query parameter of at most `max`: `default` when absent, refused when out of
/// range.
pub fn limit_within(limit: Option<u32>, default: u32, max: u32) -> Result<u32, ApiError> {
    match limit {
        None => Ok(default),
        Some(n) if (1..=max).contains(&n) => Ok(n),
        Some(n) => Err(ApiError::new(
            ErrorCode::InvalidQuery,
            format!("limit: must be between 1 and {max}, got {n}"),
        )),
    }
}

/// A `cursor` query parameter: the id a previous page's `next_cursor` gave, refused when it
/// is not one.
pub fn page_cursor(cursor: Option<&str>) -> Result<Option<i64>, ApiError> {
    cursor
        .map(|c| {
            c.parse::<i64>().map_err(|_| {
                ApiError::new(
                    ErrorCode::InvalidQuery,
                    "cursor: not a cursor from next_cursor",
                )
            })
        })
        .transpose()
}
