//! Stored value: a member's wallet (top up, pay, refund, cash out), its balance and its
//! statement.

pub(crate) mod execute;
pub(crate) mod holds;
pub(crate) mod validate;

use crate::error::{EngineError, Result};
use crate::requests::WalletRequest;
use crate::write::command::Command;
use crate::write::outcome::Outcome;
use crate::{Engine, unexpected};
use laurel_core::wallet::{Paid, Wallet, WalletMoveKind};
use laurel_store::{MemberId, WalletMove};
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
    fn of(wallet: Wallet, held: Paid) -> WalletBalance {
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

impl Engine {
    /// Tops up, pays from, refunds to or cashes out of a member's wallet; `actor` (an API
    /// key, a staff member) is recorded on the move.
    pub async fn wallet_move(&self, request: WalletRequest, actor: &str) -> Result<WalletOutcome> {
        let valid = validate::wallet(&self.definition().program, request)?;
        let command = Command::Wallet {
            request: valid,
            actor: actor.to_owned(),
        };
        match self.writer.submit(command).await? {
            Outcome::Wallet(w) => Ok(w),
            other => Err(unexpected(other)),
        }
    }

    /// What every wallet holds together: the unused value owed to members.
    pub async fn wallet_totals(&self) -> Result<laurel_store::WalletTotals> {
        Ok(self.store.wallet_totals().await?)
    }

    /// A member's wallet (empty when they never used it) and a page of its moves, newest
    /// first, older than the move `before`.
    pub async fn wallet_statement(
        &self,
        member_id: i64,
        before: Option<i64>,
        limit: u32,
    ) -> Result<WalletStatement> {
        if self.store.member(MemberId(member_id)).await?.is_none() {
            return Err(EngineError::UnknownMember(member_id.to_string()));
        }
        let Some(wallet) = self.store.member_wallet(MemberId(member_id)).await? else {
            return Ok(WalletStatement {
                balance: WalletBalance::default(),
                moves: Vec::new(),
                next: None,
            });
        };
        let moves = self.store.wallet_moves(wallet.id, before, limit).await?;
        let full = u32::try_from(moves.len()).unwrap_or(u32::MAX) >= limit.max(1);
        Ok(WalletStatement {
            balance: WalletBalance::of(wallet.balance, wallet.held),
            next: moves.last().filter(|_| full).map(|m| m.id),
            moves,
        })
    }
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
