//! Tiers: the member's tier status (on the member row), its history, the qualifying metric
//! over a window, and the members due for review.

use crate::db::connect::Store;
use crate::db::sql::{Row, Sql, args};
use crate::error::Result;
use crate::types::{MemberId, instant, instant_opt, micros};
use crate::write::tx::Tx;
use jiff::Timestamp;
use laurel_core::tiers::{ManualTier, PaidTier, TierChange, TierMetric, TierStatus, Window};

/// The member columns that hold the tier status, for `SELECT`s of members.
pub(crate) const TIER_COLUMNS: &str = "tier, tier_since, tier_manual_reason, tier_manual_until, tier_downgrade_at, tier_review_at, \
     tier_paid, tier_paid_until";

/// Reads [`TIER_COLUMNS`] from a member row.
pub(crate) fn tier_from_row(row: &Row) -> Result<TierStatus> {
    let reason: Option<String> = row.get("tier_manual_reason")?;
    let until = instant_opt(row.get("tier_manual_until")?)?;
    Ok(TierStatus {
        tier: row.get("tier")?,
        since: instant_opt(row.get("tier_since")?)?,
        manual: reason.map(|reason| ManualTier { reason, until }),
        downgrade_at: instant_opt(row.get("tier_downgrade_at")?)?,
        review_at: instant_opt(row.get("tier_review_at")?)?,
        paid: match (
            row.get::<Option<String>>("tier_paid")?,
            instant_opt(row.get("tier_paid_until")?)?,
        ) {
            (Some(tier), Some(until)) => Some(PaidTier { tier, until }),
            _ => None,
        },
    })
}

/// One change in a member's tier history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierHistoryEntry {
    /// The tier before.
    pub from: Option<String>,
    /// The tier after.
    pub to: Option<String>,
    /// `qualified`, `review` or `manual`.
    pub reason: String,
    /// An admin's reason, for manual changes.
    pub note: Option<String>,
    /// Who made it: an admin key's prefix, `scheduler`, or none for a qualification.
    pub actor: Option<String>,
    /// When.
    pub changed_at: Timestamp,
}

/// The history rows kept per member read at most.
pub const TIER_HISTORY_MAX: u32 = 100;

/// A window's bounds as microseconds, open ends as the extremes.
fn bounds(window: Window) -> (i64, i64) {
    (
        window.from.map_or(i64::MIN, micros),
        window.to.map_or(i64::MAX, micros),
    )
}

/// The metric's raw value over the window: spend in minor units, a purchase count, or points.
async fn metric<S: Sql>(
    db: &mut S,
    member: MemberId,
    metric: TierMetric,
    window: Window,
) -> Result<i64> {
    let sql = match metric {
        // A purchase whose points a fraud rule held counts once a reviewer releases them.
        TierMetric::Spend => {
            "SELECT CAST(COALESCE(SUM(total_minor - refunded_minor), 0) AS BIGINT) FROM purchases \
             WHERE member_id = $1 AND occurred_at >= $2 AND occurred_at < $3 \
             AND held_for_review = 0"
        }
        // A wholly refunded purchase does not count; a free one (total 0) does.
        TierMetric::Purchases => {
            "SELECT CAST(COUNT(*) AS BIGINT) FROM purchases \
             WHERE member_id = $1 AND occurred_at >= $2 AND occurred_at < $3 \
             AND (refunded_minor < total_minor OR total_minor = 0) AND held_for_review = 0"
        }
        // Earned by every grant (purchases, events, tier bonuses) less what refunds reversed,
        // and less the whole of a purchase whose points are held (or were taken back).
        TierMetric::PointsEarned => {
            "SELECT CAST(COALESCE((SELECT SUM(points) FROM earn_grants \
             WHERE member_id = $1 AND occurred_at >= $2 AND occurred_at < $3), 0) \
             - COALESCE((SELECT SUM(CASE WHEN held_for_review = 0 THEN points_reversed \
             ELSE points_earned END) FROM purchases \
             WHERE member_id = $1 AND occurred_at >= $2 AND occurred_at < $3), 0) AS BIGINT)"
        }
    };
    let (from, to) = bounds(window);
    let row = db.row(sql, args![member.0, from, to]).await?;
    row.get(0)
}

impl Tx {
    /// The tier metric's raw value for a member over a window (see [`Store::tier_metric`]).
    pub async fn tier_metric(
        &mut self,
        member: MemberId,
        which: TierMetric,
        window: Window,
    ) -> Result<i64> {
        metric(self, member, which, window).await
    }

    /// Stores a member's tier status.
    pub async fn set_tier(&mut self, member: MemberId, status: &TierStatus) -> Result<()> {
        self.run(
            "UPDATE members SET tier = $2, tier_since = $3, tier_manual_reason = $4, \
             tier_manual_until = $5, tier_downgrade_at = $6, tier_review_at = $7, tier_paid = $8, \
             tier_paid_until = $9 WHERE id = $1",
            args![
                member.0,
                &status.tier,
                status.since.map(micros),
                status.manual.as_ref().map(|m| m.reason.as_str()),
                status.manual.as_ref().and_then(|m| m.until).map(micros),
                status.downgrade_at.map(micros),
                status.review_at.map(micros),
                status.paid.as_ref().map(|p| p.tier.as_str()),
                status.paid.as_ref().map(|p| micros(p.until)),
            ],
        )
        .await?;
        Ok(())
    }

    /// Appends a change to the member's tier history; `until` ends a manual assignment.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_tier_change(
        &mut self,
        member: MemberId,
        change: &TierChange,
        note: Option<&str>,
        actor: Option<&str>,
        until: Option<Timestamp>,
        at: Timestamp,
    ) -> Result<()> {
        self.run(
            "INSERT INTO tier_history (member_id, from_tier, to_tier, reason, note, actor, changed_at, manual_until) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            args![
                member.0,
                &change.from,
                &change.to,
                change.reason.as_str(),
                note,
                actor,
                micros(at),
                until.map(micros),
            ],
        )
        .await?;
        Ok(())
    }
}

impl Store {
    /// The tier metric's raw value for a member over a window: spend in minor units (totals
    /// less refunds), purchases not wholly refunded, or points earned less points reversed.
    pub async fn tier_metric(
        &self,
        member: MemberId,
        which: TierMetric,
        window: Window,
    ) -> Result<i64> {
        let mut db = self;
        metric(&mut db, member, which, window).await
    }

    /// Members whose tier review is due at `now`, at most `limit`.
    pub async fn members_due_for_tier_review(
        &self,
        now: Timestamp,
        limit: u32,
    ) -> Result<Vec<MemberId>> {
        let mut db = self;
        let rows = db
            .rows(
                "SELECT id FROM members WHERE tier_review_at IS NOT NULL AND tier_review_at <= $1 \
                 ORDER BY tier_review_at LIMIT $2",
                args![micros(now), i64::from(limit)],
            )
            .await?;
        rows.iter().map(|r| Ok(MemberId(r.get(0)?))).collect()
    }

    /// A member's tier history, newest first, at most [`TIER_HISTORY_MAX`] changes.
    pub async fn tier_history(&self, member: MemberId) -> Result<Vec<TierHistoryEntry>> {
        let mut db = self;
        let rows = db
            .rows(
                "SELECT from_tier, to_tier, reason, note, actor, changed_at FROM tier_history \
                 WHERE member_id = $1 ORDER BY id DESC LIMIT $2",
                args![member.0, i64::from(TIER_HISTORY_MAX)],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(TierHistoryEntry {
                    from: r.get("from_tier")?,
                    to: r.get("to_tier")?,
                    reason: r.get("reason")?,
                    note: r.get("note")?,
                    actor: r.get("actor")?,
                    changed_at: instant(r.get("changed_at")?)?,
                })
            })
            .collect()
    }
}
