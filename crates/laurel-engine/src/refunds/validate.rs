//! Refunds, checked before the write path: the refund id, and what is asked for in minor units.

use crate::checks::{amount_minor, count, text};
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use crate::requests::{QUANTITY_MAX, RefundRequest, RefundScope};
use laurel_core::Program;
use laurel_core::refund::RefundAsk;
use rust_decimal::Decimal;

/// A refund after validation: what it asks for, with any amount in minor units.
#[derive(Debug, Clone)]
pub(crate) struct ValidRefund {
    pub request: RefundRequest,
    pub ask: RefundAsk,
}

pub(crate) fn refund(program: &Program, mut request: RefundRequest) -> Result<ValidRefund> {
    text("refund_id", &request.refund_id)?;
    let ask = match &mut request.scope {
        RefundScope::Full => RefundAsk::Whole,
        RefundScope::Amount(amount) => {
            *amount = amount.normalize();
            if *amount <= Decimal::ZERO {
                return Err(EngineError::invalid(
                    "amount",
                    ErrorCode::InvalidAmount,
                    "must be above zero",
                ));
            }
            RefundAsk::Amount(amount_minor("amount", *amount, program.currency)?)
        }
        RefundScope::Lines(lines) => {
            if lines.is_empty() {
                return Err(EngineError::invalid(
                    "lines",
                    ErrorCode::MissingField,
                    "name at least one line",
                ));
            }
            for (i, (_, quantity)) in lines.iter().enumerate() {
                count(&format!("lines[{i}].quantity"), *quantity, QUANTITY_MAX)?;
            }
            RefundAsk::Lines(lines.clone())
        }
    };
    Ok(ValidRefund { request, ask })
}
