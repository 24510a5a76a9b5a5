//! A transfer's checks before the write path.

use crate::checks::{count, fingerprint, note, text};
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use crate::requests::{MemberRef, POINTS_MAX, TransferRequest};

/// A transfer after its checks, with the fingerprint its idempotency key is held to.
#[derive(Debug, Clone)]
pub(crate) struct ValidTransfer {
    pub request: TransferRequest,
    pub print: String,
}

/// Checks the request's fields: the key, the points, the words, and a recipient other than
/// the sender when both are named by id (by external id, the write path finds out).
pub(crate) fn transfer(mut request: TransferRequest) -> Result<ValidTransfer> {
    text("idempotency_key", &request.idempotency_key)?;
    count("points", request.points, POINTS_MAX)?;
    request.message = note("message", request.message)?;
    match &request.to {
        MemberRef::Id(id) if *id == request.member_id => return Err(to_self()),
        MemberRef::External(ext) => text("to.external_id", ext)?,
        MemberRef::Id(_) => {}
    }
    let print = fingerprint(&request)?;
    Ok(ValidTransfer { request, print })
}

/// The refusal of a transfer to its own sender.
pub(crate) fn to_self() -> EngineError {
    EngineError::invalid(
        "to",
        ErrorCode::TransferToSelf,
        "a member cannot send points to themselves",
    )
}
