//! A point hold's checks before the write path, and how one is asked to close.

use crate::checks::{count, fingerprint, text};
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use crate::requests::{POINTS_MAX, PointHoldRequest};
use crate::wallet::validate::{HOLD_EXPIRES_IN_DEFAULT, HOLD_EXPIRES_IN_MAX, HOLD_EXPIRES_IN_MIN};
use jiff::Timestamp;
use serde::Serialize;

/// A point hold after its checks, its expiry filled in.
#[derive(Debug, Clone)]
pub(crate) struct ValidPointHold {
    pub request: PointHoldRequest,
    pub print: String,
    /// The id it is stored under if placed, when taken before the write path.
    pub id: Option<i64>,
}

/// How a point hold is asked to close.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) enum PointClosing {
    /// Spend all it holds, or so many points of it; the rest goes back.
    Capture(Option<i64>),
    /// Give it all back.
    Void,
    /// Lapse it, if still held past its expiry as of the instant (the holds job).
    Expire(Timestamp),
}

pub(crate) fn hold(mut request: PointHoldRequest) -> Result<ValidPointHold> {
    text("idempotency_key", &request.idempotency_key)?;
    text("reference", &request.reference)?;
    count("points", request.points, POINTS_MAX)?;
    let expires_in = request.expires_in.unwrap_or(HOLD_EXPIRES_IN_DEFAULT);
    if !(HOLD_EXPIRES_IN_MIN..=HOLD_EXPIRES_IN_MAX).contains(&expires_in) {
        return Err(EngineError::invalid(
            "expires_in",
            ErrorCode::InvalidField,
            format!("must be {HOLD_EXPIRES_IN_MIN} to {HOLD_EXPIRES_IN_MAX} seconds"),
        ));
    }
    request.expires_in = Some(expires_in);
    let print = fingerprint(&request)?;
    Ok(ValidPointHold {
        request,
        print,
        id: None,
    })
}

/// A capture's points, when given: above zero.
pub(crate) fn capture(points: Option<i64>) -> Result<PointClosing> {
    if let Some(p) = points {
        count("points", p, POINTS_MAX)?;
    }
    Ok(PointClosing::Capture(points))
}
