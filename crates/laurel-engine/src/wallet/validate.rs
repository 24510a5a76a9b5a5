//! Wallet requests checked before the write path: the program's currency, an amount above
//! zero in its minor units, the texts, a hold's expiry; and how a hold is asked to close.

use crate::checks::{amount_minor, program_currency, text};
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use crate::requests::{HoldRequest, WalletRequest};
use jiff::Timestamp;
use laurel_core::{Currency, Program};
use serde::Serialize;

/// Seconds a hold lasts when the caller does not say.
pub const HOLD_EXPIRES_IN_DEFAULT: i64 = 900;
/// The shortest a hold may last, in seconds.
pub const HOLD_EXPIRES_IN_MIN: i64 = 60;
/// The longest a hold may last, in seconds (a week).
pub const HOLD_EXPIRES_IN_MAX: i64 = 7 * 24 * 3600;

/// A wallet request after its checks: the amount in minor units.
#[derive(Debug, Clone)]
pub(crate) struct ValidWallet {
    pub request: WalletRequest,
    pub amount_minor: i64,
}

pub(crate) fn wallet(program: &Program, mut request: WalletRequest) -> Result<ValidWallet> {
    text("idempotency_key", &request.idempotency_key)?;
    text("reference", &request.reference)?;
    let currency = program_currency(program, &request.currency)?;
    request.amount = request.amount.normalize();
    let amount_minor = positive_amount(request.amount, currency)?;
    Ok(ValidWallet {
        request,
        amount_minor,
    })
}

/// A hold request after its checks.
#[derive(Debug, Clone)]
pub(crate) struct ValidHold {
    pub request: HoldRequest,
    pub amount_minor: i64,
}

pub(crate) fn hold(program: &Program, mut request: HoldRequest) -> Result<ValidHold> {
    text("idempotency_key", &request.idempotency_key)?;
    text("reference", &request.reference)?;
    let currency = program_currency(program, &request.currency)?;
    request.amount = request.amount.normalize();
    let amount_minor = positive_amount(request.amount, currency)?;
    let expires_in = request.expires_in.unwrap_or(HOLD_EXPIRES_IN_DEFAULT);
    if !(HOLD_EXPIRES_IN_MIN..=HOLD_EXPIRES_IN_MAX).contains(&expires_in) {
        return Err(EngineError::invalid(
            "expires_in",
            ErrorCode::InvalidField,
            format!("must be {HOLD_EXPIRES_IN_MIN} to {HOLD_EXPIRES_IN_MAX} seconds"),
        ));
    }
    request.expires_in = Some(expires_in);
    Ok(ValidHold {
        request,
        amount_minor,
    })
}

/// An amount above zero in `currency`'s minor units.
pub(crate) fn positive_amount(amount: rust_decimal::Decimal, currency: Currency) -> Result<i64> {
    let minor = amount_minor("amount", amount, currency)?;
    if minor == 0 {
        return Err(EngineError::invalid(
            "amount",
            ErrorCode::InvalidAmount,
            "must be above zero",
        ));
    }
    Ok(minor)
}

/// How a hold is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) enum Closing {
    /// Captured: this much (minor units), or all it holds.
    Capture(Option<i64>),
    /// Voided by the caller.
    Void,
    /// Lapsed at its expiry: the holds job's run as of this instant.
    Expire(Timestamp),
}
