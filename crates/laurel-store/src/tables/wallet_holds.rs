//! Checkout holds on wallets: each hold with what it holds of each kind, its state and expiry,
//! the move that made it and the one that closed it; the holds due to lapse.

use crate::db::connect::Store;
use crate::db::sql::{Row, Sql, args};
use crate::error::{Result, StoreError};
use crate::types::{MemberId, instant, instant_opt, micros};
use crate::write::tx::Tx;
use jiff::Timestamp;
use laurel_core::wallet::{HoldState, Paid};

/// A hold as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredHold {
    /// Its id.
    pub id: i64,
    /// The wallet it holds value of.
    pub wallet: i64,
    /// Whose wallet.
    pub member: MemberId,
    /// What it holds (or held) of each kind.
    pub held: Paid,
    /// Where it stands.
    pub state: HoldState,
    /// What its capture paid.
    pub captured: i64,
    /// The caller's reference (the order).
    pub reference: String,
    /// The move that made it.
    pub hold_move: i64,
    /// The move that closed it.
    pub close_move: Option<i64>,
    /// When it was made.
    pub held_at: Timestamp,
    /// When it lapses if not captured.
    pub expires_at: Timestamp,
    /// When it was closed.
    pub closed_at: Option<Timestamp>,
}

/// A hold to store.
#[derive(Debug, Clone)]
pub struct NewHold<'a> {
    /// Its id, when taken beforehand with [`Store::next_hold_id`]; else the next, taken here.
    pub id: Option<i64>,
    /// The wallet.
    pub wallet: i64,
    /// Whose.
    pub member: MemberId,
    /// What it holds.
    pub held: Paid,
    /// The order's reference.
    pub reference: &'a str,
    /// The move that made it.
    pub hold_move: i64,
    /// When.
    pub held_at: Timestamp,
    /// When it lapses.
    pub expires_at: Timestamp,
}

/// How a hold was closed.
#[derive(Debug, Clone, Copy)]
pub struct HoldClose {
    /// Its state now.
    pub state: HoldState,
    /// What was captured (zero unless captured).
    pub captured: i64,
    /// The move that closed it.
    pub close_move: i64,
    /// When.
    pub at: Timestamp,
}

const COLUMNS: &str = "id, wallet_id, member_id, principal_minor, bonus_minor, state, captured_minor, \
    reference, hold_move_id, close_move_id, held_at, expires_at, closed_at";

impl Tx {
    /// `taken`, or the next id of the holds' series taken in this transaction.
    pub(crate) async fn hold_id(&mut self, taken: Option<i64>) -> Result<i64> {
        match taken {
            Some(id) => Ok(id),
            None => next_hold_id(self).await,
        }
    }

    /// Stores a new hold; its id.
    pub async fn insert_hold(&mut self, h: &NewHold<'_>) -> Result<i64> {
        let id = self.hold_id(h.id).await?;
        self.run(
            "INSERT INTO wallet_holds (id, wallet_id, member_id, principal_minor, bonus_minor, \
             state, reference, hold_move_id, held_at, expires_at) \
             VALUES ($9, $1, $2, $3, $4, 'held', $5, $6, $7, $8)",
            args![
                h.wallet,
                h.member.0,
                h.held.principal,
                h.held.bonus,
                h.reference,
                h.hold_move,
                micros(h.held_at),
                micros(h.expires_at),
                id
            ],
        )
        .await?;
        Ok(id)
    }

    /// The hold, locked until the transaction ends.
    pub async fn lock_hold(&mut self, id: i64) -> Result<Option<StoredHold>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM wallet_holds WHERE id = $1{}",
            self.backend.lock_rows()
        );
        self.rows(&sql, args![id])
            .await?
            .first()
            .map(hold)
            .transpose()
    }

    /// Closes a hold that is still held; false when it was not.
    pub async fn close_hold(&mut self, id: i64, close: &HoldClose) -> Result<bool> {
        let changed = self
            .run(
                "UPDATE wallet_holds SET state = $2, captured_minor = $3, close_move_id = $4, \
                 closed_at = $5 WHERE id = $1 AND state = 'held'",
                args![
                    id,
                    close.state.as_str(),
                    close.captured,
                    close.close_move,
                    micros(close.at)
                ],
            )
            .await?;
        Ok(changed == 1)
    }
}

impl Store {
    /// The next id of the holds' one series, wallet holds and point holds alike, taken in a
    /// statement of its own before the hold is written, so no write batch holds the counter
    /// (a hold refused leaves its number unused); `None` on SQLite, whose one writer takes it
    /// inside its transaction (a statement of its own would wait for the writer's lock).
    pub async fn next_hold_id(&self) -> Result<Option<i64>> {
        if self.blocks_writers() {
            return Ok(None);
        }
        let mut db = self;
        next_hold_id(&mut db).await.map(Some)
    }

    /// A hold, if there is one with that id.
    pub async fn hold(&self, id: i64) -> Result<Option<StoredHold>> {
        let mut db = self;
        db.rows(
            &format!("SELECT {COLUMNS} FROM wallet_holds WHERE id = $1"),
            args![id],
        )
        .await?
        .first()
        .map(hold)
        .transpose()
    }

    /// Holds still held past their expiry as of `now`, soonest first, at most `limit`: each
    /// with its member.
    pub async fn due_holds(&self, now: Timestamp, limit: u32) -> Result<Vec<(i64, MemberId)>> {
        let mut db = self;
        db.rows(
            "SELECT id, member_id FROM wallet_holds WHERE state = 'held' AND expires_at <= $1 \
             ORDER BY expires_at, id LIMIT $2",
            args![micros(now), i64::from(limit)],
        )
        .await?
        .iter()
        .map(|r| Ok((r.get("id")?, MemberId(r.get("member_id")?))))
        .collect()
    }
}

async fn next_hold_id<S: Sql>(db: &mut S) -> Result<i64> {
    db.row(
        "UPDATE hold_numbers SET last = last + 1 WHERE id = 1 RETURNING last",
        args![],
    )
    .await?
    .get(0)
}

fn hold(row: &Row) -> Result<StoredHold> {
    let state: String = row.get("state")?;
    Ok(StoredHold {
        id: row.get("id")?,
        wallet: row.get("wallet_id")?,
        member: MemberId(row.get("member_id")?),
        held: Paid {
            principal: row.get("principal_minor")?,
            bonus: row.get("bonus_minor")?,
        },
        state: state
            .parse()
            .map_err(|e: laurel_core::UnknownState| StoreError::Corrupt(e.to_string()))?,
        captured: row.get("captured_minor")?,
        reference: row.get("reference")?,
        hold_move: row.get("hold_move_id")?,
        close_move: row.get("close_move_id")?,
        held_at: instant(row.get("held_at")?)?,
        expires_at: instant(row.get("expires_at")?)?,
        closed_at: instant_opt(row.get("closed_at")?)?,
    })
}
