//! A wallet's refusals as the engine's: the core's in money the caller reads, and a top-up
//! outside the program's least and most.

use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use laurel_core::wallet::{WalletError, WalletPolicy};
use laurel_core::{Currency, Money};

/// A top-up within the program's least and most.
pub(crate) fn check_top_up(policy: &WalletPolicy, amount: i64, currency: Currency) -> Result<()> {
    if (policy.top_up_min..=policy.top_up_max).contains(&amount) {
        return Ok(());
    }
    let money = |minor| Money::from_minor(minor, currency).to_string();
    Err(EngineError::Wallet {
        code: ErrorCode::TopUpOutOfRange,
        message: format!(
            "a top-up is at least {} and at most {}",
            money(policy.top_up_min),
            money(policy.top_up_max)
        ),
        args: vec![
            ("min", money(policy.top_up_min)),
            ("max", money(policy.top_up_max)),
        ],
    })
}

/// The core's refusal as the engine's, its amounts in money.
pub(crate) fn refusal(e: WalletError, currency: Currency) -> EngineError {
    let money = |minor| Money::from_minor(minor, currency).to_string();
    let (code, message, args) = match e {
        WalletError::NotPositive => {
            return EngineError::invalid("amount", ErrorCode::InvalidAmount, e.to_string());
        }
        WalletError::Insufficient {
            available,
            requested,
        } => (
            ErrorCode::InsufficientFunds,
            format!(
                "the wallet holds {}, less than {}",
                money(available),
                money(requested)
            ),
            vec![
                ("available", money(available)),
                ("requested", money(requested)),
            ],
        ),
        WalletError::OverBalanceMax { max, after } => (
            ErrorCode::WalletBalanceOverMax,
            format!(
                "the wallet would hold {}, above its most of {}",
                money(after),
                money(max)
            ),
            vec![("max", money(max)), ("after", money(after))],
        ),
        WalletError::RefundOverPayment { left, requested } => (
            ErrorCode::RefundExceedsPayment,
            format!(
                "only {} of the payment is left to refund, less than {}",
                money(left),
                money(requested)
            ),
            vec![("left", money(left)), ("requested", money(requested))],
        ),
        WalletError::CashOutOverPrincipal {
            principal,
            requested,
        } => (
            ErrorCode::CashOutOverPrincipal,
            format!(
                "only {} is principal that may be paid out (bonus value never is), less than {}",
                money(principal),
                money(requested)
            ),
            vec![
                ("principal", money(principal)),
                ("requested", money(requested)),
            ],
        ),
    };
    EngineError::Wallet {
        code,
        message,
        args,
    }
}
