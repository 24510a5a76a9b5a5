//! Points held at checkouts: each hold with the lots it drew on and what its capture spent of
//! each, its state and expiry, the postings that made and closed it; what a member has held,
//! the holds due to lapse, and the check that the held account is what open holds hold.

use crate::db::connect::Store;
use crate::db::sql::{Row, Sql, args};
use crate::error::{Result, StoreError};
use crate::types::{JournalId, MemberId, instant, instant_opt, micros};
use crate::write::tx::Tx;
use jiff::Timestamp;
use laurel_core::Points;
use laurel_core::ledger::{DrawnLot, LotId};
use laurel_core::wallet::HoldState;

/// A point hold as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPointHold {
    /// Its id (of the one series wallet holds share).
    pub id: i64,
    /// Whose points.
    pub member: MemberId,
    /// Points it holds (or held).
    pub points: Points,
    /// Where it stands.
    pub state: HoldState,
    /// What its capture spent.
    pub captured: Points,
    /// The caller's reference (the order).
    pub reference: String,
    /// The posting that made it.
    pub hold_journal: JournalId,
    /// When it was made.
    pub held_at: Timestamp,
    /// When it lapses if not captured.
    pub expires_at: Timestamp,
    /// When it was closed.
    pub closed_at: Option<Timestamp>,
    /// What it drew of each lot, with each lot's expiry.
    pub drawn: Vec<DrawnLot>,
}

/// A point hold to store.
#[derive(Debug, Clone)]
pub struct NewPointHold<'a> {
    /// Its id, when taken beforehand with `Store::next_hold_id`; else the next, taken here.
    pub id: Option<i64>,
    /// Whose.
    pub member: MemberId,
    /// Points held.
    pub points: Points,
    /// The order's reference.
    pub reference: &'a str,
    /// The posting that made it.
    pub hold_journal: JournalId,
    /// What it drew of each lot.
    pub drawn: &'a [DrawnLot],
    /// When.
    pub held_at: Timestamp,
    /// When it lapses.
    pub expires_at: Timestamp,
}

/// How a point hold was closed.
#[derive(Debug, Clone)]
pub struct PointHoldClose<'a> {
    /// Its state now.
    pub state: HoldState,
    /// The capture's posting and what it spent of each lot, if it was captured.
    pub capture: Option<(JournalId, &'a [DrawnLot])>,
    /// The posting that gave back what was not spent, if any was left.
    pub release: Option<JournalId>,
    /// When.
    pub at: Timestamp,
}

/// What the point holds' check found wrong; empty when it is whole.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PointHoldCheck {
    /// Holds whose lots do not add up to what they hold, or whose capture spent more.
    pub broken: Vec<i64>,
    /// Points on the held account less what open holds hold (zero when whole).
    pub held_difference: i64,
}

impl PointHoldCheck {
    /// True when nothing is wrong.
    pub fn is_whole(&self) -> bool {
        self.broken.is_empty() && self.held_difference == 0
    }
}

const COLUMNS: &str = "id, member_id, points, state, captured, reference, hold_journal_id, \
    held_at, expires_at, closed_at";

impl Tx {
    /// Stores a new point hold and what it drew; its id.
    pub async fn insert_point_hold(&mut self, h: &NewPointHold<'_>) -> Result<i64> {
        let id = self.hold_id(h.id).await?;
        self.run(
            "INSERT INTO point_holds (id, member_id, points, state, reference, hold_journal_id, \
             held_at, expires_at) VALUES ($1, $2, $3, 'held', $4, $5, $6, $7)",
            args![
                id,
                h.member.0,
                h.points.get(),
                h.reference,
                h.hold_journal.0,
                micros(h.held_at),
                micros(h.expires_at)
            ],
        )
        .await?;
        for d in h.drawn {
            self.run(
                "INSERT INTO point_hold_lots (hold_id, lot_id, points) VALUES ($1, $2, $3)",
                args![id, d.lot.0, d.amount.get()],
            )
            .await?;
        }
        Ok(id)
    }

    /// Points `member` has held at checkouts, as this transaction sees them.
    pub async fn points_held(&mut self, member: MemberId) -> Result<Points> {
        held_by(self, member).await
    }

    /// The point hold, locked until the transaction ends.
    pub async fn lock_point_hold(&mut self, id: i64) -> Result<Option<StoredPointHold>> {
        let lock = self.backend.lock_rows();
        point_hold(self, id, lock).await
    }

    /// Closes a point hold that is still held; false when it was not.
    pub async fn close_point_hold(&mut self, id: i64, close: &PointHoldClose<'_>) -> Result<bool> {
        let captured: i64 = close
            .capture
            .map_or(0, |(_, spent)| spent.iter().map(|d| d.amount.get()).sum());
        let changed = self
            .run(
                "UPDATE point_holds SET state = $2, captured = $3, capture_journal_id = $4, \
                 release_journal_id = $5, closed_at = $6 WHERE id = $1 AND state = 'held'",
                args![
                    id,
                    close.state.as_str(),
                    captured,
                    close.capture.map(|(j, _)| j.0),
                    close.release.map(|j| j.0),
                    micros(close.at)
                ],
            )
            .await?;
        if let Some((_, spent)) = close.capture {
            for d in spent {
                self.run(
                    "UPDATE point_hold_lots SET captured = $3 WHERE hold_id = $1 AND lot_id = $2",
                    args![id, d.lot.0, d.amount.get()],
                )
                .await?;
            }
        }
        Ok(changed == 1)
    }
}

impl Store {
    /// A point hold, if there is one with that id.
    pub async fn point_hold(&self, id: i64) -> Result<Option<StoredPointHold>> {
        let mut db = self;
        point_hold(&mut db, id, "").await
    }

    /// Points `member` has held at checkouts now.
    pub async fn points_held(&self, member: MemberId) -> Result<Points> {
        let mut db = self;
        held_by(&mut db, member).await
    }

    /// Point holds still held past their expiry as of `now`, soonest first, at most `limit`:
    /// each with its member.
    pub async fn due_point_holds(
        &self,
        now: Timestamp,
        limit: u32,
    ) -> Result<Vec<(i64, MemberId)>> {
        let mut db = self;
        db.rows(
            "SELECT id, member_id FROM point_holds WHERE state = 'held' AND expires_at <= $1 \
             ORDER BY expires_at, id LIMIT $2",
            args![micros(now), i64::from(limit)],
        )
        .await?
        .iter()
        .map(|r| Ok((r.get("id")?, MemberId(r.get("member_id")?))))
        .collect()
    }

    /// Checks every point hold's lots against what it holds and spent, and the held account
    /// against what open holds hold.
    pub async fn check_point_holds(&self) -> Result<PointHoldCheck> {
        let mut db = self;
        let broken = db
            .rows(
                "SELECT h.id FROM point_holds h LEFT JOIN point_hold_lots l ON l.hold_id = h.id \
                 GROUP BY h.id, h.points, h.captured \
                 HAVING COALESCE(SUM(l.points), 0) <> h.points \
                 OR COALESCE(SUM(l.captured), 0) <> h.captured ORDER BY h.id",
                args![],
            )
            .await?
            .iter()
            .map(|r| r.get(0))
            .collect::<Result<Vec<i64>>>()?;
        let on_account: i64 = db
            .row(
                "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM entries \
                 WHERE account = 'program_held'",
                args![],
            )
            .await?
            .get(0)?;
        let open: i64 = db
            .row(
                "SELECT CAST(COALESCE(SUM(points), 0) AS BIGINT) FROM point_holds \
                 WHERE state = 'held'",
                args![],
            )
            .await?
            .get(0)?;
        Ok(PointHoldCheck {
            broken,
            held_difference: on_account - open,
        })
    }
}

async fn held_by<S: Sql>(db: &mut S, member: MemberId) -> Result<Points> {
    let row = db
        .row(
            "SELECT CAST(COALESCE(SUM(points), 0) AS BIGINT) FROM point_holds \
             WHERE member_id = $1 AND state = 'held'",
            args![member.0],
        )
        .await?;
    Ok(Points(row.get(0)?))
}

async fn point_hold<S: Sql>(db: &mut S, id: i64, lock: &str) -> Result<Option<StoredPointHold>> {
    let sql = format!("SELECT {COLUMNS} FROM point_holds WHERE id = $1{lock}");
    let Some(row) = db.rows(&sql, args![id]).await?.into_iter().next() else {
        return Ok(None);
    };
    let drawn = db
        .rows(
            "SELECT h.lot_id, h.points, l.earned_at, l.expires_at FROM point_hold_lots h \
             JOIN lots l ON l.id = h.lot_id WHERE h.hold_id = $1 ORDER BY h.lot_id",
            args![id],
        )
        .await?
        .iter()
        .map(|r| {
            Ok(DrawnLot {
                lot: LotId(r.get("lot_id")?),
                amount: Points(r.get("points")?),
                earned_at: instant(r.get("earned_at")?)?,
                expires_at: instant_opt(r.get("expires_at")?)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    stored(&row, drawn).map(Some)
}

fn stored(row: &Row, drawn: Vec<DrawnLot>) -> Result<StoredPointHold> {
    let state: String = row.get("state")?;
    Ok(StoredPointHold {
        id: row.get("id")?,
        member: MemberId(row.get("member_id")?),
        points: Points(row.get("points")?),
        state: state
            .parse()
            .map_err(|e: laurel_core::UnknownState| StoreError::Corrupt(e.to_string()))?,
        captured: Points(row.get("captured")?),
        reference: row.get("reference")?,
        hold_journal: JournalId(row.get("hold_journal_id")?),
        held_at: instant(row.get("held_at")?)?,
        expires_at: instant(row.get("expires_at")?)?,
        closed_at: instant_opt(row.get("closed_at")?)?,
        drawn,
    })
}
