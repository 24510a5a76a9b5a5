//! Purchases, their lines and their refunds.

use crate::connect::Store;
use crate::error::Result;
use crate::tx::Tx;
use crate::types::{JournalId, MemberId, PurchaseId, instant, micros, placeholders};
use jiff::Timestamp;
use laurel_core::ledger::LotId;
use sqlx::any::AnyRow;
use sqlx::{Any, AssertSqlSafe, Executor, Row};

/// A purchase line as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPurchaseLine {
    /// Product code.
    pub sku: String,
    /// Product category.
    pub category: Option<String>,
    /// Units bought.
    pub quantity: i64,
    /// Price of one unit in minor units.
    pub unit_price_minor: i64,
}

/// A purchase to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPurchase {
    /// The buyer.
    pub member: MemberId,
    /// pos, web, app, partner.
    pub channel: String,
    /// The shop's order id; unique per channel.
    pub order_id: String,
    /// Store or shop identifier.
    pub store: Option<String>,
    /// ISO currency code.
    pub currency: String,
    /// Total paid, in minor units.
    pub total_minor: i64,
    /// Points the purchase earned.
    pub points_earned: i64,
    /// The lot those points went to.
    pub lot: Option<LotId>,
    /// When the purchase happened.
    pub occurred_at: Timestamp,
    /// When Laurel recorded it.
    pub recorded_at: Timestamp,
    /// Basket lines.
    pub lines: Vec<NewPurchaseLine>,
}

/// A recorded purchase line with what has been refunded of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurchaseLine {
    /// Position in the basket, from 0.
    pub line_no: i64,
    /// The line as recorded.
    pub line: NewPurchaseLine,
    /// Units refunded so far.
    pub refunded_quantity: i64,
}

/// A recorded purchase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purchase {
    /// Id.
    pub id: PurchaseId,
    /// Buyer.
    pub member: MemberId,
    /// Channel.
    pub channel: String,
    /// Order id.
    pub order_id: String,
    /// Store.
    pub store: Option<String>,
    /// Currency code.
    pub currency: String,
    /// Total in minor units.
    pub total_minor: i64,
    /// Refunded so far, minor units.
    pub refunded_minor: i64,
    /// Points earned.
    pub points_earned: i64,
    /// Points reversed by refunds so far.
    pub points_reversed: i64,
    /// Lot the points went to.
    pub lot: Option<LotId>,
    /// When it happened.
    pub occurred_at: Timestamp,
    /// Lines.
    pub lines: Vec<PurchaseLine>,
}

/// A refund as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundRecord {
    /// The purchase refunded.
    pub purchase: PurchaseId,
    /// The shop's refund id; unique per purchase.
    pub refund_id: String,
    /// Amount refunded, minor units.
    pub amount_minor: i64,
    /// Points taken back.
    pub points_reversed: i64,
    /// Points that could not be taken back.
    pub shortfall: i64,
    /// The reversal posting, if any points moved.
    pub journal: Option<JournalId>,
    /// When it was recorded.
    pub recorded_at: Timestamp,
}

/// Lines written per statement: few round trips, far below any bind-parameter limit.
const LINES_PER_STATEMENT: usize = 50;

fn purchase_from_row(row: &AnyRow) -> Result<Purchase> {
    Ok(Purchase {
        id: PurchaseId(row.try_get("id")?),
        member: MemberId(row.try_get("member_id")?),
        channel: row.try_get("channel")?,
        order_id: row.try_get("order_id")?,
        store: row.try_get("store")?,
        currency: row.try_get("currency")?,
        total_minor: row.try_get("total_minor")?,
        refunded_minor: row.try_get("refunded_minor")?,
        points_earned: row.try_get("points_earned")?,
        points_reversed: row.try_get("points_reversed")?,
        lot: row.try_get::<Option<i64>, _>("lot_id")?.map(LotId),
        occurred_at: instant(row.try_get("occurred_at")?)?,
        lines: Vec::new(),
    })
}

async fn fetch_purchase(
    conn: &mut sqlx::AnyConnection,
    id: PurchaseId,
) -> Result<Option<Purchase>> {
    let Some(row) = sqlx::query(
        "SELECT id, member_id, channel, order_id, store, currency, total_minor, refunded_minor, points_earned, \
         points_reversed, lot_id, occurred_at FROM purchases WHERE id = $1",
    )
    .bind(id.0)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let mut purchase = purchase_from_row(&row)?;
    purchase.lines = fetch_lines(&mut *conn, id).await?;
    Ok(Some(purchase))
}

async fn fetch_lines<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    id: PurchaseId,
) -> Result<Vec<PurchaseLine>> {
    let rows = sqlx::query(
        "SELECT line_no, sku, category, quantity, unit_price_minor, refunded_quantity FROM purchase_lines \
         WHERE purchase_id = $1 ORDER BY line_no",
    )
    .bind(id.0)
    .fetch_all(exec)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(PurchaseLine {
                line_no: r.try_get::<i32, _>("line_no").map(i64::from)?,
                line: NewPurchaseLine {
                    sku: r.try_get("sku")?,
                    category: r.try_get("category")?,
                    quantity: r.try_get("quantity")?,
                    unit_price_minor: r.try_get("unit_price_minor")?,
                },
                refunded_quantity: r.try_get("refunded_quantity")?,
            })
        })
        .collect()
}

/// The most purchases one read of a member's purchases returns.
pub const PURCHASES_PAGE_MAX: u32 = 200;

impl Store {
    /// A purchase with its lines.
    pub async fn purchase(&self, id: PurchaseId) -> Result<Option<Purchase>> {
        let mut conn = self.pool.acquire().await?;
        fetch_purchase(&mut conn, id).await
    }

    /// A member's purchases, newest first, without their lines.
    pub async fn member_purchases(&self, member: MemberId, limit: u32) -> Result<Vec<Purchase>> {
        let rows = sqlx::query(
            "SELECT id, member_id, channel, order_id, store, currency, total_minor, refunded_minor, points_earned, \
             points_reversed, lot_id, occurred_at FROM purchases WHERE member_id = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(member.0)
        .bind(i64::from(limit.clamp(1, PURCHASES_PAGE_MAX)))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(purchase_from_row).collect()
    }
}

impl Tx {
    /// A purchase with its lines, read inside the transaction.
    pub async fn purchase(&mut self, id: PurchaseId) -> Result<Option<Purchase>> {
        fetch_purchase(&mut self.tx, id).await
    }

    /// Records a purchase and its lines. The (channel, order_id) pair must be new: the engine
    /// checks idempotency first, so a clash here is a race the caller retries.
    pub async fn insert_purchase(&mut self, p: &NewPurchase) -> Result<PurchaseId> {
        let id: i64 = sqlx::query(
            "INSERT INTO purchases (member_id, channel, order_id, store, currency, total_minor, refunded_minor, \
             points_earned, points_reversed, lot_id, occurred_at, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 0, $7, 0, $8, $9, $10) RETURNING id",
        )
        .bind(p.member.0)
        .bind(p.channel.clone())
        .bind(p.order_id.clone())
        .bind(p.store.clone())
        .bind(p.currency.clone())
        .bind(p.total_minor)
        .bind(p.points_earned)
        .bind(p.lot.map(|l| l.0))
        .bind(micros(p.occurred_at))
        .bind(micros(p.recorded_at))
        .fetch_one(&mut *self.tx)
        .await?
        .try_get(0)?;
        for (chunk_no, chunk) in p.lines.chunks(LINES_PER_STATEMENT).enumerate() {
            let sql = format!(
                "INSERT INTO purchase_lines (purchase_id, line_no, sku, category, quantity, unit_price_minor, refunded_quantity) VALUES {}",
                placeholders(chunk.len(), 7)
            );
            let mut insert = sqlx::query(AssertSqlSafe(sql));
            for (i, line) in chunk.iter().enumerate() {
                let line_no = chunk_no * LINES_PER_STATEMENT + i;
                insert = insert
                    .bind(id)
                    .bind(i32::try_from(line_no).unwrap_or(i32::MAX))
                    .bind(line.sku.clone())
                    .bind(line.category.clone())
                    .bind(line.quantity)
                    .bind(line.unit_price_minor)
                    .bind(0_i64);
            }
            insert.execute(&mut *self.tx).await?;
        }
        Ok(PurchaseId(id))
    }

    /// Records a refund and what it changed on the purchase: amount and points so far, and
    /// the quantities refunded per line (`(line_no, quantity)`).
    pub async fn record_refund(
        &mut self,
        refund: &RefundRecord,
        line_quantities: &[(i64, i64)],
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO refunds (purchase_id, refund_id, amount_minor, points_reversed, shortfall, journal_id, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(refund.purchase.0)
        .bind(refund.refund_id.clone())
        .bind(refund.amount_minor)
        .bind(refund.points_reversed)
        .bind(refund.shortfall)
        .bind(refund.journal.map(|j| j.0))
        .bind(micros(refund.recorded_at))
        .execute(&mut *self.tx)
        .await?;
        sqlx::query(
            "UPDATE purchases SET refunded_minor = refunded_minor + $1, points_reversed = points_reversed + $2 WHERE id = $3",
        )
        .bind(refund.amount_minor)
        .bind(refund.points_reversed + refund.shortfall)
        .bind(refund.purchase.0)
        .execute(&mut *self.tx)
        .await?;
        for &(line_no, quantity) in line_quantities {
            sqlx::query(
                "UPDATE purchase_lines SET refunded_quantity = refunded_quantity + $1 WHERE purchase_id = $2 AND line_no = $3",
            )
            .bind(quantity)
            .bind(refund.purchase.0)
            .bind(i32::try_from(line_no).unwrap_or(i32::MAX))
            .execute(&mut *self.tx)
            .await?;
        }
        Ok(())
    }
}
