//! Privacy: erasing a member's personal data on request while the ledger, the books and every
//! aggregate stay whole (`erase.rs`), and the register of requests to do so — a member asks
//! from the portal, staff erase or decline; a member's consents per channel and purpose
//! (`consents.rs`) and their history (`consent_history.rs`); what the privacy notice says
//! (`notice.rs`).

pub(crate) mod consent_history;
pub(crate) mod consents;
pub(crate) mod erase;
pub(crate) mod notice;
pub(crate) mod views;

use crate::error::{EngineError, Result};
use crate::write::command::Command;
use crate::write::outcome::Outcome;
use crate::{Engine, MemberRef, unexpected};
use jiff::Timestamp;
use laurel_core::MemberStatus;
use laurel_store::MemberId;
use views::{ErasureOutcome, ErasureRequestView};

/// Who the retention policy's erasures are recorded as made by.
pub const RETENTION_ACTOR: &str = "job:retention";

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
        let already = found.status == MemberStatus::Erased;
        let erased = self
            .erase(found.id, actor, None)
            .await?
            .ok_or_else(|| EngineError::Internal(format!("member {member} not erased")))?;
        if !already {
            self.audit_erasure(&erased, actor).await?;
        }
        Ok(erased)
    }

    /// The audit entry of an erasure made, naming the member by id only.
    async fn audit_erasure(&self, erased: &ErasureOutcome, actor: &str) -> Result<()> {
        let entry = crate::Actor::named(actor).audit(
            "member.erase",
            format!("member:{}", erased.member_id),
            None,
            serde_json::json!({ "status": "erased", "forfeited": erased.forfeited }),
            erased.erased_at,
        );
        self.store.insert_audit(&entry).await.map_err(Into::into)
    }

    async fn erase(
        &self,
        member: MemberId,
        actor: &str,
        inactive_before: Option<Timestamp>,
    ) -> Result<Option<ErasureOutcome>> {
        let command = Command::Erase {
            member,
            actor: actor.to_owned(),
            inactive_before,
        };
        match self.writer.submit(command).await? {
            Outcome::Erased(outcome) => Ok(outcome),
            other => Err(unexpected(other)),
        }
    }

    /// The retention policy's job: erases every active member inactive past the program's
    /// `[privacy] retention_days` whose warning's days are up (see
    /// [`laurel_core::privacy::Retention::erase_at`]), checking again under their lock that
    /// they did nothing since. A member still holding what an erasure may not forfeit is
    /// left (and logged). Returns the members erased and the points they forfeited.
    pub async fn erase_inactive(&self, now: Timestamp) -> Result<crate::JobReport> {
        let mut report = crate::JobReport::default();
        let definition = self.programs.snapshot().in_force(now).definition.clone();
        let Some(retention) = definition.privacy.retention else {
            return Ok(report);
        };
        let cutoff = retention.inactive_before(now);
        for (member, last_active) in self.store.inactive_members(cutoff).await? {
            let warned = self.store.retention_warned_at(member, last_active).await?;
            if now < retention.erase_at(last_active, warned) {
                continue;
            }
            match self.erase(member, RETENTION_ACTOR, Some(cutoff)).await {
                Ok(Some(erased)) => {
                    self.audit_erasure(&erased, RETENTION_ACTOR).await?;
                    report.members += 1;
                    report.points += laurel_core::Points(erased.forfeited);
                }
                Ok(None) => {}
                Err(EngineError::ErasureBlocked { block, .. }) => tracing::warn!(
                    member = member.0,
                    holds = block.as_str(),
                    "inactive past the retention period, but not erased: settle what they hold"
                ),
                Err(e) => return Err(e),
            }
        }
        Ok(report)
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
