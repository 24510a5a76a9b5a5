//! What a member bought over a window, as personal offers read it: their spend per category
//! from purchase lines, their purchases and total, and how many coupons they used.
//!
//! Both statements reach the member's purchases through `purchases_by_member_time`
//! (member, when) and their lines by the lines' primary key (purchase, line), so the cost
//! grows with the member's purchases in the window, not the table's.

use crate::db::connect::Store;
use crate::db::sql::{Sql, args};
use crate::error::Result;
use crate::types::{MemberId, micros};
use jiff::Timestamp;
use laurel_core::CouponStatus;
use laurel_core::offers::{CategorySpend, SpendFacts};

/// What a member bought in a window, and whether they ever bought.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MemberSpend {
    /// Spend per category, purchases, total and coupons used in the window.
    pub window: SpendFacts,
    /// Whether they made any purchase, ever.
    pub ever_bought: bool,
}

impl Store {
    /// What `member` bought from `from` (included) to `to` (excluded): lines at what was
    /// paid for the units not refunded, grouped by category (most spent first; lines without
    /// a category count in the whole only), and purchases less refunds.
    pub async fn member_spend(
        &self,
        member: MemberId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<MemberSpend> {
        let mut db = self;
        let (from, to) = (micros(from), micros(to));
        let lines = db
            .rows(
                "SELECT l.category, \
                 CAST(SUM((l.quantity - l.refunded_quantity) * l.unit_price_minor) AS BIGINT) \
                   AS spend \
                 FROM purchases p JOIN purchase_lines l ON l.purchase_id = p.id \
                 WHERE p.member_id = $1 AND p.occurred_at >= $2 AND p.occurred_at < $3 \
                 GROUP BY l.category ORDER BY spend DESC, l.category",
                args![member.0, from, to],
            )
            .await?;
        let mut window = SpendFacts::default();
        for row in &lines {
            let spend: i64 = row.get("spend")?;
            window.line_spend_minor += spend;
            if let Some(category) = row.get::<Option<String>>("category")?
                && spend > 0
            {
                window.categories.push(CategorySpend {
                    category,
                    spend_minor: spend,
                });
            }
        }
        let totals = db
            .row(
                "SELECT COUNT(*) AS purchases, \
                 CAST(COALESCE(SUM(total_minor - refunded_minor), 0) AS BIGINT) AS spend, \
                 (SELECT COUNT(*) FROM coupons WHERE member_id = $1 AND status = $4 \
                    AND consumed_at >= $2 AND consumed_at < $3) AS coupons, \
                 (SELECT MIN(occurred_at) FROM purchases WHERE member_id = $1) AS first \
                 FROM purchases \
                 WHERE member_id = $1 AND occurred_at >= $2 AND occurred_at < $3",
                args![member.0, from, to, CouponStatus::Consumed.as_str()],
            )
            .await?;
        window.purchases = totals.get("purchases")?;
        window.spend_minor = totals.get("spend")?;
        window.coupons_used = totals.get("coupons")?;
        Ok(MemberSpend {
            window,
            ever_bought: totals.get::<Option<i64>>("first")?.is_some(),
        })
    }
}
