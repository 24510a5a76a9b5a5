//! A member's standing: suspended members neither earn nor spend (purchases, events and
//! redemptions are refused with `member_suspended`) and cannot sign in to the portal, until
//! reactivated. Refunds, staff adjustments and the scheduled jobs still reach their points,
//! so the ledger stays right while they are suspended.

pub(crate) mod enroll;

use crate::error::{EngineError, Result};
use crate::events::payload::{EventMember, MemberStandingData};
use crate::requests::EnrollRequest;
use crate::write::command::Command;
use crate::write::outcome::Outcome;
use crate::{Engine, MemberRef, unexpected};
use jiff::Timestamp;
use laurel_core::MemberStatus;
use laurel_core::events::EventKind;
use laurel_core::ledger::{ExpiryMonth, Lot, expiry_by_month};
use laurel_store::{Member, MemberFilter, MemberId, MemberPage, PurchaseCursor, PurchasePage};

impl Engine {
    /// Suspends (`true`) or reactivates a member; false when they already were. Suspending
    /// ends their portal sessions.
    pub async fn set_suspended(&self, member: i64, suspended: bool, actor: &str) -> Result<bool> {
        let found = self.member(&MemberRef::Id(member)).await?;
        require_not_erased(&found)?;
        let status = if suspended {
            MemberStatus::Suspended
        } else {
            MemberStatus::Active
        };
        let mut tx = self.store.begin().await?;
        let standing = Standing {
            listening: self.listening.kinds(),
            at: Timestamp::now(),
            actor,
        };
        let changed = standing.change(&mut tx, &found, status).await?;
        tx.commit().await?;
        self.listening.committed();
        if suspended {
            self.store.delete_member_sessions(MemberId(member)).await?;
        }
        Ok(changed)
    }
}

/// Who changes members' standing, and when; the event kinds listened to.
pub(crate) struct Standing<'a> {
    /// The kinds anyone listens to.
    pub(crate) listening: laurel_core::events::EventKinds,
    /// When.
    pub(crate) at: Timestamp,
    /// Who (`staff:<email>`, `fraud:<rule>`).
    pub(crate) actor: &'a str,
}

impl<'a> Standing<'a> {
    /// `actor`, changing standing in the write path (its instant, its kinds listened to).
    pub(crate) fn in_write(
        ctx: &crate::write::context::Context<'_>,
        actor: &'a str,
    ) -> Standing<'a> {
        Standing {
            listening: ctx.listening,
            at: ctx.now,
            actor,
        }
    }

    /// Makes `member` `status` (active or suspended) with its event (`member.suspended`,
    /// `member.reactivated`) in `tx`; false when they already were.
    pub(crate) async fn change(
        &self,
        tx: &mut laurel_store::Tx,
        member: &Member,
        status: MemberStatus,
    ) -> Result<bool> {
        let changed = tx.set_member_status(member.id, status).await?;
        if changed {
            let kind = if status == MemberStatus::Suspended {
                EventKind::MemberSuspended
            } else {
                EventKind::MemberReactivated
            };
            let data = || MemberStandingData {
                member: EventMember::of(member),
                status: status.as_str().to_owned(),
                actor: self.actor.to_owned(),
            };
            crate::events::emit::write(tx, self.listening, self.at, kind, Some(member.id.0), data)
                .await?;
        }
        Ok(changed)
    }
}

/// Refused unless the member is active.
pub(crate) fn require_active(member: &laurel_store::Member) -> Result<()> {
    match member.status {
        MemberStatus::Active => Ok(()),
        MemberStatus::Suspended => Err(EngineError::MemberSuspended(member.id.0)),
        MemberStatus::Erased => Err(EngineError::MemberErased(member.id.0)),
    }
}

/// Refused for an erased member: nothing more is done for them, by staff either.
pub(crate) fn require_not_erased(member: &laurel_store::Member) -> Result<()> {
    if member.status == MemberStatus::Erased {
        Err(EngineError::MemberErased(member.id.0))
    } else {
        Ok(())
    }
}

impl Engine {
    /// A page of a member's purchases, newest first (totals, refunds and points; no lines),
    /// older than `before` (the previous page's `next`).
    pub async fn member_purchases(
        &self,
        member: i64,
        before: Option<PurchaseCursor>,
        limit: u32,
    ) -> Result<PurchasePage> {
        self.member(&MemberRef::Id(member)).await?;
        Ok(self
            .store
            .member_purchases(MemberId(member), before, limit)
            .await?)
    }

    /// A page of a member's open lots, soonest to expire first (never-expiring last), from
    /// the `skip`th; one more than `limit` when more follow.
    pub async fn open_lots(&self, member: i64, skip: u32, limit: u32) -> Result<Vec<Lot>> {
        self.member(&MemberRef::Id(member)).await?;
        Ok(self
            .store
            .open_lots_page(MemberId(member), skip, limit)
            .await?)
    }

    /// A member's open points by the month (in the program's time zone) they expire in.
    pub async fn expiry_by_month(&self, member: i64) -> Result<Vec<ExpiryMonth>> {
        let ledger = self
            .store
            .member_ledger(MemberId(member))
            .await?
            .ok_or_else(|| EngineError::UnknownMember(member.to_string()))?;
        let tz = &self.definition().program.time_zone;
        Ok(expiry_by_month(&ledger.lots, tz))
    }
}

impl Engine {
    /// Enrolls a member.
    pub async fn enroll(&self, request: EnrollRequest) -> Result<Member> {
        let enrollment = enroll::validate(request, Timestamp::now())?;
        match self.writer.submit(Command::Enroll(enrollment)).await? {
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

    /// A page of the members `filter` lets through, newest first, after the member `after`
    /// (the previous page's `next`); a search's exact matches come first.
    pub async fn member_page(
        &self,
        filter: &MemberFilter,
        after: Option<MemberId>,
        limit: u32,
    ) -> Result<MemberPage> {
        // No stored text holds what a check refused, so such a query finds no one.
        let typed = filter.query.as_ref().map_or("", |q| q.text.as_str());
        if laurel_core::text::characters(typed, laurel_core::text::Layout::Line).is_err() {
            return Ok(MemberPage {
                members: Vec::new(),
                next: None,
            });
        }
        Ok(self.store.member_page(filter, after, limit).await?)
    }
}
