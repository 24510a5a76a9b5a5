//! Wallet requests checked before the write path: the program's currency, an amount above
//! zero in its minor units, the texts.

use crate::checks::{amount_minor, program_currency, text};
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use crate::requests::WalletRequest;
use laurel_core::Program;

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
    let amount_minor = amount_minor("amount", request.amount, currency)?;
    if amount_minor == 0 {
        return Err(EngineError::invalid(
            "amount",
            ErrorCode::InvalidAmount,
            "must be above zero",
        ));
    }
    Ok(ValidWallet {
        request,
        amount_minor,
    })
}
