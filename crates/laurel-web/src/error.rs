//! Errors to HTTP: every error body is `{"error": {"code", "message"}}` with a code from the
//! one table, [`ErrorCode`], which also gives its status. Server faults are logged and never
//! show their internals.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use laurel_engine::{EngineError, ErrorCode};
use serde::Serialize;
use utoipa::ToSchema;

/// An error answer.
#[derive(Debug)]
pub struct ApiError {
    /// Stable machine-readable code; the HTTP status comes from it.
    pub code: ErrorCode,
    /// Human-readable explanation, naming the field where there is one.
    pub message: String,
    /// Each problem on its own, when there are several (an invalid program).
    pub problems: Vec<String>,
}

/// The error body.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// Code and message.
#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable code, e.g. `insufficient_points`: one of the code table's.
    #[schema(schema_with = crate::api::responses::code_schema)]
    pub code: String,
    /// What went wrong.
    pub message: String,
    /// Each problem on its own, naming its key, when there are several (`invalid_program`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

impl ApiError {
    /// An error with its code.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
            problems: Vec::new(),
        }
    }

    /// A well-formed request whose field is wrong (a 422 code).
    pub fn invalid(field: &str, code: ErrorCode, message: impl std::fmt::Display) -> ApiError {
        ApiError::new(code, format!("{field}: {message}"))
    }

    /// The HTTP status its code is answered with.
    pub fn status(&self) -> StatusCode {
        status_of(self.code)
    }
}

/// The HTTP status of a code, as the code table gives it.
pub fn status_of(code: ErrorCode) -> StatusCode {
    // Every status in the table is a valid one; the fallback is unreachable.
    StatusCode::from_u16(code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

impl From<EngineError> for ApiError {
    fn from(error: EngineError) -> ApiError {
        let code = error.code();
        let message = if status_of(code).is_server_error() {
            tracing::error!(error = %error, "request failed");
            match error {
                EngineError::Unavailable => error.to_string(),
                _ => "an internal error occurred; it has been logged".to_owned(),
            }
        } else {
            error.to_string()
        };
        let problems = match &error {
            EngineError::InvalidProgram(problems) | EngineError::InvalidSegment(problems) => {
                problems.iter().map(ToString::to_string).collect()
            }
            _ => Vec::new(),
        };
        ApiError {
            code,
            message,
            problems,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.as_str().to_owned(),
                message: self.message,
                problems: self.problems,
            },
        };
        (status, Json(body)).into_response()
    }
}

/// Result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;
