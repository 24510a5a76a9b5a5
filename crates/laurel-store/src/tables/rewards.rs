//! Reward redemptions, the coupons they issue, and the per-reward unit counters that stock is
//! checked against.

use crate::db::connect::Store;
use crate::db::sql::{Row, Sql, args};
use crate::error::Result;
use crate::types::{JournalId, MemberId, instant, instant_opt, micros};
use crate::write::tx::Tx;
use jiff::Timestamp;
use laurel_core::Points;
use laurel_core::ledger::{DrawnLot, LotId};
use laurel_core::rewards::RedemptionState;

/// A redemption's id, assigned by the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RedemptionId(pub i64);

/// A redemption to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRedemption {
    /// The member.
    pub member: MemberId,
    /// The reward's id in the catalog.
    pub reward_id: String,
    /// Its name when redeemed.
    pub reward_name: String,
    /// Its kind (`amount_coupon`, `donation`…).
    pub reward_kind: String,
    /// Units redeemed.
    pub quantity: i64,
    /// Points debited.
    pub points: i64,
    /// The redeem posting.
    pub journal: JournalId,
    /// Donations: the cause.
    pub cause: Option<String>,
    /// Donations: the money value of the points, in minor units.
    pub value_minor: Option<i64>,
    /// The program's currency.
    pub currency: String,
    /// When.
    pub redeemed_at: Timestamp,
}

/// A recorded redemption with its coupons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redemption {
    /// Its id.
    pub id: RedemptionId,
    /// What was recorded.
    pub redemption: NewRedemption,
    /// Issued, fulfilled or cancelled.
    pub status: RedemptionState,
    /// When it was fulfilled or cancelled.
    pub closed_at: Option<Timestamp>,
    /// Who fulfilled or cancelled it.
    pub closed_by: Option<String>,
    /// The posting that gave its points back, once cancelled.
    pub restore_journal: Option<JournalId>,
    /// The coupons it issued, in order.
    pub coupons: Vec<StoredCoupon>,
}

/// A coupon to record: its code and the terms copied from the reward.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCoupon {
    /// The unguessable code.
    pub code: String,
    /// Its holder.
    pub member: MemberId,
    /// The redemption that issued it.
    pub redemption: RedemptionId,
    /// The reward.
    pub reward_id: String,
    /// `amount_coupon`, `percent_coupon` or `free_product`.
    pub kind: String,
    /// Amount coupons: money off, in minor units.
    pub amount_minor: Option<i64>,
    /// Percent coupons: the percentage, as decimal text.
    pub percent: Option<String>,
    /// Percent coupons: the cap, in minor units.
    pub max_discount_minor: Option<i64>,
    /// Free-product coupons: the SKU.
    pub sku: Option<String>,
    /// The basket total needed, in minor units.
    pub min_spend_minor: Option<i64>,
    /// The currency of its amounts.
    pub currency: String,
    /// When issued.
    pub issued_at: Timestamp,
    /// When it stops being valid.
    pub expires_at: Timestamp,
}

/// A recorded coupon and where it is in its life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCoupon {
    /// Row id.
    pub id: i64,
    /// What was issued.
    pub coupon: NewCoupon,
    /// Active, consumed or cancelled.
    pub status: laurel_core::CouponStatus,
    /// The order it was used on (`channel:order_id`).
    pub consumed_order: Option<String>,
    /// What it took off that order, in minor units.
    pub consumed_discount_minor: Option<i64>,
    /// When it was used.
    pub consumed_at: Option<Timestamp>,
}

const REDEMPTION_COLUMNS: &str = "id, member_id, reward_id, reward_name, reward_kind, quantity, points, journal_id, status, cause, value_minor, currency, redeemed_at, closed_at, closed_by, restore_journal_id";
const COUPON_COLUMNS: &str = "id, code, member_id, redemption_id, reward_id, kind, amount_minor, percent, max_discount_minor, sku, min_spend_minor, currency, issued_at, expires_at, status, consumed_order, consumed_discount_minor, consumed_at";

fn redemption_from(row: &Row) -> Result<Redemption> {
    Ok(Redemption {
        id: RedemptionId(row.get("id")?),
        redemption: NewRedemption {
            member: MemberId(row.get("member_id")?),
            reward_id: row.get("reward_id")?,
            reward_name: row.get("reward_name")?,
            reward_kind: row.get("reward_kind")?,
            quantity: row.get("quantity")?,
            points: row.get("points")?,
            journal: JournalId(row.get("journal_id")?),
            cause: row.get("cause")?,
            value_minor: row.get("value_minor")?,
            currency: row.get("currency")?,
            redeemed_at: instant(row.get("redeemed_at")?)?,
        },
        status: row.state("status")?,
        closed_at: instant_opt(row.get("closed_at")?)?,
        closed_by: row.get("closed_by")?,
        restore_journal: row.get::<Option<i64>>("restore_journal_id")?.map(JournalId),
        coupons: Vec::new(),
    })
}

fn coupon_from(row: &Row) -> Result<StoredCoupon> {
    Ok(StoredCoupon {
        id: row.get("id")?,
        coupon: NewCoupon {
            code: row.get("code")?,
            member: MemberId(row.get("member_id")?),
            redemption: RedemptionId(row.get("redemption_id")?),
            reward_id: row.get("reward_id")?,
            kind: row.get("kind")?,
            amount_minor: row.get("amount_minor")?,
            percent: row.get("percent")?,
            max_discount_minor: row.get("max_discount_minor")?,
            sku: row.get("sku")?,
            min_spend_minor: row.get("min_spend_minor")?,
            currency: row.get("currency")?,
            issued_at: instant(row.get("issued_at")?)?,
            expires_at: instant(row.get("expires_at")?)?,
        },
        status: row.state("status")?,
        consumed_order: row.get("consumed_order")?,
        consumed_discount_minor: row.get("consumed_discount_minor")?,
        consumed_at: instant_opt(row.get("consumed_at")?)?,
    })
}

/// Redemptions chosen by `filter` (`id = $1` or `member_id = $1`, newest first), with their
/// coupons.
/// The redemptions matching `filter` (on `value`, `$1`) with ids below `before`, newest first.
async fn redemptions_before(
    db: &mut impl Sql,
    filter: &str,
    value: i64,
    before: i64,
    limit: u32,
) -> Result<Vec<Redemption>> {
    let sql = format!(
        "SELECT {REDEMPTION_COLUMNS} FROM reward_redemptions WHERE {filter} AND id < $3 ORDER BY id DESC LIMIT $2"
    );
    let rows = db
        .rows(&sql, args![value, i64::from(limit), before])
        .await?;
    let mut found: Vec<Redemption> = rows.iter().map(redemption_from).collect::<Result<_>>()?;
    if found.is_empty() {
        return Ok(found);
    }
    // Every listed redemption's coupons in one statement, not one per redemption.
    let list: Vec<String> = (1..=found.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT {COUPON_COLUMNS} FROM coupons WHERE redemption_id IN ({}) ORDER BY id",
        list.join(", ")
    );
    let ids: Vec<crate::db::sql::Arg<'_>> = found.iter().map(|r| r.id.0.into()).collect();
    for row in db.rows(&sql, &ids).await? {
        let coupon = coupon_from(&row)?;
        if let Some(r) = found.iter_mut().find(|r| r.id == coupon.coupon.redemption) {
            r.coupons.push(coupon);
        }
    }
    Ok(found)
}

async fn redemptions(
    db: &mut impl Sql,
    filter: &str,
    value: i64,
    limit: u32,
) -> Result<Vec<Redemption>> {
    redemptions_before(db, filter, value, i64::MAX, limit).await
}

async fn coupon_by_code(db: &mut impl Sql, code: &str) -> Result<Option<StoredCoupon>> {
    let sql = format!("SELECT {COUPON_COLUMNS} FROM coupons WHERE code = $1");
    db.row_opt(&sql, args![code])
        .await?
        .as_ref()
        .map(coupon_from)
        .transpose()
}

/// The most redemptions one listing returns.
pub const REDEMPTIONS_PAGE_MAX: u32 = 200;

impl Tx {
    /// Counts `quantity` more units of a reward out, unless that would pass `stock`: false
    /// (and nothing counted) when too few are left. Concurrent writers serialize on the
    /// reward's counter row, so stock is never oversold.
    pub async fn take_reward_units(
        &mut self,
        reward_id: &str,
        quantity: i64,
        stock: Option<u64>,
    ) -> Result<bool> {
        // A zero counter changes nothing a reader can see, so creating it is not a write
        // that a refusal would have to undo.
        self.run(
            "INSERT INTO reward_counters (reward_id, redeemed) VALUES ($1, 0) ON CONFLICT (reward_id) DO NOTHING",
            args![reward_id],
        )
        .await?;
        let done = match stock {
            Some(stock) => {
                self.run(
                    "UPDATE reward_counters SET redeemed = redeemed + $1 WHERE reward_id = $2 AND redeemed + $1 <= $3",
                    args![quantity, reward_id, i64::try_from(stock).unwrap_or(i64::MAX)],
                )
                .await?
            }
            None => {
                self.run(
                    "UPDATE reward_counters SET redeemed = redeemed + $1 WHERE reward_id = $2",
                    args![quantity, reward_id],
                )
                .await?
            }
        };
        Ok(done == 1)
    }

    /// Gives `quantity` units of a reward back to stock (a cancelled redemption).
    pub async fn return_reward_units(&mut self, reward_id: &str, quantity: i64) -> Result<()> {
        self.run(
            "UPDATE reward_counters SET redeemed = redeemed - $1 WHERE reward_id = $2",
            args![quantity, reward_id],
        )
        .await?;
        Ok(())
    }

    /// Units of a reward out in all (not cancelled).
    pub async fn reward_units(&mut self, reward_id: &str) -> Result<u64> {
        let row = self
            .row_opt(
                "SELECT redeemed FROM reward_counters WHERE reward_id = $1",
                args![reward_id],
            )
            .await?;
        let units: i64 = row.map(|r| r.get(0)).transpose()?.unwrap_or(0);
        Ok(u64::try_from(units).unwrap_or(0))
    }

    /// Units of a reward a member has redeemed and not cancelled.
    pub async fn member_reward_units(&mut self, member: MemberId, reward_id: &str) -> Result<u64> {
        let units: i64 = self
            .row(
                "SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) FROM reward_redemptions \
                 WHERE member_id = $1 AND reward_id = $2 AND status <> 'cancelled'",
                args![member.0, reward_id],
            )
            .await?
            .get(0)?;
        Ok(u64::try_from(units).unwrap_or(0))
    }

    /// Records a redemption in its first status (a donation is fulfilled at once).
    pub async fn insert_redemption(
        &mut self,
        r: &NewRedemption,
        status: RedemptionState,
    ) -> Result<RedemptionId> {
        let id: i64 = self
            .row(
                "INSERT INTO reward_redemptions (member_id, reward_id, reward_name, reward_kind, quantity, points, journal_id, status, cause, value_minor, currency, redeemed_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $12, $8, $9, $10, $11) RETURNING id",
                args![
                    r.member.0,
                    &r.reward_id,
                    &r.reward_name,
                    &r.reward_kind,
                    r.quantity,
                    r.points,
                    r.journal.0,
                    &r.cause,
                    r.value_minor,
                    &r.currency,
                    micros(r.redeemed_at),
                    status.as_str(),
                ],
            )
            .await?
            .get(0)?;
        Ok(RedemptionId(id))
    }

    /// Records an issued coupon.
    pub async fn insert_coupon(&mut self, c: &NewCoupon) -> Result<()> {
        self.run(
            "INSERT INTO coupons (code, member_id, redemption_id, reward_id, kind, amount_minor, percent, max_discount_minor, sku, min_spend_minor, currency, issued_at, expires_at, status) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'active')",
            args![
                &c.code,
                c.member.0,
                c.redemption.0,
                &c.reward_id,
                &c.kind,
                c.amount_minor,
                &c.percent,
                c.max_discount_minor,
                &c.sku,
                c.min_spend_minor,
                &c.currency,
                micros(c.issued_at),
                micros(c.expires_at),
            ],
        )
        .await?;
        Ok(())
    }

    /// A redemption with its coupons, read inside the transaction (after its member's lock).
    pub async fn redemption(&mut self, id: RedemptionId) -> Result<Option<Redemption>> {
        let mut found = redemptions(self, "id = $1", id.0, 1).await?;
        Ok(found.pop())
    }

    /// Closes a redemption as fulfilled or cancelled; a cancellation names the posting that
    /// restored its points and cancels its coupons.
    pub async fn close_redemption(
        &mut self,
        id: RedemptionId,
        status: RedemptionState,
        at: Timestamp,
        by: &str,
        restore: Option<JournalId>,
    ) -> Result<()> {
        self.run(
            "UPDATE reward_redemptions SET status = $1, closed_at = $2, closed_by = $3, restore_journal_id = $4 WHERE id = $5",
            args![status.as_str(), micros(at), by, restore.map(|j| j.0), id.0],
        )
        .await?;
        if status == RedemptionState::Cancelled {
            self.run(
                "UPDATE coupons SET status = 'cancelled' WHERE redemption_id = $1",
                args![id.0],
            )
            .await?;
        }
        Ok(())
    }

    /// A coupon by code, read inside the transaction (after its holder's lock).
    pub async fn coupon(&mut self, code: &str) -> Result<Option<StoredCoupon>> {
        coupon_by_code(self, code).await
    }

    /// Marks a coupon used on `order`, or (with `None`) active again.
    pub async fn set_coupon_use(
        &mut self,
        id: i64,
        used: Option<(&str, i64)>,
        at: Timestamp,
    ) -> Result<()> {
        let (status, order, discount, when) = match used {
            Some((order, discount)) => ("consumed", Some(order), Some(discount), Some(micros(at))),
            None => ("active", None, None, None),
        };
        self.run(
            "UPDATE coupons SET status = $1, consumed_order = $2, consumed_discount_minor = $3, consumed_at = $4 WHERE id = $5",
            args![status, order, discount, when, id],
        )
        .await?;
        Ok(())
    }

    /// The lots a posting drew on and how much from each: what a cancellation refills.
    pub async fn drawn_lots(&mut self, journal: JournalId) -> Result<Vec<DrawnLot>> {
        let rows = self
            .rows(
                "SELECT m.lot_id, m.amount, l.earned_at, l.expires_at FROM lot_moves m JOIN lots l ON l.id = m.lot_id \
                 WHERE m.journal_id = $1 AND m.kind = 'draw' ORDER BY m.lot_id",
                args![journal.0],
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(DrawnLot {
                    lot: LotId(row.get("lot_id")?),
                    amount: Points(row.get("amount")?),
                    earned_at: instant(row.get("earned_at")?)?,
                    expires_at: instant_opt(row.get("expires_at")?)?,
                })
            })
            .collect()
    }
}

impl Store {
    /// A redemption with its coupons.
    pub async fn redemption(&self, id: RedemptionId) -> Result<Option<Redemption>> {
        let mut db = self;
        let mut found = redemptions(&mut db, "id = $1", id.0, 1).await?;
        Ok(found.pop())
    }

    /// A member's redemptions, newest first, at most `limit`.
    pub async fn member_redemptions(
        &self,
        member: MemberId,
        limit: u32,
    ) -> Result<Vec<Redemption>> {
        let limit = limit.clamp(1, REDEMPTIONS_PAGE_MAX);
        let mut db = self;
        redemptions(&mut db, "member_id = $1", member.0, limit).await
    }

    /// [`Store::member_redemptions`] older than the redemption `before` (the id of the last
    /// of the previous page), to read them all page by page.
    pub async fn member_redemptions_before(
        &self,
        member: MemberId,
        before: Option<RedemptionId>,
        limit: u32,
    ) -> Result<Vec<Redemption>> {
        let limit = limit.clamp(1, REDEMPTIONS_PAGE_MAX);
        let before = before.map_or(i64::MAX, |r| r.0);
        let mut db = self;
        redemptions_before(&mut db, "member_id = $1", member.0, before, limit).await
    }

    /// A coupon by code.
    pub async fn coupon(&self, code: &str) -> Result<Option<StoredCoupon>> {
        let mut db = self;
        coupon_by_code(&mut db, code).await
    }

    /// A member's unused coupons, soonest expiring first, at most `limit`.
    pub async fn active_coupons(&self, member: MemberId, limit: u32) -> Result<Vec<StoredCoupon>> {
        let sql = format!(
            "SELECT {COUPON_COLUMNS} FROM coupons WHERE member_id = $1 AND status = 'active' ORDER BY expires_at, id LIMIT $2"
        );
        let mut db = self;
        let rows = db.rows(&sql, args![member.0, i64::from(limit)]).await?;
        rows.iter().map(coupon_from).collect()
    }

    /// Units of each reward a member has redeemed and not cancelled.
    pub async fn member_reward_units_all(&self, member: MemberId) -> Result<Vec<(String, u64)>> {
        let mut db = self;
        let rows = db
            .rows(
                "SELECT reward_id, CAST(SUM(quantity) AS BIGINT) FROM reward_redemptions \
                 WHERE member_id = $1 AND status <> 'cancelled' GROUP BY reward_id",
                args![member.0],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let units: i64 = r.get(1)?;
                Ok((r.get(0)?, u64::try_from(units).unwrap_or(0)))
            })
            .collect()
    }

    /// Units out (redeemed, not cancelled) of every reward ever redeemed.
    pub async fn reward_units_out(&self) -> Result<Vec<(String, u64)>> {
        let mut db = self;
        let rows = db
            .rows(
                "SELECT reward_id, redeemed FROM reward_counters ORDER BY reward_id",
                args![],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let units: i64 = r.get(1)?;
                Ok((r.get(0)?, u64::try_from(units).unwrap_or(0)))
            })
            .collect()
    }
}
