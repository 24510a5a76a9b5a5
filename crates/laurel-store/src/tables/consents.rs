//! A member's consents: the current ones on their row (a JSON object of channel or purpose to
//! given), read under the member's lock and written with the history of their changes, each
//! change a row of `consent_changes` appended in the same transaction.

use crate::db::connect::Store;
use crate::db::sql::{Row, Sql, args};
use crate::error::Result;
use crate::types::{MemberId, instant, micros};
use crate::write::tx::Tx;
use jiff::Timestamp;

/// Most changes one read of a member's history answers.
pub const CONSENT_CHANGES_MAX: u32 = 1_000;

/// One change of a member's consent to a channel or a purpose, and where it was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentChange {
    /// A channel (`email`, `sms`, `push`) or a purpose (`profiling`).
    pub subject: String,
    /// Given (true) or withdrawn.
    pub given: bool,
    /// When.
    pub at: Timestamp,
    /// Where: `portal`, `unsubscribe`, `api` …
    pub source: String,
}

fn change_from(row: &Row) -> Result<ConsentChange> {
    Ok(ConsentChange {
        subject: row.get("subject")?,
        given: row.get::<i64>("given")? != 0,
        at: instant(row.get("at")?)?,
        source: row.get("source")?,
    })
}

impl Tx {
    /// A member's consents as stored (`None` inside when never asked), locked until the
    /// transaction ends so two changes never both start from the same consents; `None` for a
    /// member there is not or who was erased.
    pub async fn lock_consents(&mut self, member: MemberId) -> Result<Option<Option<String>>> {
        let sql = format!(
            "SELECT consents FROM members WHERE id = $1 AND status <> 'erased'{}",
            self.backend.lock_rows()
        );
        let row = self.row_opt(&sql, args![member.0]).await?;
        row.map(|r| r.get(0)).transpose()
    }

    /// Stores a member's consents (a JSON object) and appends the changes that made them so.
    pub async fn write_consents(
        &mut self,
        member: MemberId,
        consents: &str,
        changes: &[ConsentChange],
    ) -> Result<()> {
        self.run(
            "UPDATE members SET consents = $1 WHERE id = $2",
            args![consents, member.0],
        )
        .await?;
        for change in changes {
            self.run(
                "INSERT INTO consent_changes (member_id, subject, given, at, source) \
                 VALUES ($1, $2, $3, $4, $5)",
                args![
                    member.0,
                    &change.subject,
                    i64::from(change.given),
                    micros(change.at),
                    &change.source,
                ],
            )
            .await?;
        }
        Ok(())
    }
}

impl Store {
    /// A member's changes of consent, newest first, at most `limit` (up to
    /// [`CONSENT_CHANGES_MAX`]).
    pub async fn consent_changes(
        &self,
        member: MemberId,
        limit: u32,
    ) -> Result<Vec<ConsentChange>> {
        let mut db = self;
        let rows = db
            .rows(
                "SELECT subject, given, at, source FROM consent_changes WHERE member_id = $1 \
                 ORDER BY id DESC LIMIT $2",
                args![member.0, i64::from(limit.min(CONSENT_CHANGES_MAX))],
            )
            .await?;
        rows.iter().map(change_from).collect()
    }

    /// The members who withdrew their consent to `subject`, in id order. The consents are
    /// stored as compact JSON (serde's), so a withdrawal reads `"subject":false`.
    pub async fn members_withdrawn_from(&self, subject: &str) -> Result<Vec<MemberId>> {
        let pattern = format!("%\"{subject}\":false%");
        let mut db = self;
        let rows = db
            .rows(
                "SELECT id FROM members WHERE consents LIKE $1 ORDER BY id",
                args![&pattern],
            )
            .await?;
        rows.iter().map(|r| r.get(0).map(MemberId)).collect()
    }
}
