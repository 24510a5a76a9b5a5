//! Program-wide figures for the console's dashboard: members, activity and points moved.

use crate::connect::Store;
use crate::error::Result;
use crate::types::micros;
use jiff::Timestamp;
use sqlx::Row;

/// What the program did since an instant, and where it stands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgramTotals {
    /// Members enrolled, ever.
    pub members: i64,
    /// Members enrolled since the instant.
    pub enrolled: i64,
    /// Members who bought in the last 30 days.
    pub active_30: i64,
    /// Members who bought in the last 90 days.
    pub active_90: i64,
    /// Points earned since the instant (pending and available).
    pub issued: i64,
    /// Points spent since the instant (less those restored by cancellations).
    pub redeemed: i64,
    /// Points expired since the instant.
    pub expired: i64,
    /// Points members hold now (available and pending).
    pub outstanding: i64,
}

impl Store {
    /// The program's totals: the period's figures since `since`, activity windows ending `now`.
    pub async fn program_totals(&self, since: Timestamp, now: Timestamp) -> Result<ProgramTotals> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS members, \
                    CAST(COALESCE(SUM(available + pending), 0) AS BIGINT) AS outstanding, \
                    CAST(COALESCE(SUM(CASE WHEN enrolled_at >= $1 THEN 1 ELSE 0 END), 0) AS BIGINT) AS enrolled \
             FROM members",
        )
        .bind(micros(since))
        .fetch_one(&self.pool)
        .await?;
        let mut totals = ProgramTotals {
            members: row.try_get("members")?,
            outstanding: row.try_get("outstanding")?,
            enrolled: row.try_get("enrolled")?,
            ..ProgramTotals::default()
        };
        let day = 24 * 3600 * 1_000_000_i64;
        for (days, slot) in [(30, &mut totals.active_30), (90, &mut totals.active_90)] {
            *slot = sqlx::query(
                "SELECT COUNT(DISTINCT member_id) FROM purchases WHERE occurred_at >= $1",
            )
            .bind(micros(now) - days * day)
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        }
        let rows = sqlx::query(
            "SELECT kind, CAST(SUM(available_delta + pending_delta) AS BIGINT) AS points \
             FROM journal WHERE posted_at >= $1 GROUP BY kind",
        )
        .bind(micros(since))
        .fetch_all(&self.pool)
        .await?;
        for row in rows {
            let kind: String = row.try_get("kind")?;
            let points: i64 = row.try_get("points")?;
            match kind.as_str() {
                "earn" => totals.issued += points,
                "redeem" => totals.redeemed -= points,
                "restore" => totals.redeemed -= points,
                "expire" => totals.expired -= points,
                _ => {}
            }
        }
        Ok(totals)
    }
}
