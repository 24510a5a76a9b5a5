//! A member's standing: suspended members neither earn nor spend (purchases, events and
//! redemptions are refused with `member_suspended`) and cannot sign in to the portal, until
//! reactivated. Refunds, staff adjustments and the scheduled jobs still reach their points,
//! so the ledger stays right while they are suspended.

pub(crate) mod enroll;

use crate::error::{EngineError, Result};
use crate::requests::EnrollRequest;
use crate::write::command::Command;
use crate::write::outcome::Outcome;
use crate::{Engine, MemberRef, unexpected};
use jiff::Timestamp;
use laurel_core::MemberStatus;
use laurel_store::{Member, MemberId};

impl Engine {
    /// Suspends (`true`) or reactivates a member; false when they already were. Suspending
    /// ends their portal sessions.
    pub async fn set_suspended(&self, member: i64, suspended: bool) -> Result<bool> {
        let found = self.member(&MemberRef::Id(member)).await?;
        let status = if suspended {
            MemberStatus::Suspended
        } else {
            MemberStatus::Active
        };
        let changed = self.store.set_member_status(found.id, status).await?;
        if suspended {
            self.store.delete_member_sessions(MemberId(member)).await?;
        }
        Ok(changed)
    }
}

/// Refused unless the member is active.
pub(crate) fn require_active(member: &laurel_store::Member) -> Result<()> {
    if member.status == MemberStatus::Suspended {
        Err(EngineError::MemberSuspended(member.id.0))
    } else {
        Ok(())
    }
}

impl Engine {
    /// A member's purchases, newest first (totals, refunds and points; no lines).
    pub async fn member_purchases(
        &self,
        member: i64,
        limit: u32,
    ) -> Result<Vec<laurel_store::Purchase>> {
        self.member(&MemberRef::Id(member)).await?;
        Ok(self.store.member_purchases(MemberId(member), limit).await?)
    }

    /// A member's open lots, soonest to expire first (never-expiring last).
    pub async fn open_lots(&self, member: i64) -> Result<Vec<laurel_core::ledger::Lot>> {
        let ledger = self
            .store
            .member_ledger(MemberId(member))
            .await?
            .ok_or_else(|| EngineError::UnknownMember(member.to_string()))?;
        let mut lots = ledger.lots;
        lots.sort_by_key(|lot| (lot.expires_at.is_none(), lot.expires_at, lot.earned_at));
        Ok(lots)
    }
}

impl Engine {
    /// Enrolls a member.
    pub async fn enroll(&self, request: EnrollRequest) -> Result<Member> {
        let (member, referred_by) = enroll::validate(request, Timestamp::now())?;
        match self
            .writer
            .submit(Command::Enroll {
                member,
                referred_by,
            })
            .await?
        {
            Outcome::Enrolled(m) => Ok(m),
            other => Err(unexpected(other)),
        }
    }

    /// A member by id or external id.
    pub async fn member(&self, member: &MemberRef) -> Result<Member> {
        let found = match member {
            MemberRef::Id(id) => self.store.member(MemberId(*id)).await?,
            MemberRef::External(ext) if !crate::checks::findable(ext) => None,
            MemberRef::External(ext) => self.store.member_by_external_id(ext).await?,
        };
        found.ok_or_else(|| EngineError::UnknownMember(member.to_string()))
    }

    /// Members found by external id, email, phone or the start of their name.
    pub async fn search_members(&self, query: &str, limit: u32) -> Result<Vec<Member>> {
        // No stored text holds what a check refused, so such a query finds no one.
        if laurel_core::text::characters(query, laurel_core::text::Layout::Line).is_err() {
            return Ok(Vec::new());
        }
        Ok(self.store.search_members(query, limit).await?)
    }
}
