//! Problems and abuse members report from the portal, queued for staff.

use crate::connect::Store;
use crate::error::Result;
use crate::types::{MemberId, instant, instant_opt, micros};
use jiff::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

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

fn report_from(row: &AnyRow) -> Result<MemberReport> {
    Ok(MemberReport {
        id: row.try_get("id")?,
        member: MemberId(row.try_get("member_id")?),
        category: row.try_get("category")?,
        message: row.try_get("message")?,
        created_at: instant(row.try_get("created_at")?)?,
        resolved_at: instant_opt(row.try_get("resolved_at")?)?,
        resolved_by: row.try_get("resolved_by")?,
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
        let row = sqlx::query(
            "INSERT INTO member_reports (member_id, category, message, created_at) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(member.0)
        .bind(category.to_owned())
        .bind(message.to_owned())
        .bind(micros(at))
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get(0)?)
    }

    /// Reports members made since `since`: what the sending limit counts.
    pub async fn member_reports_since(&self, member: MemberId, since: Timestamp) -> Result<i64> {
        let row = sqlx::query(
            "SELECT COUNT(*) FROM member_reports WHERE member_id = $1 AND created_at >= $2",
        )
        .bind(member.0)
        .bind(micros(since))
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get(0)?)
    }

    /// The open reports, oldest first: the staff queue.
    pub async fn open_member_reports(&self, limit: u32) -> Result<Vec<MemberReport>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM member_reports WHERE resolved_at IS NULL ORDER BY id LIMIT $1"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(i64::from(limit.clamp(1, REPORTS_PAGE_MAX)))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(report_from).collect()
    }

    /// One member's reports, newest first.
    pub async fn reports_of(&self, member: MemberId, limit: u32) -> Result<Vec<MemberReport>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM member_reports WHERE member_id = $1 ORDER BY id DESC LIMIT $2"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(member.0)
            .bind(i64::from(limit.clamp(1, REPORTS_PAGE_MAX)))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(report_from).collect()
    }

    /// Closes a report; false when it was closed already (or does not exist).
    pub async fn resolve_member_report(&self, id: i64, by: &str, at: Timestamp) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE member_reports SET resolved_at = $1, resolved_by = $2 \
             WHERE id = $3 AND resolved_at IS NULL",
        )
        .bind(micros(at))
        .bind(by.to_owned())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
