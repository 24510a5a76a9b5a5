//! Problems and abuse members report from the portal, queued for staff, each a thread of
//! staff's replies and the member's answers.

use crate::db::connect::Store;
use crate::db::sql::{Arg, Row, Sql, args};
use crate::error::Result;
use crate::types::{MemberId, instant, instant_opt, micros, numbered_list};
use jiff::Timestamp;
use laurel_core::reports::{ReportAuthor, ReportState};

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
    /// Open, answered or closed.
    pub state: ReportState,
    /// The member's name, when they gave one (what the staff queue shows).
    pub member_name: Option<String>,
}

/// A message in a report's thread after its first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportMessage {
    /// Row id.
    pub id: i64,
    /// The report it answers.
    pub report: i64,
    /// Who wrote it.
    pub author: ReportAuthor,
    /// Which member of staff, when staff wrote it.
    pub staff: Option<String>,
    /// What they wrote.
    pub message: String,
    /// When.
    pub created_at: Timestamp,
}

/// The most reports one read returns.
pub const REPORTS_PAGE_MAX: u32 = 200;

/// A report's columns with its member's name: `FROM` [`REPORTS`].
const COLUMNS: &str = "r.id, r.member_id, r.category, r.message, r.created_at, r.resolved_at, \
                       r.resolved_by, r.state, m.name AS member_name";
/// The reports with their members.
const REPORTS: &str = "member_reports r JOIN members m ON m.id = r.member_id";

fn report_from(row: &Row) -> Result<MemberReport> {
    Ok(MemberReport {
        id: row.get("id")?,
        member: MemberId(row.get("member_id")?),
        category: row.get("category")?,
        message: row.get("message")?,
        created_at: instant(row.get("created_at")?)?,
        resolved_at: instant_opt(row.get("resolved_at")?)?,
        resolved_by: row.get("resolved_by")?,
        state: row.state("state")?,
        member_name: row.get("member_name")?,
    })
}

fn message_from(row: &Row) -> Result<ReportMessage> {
    Ok(ReportMessage {
        id: row.get("id")?,
        report: row.get("report_id")?,
        author: row.state("author")?,
        staff: row.get("staff")?,
        message: row.get("message")?,
        created_at: instant(row.get("created_at")?)?,
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

    /// Answers a member wrote to their reports since `since`: what their limit counts.
    pub async fn member_answers_since(&self, member: MemberId, since: Timestamp) -> Result<i64> {
        let mut db = self;
        let row = db
            .row(
                "SELECT COUNT(*) FROM member_report_messages \
                 WHERE member_id = $1 AND author = 'member' AND created_at >= $2",
                args![member.0, micros(since)],
            )
            .await?;
        row.get(0)
    }

    /// The reports not closed, those waiting for staff first, each oldest first: the staff
    /// queue.
    pub async fn open_member_reports(&self, limit: u32) -> Result<Vec<MemberReport>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM {REPORTS} WHERE r.state <> 'closed' \
             ORDER BY CASE r.state WHEN 'open' THEN 0 ELSE 1 END, r.id LIMIT $1"
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
            "SELECT {COLUMNS} FROM {REPORTS} WHERE r.member_id = $1 ORDER BY r.id DESC LIMIT $2"
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
            "SELECT {COLUMNS} FROM {REPORTS} WHERE r.member_id = $1 AND r.id < $2 \
             ORDER BY r.id DESC LIMIT $3"
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
                "UPDATE member_reports SET resolved_at = $1, resolved_by = $2, state = 'closed' \
                 WHERE id = $3 AND state <> 'closed'",
                args![micros(at), by, id],
            )
            .await?;
        Ok(done == 1)
    }

    /// One report.
    pub async fn member_report(&self, id: i64) -> Result<Option<MemberReport>> {
        let sql = format!("SELECT {COLUMNS} FROM {REPORTS} WHERE r.id = $1");
        let mut db = self;
        db.row_opt(&sql, args![id])
            .await?
            .as_ref()
            .map(report_from)
            .transpose()
    }

    /// The threads of `reports`, each oldest first, in one statement.
    pub async fn report_messages(&self, reports: &[i64]) -> Result<Vec<ReportMessage>> {
        if reports.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT id, report_id, author, staff, message, created_at FROM member_report_messages \
             WHERE report_id IN ({}) ORDER BY report_id, id",
            numbered_list(1, reports.len())
        );
        let ids: Vec<Arg> = reports.iter().map(|&id| Arg::from(id)).collect();
        let mut db = self;
        let rows = db.rows(&sql, &ids).await?;
        rows.iter().map(message_from).collect()
    }

    /// Adds a message to `report`'s thread and sets its state to `state` (a closed report
    /// written to is no longer closed), in one transaction; returns the message's id.
    pub async fn add_report_message(
        &self,
        report: &MemberReport,
        author: ReportAuthor,
        staff: Option<&str>,
        message: &str,
        state: ReportState,
        at: Timestamp,
    ) -> Result<i64> {
        let mut tx = self.begin().await?;
        let id: i64 = tx
            .row(
                "INSERT INTO member_report_messages \
                 (report_id, member_id, author, staff, message, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                args![
                    report.id,
                    report.member.0,
                    author.as_str(),
                    staff,
                    message,
                    micros(at)
                ],
            )
            .await?
            .get(0)?;
        tx.run(
            "UPDATE member_reports SET state = $1, resolved_at = NULL, resolved_by = NULL \
             WHERE id = $2",
            args![state.as_str(), report.id],
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }
}
