//! What wallet and hold calls answer: the balance, a move, a statement page, a hold. Kept
//! apart from the calls so the write path's answers name them without importing the calls.

use jiff::Timestamp;
use laurel_core::wallet::{Paid, Wallet, WalletMoveKind};
use laurel_store::{StoredHold, WalletMove};
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
    /// The member.
    pub member_id: i64,
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
