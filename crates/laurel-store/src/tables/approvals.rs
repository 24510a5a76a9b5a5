//! Maker-checker: staff operations waiting for a second staff member, and what became of
//! them. A decision is a conditional update from `waiting`, so two deciders never both win;
//! an approval's is made inside the transaction that applies the operation
//! ([`Tx::approve_waiting`]), so a request is approved exactly when its operation was written.

use crate::db::connect::Store;
use crate::db::sql::{Row, Sql, args};
use crate::error::{Result, StoreError};
use crate::types::{JournalId, MemberId, instant, instant_opt, micros};
use crate::write::tx::Tx;
use jiff::Timestamp;
use laurel_core::UnknownState;
use laurel_core::staff::{ApprovalKind, ApprovalState};

/// A staff member as the approvals name them: their account and how the records name them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalStaff {
    /// Their staff account.
    pub id: i64,
    /// `staff:<email>`.
    pub actor: String,
}

/// A request to wait for approval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApproval {
    /// What it would do.
    pub kind: ApprovalKind,
    /// The request as JSON.
    pub request: String,
    /// The member it is about, if any.
    pub member: Option<MemberId>,
    /// Its maker.
    pub requested_by: ApprovalStaff,
    /// When it was made.
    pub requested_at: Timestamp,
}

/// A stored request and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    /// Its id.
    pub id: i64,
    /// What was asked.
    pub asked: NewApproval,
    /// Where it stands.
    pub state: ApprovalState,
    /// Who decided it, and when.
    pub decided: Option<(ApprovalStaff, Timestamp)>,
    /// The journal entry approving an adjustment made.
    pub journal: Option<JournalId>,
    /// The program version approving a program change stored.
    pub program_version: Option<i64>,
}

/// A staff member's approval of a waiting request, carried by the operation it approves: the
/// transaction writing the operation moves the request to approved, or writes nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalClaim {
    /// The request.
    pub id: i64,
    /// Who approves it.
    pub by: ApprovalStaff,
}

/// Requests listed at most at once.
pub const APPROVALS_MAX: u32 = 200;

const COLUMNS: &str = "id, kind, request, member_id, requested_by, requested_actor, \
    requested_at, state, decided_by, decided_actor, decided_at, journal_id, program_version";

impl Store {
    /// Stores a request as waiting; its id.
    pub async fn insert_approval(&self, a: &NewApproval) -> Result<i64> {
        let mut db = self;
        db.row(
            "INSERT INTO pending_approvals (kind, request, member_id, requested_by, \
             requested_actor, requested_at, state) VALUES ($1, $2, $3, $4, $5, $6, 'waiting') \
             RETURNING id",
            args![
                a.kind.as_str(),
                &a.request,
                a.member.map(|m| m.0),
                a.requested_by.id,
                &a.requested_by.actor,
                micros(a.requested_at)
            ],
        )
        .await?
        .get(0)
    }

    /// One request.
    pub async fn approval(&self, id: i64) -> Result<Option<Approval>> {
        let sql = format!("SELECT {COLUMNS} FROM pending_approvals WHERE id = $1");
        let mut db = self;
        db.rows(&sql, args![id])
            .await?
            .first()
            .map(approval)
            .transpose()
    }

    /// Requests in `state`, oldest first (the queue's order); at most `limit`.
    pub async fn approvals(&self, state: ApprovalState, limit: u32) -> Result<Vec<Approval>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM pending_approvals WHERE state = $1 ORDER BY id LIMIT $2"
        );
        let mut db = self;
        db.rows(&sql, args![state.as_str(), i64::from(limit)])
            .await?
            .iter()
            .map(approval)
            .collect()
    }

    /// Rejects or withdraws a waiting request: leaves it in `state`, decided by `by` at `at`;
    /// false when it was not waiting (someone decided it first). Approving is
    /// [`Tx::approve_waiting`], in the transaction that applies the operation.
    pub async fn close_approval(
        &self,
        id: i64,
        state: ApprovalState,
        by: &ApprovalStaff,
        at: Timestamp,
    ) -> Result<bool> {
        debug_assert_ne!(
            state,
            ApprovalState::Approved,
            "approved only as it is applied"
        );
        let mut db = self;
        let done = db
            .run(
                "UPDATE pending_approvals SET state = $2, decided_by = $3, decided_actor = $4, \
                 decided_at = $5 WHERE id = $1 AND state = 'waiting'",
                args![id, state.as_str(), by.id, &by.actor, micros(at)],
            )
            .await?;
        Ok(done == 1)
    }
}

impl Tx {
    /// Moves the claimed request from waiting to approved, by its approver at `at`, before
    /// the operation it approves is written in this transaction; false (and nothing changed)
    /// when it was not waiting: someone decided it first, and the operation must not be
    /// written.
    pub async fn approve_waiting(&mut self, claim: &ApprovalClaim, at: Timestamp) -> Result<bool> {
        let done = self
            .run(
                "UPDATE pending_approvals SET state = 'approved', decided_by = $2, \
                 decided_actor = $3, decided_at = $4 WHERE id = $1 AND state = 'waiting'",
                args![claim.id, claim.by.id, &claim.by.actor, micros(at)],
            )
            .await?;
        Ok(done == 1)
    }

    /// Where a request stands, as this transaction sees it.
    pub async fn approval_state(&mut self, id: i64) -> Result<Option<ApprovalState>> {
        let rows = self
            .rows(
                "SELECT state FROM pending_approvals WHERE id = $1",
                args![id],
            )
            .await?;
        let Some(row) = rows.first() else {
            return Ok(None);
        };
        let state: String = row.get(0)?;
        state
            .parse()
            .map(Some)
            .map_err(|e: UnknownState| StoreError::Corrupt(e.to_string()))
    }

    /// Records on a request approved in this transaction what applying it made: the journal
    /// entry of an adjustment, the program version of a program change.
    pub async fn approval_made(
        &mut self,
        id: i64,
        journal: Option<JournalId>,
        program_version: Option<i64>,
    ) -> Result<()> {
        self.run(
            "UPDATE pending_approvals SET journal_id = $2, program_version = $3 WHERE id = $1",
            args![id, journal.map(|j| j.0), program_version],
        )
        .await?;
        Ok(())
    }
}

fn approval(row: &Row) -> Result<Approval> {
    let corrupt = |e: UnknownState| StoreError::Corrupt(e.to_string());
    let kind: String = row.get("kind")?;
    let state: String = row.get("state")?;
    let decided = match (
        row.get::<Option<i64>>("decided_by")?,
        row.get::<Option<String>>("decided_actor")?,
        instant_opt(row.get("decided_at")?)?,
    ) {
        (Some(id), Some(actor), Some(at)) => Some((ApprovalStaff { id, actor }, at)),
        _ => None,
    };
    Ok(Approval {
        id: row.get("id")?,
        asked: NewApproval {
            kind: kind.parse().map_err(corrupt)?,
            request: row.get("request")?,
            member: row.get::<Option<i64>>("member_id")?.map(MemberId),
            requested_by: ApprovalStaff {
                id: row.get("requested_by")?,
                actor: row.get("requested_actor")?,
            },
            requested_at: instant(row.get("requested_at")?)?,
        },
        state: state.parse().map_err(corrupt)?,
        decided,
        journal: row.get::<Option<i64>>("journal_id")?.map(JournalId),
        program_version: row.get("program_version")?,
    })
}
