//! The JSON shapes of a member's wallet of stored value: its moves asked for, their answers,
//! the balance and the statement. Amounts are decimal strings in the program's currency.

use super::money;
use laurel_core::Currency;
use laurel_engine::{
    CardKey, GiftCardMoveRequest, WalletAsk, WalletBalance, WalletOutcome, WalletRequest,
    WalletStatement,
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Pay money into the wallet (`top-ups`), or pay it out (`cash-outs`, principal only).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WalletAmountBody {
    /// How much, above zero, as a decimal string or number.
    #[serde(deserialize_with = "laurel_engine::decimal::deserialize")]
    #[schema(value_type = String, example = "500.00", pattern = r"^[0-9]{1,11}(\.[0-9]{1,2})?$")]
    pub amount: Decimal,
    /// ISO 4217 currency code; must be the program's.
    #[schema(pattern = "^[A-Z]{3}$", example = "CNY")]
    pub currency: String,
    /// Your idempotency key: a retry with the same key has one effect.
    #[schema(min_length = 1, max_length = 200)]
    pub idempotency_key: String,
    /// What it was for: a till's receipt, an order id.
    #[schema(min_length = 1, max_length = 200)]
    pub reference: String,
}

/// Pay for an order from the wallet.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WalletPaymentBody {
    /// How much to pay, above zero.
    #[serde(deserialize_with = "laurel_engine::decimal::deserialize")]
    #[schema(value_type = String, example = "128.00", pattern = r"^[0-9]{1,11}(\.[0-9]{1,2})?$")]
    pub amount: Decimal,
    /// ISO 4217 currency code; must be the program's.
    #[schema(pattern = "^[A-Z]{3}$", example = "CNY")]
    pub currency: String,
    /// Your idempotency key.
    #[schema(min_length = 1, max_length = 200)]
    pub idempotency_key: String,
    /// The order paid for.
    #[schema(min_length = 1, max_length = 200)]
    pub reference: String,
    /// When the wallet holds less: pay what it holds (the rest is paid elsewhere) rather
    /// than refuse with `insufficient_funds`. Default false.
    #[serde(default)]
    pub partial: bool,
}

/// Give part or all of a wallet payment back to the wallet.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WalletRefundBody {
    /// The payment (`move_id` of its answer).
    #[schema(minimum = 1)]
    #[serde(deserialize_with = "crate::dto::whole::deserialize")]
    pub payment_id: i64,
    /// How much to give back, above zero; at most what is left of the payment.
    #[serde(deserialize_with = "laurel_engine::decimal::deserialize")]
    #[schema(value_type = String, example = "28.00", pattern = r"^[0-9]{1,11}(\.[0-9]{1,2})?$")]
    pub amount: Decimal,
    /// ISO 4217 currency code; must be the program's.
    #[schema(pattern = "^[A-Z]{3}$", example = "CNY")]
    pub currency: String,
    /// Your idempotency key.
    #[schema(min_length = 1, max_length = 200)]
    pub idempotency_key: String,
    /// The refund's reference: a return's receipt.
    #[schema(min_length = 1, max_length = 200)]
    pub reference: String,
}

impl WalletAmountBody {
    /// The engine's request of `ask` for `member_id`.
    pub fn request(self, member_id: i64, ask: WalletAsk) -> WalletRequest {
        WalletRequest {
            member_id,
            ask,
            amount: self.amount,
            currency: self.currency,
            idempotency_key: self.idempotency_key,
            reference: self.reference,
        }
    }
}

impl WalletPaymentBody {
    /// The engine's request for `member_id`.
    pub fn request(self, member_id: i64) -> WalletRequest {
        WalletRequest {
            member_id,
            ask: WalletAsk::Pay {
                partial: self.partial,
            },
            amount: self.amount,
            currency: self.currency,
            idempotency_key: self.idempotency_key,
            reference: self.reference,
        }
    }
}

impl WalletPaymentBody {
    /// The engine's request to pay from the gift card `card`.
    pub fn card_request(self, card: CardKey) -> GiftCardMoveRequest {
        GiftCardMoveRequest {
            card,
            ask: WalletAsk::Pay {
                partial: self.partial,
            },
            amount: self.amount,
            currency: self.currency,
            idempotency_key: self.idempotency_key,
            reference: self.reference,
        }
    }
}

impl WalletRefundBody {
    /// The engine's request to refund a payment to the gift card `card`.
    pub fn card_request(self, card: CardKey) -> GiftCardMoveRequest {
        GiftCardMoveRequest {
            card,
            ask: WalletAsk::Refund {
                payment_id: self.payment_id,
            },
            amount: self.amount,
            currency: self.currency,
            idempotency_key: self.idempotency_key,
            reference: self.reference,
        }
    }
}

impl WalletRefundBody {
    /// The engine's request for `member_id`.
    pub fn request(self, member_id: i64) -> WalletRequest {
        WalletRequest {
            member_id,
            ask: WalletAsk::Refund {
                payment_id: self.payment_id,
            },
            amount: self.amount,
            currency: self.currency,
            idempotency_key: self.idempotency_key,
            reference: self.reference,
        }
    }
}

/// What a wallet holds.
#[derive(Serialize, ToSchema)]
pub struct WalletBalanceBody {
    /// Money the member paid in: refundable as cash.
    pub principal: String,
    /// Value given with top-ups: spent last, never paid out.
    pub bonus: String,
    /// Both together: what the wallet can pay now.
    pub total: String,
    /// Held at checkouts: out of reach until captured or released.
    pub held: String,
    /// ISO 4217 code.
    pub currency: String,
}

impl WalletBalanceBody {
    /// The engine's balance with its amounts in `currency`.
    pub(crate) fn of(b: WalletBalance, currency: Currency) -> WalletBalanceBody {
        WalletBalanceBody {
            principal: money(b.principal, currency),
            bonus: money(b.bonus, currency),
            total: money(b.total(), currency),
            held: money(b.held, currency),
            currency: currency.code().to_owned(),
        }
    }
}

/// The answer to a top-up, payment, refund or cash-out.
#[derive(Serialize, ToSchema)]
pub struct WalletMoveResponse {
    /// The move written; a payment's is what its refunds name.
    pub move_id: i64,
    /// The member, when the wallet is a member's (absent for a gift card).
    pub member_id: Option<i64>,
    /// `top_up`, `payment`, `refund` or `cash_out`.
    pub kind: String,
    /// What it was for: paid in (without the bonus), paid (a partial payment: what the
    /// wallet held), given back, paid out.
    pub amount: String,
    /// How it changed the principal (negative when spent).
    pub principal_change: String,
    /// How it changed the bonus (a top-up's bonus; negative when spent).
    pub bonus_change: String,
    /// The wallet after it.
    pub balance: WalletBalanceBody,
}

impl WalletMoveResponse {
    /// The engine's answer with its amounts in `currency`.
    pub fn of(w: WalletOutcome, currency: Currency) -> WalletMoveResponse {
        WalletMoveResponse {
            move_id: w.move_id,
            member_id: w.member_id,
            kind: w.kind.as_str().to_owned(),
            amount: money(w.amount, currency),
            principal_change: money(w.principal, currency),
            bonus_change: money(w.bonus, currency),
            balance: WalletBalanceBody::of(w.balance, currency),
        }
    }
}

/// A move on a statement.
#[derive(Serialize, ToSchema)]
pub struct WalletMoveBody {
    /// Its id.
    pub move_id: i64,
    /// `top_up`, `payment`, `refund` or `cash_out`.
    pub kind: String,
    /// What it was for.
    pub amount: String,
    /// How it changed the principal.
    pub principal_change: String,
    /// How it changed the bonus.
    pub bonus_change: String,
    /// A refund's payment.
    pub payment_id: Option<i64>,
    /// The caller's reference.
    pub reference: String,
    /// Who made it: `key:<prefix>` for an API key, `staff:<email>` for staff.
    pub actor: String,
    /// When (RFC 3339).
    pub at: String,
}

/// A member's wallet and a page of its statement, newest first.
#[derive(Serialize, ToSchema)]
pub struct WalletResponse {
    /// The member.
    pub member_id: i64,
    /// What the wallet holds now (zero when never used).
    pub balance: WalletBalanceBody,
    /// Its moves.
    pub moves: Vec<WalletMoveBody>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

impl WalletResponse {
    /// A statement page with its amounts in `currency`.
    pub fn of(member_id: i64, s: WalletStatement, currency: Currency) -> WalletResponse {
        WalletResponse {
            member_id,
            balance: WalletBalanceBody::of(s.balance, currency),
            moves: s
                .moves
                .into_iter()
                .map(|m| WalletMoveBody {
                    move_id: m.id,
                    kind: m.kind.as_str().to_owned(),
                    amount: money(m.amount, currency),
                    principal_change: money(m.principal, currency),
                    bonus_change: money(m.bonus, currency),
                    payment_id: m.payment,
                    reference: m.reference,
                    actor: m.actor,
                    at: m.at.to_string(),
                })
                .collect(),
            next_cursor: s.next.map(|c| c.to_string()),
        }
    }
}
