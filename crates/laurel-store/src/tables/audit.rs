//! The audit log of what staff did: appended one entry at a time, read newest first a page
//! at a time, filtered by who, what, on what subject and when.

use crate::db::connect::Store;
use crate::db::sql::{Arg, Row, Sql, args};
use crate::error::Result;
use crate::types::{instant, micros};
use jiff::Timestamp;

/// One audit-log entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// The staff account, if the action was a staff member's.
    pub staff_user_id: Option<i64>,
    /// Who, as shown (an email, a key prefix).
    pub actor: String,
    /// What (`points.adjust`, `program.apply`, `staff.create`…).
    pub action: String,
    /// On what (`member:42`).
    pub subject: String,
    /// The state before, as JSON.
    pub before: Option<String>,
    /// The state after, as JSON.
    pub after: Option<String>,
    /// When.
    pub at: Timestamp,
}

/// A stored audit-log entry with its id, the cursor of the page after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    /// Row id: later entries have larger ones.
    pub id: i64,
    /// The entry.
    pub entry: AuditEntry,
}

/// A page of the audit log, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditPage {
    /// The entries.
    pub entries: Vec<AuditRecord>,
    /// The cursor of the next (older) page, if there is one.
    pub older: Option<i64>,
}

/// The largest page of the audit log one call returns.
pub const AUDIT_PAGE_MAX: u32 = 200;

/// Which entries of the audit log to read: every condition given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Done by this staff account.
    pub staff_user_id: Option<i64>,
    /// This action (`points.adjust`…).
    pub action: Option<String>,
    /// On this subject (`member:42`).
    pub subject: Option<String>,
    /// At or after this instant.
    pub from: Option<Timestamp>,
    /// Before this instant.
    pub until: Option<Timestamp>,
}

impl AuditFilter {
    /// The SQL condition and its values, the values numbered from `$2` (`$1` is the cursor).
    fn condition(&self) -> (String, Vec<Arg<'_>>) {
        let given: [(&str, Option<Arg<'_>>); 5] = [
            ("staff_user_id =", self.staff_user_id.map(Arg::from)),
            ("action =", self.action.as_ref().map(Arg::from)),
            ("subject =", self.subject.as_ref().map(Arg::from)),
            ("at >=", self.from.map(|at| Arg::from(micros(at)))),
            ("at <", self.until.map(|at| Arg::from(micros(at)))),
        ];
        let mut sql = String::from("id < $1");
        let mut values = Vec::new();
        for (test, value) in given {
            if let Some(value) = value {
                values.push(value);
                sql.push_str(&format!(" AND {test} ${}", values.len() + 1));
            }
        }
        (sql, values)
    }
}

fn audit_from(row: &Row) -> Result<AuditRecord> {
    Ok(AuditRecord {
        id: row.get("id")?,
        entry: AuditEntry {
            staff_user_id: row.get("staff_user_id")?,
            actor: row.get("actor")?,
            action: row.get("action")?,
            subject: row.get("subject")?,
            before: row.get("before_json")?,
            after: row.get("after_json")?,
            at: instant(row.get("at")?)?,
        },
    })
}

impl Store {
    /// Appends to the audit log.
    pub async fn insert_audit(&self, entry: &AuditEntry) -> Result<()> {
        let mut db = self;
        insert_audit(&mut db, entry).await
    }

    /// The audit log, newest first.
    pub async fn audit_log(&self, limit: u32) -> Result<Vec<AuditEntry>> {
        let page = self
            .audit_page(&AuditFilter::default(), None, limit)
            .await?;
        Ok(page.entries.into_iter().map(|r| r.entry).collect())
    }

    /// A page of the entries `filter` lets through, newest first: up to `limit` (at most
    /// [`AUDIT_PAGE_MAX`]) entries older than the cursor `before`, or the newest when there is
    /// none.
    pub async fn audit_page(
        &self,
        filter: &AuditFilter,
        before: Option<i64>,
        limit: u32,
    ) -> Result<AuditPage> {
        let limit = limit.clamp(1, AUDIT_PAGE_MAX);
        let (condition, values) = filter.condition();
        let sql = format!(
            "SELECT id, staff_user_id, actor, action, subject, before_json, after_json, at \
             FROM audit_log WHERE {condition} ORDER BY id DESC LIMIT ${}",
            values.len() + 2
        );
        let mut bound = vec![Arg::from(before.unwrap_or(i64::MAX))];
        bound.extend(values);
        // One more than asked tells whether an older page exists.
        bound.push(Arg::from(i64::from(limit) + 1));
        let mut db = self;
        let rows = db.rows(&sql, &bound).await?;
        let mut entries = rows.iter().map(audit_from).collect::<Result<Vec<_>>>()?;
        let more = entries.len() > limit as usize;
        entries.truncate(limit as usize);
        let older = if more {
            entries.last().map(|e| e.id)
        } else {
            None
        };
        Ok(AuditPage { entries, older })
    }
}

/// Appends to the audit log in whatever runs it: the store, or the transaction of the
/// action audited.
pub(crate) async fn insert_audit<S: Sql>(db: &mut S, entry: &AuditEntry) -> Result<()> {
    db.run(
        "INSERT INTO audit_log (staff_user_id, actor, action, subject, before_json, after_json, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        args![
            entry.staff_user_id,
            &entry.actor,
            &entry.action,
            &entry.subject,
            &entry.before,
            &entry.after,
            micros(entry.at),
        ],
    )
    .await?;
    Ok(())
}
