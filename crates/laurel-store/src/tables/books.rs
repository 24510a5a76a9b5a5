//! The books' reads and writes: the ledger's records as the books see them (sales, refunds,
//! lots and what left them, cancelled redemptions), read in one snapshot; the estimates of
//! the redemption rate (appended, never edited); and period closes with the standings they
//! lock.

use crate::db::connect::Store;
use crate::db::sql::{Row, Sql, args};
use crate::error::{Result, StoreError};
use crate::tables::audit::{AuditEntry, insert_audit};
use crate::types::{instant, instant_opt, micros};
use jiff::Timestamp;
use laurel_core::books::{
    Capture, Draw, Drawn, HeldPoints, Lot, PoolKind, Records, Refund, Restore, Sale, Standing,
};
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};
use std::str::FromStr;

/// An estimate of the share of points that will be redeemed, in force from its instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BooksEstimate {
    /// Its id (zero before it is stored).
    pub id: i64,
    /// When it takes effect.
    pub effective_from: Timestamp,
    /// The expected redemption rate, above 0 and at most 1.
    pub rate: Decimal,
    /// Why it was made.
    pub note: String,
    /// Who recorded it.
    pub actor: String,
    /// When it was recorded.
    pub recorded_at: Timestamp,
}

/// A period close.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BooksClose {
    /// Its id (zero before it is stored).
    pub id: i64,
    /// The period's name.
    pub period: String,
    /// Its first instant.
    pub period_start: Timestamp,
    /// The instant after its last: the books are locked up to here.
    pub period_end: Timestamp,
    /// Who closed it.
    pub actor: String,
    /// When.
    pub closed_at: Timestamp,
}

/// Where both pools stood at a period end a close locked, and the rate then.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockedStanding {
    /// The period end.
    pub at: Timestamp,
    /// The expected redemption rate in force then.
    pub rate: Decimal,
    /// The sales pool's and the given pool's standings.
    pub pools: [Standing; 2],
}

/// Why a close or an estimate was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloseRefused {
    /// The books are already closed up to this instant, at or after the period's end.
    AlreadyClosed(Timestamp),
    /// An estimate was recorded after the close's figures were worked out: work them out
    /// again.
    EstimatesChanged,
}

const POOLS: [(PoolKind, &str); 2] = [(PoolKind::Sales, "sales"), (PoolKind::Given, "given")];

impl Store {
    /// The ledger's records the books read, of everything that took effect before `until`,
    /// with money in major units of a currency of `digits` decimals; read in one snapshot.
    pub async fn books_records(&self, until: Timestamp, digits: u32) -> Result<Records> {
        let mut tx = self.begin_snapshot().await?;
        let until = micros(until);
        let money = |minor: i64| Decimal::new(minor, digits);
        let sales: Vec<(i64, Sale)> = tx
            .rows(
                "SELECT p.id, p.lot_id, l.journal_id, p.occurred_at, p.recorded_at, p.total_minor, \
                 p.tier_discount_minor, p.points_earned, e.price AS partner_price \
                 FROM purchases p JOIN lots l ON l.id = p.lot_id \
                 LEFT JOIN partner_entries e ON e.journal_id = l.journal_id \
                 WHERE p.points_earned > 0 AND p.occurred_at < $1",
                args![until],
            )
            .await?
            .iter()
            .map(|r| {
                let total: i64 = r.get("total_minor")?;
                let discount: i64 = r.get("tier_discount_minor")?;
                Ok((
                    r.get("lot_id")?,
                    Sale {
                        purchase: r.get("id")?,
                        posting: r.get("journal_id")?,
                        at: instant(r.get("occurred_at")?)?,
                        recorded_at: instant(r.get("recorded_at")?)?,
                        total: money(total),
                        paid: money((total - discount).max(0)),
                        points: r.get("points_earned")?,
                        partner_price: r
                            .get::<Option<String>>("partner_price")?
                            .map(|p| {
                                p.parse().map_err(|_| {
                                    StoreError::Corrupt(format!("partner entry price `{p}`"))
                                })
                            })
                            .transpose()?,
                    },
                ))
            })
            .collect::<Result<_>>()?;
        let sale_lots: HashSet<i64> = sales.iter().map(|s| s.0).collect();
        let refunds = tx
            .rows(
                "SELECT r.purchase_id, r.journal_id, COALESCE(j.effective_at, r.recorded_at) AS at, \
                 r.amount_minor FROM refunds r LEFT JOIN journal j ON j.id = r.journal_id \
                 WHERE COALESCE(j.effective_at, r.recorded_at) < $1",
                args![until],
            )
            .await?
            .iter()
            .map(|r| {
                Ok(Refund {
                    purchase: r.get("purchase_id")?,
                    posting: r.get("journal_id")?,
                    at: instant(r.get("at")?)?,
                    amount: money(r.get("amount_minor")?),
                })
            })
            .collect::<Result<_>>()?;
        let lots = tx
            .rows(
                "SELECT l.id, l.journal_id, j.effective_at, j.posted_at, l.expires_at, m.amount, \
                 l.carried_from, l.amount AS carried \
                 FROM lots l JOIN journal j ON j.id = l.journal_id \
                 JOIN lot_moves m ON m.journal_id = l.journal_id AND m.lot_id = l.id \
                 WHERE j.effective_at < $1",
                args![until],
            )
            .await?
            .iter()
            .map(|r| {
                let id = r.get("id")?;
                Ok(Lot {
                    id,
                    posting: r.get("journal_id")?,
                    at: instant(r.get("effective_at")?)?,
                    recorded_at: instant(r.get("posted_at")?)?,
                    of_sale: sale_lots.contains(&id),
                    opened: r.get("amount")?,
                    expires_at: instant_opt(r.get("expires_at")?)?,
                    carried_from: match r.get::<Option<i64>>("carried_from")? {
                        Some(from) => Some((from, r.get("carried")?)),
                        None => None,
                    },
                })
            })
            .collect::<Result<_>>()?;
        let draws: Vec<Draw> = tx
            .rows(
                "SELECT m.lot_id, m.journal_id, m.kind AS move_kind, m.amount, j.kind, j.effective_at \
                 FROM lot_moves m JOIN journal j ON j.id = m.journal_id \
                 WHERE m.kind IN ('draw', 'release') AND m.amount > 0 AND j.effective_at < $1",
                args![until],
            )
            .await?
            .iter()
            .map(draw)
            .collect::<Result<_>>()?;
        let restores = restores(&mut tx, until, &draws).await?;
        let holds = held_points(&mut tx, until).await?;
        tx.rollback().await?;
        Ok(Records {
            sales: sales.into_iter().map(|s| s.1).collect(),
            refunds,
            lots,
            draws,
            restores,
            holds,
        })
    }

    /// Every estimate recorded, in the order they take effect (ties: the later recorded last).
    pub async fn books_estimates(&self) -> Result<Vec<BooksEstimate>> {
        let mut db = self;
        db.rows(
            "SELECT id, effective_from, rate, note, actor, recorded_at FROM books_estimates \
             ORDER BY effective_from, id",
            args![],
        )
        .await?
        .iter()
        .map(|r| {
            Ok(BooksEstimate {
                id: r.get("id")?,
                effective_from: instant(r.get("effective_from")?)?,
                rate: decimal(r, "rate")?,
                note: r.get("note")?,
                actor: r.get("actor")?,
                recorded_at: instant(r.get("recorded_at")?)?,
            })
        })
        .collect()
    }

    /// Records an estimate, with its audit entry, unless the books are closed at or after the
    /// instant it takes effect; its id, or the end of the books' last close.
    pub async fn insert_books_estimate(
        &self,
        estimate: &BooksEstimate,
        audit: &AuditEntry,
    ) -> Result<std::result::Result<i64, CloseRefused>> {
        let mut tx = self.begin().await?;
        take_turn(&mut tx).await?;
        if let Some(end) = closed_through(&mut tx).await?
            && end > estimate.effective_from
        {
            return Ok(Err(CloseRefused::AlreadyClosed(end)));
        }
        let id: i64 = tx
            .row(
                "INSERT INTO books_estimates (effective_from, rate, note, actor, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
                args![
                    micros(estimate.effective_from),
                    estimate.rate.to_string().as_str(),
                    &estimate.note,
                    &estimate.actor,
                    micros(estimate.recorded_at),
                ],
            )
            .await?
            .get(0)?;
        insert_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(Ok(id))
    }

    /// Every close, oldest first.
    pub async fn books_closes(&self) -> Result<Vec<BooksClose>> {
        let mut db = self;
        db.rows(
            "SELECT id, period, period_start, period_end, actor, closed_at FROM books_closes \
             ORDER BY period_end",
            args![],
        )
        .await?
        .iter()
        .map(|r| {
            Ok(BooksClose {
                id: r.get("id")?,
                period: r.get("period")?,
                period_start: instant(r.get("period_start")?)?,
                period_end: instant(r.get("period_end")?)?,
                actor: r.get("actor")?,
                closed_at: instant(r.get("closed_at")?)?,
            })
        })
        .collect()
    }

    /// Every standing a close locked, by instant.
    pub async fn books_locked(&self) -> Result<Vec<LockedStanding>> {
        let mut db = self;
        let rows = db
            .rows(
                "SELECT at, pool, rate, put_in, reversed, recognised, breakage, issued, taken_back, \
                 redeemed, expired FROM books_standings ORDER BY at, pool",
                args![],
            )
            .await?;
        let mut out: Vec<LockedStanding> = Vec::new();
        for r in &rows {
            let at = instant(r.get("at")?)?;
            let pool: String = r.get("pool")?;
            let index = POOLS
                .iter()
                .position(|(_, name)| *name == pool)
                .ok_or_else(|| StoreError::Corrupt(format!("books pool `{pool}`")))?;
            let standing = Standing {
                put_in: decimal(r, "put_in")?,
                reversed: decimal(r, "reversed")?,
                recognised: decimal(r, "recognised")?,
                breakage: decimal(r, "breakage")?,
                issued: r.get("issued")?,
                taken_back: r.get("taken_back")?,
                redeemed: r.get("redeemed")?,
                expired: r.get("expired")?,
            };
            if out.last().is_none_or(|l| l.at != at) {
                out.push(LockedStanding {
                    at,
                    rate: decimal(r, "rate")?,
                    pools: [Standing::default(); 2],
                });
            }
            if let Some(last) = out.last_mut() {
                last.pools[index] = standing;
            }
        }
        Ok(out)
    }

    /// Closes a period, locking `standings` (each boundary it covers, the last its end),
    /// with its audit entry; refused when the books are closed up to its end or later, or
    /// when an estimate was recorded since `estimates_seen` (the last one the standings were
    /// worked out with).
    pub async fn close_books(
        &self,
        close: &BooksClose,
        standings: &[LockedStanding],
        estimates_seen: Option<i64>,
        audit: &AuditEntry,
    ) -> Result<std::result::Result<i64, CloseRefused>> {
        let mut tx = self.begin().await?;
        take_turn(&mut tx).await?;
        if let Some(end) = closed_through(&mut tx).await?
            && end >= close.period_end
        {
            return Ok(Err(CloseRefused::AlreadyClosed(end)));
        }
        let last: Option<i64> = tx
            .row("SELECT MAX(id) FROM books_estimates", args![])
            .await?
            .get(0)?;
        if last != estimates_seen {
            return Ok(Err(CloseRefused::EstimatesChanged));
        }
        let id: i64 = match tx
            .row(
                "INSERT INTO books_closes (period, period_start, period_end, actor, closed_at) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
                args![
                    &close.period,
                    micros(close.period_start),
                    micros(close.period_end),
                    &close.actor,
                    micros(close.closed_at),
                ],
            )
            .await
        {
            Ok(row) => row.get(0)?,
            // Another close of the same period committed first.
            Err(e) if e.is_unique_violation() => {
                return Ok(Err(CloseRefused::AlreadyClosed(close.period_end)));
            }
            Err(e) => return Err(e),
        };
        for s in standings {
            for ((_, pool), standing) in POOLS.iter().zip(&s.pools) {
                let inserted = tx
                    .run(
                        "INSERT INTO books_standings (at, pool, close_id, rate, put_in, reversed, \
                         recognised, breakage, issued, taken_back, redeemed, expired) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                        args![
                            micros(s.at),
                            *pool,
                            id,
                            s.rate.to_string().as_str(),
                            standing.put_in.to_string().as_str(),
                            standing.reversed.to_string().as_str(),
                            standing.recognised.to_string().as_str(),
                            standing.breakage.to_string().as_str(),
                            standing.issued,
                            standing.taken_back,
                            standing.redeemed,
                            standing.expired,
                        ],
                    )
                    .await;
                match inserted {
                    Ok(_) => {}
                    // A close of an overlapping range committed first.
                    Err(e) if e.is_unique_violation() => {
                        return Ok(Err(CloseRefused::AlreadyClosed(s.at)));
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        insert_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(Ok(id))
    }
}

/// Waits for the books' turn: every estimate and close updates the one row first, so they
/// run one after another on both backends.
async fn take_turn<S: Sql>(db: &mut S) -> Result<()> {
    db.run(
        "UPDATE books_lock SET writes = writes + 1 WHERE id = 1",
        args![],
    )
    .await?;
    Ok(())
}

/// The end of the books' last close, if any.
async fn closed_through<S: Sql>(db: &mut S) -> Result<Option<Timestamp>> {
    let row = db
        .row("SELECT MAX(period_end) FROM books_closes", args![])
        .await?;
    instant_opt(row.get(0)?)
}

fn decimal(r: &Row, column: &str) -> Result<Decimal> {
    let text: String = r.get(column)?;
    Decimal::from_str(&text).map_err(|e| StoreError::Corrupt(format!("{column} `{text}`: {e}")))
}

fn draw(r: &Row) -> Result<Draw> {
    let move_kind: String = r.get("move_kind")?;
    let posting_kind: String = r.get("kind")?;
    // A release that repays what a member owed takes points back; a draw is what its posting
    // is.
    let why = match (move_kind.as_str(), posting_kind.as_str()) {
        ("draw", "redeem") => Drawn::Redeemed,
        ("draw", "expire") => Drawn::Expired,
        ("draw", "adjust_debit" | "forfeit") => Drawn::Forfeited,
        ("draw", "transfer_out") => Drawn::Carried,
        ("draw", "hold") => Drawn::Held,
        // A transfer's fee is points spent.
        ("draw", "transfer_fee") => Drawn::Redeemed,
        _ => Drawn::TakenBack,
    };
    Ok(Draw {
        lot: r.get("lot_id")?,
        posting: r.get("journal_id")?,
        at: instant(r.get("effective_at")?)?,
        why,
        points: r.get("amount")?,
    })
}

/// Cancelled reward redemptions: what each drew, and what went back into each lot.
async fn restores<S: Sql>(db: &mut S, until: i64, draws: &[Draw]) -> Result<Vec<Restore>> {
    let cancelled = db
        .rows(
            "SELECT r.journal_id, r.restore_journal_id, j.effective_at FROM reward_redemptions r \
             JOIN journal j ON j.id = r.restore_journal_id WHERE j.effective_at < $1",
            args![until],
        )
        .await?;
    if cancelled.is_empty() {
        return Ok(Vec::new());
    }
    let mut drawn: HashMap<i64, Vec<(i64, i64)>> = HashMap::new();
    for d in draws {
        drawn.entry(d.posting).or_default().push((d.lot, d.points));
    }
    let mut refilled: HashMap<i64, Vec<(i64, i64)>> = HashMap::new();
    for r in db
        .rows(
            "SELECT journal_id, lot_id, amount FROM lot_moves WHERE kind = 'refill'",
            args![],
        )
        .await?
    {
        refilled
            .entry(r.get("journal_id")?)
            .or_default()
            .push((r.get("lot_id")?, r.get("amount")?));
    }
    cancelled
        .iter()
        .map(|r| {
            let redemption: i64 = r.get("journal_id")?;
            let posting: i64 = r.get("restore_journal_id")?;
            Ok(Restore {
                posting,
                at: instant(r.get("effective_at")?)?,
                drawn: drawn.remove(&redemption).unwrap_or_default(),
                refilled: refilled.remove(&posting).unwrap_or_default(),
            })
        })
        .collect()
}

/// Point holds closed before `until`: what each capture spent of each lot, and what each
/// release gave back of what was left. Two statements, whatever the number of holds.
async fn held_points<S: Sql>(db: &mut S, until: i64) -> Result<Vec<HeldPoints>> {
    let rows = db
        .rows(
            "SELECT h.id, h.capture_journal_id, c.effective_at AS captured_at, \
             h.release_journal_id, r.effective_at AS released_at, \
             l.lot_id, l.points, l.captured FROM point_holds h \
             JOIN point_hold_lots l ON l.hold_id = h.id \
             LEFT JOIN journal c ON c.id = h.capture_journal_id \
             LEFT JOIN journal r ON r.id = h.release_journal_id \
             WHERE h.state <> 'held' AND h.closed_at < $1 ORDER BY h.id, l.lot_id",
            args![until],
        )
        .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let mut refilled: HashMap<i64, Vec<(i64, i64)>> = HashMap::new();
    for r in db
        .rows(
            "SELECT m.journal_id, m.lot_id, m.amount FROM lot_moves m \
             JOIN point_holds h ON h.release_journal_id = m.journal_id \
             WHERE m.kind = 'refill' AND h.closed_at < $1",
            args![until],
        )
        .await?
    {
        refilled
            .entry(r.get("journal_id")?)
            .or_default()
            .push((r.get("lot_id")?, r.get("amount")?));
    }
    let mut out: Vec<HeldPoints> = Vec::new();
    let mut current: Option<i64> = None;
    for r in &rows {
        let id: i64 = r.get("id")?;
        if current != Some(id) {
            current = Some(id);
            let captured = match r.get::<Option<i64>>("capture_journal_id")? {
                Some(posting) => Some(Capture {
                    posting,
                    at: instant(r.get("captured_at")?)?,
                    spent: Vec::new(),
                }),
                None => None,
            };
            let released = match r.get::<Option<i64>>("release_journal_id")? {
                Some(posting) => Some(Restore {
                    posting,
                    at: instant(r.get("released_at")?)?,
                    drawn: Vec::new(),
                    refilled: refilled.remove(&posting).unwrap_or_default(),
                }),
                None => None,
            };
            out.push(HeldPoints { captured, released });
        }
        let (lot, points, captured): (i64, i64, i64) =
            (r.get("lot_id")?, r.get("points")?, r.get("captured")?);
        if let Some(hold) = out.last_mut() {
            if let Some(c) = hold.captured.as_mut().filter(|_| captured > 0) {
                c.spent.push((lot, captured));
            }
            if let Some(back) = hold.released.as_mut().filter(|_| points > captured) {
                back.drawn.push((lot, points - captured));
            }
        }
    }
    Ok(out)
}
