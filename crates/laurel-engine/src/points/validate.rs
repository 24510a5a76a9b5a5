//! Redemptions and staff adjustments of points, checked before the write path.

use crate::checks::{count, note, optional_text, text};
use crate::error::Result;
use crate::requests::{AdjustRequest, POINTS_MAX, RedeemRequest};

pub(crate) fn redeem(request: RedeemRequest) -> Result<RedeemRequest> {
    text("idempotency_key", &request.idempotency_key)?;
    text("reference", &request.reference)?;
    optional_text("reason", &request.reason)?;
    count("points", request.points, POINTS_MAX)?;
    Ok(request)
}

pub(crate) fn adjust(mut request: AdjustRequest) -> Result<AdjustRequest> {
    text("idempotency_key", &request.idempotency_key)?;
    text("reason", &request.reason)?;
    request.note = note("note", request.note)?;
    // unsigned_abs: i64::MIN has no positive counterpart.
    let magnitude = i64::try_from(request.points.unsigned_abs()).unwrap_or(i64::MAX);
    count("points", magnitude, POINTS_MAX)?;
    Ok(request)
}
