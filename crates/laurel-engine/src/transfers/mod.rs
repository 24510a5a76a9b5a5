//! Points members send each other: within the program's `[transfers]` limits, with its fee,
//! both sides in one transaction; and the transfers a member sent and received.

pub(crate) mod execute;
pub(crate) mod validate;
pub(crate) mod views;

use crate::error::{EngineError, Result};
use crate::requests::TransferRequest;
use crate::write::command::Command;
use crate::write::outcome::Outcome;
use crate::{Engine, unexpected};
use laurel_store::{MemberId, TRANSFER_PAGE_MAX};
use views::{TransferOutcome, TransferPage, TransferView};

impl Engine {
    /// Sends points from `request.member_id` to `request.to`, paying the program's fee on
    /// top; `actor` is recorded when staff send on the member's behalf.
    pub async fn send_points(
        &self,
        request: TransferRequest,
        actor: Option<&str>,
    ) -> Result<TransferOutcome> {
        let command = Command::Transfer {
            request: validate::transfer(request)?,
            actor: actor.map(str::to_owned),
        };
        match self.writer.submit(command).await? {
            Outcome::Transfer(t) => Ok(t),
            other => Err(unexpected(other)),
        }
    }

    /// A page of the transfers a member sent or received, newest first, older than
    /// `before` (the previous page's `next`) when given.
    pub async fn transfers_of(
        &self,
        member_id: i64,
        before: Option<i64>,
        limit: u32,
    ) -> Result<TransferPage> {
        if self.store.member(MemberId(member_id)).await?.is_none() {
            return Err(EngineError::UnknownMember(member_id.to_string()));
        }
        let mut stored = self
            .store
            .transfers_of(MemberId(member_id), before, limit)
            .await?;
        let more = stored.len() > limit.clamp(1, TRANSFER_PAGE_MAX) as usize;
        stored.truncate(limit.clamp(1, TRANSFER_PAGE_MAX) as usize);
        let transfers: Vec<TransferView> = stored.into_iter().map(TransferView::from).collect();
        let next = more.then(|| transfers.last().map(|t| t.id)).flatten();
        Ok(TransferPage { transfers, next })
    }

    /// The member whose member code (the referral code they share) is `code`, if any: how a
    /// member names another in the portal without learning whether an email is a member's.
    pub async fn member_by_code(&self, code: &str) -> Result<Option<i64>> {
        let code = crate::codes::normalize(code);
        Ok(self
            .store
            .member_by_referral_code(&code)
            .await?
            .map(|m| m.0))
    }

    /// The program in force's rules for transfers, if it allows them.
    pub fn transfer_policy(&self) -> Option<laurel_core::transfers::TransferPolicy> {
        self.definition().transfers.clone()
    }
}
