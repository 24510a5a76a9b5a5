//! Purchases, their lines and their refunds.

use crate::db::connect::Store;
use crate::db::sql::{Arg, Row, Sql, args};
use crate::error::Result;
use crate::types::{JournalId, MemberId, PurchaseId, instant, micros, numbered_list};
use crate::write::appends::Table;
use crate::write::tx::Tx;
use jiff::Timestamp;
use laurel_core::ledger::LotId;

/// A purchase by a customer who is not a member, to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewGuestPurchase {
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
    /// When the purchase happened.
    pub occurred_at: Timestamp,
    /// When Laurel recorded it.
    pub recorded_at: Timestamp,
}

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
    /// What the member's tier took off the basket, in minor units.
    pub tier_discount_minor: i64,
    /// The lot those points went to.
    pub lot: Option<LotId>,
    /// When the purchase happened.
    pub occurred_at: Timestamp,
    /// When Laurel recorded it.
    pub recorded_at: Timestamp,
    /// Basket lines.
    pub lines: Vec<NewPurchaseLine>,
    /// The coalition partner it was made at; `None` at the program's own.
    pub partner: Option<String>,
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
    /// What the member's tier took off the basket, in minor units.
    pub tier_discount_minor: i64,
    /// Lot the points went to.
    pub lot: Option<LotId>,
    /// When it happened.
    pub occurred_at: Timestamp,
    /// Lines.
    pub lines: Vec<PurchaseLine>,
    /// The coalition partner it was made at.
    pub partner: Option<String>,
}

/// Where a page of a member's purchases ends: the last purchase shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PurchaseCursor {
    /// When it happened.
    pub occurred_at: Timestamp,
    /// Its id, which orders purchases of the same instant.
    pub id: PurchaseId,
}

/// A page of a member's purchases, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurchasePage {
    /// The purchases, without their lines.
    pub purchases: Vec<Purchase>,
    /// Where the next (older) page starts, if there is one.
    pub next: Option<PurchaseCursor>,
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

fn purchase_from_row(row: &Row) -> Result<Purchase> {
    Ok(Purchase {
        id: PurchaseId(row.get("id")?),
        member: MemberId(row.get("member_id")?),
        channel: row.get("channel")?,
        order_id: row.get("order_id")?,
        store: row.get("store")?,
        currency: row.get("currency")?,
        total_minor: row.get("total_minor")?,
        refunded_minor: row.get("refunded_minor")?,
        points_earned: row.get("points_earned")?,
        points_reversed: row.get("points_reversed")?,
        tier_discount_minor: row.get("tier_discount_minor")?,
        partner: row.get("partner")?,
        lot: row.get::<Option<i64>>("lot_id")?.map(LotId),
        occurred_at: instant(row.get("occurred_at")?)?,
        lines: Vec::new(),
    })
}

async fn fetch_purchase(db: &mut impl Sql, id: PurchaseId) -> Result<Option<Purchase>> {
    let Some(row) = db
        .row_opt(
            "SELECT id, member_id, channel, order_id, store, currency, total_minor, refunded_minor, points_earned, \
             points_reversed, tier_discount_minor, lot_id, occurred_at, partner FROM purchases WHERE id = $1",
            args![id.0],
        )
        .await?
    else {
        return Ok(None);
    };
    let mut purchase = purchase_from_row(&row)?;
    purchase.lines = fetch_lines(db, id).await?;
    Ok(Some(purchase))
}

async fn fetch_lines(db: &mut impl Sql, id: PurchaseId) -> Result<Vec<PurchaseLine>> {
    let rows = db
        .rows(
            "SELECT line_no, sku, category, quantity, unit_price_minor, refunded_quantity FROM purchase_lines \
             WHERE purchase_id = $1 ORDER BY line_no",
            args![id.0],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(PurchaseLine {
                line_no: r.get::<i32>("line_no").map(i64::from)?,
                line: NewPurchaseLine {
                    sku: r.get("sku")?,
                    category: r.get("category")?,
                    quantity: r.get("quantity")?,
                    unit_price_minor: r.get("unit_price_minor")?,
                },
                refunded_quantity: r.get("refunded_quantity")?,
            })
        })
        .collect()
}

/// The most purchases one read of a member's purchases returns.
pub const PURCHASES_PAGE_MAX: u32 = 200;

impl Store {
    /// A purchase with its lines.
    pub async fn purchase(&self, id: PurchaseId) -> Result<Option<Purchase>> {
        let mut db = self;
        fetch_purchase(&mut db, id).await
    }

    /// A page of a member's purchases, the latest to happen first, without their lines,
    /// older than `before` (the previous page's `next`). Keyset on the (member, occurred_at)
    /// index: any page is one seek, however long the history.
    pub async fn member_purchases(
        &self,
        member: MemberId,
        before: Option<PurchaseCursor>,
        limit: u32,
    ) -> Result<PurchasePage> {
        let limit = limit.clamp(1, PURCHASES_PAGE_MAX);
        let (at, id) = before.map_or((i64::MAX, i64::MAX), |c| (micros(c.occurred_at), c.id.0));
        let mut db = self;
        let rows = db
            .rows(
                "SELECT id, member_id, channel, order_id, store, currency, total_minor, refunded_minor, points_earned, \
                 points_reversed, tier_discount_minor, lot_id, occurred_at, partner FROM purchases \
                 WHERE member_id = $1 AND (occurred_at < $2 OR (occurred_at = $2 AND id < $3)) \
                 ORDER BY occurred_at DESC, id DESC LIMIT $4",
                args![member.0, at, id, i64::from(limit) + 1],
            )
            .await?;
        let mut purchases: Vec<Purchase> =
            rows.iter().map(purchase_from_row).collect::<Result<_>>()?;
        let next = if purchases.len() > limit as usize {
            purchases.truncate(limit as usize);
            purchases.last().map(|p| PurchaseCursor {
                occurred_at: p.occurred_at,
                id: p.id,
            })
        } else {
            None
        };
        Ok(PurchasePage { purchases, next })
    }

    /// The member's purchases with these order ids (whatever their channel), without their
    /// lines: what a page of their history was earned on.
    pub async fn purchases_by_orders(
        &self,
        member: MemberId,
        orders: &[&str],
    ) -> Result<Vec<Purchase>> {
        if orders.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT id, member_id, channel, order_id, store, currency, total_minor, refunded_minor, points_earned, \
             points_reversed, tier_discount_minor, lot_id, occurred_at, partner FROM purchases \
             WHERE member_id = $1 AND order_id IN ({})",
            numbered_list(2, orders.len())
        );
        let mut values: Vec<Arg> = vec![Arg::from(member.0)];
        values.extend(orders.iter().map(|o| Arg::from(*o)));
        let mut db = self;
        let rows = db.rows(&sql, &values).await?;
        rows.iter().map(purchase_from_row).collect()
    }

    /// A member's purchases with their lines, in the order recorded, newest first, older
    /// than the purchase `before` (the id of the last of the previous page): to read them
    /// all page by page. One statement for the page's lines.
    pub async fn member_purchases_before(
        &self,
        member: MemberId,
        before: Option<PurchaseId>,
        limit: u32,
    ) -> Result<Vec<Purchase>> {
        let mut db = self;
        let rows = db
            .rows(
                "SELECT id, member_id, channel, order_id, store, currency, total_minor, refunded_minor, points_earned, \
                 points_reversed, tier_discount_minor, lot_id, occurred_at, partner FROM purchases \
                 WHERE member_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
                args![
                    member.0,
                    before.map_or(i64::MAX, |p| p.0),
                    i64::from(limit.clamp(1, PURCHASES_PAGE_MAX))
                ],
            )
            .await?;
        let mut found: Vec<Purchase> = rows.iter().map(purchase_from_row).collect::<Result<_>>()?;
        if found.is_empty() {
            return Ok(found);
        }
        let sql = format!(
            "SELECT purchase_id, line_no, sku, category, quantity, unit_price_minor, refunded_quantity \
             FROM purchase_lines WHERE purchase_id IN ({}) ORDER BY purchase_id, line_no",
            numbered_list(1, found.len())
        );
        let ids: Vec<Arg> = found.iter().map(|p| Arg::from(p.id.0)).collect();
        for r in db.rows(&sql, &ids).await? {
            let purchase = PurchaseId(r.get("purchase_id")?);
            let line = PurchaseLine {
                line_no: r.get::<i32>("line_no").map(i64::from)?,
                line: NewPurchaseLine {
                    sku: r.get("sku")?,
                    category: r.get("category")?,
                    quantity: r.get("quantity")?,
                    unit_price_minor: r.get("unit_price_minor")?,
                },
                refunded_quantity: r.get("refunded_quantity")?,
            };
            if let Some(p) = found.iter_mut().find(|p| p.id == purchase) {
                p.lines.push(line);
            }
        }
        Ok(found)
    }
}

/// Purchases looked up per statement by [`Tx::purchase_members`].
const PURCHASES_PER_STATEMENT: usize = 128;

impl Tx {
    /// The members who made `purchases` (those that exist), so a batch can lock them with
    /// its other members, in one order, before its refunds run.
    pub async fn purchase_members(&mut self, purchases: &[PurchaseId]) -> Result<Vec<MemberId>> {
        let mut members = Vec::new();
        for chunk in purchases.chunks(PURCHASES_PER_STATEMENT) {
            // Padded with its last id to a power of two, so a few texts serve every batch.
            let padded = chunk.len().next_power_of_two();
            let last = chunk[chunk.len() - 1];
            let values: Vec<Arg> = (0..padded)
                .map(|i| Arg::from(chunk.get(i).unwrap_or(&last).0))
                .collect();
            let sql = format!(
                "SELECT DISTINCT member_id FROM purchases WHERE id IN ({})",
                numbered_list(1, padded)
            );
            for row in self.rows(&sql, &values).await? {
                members.push(MemberId(row.get("member_id")?));
            }
        }
        Ok(members)
    }

    /// A purchase with its lines, read inside the transaction.
    pub async fn purchase(&mut self, id: PurchaseId) -> Result<Option<Purchase>> {
        fetch_purchase(self, id).await
    }

    /// Records a purchase and its lines. The (channel, order_id) pair must be new: the engine
    /// checks idempotency first, so a clash here is a race the caller retries.
    pub async fn insert_purchase(&mut self, p: &NewPurchase) -> Result<PurchaseId> {
        let previous = self.chain_purchase(p.member, micros(p.occurred_at)).await?;
        let id = self.next_id(Table::Purchases).await?;
        self.append(
            Table::Purchases,
            args![
                id,
                p.member.0,
                &p.channel,
                &p.order_id,
                &p.store,
                &p.currency,
                p.total_minor,
                0_i64,
                p.points_earned,
                0_i64,
                p.lot.map(|l| l.0),
                micros(p.occurred_at),
                micros(p.recorded_at),
                p.tier_discount_minor,
                previous,
                &p.partner,
            ],
        )
        .await?;
        for (line_no, line) in (0_i64..).zip(&p.lines) {
            self.append(
                Table::PurchaseLines,
                args![
                    id,
                    line_no,
                    &line.sku,
                    &line.category,
                    line.quantity,
                    line.unit_price_minor,
                    0_i64,
                ],
            )
            .await?;
        }
        Ok(PurchaseId(id))
    }

    /// Records a non-member's purchase; returns its id.
    pub async fn insert_guest_purchase(&mut self, p: &NewGuestPurchase) -> Result<i64> {
        self.row(
            "INSERT INTO guest_purchases (channel, order_id, store, currency, total_minor, occurred_at, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            args![
                &p.channel,
                &p.order_id,
                &p.store,
                &p.currency,
                p.total_minor,
                micros(p.occurred_at),
                micros(p.recorded_at),
            ],
        )
        .await?
        .get(0)
    }

    /// Reads when the latest purchase of each of `members` happened, so that recording
    /// their purchases in this transaction asks nothing more (see [`Tx::insert_purchase`]).
    pub async fn read_last_purchases(&mut self, members: &[MemberId]) -> Result<()> {
        let mut ids: Vec<MemberId> = members
            .iter()
            .copied()
            .filter(|m| self.known.last_purchase(*m).is_none())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        for chunk in ids.chunks(PURCHASES_PER_STATEMENT) {
            // Padded with its last id to a power of two, so a few texts serve every batch.
            let padded = chunk.len().next_power_of_two();
            let last = chunk[chunk.len() - 1];
            let values: Vec<Arg> = (0..padded)
                .map(|i| Arg::from(chunk.get(i).unwrap_or(&last).0))
                .collect();
            let sql = format!(
                "SELECT member_id, MAX(occurred_at) AS last FROM purchases \
                 WHERE member_id IN ({}) GROUP BY member_id",
                numbered_list(1, padded)
            );
            for &member in chunk {
                self.known.remember_last_purchase(member, None);
            }
            for row in self.rows(&sql, &values).await? {
                self.known
                    .remember_last_purchase(MemberId(row.get("member_id")?), row.get("last")?);
            }
        }
        Ok(())
    }

    /// When the member's purchase before a new one at `at` (microseconds) happened — `None`
    /// for their first — keeping the chain right: a late purchase, older than one already
    /// recorded, becomes the previous one of the purchase after it.
    async fn chain_purchase(&mut self, member: MemberId, at: i64) -> Result<Option<i64>> {
        if let Some(last) = self.known.last_purchase(member)
            && last.is_none_or(|last| last <= at)
        {
            self.known.remember_last_purchase(member, Some(at));
            return Ok(last);
        }
        // A late purchase, or a member not read ahead: rare, so asked here.
        let row = self
            .row(
                "SELECT MAX(CASE WHEN occurred_at <= $2 THEN occurred_at END) AS previous, \
                        MAX(occurred_at) AS last \
                 FROM purchases WHERE member_id = $1",
                args![member.0, at],
            )
            .await?;
        let (previous, last): (Option<i64>, Option<i64>) = (row.get("previous")?, row.get("last")?);
        if last.is_some_and(|last| last > at) {
            // Only the first purchase after `at` has its previous one before `at`.
            self.run(
                "UPDATE purchases SET prev_occurred_at = $2 \
                 WHERE member_id = $1 AND occurred_at > $2 \
                   AND (prev_occurred_at IS NULL OR prev_occurred_at < $2)",
                args![member.0, at],
            )
            .await?;
        }
        self.known
            .remember_last_purchase(member, Some(last.map_or(at, |last| last.max(at))));
        Ok(previous)
    }

    /// Records a refund and what it changed on the purchase: amount and points so far, and
    /// the quantities refunded per line (`(line_no, quantity)`).
    pub async fn record_refund(
        &mut self,
        refund: &RefundRecord,
        line_quantities: &[(i64, i64)],
    ) -> Result<()> {
        self.run(
            "INSERT INTO refunds (purchase_id, refund_id, amount_minor, points_reversed, shortfall, journal_id, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            args![
                refund.purchase.0,
                &refund.refund_id,
                refund.amount_minor,
                refund.points_reversed,
                refund.shortfall,
                refund.journal.map(|j| j.0),
                micros(refund.recorded_at),
            ],
        )
        .await?;
        self.run(
            "UPDATE purchases SET refunded_minor = refunded_minor + $1, points_reversed = points_reversed + $2 WHERE id = $3",
            args![
                refund.amount_minor,
                refund.points_reversed + refund.shortfall,
                refund.purchase.0,
            ],
        )
        .await?;
        for &(line_no, quantity) in line_quantities {
            self.run(
                "UPDATE purchase_lines SET refunded_quantity = refunded_quantity + $1 WHERE purchase_id = $2 AND line_no = $3",
                args![quantity, refund.purchase.0, line_no],
            )
            .await?;
        }
        Ok(())
    }
}
