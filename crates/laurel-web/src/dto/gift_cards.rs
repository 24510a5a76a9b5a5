//! The JSON shapes of gift cards: issuing a batch (the only answer with codes and PINs), a
//! card's standing, a payment or refund from it, loading it into a member's wallet.

use super::money;
use super::wallet::WalletBalanceBody;
use laurel_core::Currency;
use laurel_engine::{GiftCardLoad, GiftCardView, IssueGiftCardsRequest, IssuedGiftCards};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Issue gift cards: one, or a batch.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueGiftCardsBody {
    /// How many cards (default 1).
    #[schema(minimum = 1, maximum = 1000)]
    #[serde(default, deserialize_with = "crate::dto::whole::deserialize_option")]
    pub count: Option<i64>,
    /// Each card's value.
    #[serde(deserialize_with = "laurel_engine::decimal::deserialize")]
    #[schema(value_type = String, example = "200.00", pattern = r"^[0-9]{1,11}(\.[0-9]{1,2})?$")]
    pub amount: Decimal,
    /// ISO 4217 currency code; must be the program's.
    #[schema(pattern = "^[A-Z]{3}$", example = "CNY")]
    pub currency: String,
    /// Whether each card gets a six-digit PIN (default false).
    #[serde(default)]
    pub with_pin: bool,
    /// Whether the cards are sold now and active at once (default true); otherwise each is
    /// activated when sold.
    #[serde(default = "yes")]
    pub active: bool,
    /// When the cards stop paying (RFC 3339), where the law allows an expiry; never when left
    /// out.
    #[schema(format = DateTime)]
    pub expires_at: Option<String>,
    /// Your name for the batch (a promotion, an order of cards).
    #[schema(min_length = 1, max_length = 200)]
    pub reference: String,
    /// Your idempotency key: a retry issues nothing more (and tells no codes).
    #[schema(min_length = 1, max_length = 200)]
    pub idempotency_key: String,
}

fn yes() -> bool {
    true
}

impl IssueGiftCardsBody {
    /// The engine's request, the expiry read as an instant.
    pub fn request(self) -> Result<IssueGiftCardsRequest, crate::error::ApiError> {
        let expires_at = self
            .expires_at
            .as_deref()
            .map(|at| super::instant("expires_at", at))
            .transpose()?;
        let count = self.count.unwrap_or(1);
        Ok(IssueGiftCardsRequest {
            // Out of range reads as 0, which the engine refuses with its bounds.
            count: u32::try_from(count).unwrap_or(0),
            amount: self.amount,
            currency: self.currency,
            with_pin: self.with_pin,
            active: self.active,
            expires_at,
            reference: self.reference,
            idempotency_key: self.idempotency_key,
        })
    }
}

/// A card just issued: its code and PIN, told this once.
#[derive(Serialize, ToSchema)]
pub struct IssuedCardBody {
    /// Its id.
    pub id: i64,
    /// Its code, to print on the card (five groups of four characters: 100 random bits).
    pub code: String,
    /// Its PIN, when it has one.
    pub pin: Option<String>,
}

/// The answer to issuing gift cards.
#[derive(Serialize, ToSchema)]
pub struct IssuedGiftCardsResponse {
    /// The batch.
    pub batch_id: i64,
    /// How many cards.
    pub count: u32,
    /// Each card's value.
    pub amount: String,
    /// ISO 4217 code.
    pub currency: String,
    /// Whether the cards are active.
    pub active: bool,
    /// When they stop paying.
    pub expires_at: Option<String>,
    /// The cards with their codes and PINs; empty when this answers a retry (codes are told
    /// once and never kept).
    pub cards: Vec<IssuedCardBody>,
    /// True when this answers a retry.
    pub repeated: bool,
}

impl IssuedGiftCardsResponse {
    /// The engine's answer in `currency`.
    pub fn of(i: IssuedGiftCards, currency: Currency) -> IssuedGiftCardsResponse {
        IssuedGiftCardsResponse {
            batch_id: i.batch_id,
            count: i.count,
            amount: money(i.face, currency),
            currency: currency.code().to_owned(),
            active: i.active,
            expires_at: i.expires_at.map(|t| t.to_string()),
            cards: i
                .cards
                .into_iter()
                .map(|c| IssuedCardBody {
                    id: c.id,
                    code: c.code,
                    pin: c.pin,
                })
                .collect(),
            repeated: i.repeated,
        }
    }
}

/// A gift card: never its code or PIN.
#[derive(Serialize, ToSchema)]
pub struct GiftCardResponse {
    /// Its id.
    pub id: i64,
    /// Its batch.
    pub batch_id: i64,
    /// The code's last four characters.
    pub last4: String,
    /// `inactive` (not yet sold), `active` or `loaded` (its value went to a member's wallet).
    pub state: String,
    /// Its value when issued.
    pub face: String,
    /// What it holds now.
    pub balance: WalletBalanceBody,
    /// Whether it has a PIN.
    pub has_pin: bool,
    /// Whether wrong PINs locked it (an admin unlocks it).
    pub locked: bool,
    /// When it stops paying, if ever.
    pub expires_at: Option<String>,
    /// The member its value was loaded into.
    pub loaded_into: Option<i64>,
}

impl GiftCardResponse {
    /// The engine's card in `currency`.
    pub fn of(c: &GiftCardView, currency: Currency) -> GiftCardResponse {
        GiftCardResponse {
            id: c.id,
            batch_id: c.batch_id,
            last4: c.last4.clone(),
            state: c.state.clone(),
            face: money(c.face, currency),
            balance: WalletBalanceBody::of(c.balance, currency),
            has_pin: c.has_pin,
            locked: c.locked,
            expires_at: c.expires_at.map(|t| t.to_string()),
            loaded_into: c.loaded_into,
        }
    }
}

/// Load a card's value into a member's wallet.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoadGiftCardBody {
    /// The member.
    #[schema(minimum = 1)]
    #[serde(deserialize_with = "crate::dto::whole::deserialize")]
    pub member_id: i64,
}

/// The answer to loading a card.
#[derive(Serialize, ToSchema)]
pub struct GiftCardLoadResponse {
    /// The card after it: empty, `loaded`.
    pub card: GiftCardResponse,
    /// The member.
    pub member_id: i64,
    /// What moved.
    pub amount: String,
    /// The member's wallet after it.
    pub balance: WalletBalanceBody,
}

impl GiftCardLoadResponse {
    /// The engine's answer in `currency`.
    pub fn of(l: GiftCardLoad, currency: Currency) -> GiftCardLoadResponse {
        GiftCardLoadResponse {
            card: GiftCardResponse::of(&l.card, currency),
            member_id: l.member_id,
            amount: money(l.amount, currency),
            balance: WalletBalanceBody::of(l.balance, currency),
        }
    }
}
