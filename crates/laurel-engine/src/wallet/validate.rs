//! Wallet requests checked before the write path: the program's currency, an amount above
//! zero in its minor units, the texts, a hold's expiry; and how a hold is asked to close.

use crate::checks::{amount_minor, fingerprint, program_currency, text};
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use crate::requests::{HoldRequest, WalletAsk, WalletRequest};
use jiff::Timestamp;
use laurel_core::{Currency, Program};
use rust_decimal::Decimal;
use serde::Serialize;

/// Seconds a hold lasts when the caller does not say.
pub const HOLD_EXPIRES_IN_DEFAULT: i64 = 900;
/// The shortest a hold may last, in seconds.
pub const HOLD_EXPIRES_IN_MIN: i64 = 60;
/// The longest a hold may last, in seconds (a week).
pub const HOLD_EXPIRES_IN_MAX: i64 = 7 * 24 * 3600;

/// Whose wallet a move is on: a member's, or a gift card's (reached by its code and PIN
/// before the write path).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) enum WalletRef {
    Member(i64),
    GiftCard(i64),
}

/// A wallet move after its checks: whose wallet, the amount in minor units, and the
/// fingerprint a retry is matched by (a card's code and PIN are never in it).
#[derive(Debug, Clone)]
pub(crate) struct ValidWallet {
    pub wallet: WalletRef,
    pub ask: WalletAsk,
    pub amount_minor: i64,
    pub idempotency_key: String,
    pub reference: String,
    pub print: String,
}

/// What a move asks, as its fingerprint reads it.
#[derive(Serialize)]
struct Asked<'a> {
    wallet: WalletRef,
    ask: WalletAsk,
    amount: Decimal,
    currency: &'a str,
    reference: &'a str,
}

/// Checks a move of `wallet`: the texts, the program's currency, an amount above zero.
pub(crate) fn wallet(
    program: &Program,
    wallet: WalletRef,
    ask: WalletAsk,
    amount: Decimal,
    currency: &str,
    idempotency_key: String,
    reference: String,
) -> Result<ValidWallet> {
    text("idempotency_key", &idempotency_key)?;
    text("reference", &reference)?;
    let amount = amount.normalize();
    let amount_minor = positive_amount(amount, program_currency(program, currency)?)?;
    let print = fingerprint(&Asked {
        wallet,
        ask,
        amount,
        currency,
        reference: &reference,
    })?;
    Ok(ValidWallet {
        wallet,
        ask,
        amount_minor,
        idempotency_key,
        reference,
        print,
    })
}

/// Checks a member's wallet move.
pub(crate) fn member_wallet(program: &Program, r: WalletRequest) -> Result<ValidWallet> {
    wallet(
        program,
        WalletRef::Member(r.member_id),
        r.ask,
        r.amount,
        &r.currency,
        r.idempotency_key,
        r.reference,
    )
}

/// A hold request after its checks.
#[derive(Debug, Clone)]
pub(crate) struct ValidHold {
    pub request: HoldRequest,
    pub amount_minor: i64,
    /// The id it is stored under if placed, when taken before the write path.
    pub id: Option<i64>,
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
        id: None,
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

/// The most gift cards one batch issues.
pub const GIFT_CARDS_PER_BATCH_MAX: u32 = 1000;

/// A batch of gift cards after its checks: each card's value in minor units, and each card's
/// code and PIN, drawn before the write path so a batch run again issues the same cards. Its
/// `Debug` tells no code or PIN.
#[derive(Clone)]
pub(crate) struct ValidIssue {
    pub request: crate::requests::IssueGiftCardsRequest,
    pub face: i64,
    pub cards: Vec<(String, Option<String>)>,
    pub print: String,
}

impl std::fmt::Debug for ValidIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ValidIssue")
            .field("request", &self.request)
            .field("face", &self.face)
            .field("cards", &self.cards.len())
            .finish()
    }
}
