//! The one table from errors to HTTP: every error body is `{"error": {"code", "message"}}`
//! with a stable code. Server faults are logged and never show their internals.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use laurel_engine::EngineError;
use serde::Serialize;
use utoipa::ToSchema;

/// An error answer.
#[derive(Debug)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable machine-readable code.
    pub code: &'static str,
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
    /// Stable code, e.g. `insufficient_points`.
    pub code: String,
    /// What went wrong.
    pub message: String,
    /// Each problem on its own, naming its key, when there are several (`invalid_program`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

impl ApiError {
    /// An error with an explicit status and code.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            problems: Vec::new(),
        }
    }

    /// 400 for a malformed query string or path.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 422 for a well-formed request whose field is wrong.
    pub fn invalid(field: &str, code: &'static str, message: impl std::fmt::Display) -> ApiError {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            code,
            format!("{field}: {message}"),
        )
    }

    /// 404.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }
}

/// The status of every engine error code.
fn status_of(error: &EngineError) -> StatusCode {
    match error {
        EngineError::InvalidField { .. } | EngineError::InvalidProgram(_) => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        EngineError::Reward(laurel_core::rewards::RewardRefusal::BadQuantity(_)) => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        EngineError::UnknownMember(_)
        | EngineError::UnknownPurchase(_)
        | EngineError::UnknownReward(_)
        | EngineError::UnknownRedemption(_)
        | EngineError::UnknownCoupon
        | EngineError::UnknownProgramVersion(_) => StatusCode::NOT_FOUND,
        EngineError::MemberExists(_)
        | EngineError::IdempotencyConflict(_)
        | EngineError::InsufficientPoints { .. }
        | EngineError::RefundExceedsPurchase(_)
        | EngineError::Reward(_)
        | EngineError::RedemptionClosed { .. }
        | EngineError::Coupon(_)
        | EngineError::Referral(_)
        | EngineError::ProgramChange { .. }
        | EngineError::StaffExists(_)
        | EngineError::MemberSuspended(_) => StatusCode::CONFLICT,
        EngineError::SignInFailed
        | EngineError::SignInCodeWrong
        | EngineError::SignInCodeExpired => StatusCode::UNAUTHORIZED,
        EngineError::AccountLocked(_) | EngineError::Throttled { .. } => {
            StatusCode::TOO_MANY_REQUESTS
        }
        EngineError::Unavailable | EngineError::NoProgram => StatusCode::SERVICE_UNAVAILABLE,
        EngineError::Store(_) | EngineError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl From<EngineError> for ApiError {
    fn from(error: EngineError) -> ApiError {
        let status = status_of(&error);
        let message = if status.is_server_error() {
            tracing::error!(error = %error, "request failed");
            match error {
                EngineError::Unavailable => error.to_string(),
                _ => "an internal error occurred; it has been logged".to_owned(),
            }
        } else {
            error.to_string()
        };
        let problems = match &error {
            EngineError::InvalidProgram(problems) => problems.clone(),
            _ => Vec::new(),
        };
        ApiError {
            status,
            code: error.code(),
            message,
            problems,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_owned(),
                message: self.message,
                problems: self.problems,
            },
        };
        (self.status, Json(body)).into_response()
    }
}

/// Result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;
