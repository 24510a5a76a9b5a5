//! Points: spending, staff adjustments, a member's balance and ledger.

pub(crate) mod execute;
pub(crate) mod validate;

use crate::error::{EngineError, Result};
use crate::outcomes::PostingOutcome;
use crate::requests::{AdjustRequest, RedeemRequest};
use crate::staff::Role;
use crate::write::command::Command;
use crate::write::outcome::Outcome;
use crate::{Engine, unexpected};
use jiff::Timestamp;
use laurel_core::Points;
use laurel_store::{JournalId, LedgerPage, MemberId};

/// A member's balance as shown to them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BalanceView {
    /// The member.
    pub member_id: i64,
    /// Spendable points.
    pub available: Points,
    /// Points in the return window.
    pub pending: Points,
    /// Points held at checkouts: neither spendable nor counted in `available` until their
    /// holds are captured or released.
    pub held: Points,
    /// Money value of the available points, in the program currency.
    pub available_value: laurel_core::Money,
    /// Next expiries: when, and how many points.
    pub next_expiries: Vec<(Timestamp, Points)>,
}

/// How many expiry dates a balance lists.
const EXPIRIES_SHOWN: usize = 5;

impl Engine {
    /// Spends points, soonest-expiring first.
    pub async fn redeem(&self, request: RedeemRequest) -> Result<PostingOutcome> {
        let valid = validate::redeem(request)?;
        match self.writer.submit(Command::Redeem(valid)).await? {
            Outcome::Posting(p) => Ok(p),
            other => Err(unexpected(other)),
        }
    }

    /// A staff credit or debit with an admin's reach (the API's admin keys act as admins:
    /// within the program's `[staff] adjust_max` for admins, if it sets one); `actor` is
    /// recorded on the entry. Refused (`approval_required`) when the program says a second
    /// staff member must approve one of its size: a key has no second person behind it.
    pub async fn adjust(&self, request: AdjustRequest, actor: &str) -> Result<PostingOutcome> {
        self.refuse_unapproved(crate::staff::ApprovalKind::Adjustment, request.points)
            .await?;
        self.adjust_as(request, actor, Role::Admin).await
    }

    /// A staff credit or debit by someone in `role`; `actor` is recorded on the entry.
    /// Refused (`adjustment_over_limit`), before anything is written, when it moves more points
    /// than the program in force's `[staff] adjust_max` lets that role move at once (a retry
    /// of one already made is answered as the first time).
    pub(crate) async fn adjust_as(
        &self,
        request: AdjustRequest,
        actor: &str,
        role: Role,
    ) -> Result<PostingOutcome> {
        self.adjust_approved(request, actor, role, None).await
    }

    /// [`Engine::adjust_as`] carrying a second staff member's `approval`: its request is
    /// approved in the transaction that writes the entry, or nothing is written.
    pub(crate) async fn adjust_approved(
        &self,
        request: AdjustRequest,
        actor: &str,
        role: Role,
        approval: Option<laurel_store::ApprovalClaim>,
    ) -> Result<PostingOutcome> {
        let valid = validate::adjust(request)?;
        let command = Command::Adjust {
            request: valid,
            actor: actor.to_owned(),
            role,
            approval,
        };
        match self.writer.submit(command).await? {
            Outcome::Posting(p) => Ok(p),
            other => Err(unexpected(other)),
        }
    }

    /// A member's balances and next expiries.
    pub async fn balance(&self, member_id: i64) -> Result<BalanceView> {
        let ledger = self
            .store
            .member_ledger(MemberId(member_id))
            .await?
            .ok_or_else(|| EngineError::UnknownMember(member_id.to_string()))?;
        let available_value = self
            .definition()
            .program
            .value_of(ledger.available)
            .map_err(|e| EngineError::Internal(e.to_string()))?;
        let held = self.store.points_held(MemberId(member_id)).await?;
        Ok(BalanceView {
            member_id,
            available: ledger.available,
            pending: ledger.pending,
            held,
            available_value,
            next_expiries: ledger.upcoming_expiries(EXPIRIES_SHOWN),
        })
    }

    /// A page of a member's ledger, newest first.
    pub async fn ledger(
        &self,
        member_id: i64,
        before: Option<i64>,
        limit: u32,
    ) -> Result<LedgerPage> {
        self.ledger_of(member_id, before, &[], limit).await
    }

    /// [`Engine::ledger`] of only the postings of `kinds` (all when empty).
    pub async fn ledger_of(
        &self,
        member_id: i64,
        before: Option<i64>,
        kinds: &[laurel_core::ledger::PostingKind],
        limit: u32,
    ) -> Result<LedgerPage> {
        if self.store.member(MemberId(member_id)).await?.is_none() {
            return Err(EngineError::UnknownMember(member_id.to_string()));
        }
        Ok(self
            .store
            .ledger_page_of(MemberId(member_id), before.map(JournalId), kinds, limit)
            .await?)
    }

    /// Staff's private notes on those of a member's postings (`entries`, journal ids) that
    /// have one, by entry: for staff's pages only, never a member's.
    pub async fn staff_notes(
        &self,
        member_id: i64,
        entries: &[i64],
    ) -> Result<std::collections::BTreeMap<i64, String>> {
        let ids: Vec<JournalId> = entries.iter().copied().map(JournalId).collect();
        let notes = self.store.staff_notes(MemberId(member_id), &ids).await?;
        Ok(notes.into_iter().map(|(id, note)| (id.0, note)).collect())
    }
}
