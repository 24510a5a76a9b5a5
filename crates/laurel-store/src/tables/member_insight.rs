//! What the insight refresh reads (every member's purchases, a window of member ids at a
//! time) and writes (each member's scores and forecast, a chunk per short transaction so the
//! write path is never held up for long), and what a member's page reads back.

use crate::db::connect::Store;
use crate::db::sql::{Arg, Row, Sql, args};
use crate::error::Result;
use crate::types::{MemberId, instant, micros, placeholders};
use jiff::Timestamp;

/// Member ids one read of purchase histories covers.
pub const HISTORY_WINDOW: i64 = 10_000;

/// Rows written per transaction by [`Store::write_member_insight`].
const ROWS_PER_TRANSACTION: usize = 2_000;

/// Rows per INSERT statement (16 columns each, within both backends' placeholder limits).
const ROWS_PER_STATEMENT: usize = 500;

/// One member's purchases: (when, what they paid after refunds, in minor units), oldest first.
pub type History = (MemberId, Vec<(Timestamp, i64)>);

/// What the refresh worked out for a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberInsightRow {
    /// The member.
    pub member: MemberId,
    /// Their purchases.
    pub purchases: i64,
    /// What they paid, after refunds, in minor units.
    pub spend_minor: i64,
    /// Their first purchase.
    pub first_purchase_at: Timestamp,
    /// Their last purchase.
    pub last_purchase_at: Timestamp,
    /// RFM scores, 1–5.
    pub recency_score: i64,
    /// Frequency score.
    pub frequency_score: i64,
    /// Monetary score.
    pub monetary_score: i64,
    /// The RFM segment's stable name.
    pub segment: String,
    /// The probability they are still active, in millionths (none without a model).
    pub p_alive_ppm: Option<i64>,
    /// Expected purchases in the next 90 days, in millionths.
    pub expected_purchases_ppm: Option<i64>,
    /// Expected spend over the next 12 months, in minor units.
    pub value_12m_minor: Option<i64>,
    /// The churn-risk level's stable name.
    pub risk: Option<String>,
    /// Their usual days between purchases, rounded (none before a second purchase).
    pub usual_gap_days: Option<i64>,
    /// When the refresh that wrote it ran.
    pub refreshed_at: Timestamp,
}

/// A refresh as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InsightRefresh {
    /// When it ran.
    pub refreshed_at: Timestamp,
    /// Members it scored.
    pub members: i64,
    /// The fitted models, as JSON (none when none could be fitted).
    pub model: Option<String>,
    /// Why no model could be fitted.
    pub problem: Option<String>,
}

const COLUMNS: &str = "member_id, purchases, spend_minor, first_purchase_at, last_purchase_at, \
    recency_score, frequency_score, monetary_score, segment, p_alive_ppm, \
    expected_purchases_ppm, value_12m_minor, risk, usual_gap_days, refreshed_at";

fn row_args(r: &MemberInsightRow) -> [Arg<'_>; 15] {
    [
        Arg::from(r.member.0),
        Arg::from(r.purchases),
        Arg::from(r.spend_minor),
        Arg::from(micros(r.first_purchase_at)),
        Arg::from(micros(r.last_purchase_at)),
        Arg::from(r.recency_score),
        Arg::from(r.frequency_score),
        Arg::from(r.monetary_score),
        Arg::from(r.segment.as_str()),
        Arg::from(r.p_alive_ppm),
        Arg::from(r.expected_purchases_ppm),
        Arg::from(r.value_12m_minor),
        Arg::from(r.risk.as_deref()),
        Arg::from(r.usual_gap_days),
        Arg::from(micros(r.refreshed_at)),
    ]
}

fn from_row(row: &Row) -> Result<MemberInsightRow> {
    Ok(MemberInsightRow {
        member: MemberId(row.get("member_id")?),
        purchases: row.get("purchases")?,
        spend_minor: row.get("spend_minor")?,
        first_purchase_at: instant(row.get("first_purchase_at")?)?,
        last_purchase_at: instant(row.get("last_purchase_at")?)?,
        recency_score: row.get("recency_score")?,
        frequency_score: row.get("frequency_score")?,
        monetary_score: row.get("monetary_score")?,
        segment: row.get("segment")?,
        p_alive_ppm: row.get("p_alive_ppm")?,
        expected_purchases_ppm: row.get("expected_purchases_ppm")?,
        value_12m_minor: row.get("value_12m_minor")?,
        risk: row.get("risk")?,
        usual_gap_days: row.get("usual_gap_days")?,
        refreshed_at: instant(row.get("refreshed_at")?)?,
    })
}

impl Store {
    /// The highest member id (0 without members): where reading histories window by window
    /// stops.
    pub async fn last_member_id(&self) -> Result<i64> {
        let mut db = self;
        db.row("SELECT COALESCE(MAX(id), 0) FROM members", args![])
            .await?
            .get(0)
    }

    /// The purchases of the members with ids after `after` up to `after` plus
    /// [`HISTORY_WINDOW`], member by member, each oldest first; members without purchases
    /// are left out.
    pub async fn purchase_histories(&self, after: i64) -> Result<Vec<History>> {
        let mut db = self;
        let rows = db
            .rows(
                "SELECT member_id, occurred_at, total_minor - refunded_minor AS paid \
                 FROM purchases WHERE member_id > $1 AND member_id <= $2 \
                 ORDER BY member_id, occurred_at, id",
                args![after, after + HISTORY_WINDOW],
            )
            .await?;
        let mut histories: Vec<History> = Vec::new();
        for row in rows {
            let member = MemberId(row.get("member_id")?);
            let purchase = (instant(row.get("occurred_at")?)?, row.get("paid")?);
            match histories.last_mut() {
                Some((last, purchases)) if *last == member => purchases.push(purchase),
                _ => histories.push((member, vec![purchase])),
            }
        }
        Ok(histories)
    }

    /// Writes every row (replacing a member's earlier one), a chunk per transaction, then
    /// deletes the rows an earlier refresh wrote for members no longer scored.
    pub async fn write_member_insight(
        &self,
        rows: &[MemberInsightRow],
        refreshed_at: Timestamp,
    ) -> Result<()> {
        for chunk in rows.chunks(ROWS_PER_TRANSACTION) {
            let mut tx = self.begin().await?;
            for part in chunk.chunks(ROWS_PER_STATEMENT) {
                let sql = format!(
                    "INSERT INTO member_insight ({COLUMNS}) VALUES {} \
                     ON CONFLICT (member_id) DO UPDATE SET \
                     purchases = excluded.purchases, spend_minor = excluded.spend_minor, \
                     first_purchase_at = excluded.first_purchase_at, \
                     last_purchase_at = excluded.last_purchase_at, \
                     recency_score = excluded.recency_score, \
                     frequency_score = excluded.frequency_score, \
                     monetary_score = excluded.monetary_score, segment = excluded.segment, \
                     p_alive_ppm = excluded.p_alive_ppm, \
                     expected_purchases_ppm = excluded.expected_purchases_ppm, \
                     value_12m_minor = excluded.value_12m_minor, risk = excluded.risk, \
                     usual_gap_days = excluded.usual_gap_days, \
                     refreshed_at = excluded.refreshed_at",
                    placeholders(part.len(), 15)
                );
                let values: Vec<Arg> = part.iter().flat_map(row_args).collect();
                tx.run(&sql, &values).await?;
            }
            tx.commit().await?;
        }
        let mut db = self;
        db.run(
            "DELETE FROM member_insight WHERE refreshed_at < $1",
            args![micros(refreshed_at)],
        )
        .await?;
        Ok(())
    }

    /// What the last refresh worked out for the member, if it scored them.
    pub async fn member_insight(&self, member: MemberId) -> Result<Option<MemberInsightRow>> {
        let mut db = self;
        db.rows(
            &format!("SELECT {COLUMNS} FROM member_insight WHERE member_id = $1"),
            args![member.0],
        )
        .await?
        .first()
        .map(from_row)
        .transpose()
    }

    /// Records a refresh.
    pub async fn record_refresh(&self, refresh: &InsightRefresh) -> Result<()> {
        let mut db = self;
        db.run(
            "INSERT INTO insight_refreshes (refreshed_at, members, model, problem) \
             VALUES ($1, $2, $3, $4)",
            args![
                micros(refresh.refreshed_at),
                refresh.members,
                refresh.model.as_deref(),
                refresh.problem.as_deref()
            ],
        )
        .await?;
        Ok(())
    }

    /// The latest refresh, if any ran.
    pub async fn latest_refresh(&self) -> Result<Option<InsightRefresh>> {
        let mut db = self;
        db.rows(
            "SELECT refreshed_at, members, model, problem FROM insight_refreshes \
             ORDER BY id DESC LIMIT 1",
            args![],
        )
        .await?
        .first()
        .map(|row| {
            Ok(InsightRefresh {
                refreshed_at: instant(row.get("refreshed_at")?)?,
                members: row.get("members")?,
                model: row.get("model")?,
                problem: row.get("problem")?,
            })
        })
        .transpose()
    }
}
