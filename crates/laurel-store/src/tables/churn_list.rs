//! The churn-risk list: the members the last insight refresh put at one level of risk, those
//! least likely still active first, a keyset page at a time.
//!
//! A page is one seek on `member_insight_churn` (risk, p_alive_ppm, member_id) past the last
//! member shown and a walk of as many entries as the page holds, each joined to its member by
//! the primary key: as fast on the last page of a million members as on the first. The level
//! is the caller's (the engine walks high, then medium), so the order never hangs on how the
//! levels' names sort.

use crate::db::connect::Store;
use crate::db::sql::{Row, Sql, args};
use crate::error::Result;
use crate::types::{MemberId, instant};
use jiff::Timestamp;

/// The most members one page of the churn-risk list holds.
pub const CHURN_PAGE_MAX: u32 = 1_000;

/// Where a page starts within a level: after the member with this probability and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChurnCursor {
    /// The last member shown's probability of being active, in millionths.
    pub p_alive_ppm: i64,
    /// The last member shown.
    pub member: MemberId,
}

/// A member on the churn-risk list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AtRiskMember {
    /// The member.
    pub member: MemberId,
    /// Their external id.
    pub external_id: String,
    /// Their name, if given.
    pub name: Option<String>,
    /// The tier they hold (its id), if any.
    pub tier: Option<String>,
    /// Their purchases.
    pub purchases: i64,
    /// Their last purchase.
    pub last_purchase_at: Timestamp,
    /// Their usual days between purchases (none before a second purchase).
    pub usual_gap_days: Option<i64>,
    /// The probability they are still active, in millionths.
    pub p_alive_ppm: i64,
    /// Expected spend over the next 12 months, in minor units: the value at stake.
    pub value_12m_minor: i64,
}

impl AtRiskMember {
    /// Where the page after this member starts.
    pub fn cursor(&self) -> ChurnCursor {
        ChurnCursor {
            p_alive_ppm: self.p_alive_ppm,
            member: self.member,
        }
    }
}

fn from_row(row: &Row) -> Result<AtRiskMember> {
    Ok(AtRiskMember {
        member: MemberId(row.get("member_id")?),
        external_id: row.get("external_id")?,
        name: row.get("name")?,
        tier: row.get("tier")?,
        purchases: row.get("purchases")?,
        last_purchase_at: instant(row.get("last_purchase_at")?)?,
        usual_gap_days: row.get("usual_gap_days")?,
        p_alive_ppm: row.get("p_alive_ppm")?,
        value_12m_minor: row.get("value_12m_minor")?,
    })
}

impl Store {
    /// Up to `limit` (at most [`CHURN_PAGE_MAX`]) members at the risk level named `risk`,
    /// least likely still active first (ties by member id), after `after`.
    pub async fn churn_page(
        &self,
        risk: &str,
        after: Option<ChurnCursor>,
        limit: u32,
    ) -> Result<Vec<AtRiskMember>> {
        // The first page starts below every probability, so one statement serves all pages.
        let (p_alive, member) = after.map_or((-1, 0), |c| (c.p_alive_ppm, c.member.0));
        let mut db = self;
        db.rows(
            "SELECT i.member_id, m.external_id, m.name, m.tier, i.purchases, \
             i.last_purchase_at, i.usual_gap_days, i.p_alive_ppm, i.value_12m_minor \
             FROM member_insight i JOIN members m ON m.id = i.member_id \
             WHERE i.risk = $1 AND (i.p_alive_ppm, i.member_id) > ($2, $3) \
             ORDER BY i.p_alive_ppm, i.member_id LIMIT $4",
            args![risk, p_alive, member, i64::from(limit.min(CHURN_PAGE_MAX))],
        )
        .await?
        .iter()
        .map(from_row)
        .collect()
    }
}
