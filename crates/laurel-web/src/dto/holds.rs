//! The JSON shapes of checkout holds on wallets: placing one, capturing it, and the hold as
//! answered. Amounts are decimal strings in the program's currency.

use super::money;
use super::wallet::WalletBalanceBody;
use laurel_core::Currency;
use laurel_engine::{CaptureRequest, HoldOutcome, HoldRequest, HoldView};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Hold wallet value for a checkout.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaceHoldBody {
    /// How much to hold, above zero.
    #[serde(deserialize_with = "laurel_engine::decimal::deserialize")]
    #[schema(value_type = String, example = "88.00", pattern = r"^[0-9]{1,11}(\.[0-9]{1,2})?$")]
    pub amount: Decimal,
    /// ISO 4217 currency code; must be the program's.
    #[schema(pattern = "^[A-Z]{3}$", example = "CNY")]
    pub currency: String,
    /// Your idempotency key: a retry with the same key has one effect.
    #[schema(min_length = 1, max_length = 200)]
    pub idempotency_key: String,
    /// The order.
    #[schema(min_length = 1, max_length = 200)]
    pub reference: String,
    /// Seconds until the hold lapses by itself if not captured (default 900).
    #[schema(minimum = 60, maximum = 604_800)]
    #[serde(default, deserialize_with = "crate::dto::whole::deserialize_option")]
    pub expires_in: Option<i64>,
}

impl PlaceHoldBody {
    /// The engine's request for `member_id`.
    pub fn request(self, member_id: i64) -> HoldRequest {
        HoldRequest {
            member_id,
            amount: self.amount,
            currency: self.currency,
            idempotency_key: self.idempotency_key,
            reference: self.reference,
            expires_in: self.expires_in,
        }
    }
}

/// Capture a hold: all of it, or `amount` (the rest goes back to the wallet).
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct CaptureBody {
    /// How much to capture, above zero and at most what the hold holds; all of it when left
    /// out.
    #[serde(
        default,
        deserialize_with = "laurel_engine::decimal::deserialize_option"
    )]
    #[schema(value_type = Option<String>, example = "80.00", pattern = r"^[0-9]{1,11}(\.[0-9]{1,2})?$")]
    pub amount: Option<Decimal>,
    /// ISO 4217 currency code of `amount`; required with it.
    #[schema(pattern = "^[A-Z]{3}$", example = "CNY")]
    pub currency: Option<String>,
}

impl CaptureBody {
    /// The engine's request for `hold_id`.
    pub fn request(self, hold_id: i64) -> CaptureRequest {
        CaptureRequest {
            hold_id,
            amount: self.amount,
            currency: self.currency,
        }
    }
}

/// A checkout hold.
#[derive(Serialize, ToSchema)]
pub struct HoldBody {
    /// Its id.
    pub hold_id: i64,
    /// Whose wallet.
    pub member_id: i64,
    /// `held`, `captured`, `voided` or `expired`.
    pub state: String,
    /// What it holds (or held).
    pub amount: String,
    /// Of which principal.
    pub principal: String,
    /// Of which bonus.
    pub bonus: String,
    /// What its capture paid (zero unless captured).
    pub captured: String,
    /// ISO 4217 code.
    pub currency: String,
    /// The order.
    pub reference: String,
    /// When it was placed (RFC 3339).
    pub held_at: String,
    /// When it lapses by itself if not captured.
    pub expires_at: String,
    /// When it was captured, voided or lapsed.
    pub closed_at: Option<String>,
    /// The capture's move: what a refund of the order names as `payment_id`.
    pub capture_move_id: Option<i64>,
}

impl HoldBody {
    /// The engine's hold with its amounts in `currency`.
    pub fn of(h: &HoldView, currency: Currency) -> HoldBody {
        HoldBody {
            hold_id: h.id,
            member_id: h.member_id,
            state: h.state.clone(),
            amount: money(h.amount(), currency),
            principal: money(h.principal, currency),
            bonus: money(h.bonus, currency),
            captured: money(h.captured, currency),
            currency: currency.code().to_owned(),
            reference: h.reference.clone(),
            held_at: h.held_at.to_string(),
            expires_at: h.expires_at.to_string(),
            closed_at: h.closed_at.map(|t| t.to_string()),
            capture_move_id: h.close_move_id.filter(|_| h.state == "captured"),
        }
    }
}

/// The answer to placing, capturing or voiding a hold.
#[derive(Serialize, ToSchema)]
pub struct HoldResponse {
    /// The hold after it.
    pub hold: HoldBody,
    /// The wallet after it.
    pub balance: WalletBalanceBody,
}

impl HoldResponse {
    /// The engine's answer with its amounts in `currency`.
    pub fn of(h: HoldOutcome, currency: Currency) -> HoldResponse {
        HoldResponse {
            hold: HoldBody::of(&h.hold, currency),
            balance: WalletBalanceBody::of(h.balance, currency),
        }
    }
}
