//! Stored value: a member's wallet (top up, pay, refund, cash out), its balance and its
//! statement.

pub(crate) mod execute;
pub(crate) mod gift_cards;
pub(crate) mod holds;
pub(crate) mod refusals;
pub(crate) mod validate;
pub(crate) mod views;

use crate::error::{EngineError, Result};
use crate::requests::WalletRequest;
use crate::write::command::Command;
use crate::write::outcome::Outcome;
use crate::{Engine, unexpected};
use laurel_store::MemberId;
use views::{WalletBalance, WalletOutcome, WalletStatement};

impl Engine {
    /// Tops up, pays from, refunds to or cashes out of a member's wallet; `actor` (an API
    /// key, a staff member) is recorded on the move.
    pub async fn wallet_move(&self, request: WalletRequest, actor: &str) -> Result<WalletOutcome> {
        let valid = validate::member_wallet(&self.definition().program, request)?;
        let command = Command::Wallet {
            request: valid,
            actor: actor.to_owned(),
        };
        match self.writer.submit(command).await? {
            Outcome::Wallet(w) => Ok(w),
            other => Err(unexpected(other)),
        }
    }

    /// What every wallet holds together: the unused value owed to members, and apart what
    /// gift cards still hold.
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
