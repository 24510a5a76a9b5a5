//! Maker-checker: a staff operation the program's `[staff.approval]` says a second staff
//! member must approve waits as a request (`ask.rs`) until another staff member who could make
//! it approves it — then it is applied through the same path as if made then, by its maker,
//! and the request is approved in the transaction that writes it ([`claim`]) — or rejects it,
//! or its maker withdraws it (`decide.rs`). What a request would do is kept as a [`Proposal`]
//! (`proposal.rs`).
//!
//! An API key is one principal with no second person behind it: an operation that needs
//! approval is refused to keys (`approval_required`) and made at the console instead.

mod ask;
mod decide;
mod proposal;

pub use proposal::Proposal;

use crate::Engine;
use crate::error::{EngineError, Result};
use crate::staff::{ApprovalKind, ApprovalState, Role};
use jiff::Timestamp;
use laurel_store::{APPROVALS_MAX, Approval, ApprovalClaim, ApprovalStaff, JournalId, Tx};

/// A staff member making or deciding a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    /// Their staff account.
    pub id: i64,
    /// How the records name them (`staff:<email>`).
    pub actor: String,
    /// Their role: what they may make, and so approve.
    pub role: Role,
}

impl StaffMember {
    fn stored(&self) -> ApprovalStaff {
        ApprovalStaff {
            id: self.id,
            actor: self.actor.clone(),
        }
    }
}

/// What a staff member's operation came to: made at once, or waiting for a second staff
/// member.
#[derive(Debug, Clone)]
pub enum Made<T> {
    /// It took effect.
    Done(T),
    /// It waits for approval: nothing took effect yet.
    Waiting(Box<ApprovalView>),
}

/// A request for approval as staff see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalView {
    /// Its id.
    pub id: i64,
    /// What it would do.
    pub proposal: Proposal,
    /// Its maker.
    pub requested_by: ApprovalStaff,
    /// When it was made.
    pub requested_at: Timestamp,
    /// Where it stands.
    pub state: ApprovalState,
    /// Who decided it, and when.
    pub decided: Option<(ApprovalStaff, Timestamp)>,
    /// The journal entry approving an adjustment made.
    pub journal_id: Option<i64>,
    /// The program version approving a program change stored.
    pub program_version: Option<i64>,
}

impl ApprovalView {
    /// What kind of operation it is.
    pub fn kind(&self) -> ApprovalKind {
        self.proposal.kind()
    }

    fn read(stored: Approval) -> Result<ApprovalView> {
        Ok(ApprovalView {
            id: stored.id,
            proposal: Proposal::read(&stored.asked.request)?,
            requested_by: stored.asked.requested_by,
            requested_at: stored.asked.requested_at,
            state: stored.state,
            decided: stored.decided,
            journal_id: stored.journal.map(|j| j.0),
            program_version: stored.program_version,
        })
    }
}

impl Engine {
    /// The requests waiting for approval, oldest first (at most [`APPROVALS_MAX`]).
    pub async fn approvals_waiting(&self) -> Result<Vec<ApprovalView>> {
        self.store
            .approvals(ApprovalState::Waiting, APPROVALS_MAX)
            .await?
            .into_iter()
            .map(ApprovalView::read)
            .collect()
    }

    /// One request for approval.
    pub async fn approval(&self, id: i64) -> Result<ApprovalView> {
        let stored = self
            .store
            .approval(id)
            .await?
            .ok_or(EngineError::UnknownApproval(id))?;
        ApprovalView::read(stored)
    }

    /// Refuses an API key's operation of `kind` (an adjustment of `points`) when the program
    /// in force (read again: another node may have applied one) says a second staff member
    /// must approve it.
    pub(crate) async fn refuse_unapproved(&self, kind: ApprovalKind, points: i64) -> Result<()> {
        self.reload_programs().await?;
        if self.definition().approval.needs(kind, points) {
            return Err(EngineError::ApprovalRequired(kind));
        }
        Ok(())
    }
}

/// In the transaction applying an approved operation, after every refusal of the operation's
/// own and before it writes anything: moves its request from waiting to approved at `at`.
/// Refused with `approval_decided` when someone decided it first; the update then changed
/// nothing, so the refusal leaves the transaction as it found it. Without a claim (an
/// operation nobody approves), nothing.
pub(crate) async fn claim(tx: &mut Tx, claim: Option<&ApprovalClaim>, at: Timestamp) -> Result<()> {
    let Some(claim) = claim else {
        return Ok(());
    };
    if tx.approve_waiting(claim, at).await? {
        return Ok(());
    }
    let state = tx
        .approval_state(claim.id)
        .await?
        .ok_or(EngineError::UnknownApproval(claim.id))?;
    Err(EngineError::ApprovalDecided(claim.id, state))
}

/// In the same transaction, once the approved operation is written: what it made (the
/// journal entry of an adjustment, the version of a program change), kept on its request.
pub(crate) async fn made(
    tx: &mut Tx,
    claim: Option<&ApprovalClaim>,
    journal: Option<JournalId>,
    program_version: Option<i64>,
) -> Result<()> {
    if let Some(claim) = claim {
        tx.approval_made(claim.id, journal, program_version).await?;
    }
    Ok(())
}
