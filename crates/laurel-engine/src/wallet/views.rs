//! What wallet and hold calls answer: the balance, a move, a statement page, a hold. Kept
//! apart from the calls so the write path's answers name them without importing the calls.

use jiff::Timestamp;
use laurel_core::wallet::{Paid, Wallet, WalletMoveKind};
use laurel_store::{GiftCardBatchSummary, StoredGiftCard, StoredHold, StoredWallet, WalletMove};
use serde::{Deserialize, Serialize};

/// What a wallet holds, in the currency's minor units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalletBalance {
    /// Money the member paid in: refundable as cash.
    pub principal: i64,
    /// Value given with top-ups: spent last, never paid out.
    pub bonus: i64,
    /// Held at checkouts (principal and bonus): not spendable until released.
    pub held: i64,
}

impl WalletBalance {
    pub(crate) fn of(wallet: Wallet, held: Paid) -> WalletBalance {
        WalletBalance {
            principal: wallet.principal,
            bonus: wallet.bonus,
            held: held.total(),
        }
    }

    /// What it can pay now: principal and bonus, not what is held.
    pub fn total(self) -> i64 {
        self.principal + self.bonus
    }
}

/// The answer to a wallet move (amounts in minor units).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalletOutcome {
    /// The move written.
    pub move_id: i64,
    /// The member, when the wallet is a member's (not a gift card's).
    pub member_id: Option<i64>,
    /// What it did.
    #[serde(with = "move_kind")]
    pub kind: WalletMoveKind,
    /// What it was for: paid in (without the bonus), paid, given back, paid out.
    pub amount: i64,
    /// How it changed the principal.
    pub principal: i64,
    /// How it changed the bonus.
    pub bonus: i64,
    /// The wallet after it.
    pub balance: WalletBalance,
}

/// A page of a wallet's statement, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalletStatement {
    /// The wallet now.
    pub balance: WalletBalance,
    /// Its moves.
    pub moves: Vec<WalletMove>,
    /// The cursor of the next page, when there may be one.
    pub next: Option<i64>,
}

/// A hold as answered (amounts in minor units).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoldView {
    /// Its id.
    pub id: i64,
    /// Whose wallet.
    pub member_id: i64,
    /// What it holds (or held) of principal.
    pub principal: i64,
    /// What it holds (or held) of bonus.
    pub bonus: i64,
    /// `held`, `captured`, `voided` or `expired`.
    pub state: String,
    /// What its capture paid.
    pub captured: i64,
    /// The order.
    pub reference: String,
    /// When it was placed.
    pub held_at: Timestamp,
    /// When it lapses if not captured.
    pub expires_at: Timestamp,
    /// When it was closed.
    pub closed_at: Option<Timestamp>,
    /// The move that placed it.
    pub hold_move_id: i64,
    /// The move that closed it: a capture's is what its refunds name.
    pub close_move_id: Option<i64>,
}

impl HoldView {
    pub(crate) fn of(h: &StoredHold) -> HoldView {
        HoldView {
            id: h.id,
            member_id: h.member.0,
            principal: h.held.principal,
            bonus: h.held.bonus,
            state: h.state.as_str().to_owned(),
            captured: h.captured,
            reference: h.reference.clone(),
            held_at: h.held_at,
            expires_at: h.expires_at,
            closed_at: h.closed_at,
            hold_move_id: h.hold_move,
            close_move_id: h.close_move,
        }
    }

    /// Everything it holds (or held).
    pub fn amount(&self) -> i64 {
        self.principal + self.bonus
    }
}

/// The answer to placing, capturing or voiding a hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoldOutcome {
    /// The hold after it.
    pub hold: HoldView,
    /// The wallet after it.
    pub balance: WalletBalance,
}

/// A gift card as answered (amounts in minor units); never its code or PIN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GiftCardView {
    /// Its id.
    pub id: i64,
    /// Its batch.
    pub batch_id: i64,
    /// The code's last four characters, to tell cards apart.
    pub last4: String,
    /// `inactive`, `active` or `loaded`.
    pub state: String,
    /// Its value when issued.
    pub face: i64,
    /// What it holds now.
    pub balance: WalletBalance,
    /// Whether it has a PIN.
    pub has_pin: bool,
    /// Whether wrong PINs locked it (an admin unlocks it).
    pub locked: bool,
    /// When it stops paying, if ever.
    pub expires_at: Option<Timestamp>,
    /// When it was issued.
    pub issued_at: Timestamp,
    /// When it was activated.
    pub activated_at: Option<Timestamp>,
    /// The member its value was loaded into.
    pub loaded_into: Option<i64>,
}

impl GiftCardView {
    pub(crate) fn of(card: &StoredGiftCard, wallet: &StoredWallet) -> GiftCardView {
        GiftCardView {
            id: card.id,
            batch_id: card.batch,
            last4: card.code_last4.clone(),
            state: card.state.as_str().to_owned(),
            face: card.face,
            balance: WalletBalance::of(wallet.balance, wallet.held),
            has_pin: card.pin_hash.is_some(),
            locked: card.pin_failures >= laurel_core::wallet::PIN_GUESSES_MAX,
            expires_at: card.expires_at,
            issued_at: card.issued_at,
            activated_at: card.activated_at,
            loaded_into: card.loaded_into.map(|m| m.0),
        }
    }
}

/// A card just issued: the only time its code and PIN are told (its `Debug` tells neither).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedCard {
    /// Its id.
    pub id: i64,
    /// Its code, as printed.
    pub code: String,
    /// Its PIN, when it has one.
    pub pin: Option<String>,
}

impl std::fmt::Debug for IssuedCard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedCard")
            .field("id", &self.id)
            .field("code", &"[secret]")
            .field("pin", &self.pin.as_ref().map(|_| "[secret]"))
            .finish()
    }
}

/// The answer to issuing gift cards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedGiftCards {
    /// The batch.
    pub batch_id: i64,
    /// Each card's value.
    pub face: i64,
    /// Whether the cards are active.
    pub active: bool,
    /// When they stop paying.
    pub expires_at: Option<Timestamp>,
    /// How many were issued.
    pub count: u32,
    /// Each card with its code and PIN; empty on a retry (codes are told once, never kept).
    pub cards: Vec<IssuedCard>,
    /// True when this answers a retry: the batch was issued by the first request.
    pub repeated: bool,
}

/// A page of gift card batches, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GiftCardBatchPage {
    /// The batches, each with its cards counted by state and what they still hold.
    pub batches: Vec<GiftCardBatchSummary>,
    /// The cursor for the next page (the last batch's id), when there is one.
    pub next: Option<i64>,
}

/// The answer to loading a gift card's value into a member's wallet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GiftCardLoad {
    /// The card after it.
    pub card: GiftCardView,
    /// The member.
    pub member_id: i64,
    /// What moved.
    pub amount: i64,
    /// The member's wallet after it.
    pub balance: WalletBalance,
}

/// A move's kind stored by its stable name in the remembered answer.
mod move_kind {
    use laurel_core::wallet::WalletMoveKind;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(kind: &WalletMoveKind, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(kind.as_str())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<WalletMoveKind, D::Error> {
        let name = String::deserialize(d)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}
