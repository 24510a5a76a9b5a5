//! Privacy: erasing a member's personal data on request while the ledger, the books and every
//! aggregate stay whole (`erase.rs`), and the register of requests to do so — a member asks
//! from the portal, staff erase or decline.

pub(crate) mod erase;
pub(crate) mod views;

use crate::error::{EngineError, Result};
use crate::write::command::Command;
use crate::write::outcome::Outcome;
use crate::{Engine, MemberRef, unexpected};
use jiff::Timestamp;
use laurel_core::MemberStatus;
use laurel_store::MemberId;
use views::{ErasureOutcome, ErasureRequestView};

/// Requests listed at most at once.
pub const ERASURE_REQUESTS_MAX: u32 = 200;

impl Engine {
    /// Erases `member`'s personal data for `actor` (`staff:<email>`, `key:<prefix>`): their
    /// points are forfeited, their profile and what only they wrote destroyed, their values
    /// replaced wherever stored text repeats them; the ledger keeps them under a pseudonym.
    /// Refused (`erasure_blocked`) while they hold stored value, points at a checkout or a
    /// membership. Asked again, answers the erasure made.
    pub async fn erase_member(&self, member: i64, actor: &str) -> Result<ErasureOutcome> {
        let found = self.member(&MemberRef::Id(member)).await?;
        let command = Command::Erase {
            member: found.id,
            actor: actor.to_owned(),
        };
        match self.writer.submit(command).await? {
            Outcome::Erased(outcome) => Ok(outcome),
            other => Err(unexpected(other)),
        }
    }

    /// The member asks to be erased (from the portal): recorded for staff to erase or
    /// decline. Asked again while one waits, answers that one.
    pub async fn request_erasure(&self, member: i64) -> Result<ErasureRequestView> {
        let found = self.member(&MemberRef::Id(member)).await?;
        if found.status == MemberStatus::Erased {
            return Err(EngineError::MemberErased(member));
        }
        // Under the member's lock: two presses of the button make one request.
        let mut tx = self.store.begin().await?;
        tx.lock_member(Some(found.id), None).await?;
        if tx.waiting_erasure_request(found.id).await?.is_none() {
            let now = crate::as_stored(Timestamp::now());
            tx.insert_erasure_request(found.id, "member", now, None)
                .await?;
        }
        let request = tx
            .waiting_erasure_request(found.id)
            .await?
            .ok_or_else(|| EngineError::Internal("an erasure request lost".into()))?;
        tx.commit().await?;
        Ok(ErasureRequestView::of(request))
    }

    /// Staff decline the member's waiting request; false when none waited.
    pub async fn decline_erasure(&self, member: i64, actor: &str) -> Result<bool> {
        let found = self.member(&MemberRef::Id(member)).await?;
        let mut tx = self.store.begin().await?;
        let now = crate::as_stored(Timestamp::now());
        let declined = tx
            .decide_erasure_requests(found.id, "declined", actor, now, None)
            .await?;
        tx.commit().await?;
        Ok(declined > 0)
    }

    /// Erasure requests, newest first: those waiting for staff when `waiting`, else all.
    pub async fn erasure_requests(&self, waiting: bool) -> Result<Vec<ErasureRequestView>> {
        let found = self
            .store
            .erasure_requests(waiting, ERASURE_REQUESTS_MAX)
            .await?;
        Ok(found.into_iter().map(ErasureRequestView::of).collect())
    }

    /// A member's erasure requests, newest first.
    pub async fn member_erasure_requests(&self, member: i64) -> Result<Vec<ErasureRequestView>> {
        let found = self.store.member_erasure_requests(MemberId(member)).await?;
        Ok(found.into_iter().map(ErasureRequestView::of).collect())
    }

    /// Where `text` appears, case-blind, in any text column of any table: (table, column,
    /// rows). What a privacy officer asks before and after an erasure.
    pub async fn find_text(&self, text: &str) -> Result<Vec<(String, String, i64)>> {
        self.store.find_text(text).await.map_err(Into::into)
    }
}
