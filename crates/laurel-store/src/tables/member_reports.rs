//! Problems and abuse members report from the portal, queued for staff.

use crate::db::connect::Store;
use crate::db::sql::{Row, Sql, args};
use crate::error::Result;
use crate::types::{MemberId, instant, instant_opt, micros};
use jiff::Timestamp;

/// A report as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberReport {
    /// Row id.
    pub id: i64,
    /// Who reported it.
    pub member: MemberId,
    /// `problem` or `abuse`.
    pub category: String,
    /// What they wrote.
    pub message: String,
    /// When.
    pub created_at: Timestamp,
    /// When staff closed it, if they did.
    pub resolved_at: Option<Timestamp>,
    /// Who closed it.
    pub resolved_by: Option<String>,
}

/// The most reports one read returns.
pub const REPORTS_PAGE_MAX: u32 = 200;

const COLUMNS: &str = "id, member_id, category, message, created_at, resolved_at, resolved_by";

fn report_from(row: &Row) -> Result<MemberReport> {
    Ok(MemberReport {
        id: row.get("id")?,
        member: MemberId(row.get("member_id")?),
        category: row.get("category")?,
        message: row.get("message")?,
        created_at: instant(row.get("created_at")?)?,
        resolved_at: instant_opt(row.get("resolved_at")?)?,
        resolved_by: row.get("resolved_by")?,
    })
}

impl Store {
    /// Queues a member's report; returns its id.
    pub async fn insert_member_report(
        &self,
        member: MemberId,
        category: &str,
        message: &str,
        at: Timestamp,
    ) -> Result<i64> {
        let mut db = self;
        let row = db
            .row(
                "INSERT INTO member_reports (member_id, category, message, created_at) \
                 VALUES ($1, $2, $3, $4) RETURNING id",
                args![member.0, category, message, micros(at)],
            )
            .await?;
        row.get(0)
    }

    /// Reports members made since `since`: what the sending limit counts.
    pub async fn member_reports_since(&self, member: MemberId, since: Timestamp) -> Result<i64> {
        let mut db = self;
        let row = db
            .row(
                "SELECT COUNT(*) FROM member_reports WHERE member_id = $1 AND created_at >= $2",
                args![member.0, micros(since)],
            )
            .await?;
        row.get(0)
    }

    /// The open reports, oldest first: the staff queue.
    pub async fn open_member_reports(&self, limit: u32) -> Result<Vec<MemberReport>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM member_reports WHERE resolved_at IS NULL ORDER BY id LIMIT $1"
        );
        let mut db = self;
        let rows = db
            .rows(&sql, args![i64::from(limit.clamp(1, REPORTS_PAGE_MAX))])
            .await?;
        rows.iter().map(report_from).collect()
    }

    /// One member's reports, newest first.
    pub async fn reports_of(&self, member: MemberId, limit: u32) -> Result<Vec<MemberReport>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM member_reports WHERE member_id = $1 ORDER BY id DESC LIMIT $2"
        );
        let mut db = self;
        let rows = db
            .rows(
                &sql,
                args![member.0, i64::from(limit.clamp(1, REPORTS_PAGE_MAX))],
            )
            .await?;
        rows.iter().map(report_from).collect()
    }

    /// [`Store::reports_of`] older than the report `before` (the id of the last of the
    /// previous page), to read them all page by page.
    pub async fn reports_of_before(
        &self,
        member: MemberId,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<MemberReport>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM member_reports WHERE member_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3"
        );
        let values = args![
            member.0,
            before.unwrap_or(i64::MAX),
            i64::from(limit.clamp(1, REPORTS_PAGE_MAX))
        ];
        let mut db = self;
        let rows = db.rows(&sql, values).await?;
        rows.iter().map(report_from).collect()
    }

    /// Closes a report; false when it was closed already (or does not exist).
    pub async fn resolve_member_report(&self, id: i64, by: &str, at: Timestamp) -> Result<bool> {
        let mut db = self;
        let done = db
            .run(
                "UPDATE member_reports SET resolved_at = $1, resolved_by = $2 \
                 WHERE id = $3 AND resolved_at IS NULL",
                args![micros(at), by, id],
            )
            .await?;
        Ok(done == 1)
    }
}
