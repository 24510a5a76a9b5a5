//! The JSON shapes of checkout holds, of wallet value or of points: placing one, capturing
//! it, and the hold as answered. Amounts are decimal strings in the program's currency.

use super::money;
use super::wallet::WalletBalanceBody;
use crate::error::ApiError;
use laurel_core::Currency;
use laurel_engine::{
    CaptureRequest, ErrorCode, HoldOutcome, HoldRequest, HoldView, PointHoldOutcome,
    PointHoldRequest, PointHoldView,
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Hold wallet value (`amount` and `currency`) or points (`points`) for a checkout.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaceHoldBody {
    /// How much wallet value to hold, above zero.
    #[serde(
        default,
        deserialize_with = "laurel_engine::decimal::deserialize_option"
    )]
    #[schema(value_type = Option<String>, example = "88.00", pattern = r"^[0-9]{1,11}(\.[0-9]{1,2})?$")]
    pub amount: Option<Decimal>,
    /// ISO 4217 currency code of `amount`; must be the program's.
    #[schema(pattern = "^[A-Z]{3}$", example = "CNY")]
    pub currency: Option<String>,
    /// How many points to hold, above zero (instead of `amount`).
    #[serde(default, deserialize_with = "crate::dto::whole::deserialize_option")]
    #[schema(minimum = 1, maximum = 1_000_000_000_000_i64)]
    pub points: Option<i64>,
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

/// What a hold is asked to hold.
pub enum HoldAsk {
    /// Wallet value.
    Wallet(HoldRequest),
    /// Points.
    Points(PointHoldRequest),
}

impl PlaceHoldBody {
    /// The engine's request for `member_id`: of points or of wallet value, never both.
    pub fn request(self, member_id: i64) -> Result<HoldAsk, ApiError> {
        match (self.points, self.amount) {
            (Some(points), None) if self.currency.is_none() => {
                Ok(HoldAsk::Points(PointHoldRequest {
                    member_id,
                    points,
                    idempotency_key: self.idempotency_key,
                    reference: self.reference,
                    expires_in: self.expires_in,
                }))
            }
            (None, Some(amount)) => Ok(HoldAsk::Wallet(HoldRequest {
                member_id,
                amount,
                currency: self.currency.ok_or_else(|| {
                    ApiError::invalid(
                        "currency",
                        ErrorCode::MissingField,
                        "give the currency of the amount",
                    )
                })?,
                idempotency_key: self.idempotency_key,
                reference: self.reference,
                expires_in: self.expires_in,
            })),
            (None, None) => Err(ApiError::invalid(
                "points",
                ErrorCode::MissingField,
                "give either points, or an amount and its currency",
            )),
            _ => Err(ApiError::invalid(
                "points",
                ErrorCode::InvalidField,
                "give either points, or an amount and its currency, not both",
            )),
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
    /// For a hold of points: how many to capture, above zero and at most it holds (the
    /// soonest-expiring are spent); all of it when left out.
    #[serde(default, deserialize_with = "crate::dto::whole::deserialize_option")]
    #[schema(minimum = 1, maximum = 1_000_000_000_000_i64)]
    pub points: Option<i64>,
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

/// A checkout hold of points.
#[derive(Serialize, ToSchema)]
pub struct PointHoldBody {
    /// Its id (of the one series wallet holds share).
    pub hold_id: i64,
    /// Whose points.
    pub member_id: i64,
    /// `held`, `captured`, `voided` or `expired`.
    pub state: String,
    /// Points it holds (or held).
    pub points: i64,
    /// Points its capture spent (zero unless captured).
    pub captured_points: i64,
    /// The order.
    pub reference: String,
    /// When it was placed (RFC 3339).
    pub held_at: String,
    /// When it lapses by itself if not captured.
    pub expires_at: String,
    /// When it was captured, voided or lapsed.
    pub closed_at: Option<String>,
}

impl From<&PointHoldView> for PointHoldBody {
    fn from(h: &PointHoldView) -> PointHoldBody {
        PointHoldBody {
            hold_id: h.id,
            member_id: h.member_id,
            state: h.state.clone(),
            points: h.points,
            captured_points: h.captured,
            reference: h.reference.clone(),
            held_at: h.held_at.to_string(),
            expires_at: h.expires_at.to_string(),
            closed_at: h.closed_at.map(|t| t.to_string()),
        }
    }
}

/// A member's points after a hold's change.
#[derive(Serialize, ToSchema)]
pub struct HeldPointsBody {
    /// Spendable points.
    pub available: i64,
    /// Points in the return window.
    pub pending: i64,
    /// Points held at checkouts.
    pub held: i64,
}

/// The answer to placing, capturing or voiding a hold of points.
#[derive(Serialize, ToSchema)]
pub struct PointHoldResponse {
    /// The hold after it.
    pub hold: PointHoldBody,
    /// The member's points after it.
    pub points: HeldPointsBody,
}

impl From<&PointHoldOutcome> for PointHoldResponse {
    fn from(o: &PointHoldOutcome) -> PointHoldResponse {
        PointHoldResponse {
            hold: (&o.hold).into(),
            points: HeldPointsBody {
                available: o.points.available,
                pending: o.points.pending,
                held: o.points.held,
            },
        }
    }
}

/// A hold, of wallet value or of points.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum AnyHoldBody {
    /// Of wallet value.
    Wallet(Box<HoldBody>),
    /// Of points.
    Points(PointHoldBody),
}

/// The answer to placing, capturing or voiding a hold: of wallet value or of points.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum HoldAnswer {
    /// A hold of wallet value, and the wallet after.
    Wallet(Box<HoldResponse>),
    /// A hold of points, and the member's points after.
    Points(PointHoldResponse),
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
