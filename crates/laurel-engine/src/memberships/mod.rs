//! Paid membership: buy a plan's membership, renew it term by term (from the wallet by the
//! memberships job, or when the business's billing calls), cancel it at its term's end or at
//! once, and read a member's memberships.

pub(crate) mod execute;
pub(crate) mod validate;
pub(crate) mod views;

use crate::error::{EngineError, Result};
use crate::requests::{JoinMembershipRequest, RenewMembershipRequest};
use crate::write::command::Command;
use crate::write::outcome::Outcome;
use crate::{Engine, unexpected};
use jiff::Timestamp;
use laurel_core::membership::When;
use laurel_store::MemberId;
use validate::MembershipAsk;
use views::{MembershipOutcome, MembershipView, TermView};

/// Memberships the job looks at per round.
const DUE_MEMBERSHIPS_PER_ROUND: u32 = 500;

impl Engine {
    /// Buys a membership of a plan for a member; `actor` is recorded with it.
    pub async fn join_membership(
        &self,
        request: JoinMembershipRequest,
        actor: &str,
    ) -> Result<MembershipOutcome> {
        let command = Command::JoinMembership {
            request: validate::join(request)?,
            actor: actor.to_owned(),
        };
        match self.writer.submit(command).await? {
            Outcome::Membership(Some(m)) => Ok(m),
            other => Err(unexpected(other)),
        }
    }

    /// Renews a membership for its next term.
    pub async fn renew_membership(
        &self,
        request: RenewMembershipRequest,
        actor: &str,
    ) -> Result<MembershipOutcome> {
        let member = self.membership_member(request.membership_id).await?;
        let command = Command::RenewMembership {
            request: validate::renew(request, member)?,
            actor: actor.to_owned(),
        };
        match self.writer.submit(command).await? {
            Outcome::Membership(Some(m)) => Ok(m),
            other => Err(unexpected(other)),
        }
    }

    /// Cancels a membership at its term's end or at once.
    pub async fn cancel_membership(
        &self,
        membership_id: i64,
        when: When,
        actor: &str,
    ) -> Result<MembershipOutcome> {
        let member = self.membership_member(membership_id).await?;
        let command = Command::Membership {
            membership: membership_id,
            member,
            ask: MembershipAsk::Cancel(when),
            actor: actor.to_owned(),
        };
        match self.writer.submit(command).await? {
            Outcome::Membership(Some(m)) => Ok(m),
            other => Err(unexpected(other)),
        }
    }

    /// A membership as it stands now.
    pub async fn membership(&self, membership_id: i64) -> Result<MembershipView> {
        let stored = self
            .store
            .membership(membership_id)
            .await?
            .ok_or(EngineError::UnknownMembership(membership_id))?;
        Ok(self.membership_view(&stored))
    }

    /// Every term a membership ran, first first.
    pub async fn membership_terms(&self, membership_id: i64) -> Result<Vec<TermView>> {
        let terms = self.store.membership_terms(membership_id).await?;
        if terms.is_empty() {
            return Err(EngineError::UnknownMembership(membership_id));
        }
        let digits = self.definition().program.currency.minor_digits();
        Ok(terms
            .iter()
            .map(|t| TermView::of(&t.term, digits))
            .collect())
    }

    /// A member's memberships, newest first.
    pub async fn memberships_of(&self, member_id: i64) -> Result<Vec<MembershipView>> {
        if self.store.member(MemberId(member_id)).await?.is_none() {
            return Err(EngineError::UnknownMember(member_id.to_string()));
        }
        let stored = self.store.memberships_of(MemberId(member_id)).await?;
        Ok(stored.iter().map(|s| self.membership_view(s)).collect())
    }

    /// Memberships counted by plan and state.
    pub async fn membership_counts(&self) -> Result<Vec<laurel_store::MembershipCount>> {
        Ok(self.store.membership_counts().await?)
    }

    /// Renews from the wallet every membership due as of `now`, and ends those whose last
    /// term ran out; how many it acted on.
    pub async fn run_memberships(&self, now: Timestamp) -> Result<u64> {
        let mut acted = 0;
        loop {
            let due = self
                .store
                .due_memberships(now, DUE_MEMBERSHIPS_PER_ROUND)
                .await?;
            if due.is_empty() {
                return Ok(acted);
            }
            let mut answers = Vec::with_capacity(due.len());
            for (membership, member) in due {
                let command = Command::Membership {
                    membership,
                    member,
                    ask: MembershipAsk::Due(now),
                    actor: "job:memberships".into(),
                };
                answers.push(self.writer.enqueue(command).await?);
            }
            let before = acted;
            for answer in answers {
                match answer.await? {
                    Outcome::Membership(Some(_)) => acted += 1,
                    Outcome::Membership(None) => {}
                    other => return Err(unexpected(other)),
                }
            }
            if acted == before {
                return Ok(acted);
            }
        }
    }

    async fn membership_member(&self, membership_id: i64) -> Result<MemberId> {
        Ok(self
            .store
            .membership(membership_id)
            .await?
            .ok_or(EngineError::UnknownMembership(membership_id))?
            .member)
    }

    fn membership_view(&self, stored: &laurel_store::StoredMembership) -> MembershipView {
        MembershipView::of(
            stored.id,
            stored.member.0,
            &stored.membership,
            Timestamp::now(),
            self.definition().program.currency.minor_digits(),
        )
    }
}
