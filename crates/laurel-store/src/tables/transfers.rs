//! Points members sent each other: each transfer with the journal rows that made it, what a
//! member sent in a day (the daily limit reads it under the sender's lock), and the check that
//! every transfer's two sides match and the clearing account is empty.

use crate::db::connect::Store;
use crate::db::sql::{Row, Sql, args};
use crate::error::Result;
use crate::types::{JournalId, MemberId, instant, micros};
use crate::write::tx::Tx;
use jiff::Timestamp;
use laurel_core::Points;

/// A transfer to store: what the write path posted for it.
#[derive(Debug, Clone)]
pub struct NewTransfer<'a> {
    /// Who sent.
    pub sender: MemberId,
    /// Who received.
    pub receiver: MemberId,
    /// Points moved.
    pub points: Points,
    /// Points the sender paid for it.
    pub fee: Points,
    /// The sender's `transfer_out` posting.
    pub out_journal: JournalId,
    /// The receiver's `transfer_in` posting.
    pub in_journal: JournalId,
    /// The sender's `transfer_fee` posting, when there was a fee.
    pub fee_journal: Option<JournalId>,
    /// The sender's words to the receiver.
    pub message: Option<&'a str>,
    /// Who made it on the sender's behalf (staff), if not the sender.
    pub actor: Option<&'a str>,
    /// The household it lent points within, for a member's spending (no fee).
    pub household: Option<i64>,
    /// When it gives a lend back: the posting the lend paid toward (a cancelled reward's).
    pub gives_back: Option<JournalId>,
    /// When.
    pub created_at: Timestamp,
}

/// One side of a transfer: a member as the other side sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferParty {
    /// The member.
    pub id: MemberId,
    /// Their id in the business's systems.
    pub external_id: String,
    /// Their name, if given.
    pub name: Option<String>,
}

/// A transfer as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTransfer {
    /// Its id.
    pub id: i64,
    /// Who sent.
    pub sender: TransferParty,
    /// Who received.
    pub receiver: TransferParty,
    /// Points moved.
    pub points: Points,
    /// Points the sender paid for it.
    pub fee: Points,
    /// The sender's words to the receiver.
    pub message: Option<String>,
    /// Who made it on the sender's behalf, if staff did.
    pub actor: Option<String>,
    /// The household it lent points within, for the receiver's spending.
    pub household: Option<i64>,
    /// When.
    pub created_at: Timestamp,
}

/// What the transfers' check found wrong; empty when it is whole.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TransferCheck {
    /// Transfers whose postings are missing, another member's, another kind, or move other
    /// points than the transfer says.
    pub mismatched: Vec<i64>,
    /// Transfer postings no transfer names.
    pub orphan_postings: Vec<i64>,
    /// Points left on the clearing account (zero when every transfer took both sides).
    pub in_transit: i64,
}

impl TransferCheck {
    /// True when nothing is wrong.
    pub fn is_whole(&self) -> bool {
        self.mismatched.is_empty() && self.orphan_postings.is_empty() && self.in_transit == 0
    }
}

const COLUMNS: &str = "t.id, t.points, t.fee, t.message, t.actor, t.household_id, t.created_at, \
     t.sender_id, s.external_id AS sender_external, s.name AS sender_name, \
     t.receiver_id, r.external_id AS receiver_external, r.name AS receiver_name";

const FROM: &str = "transfers t JOIN members s ON s.id = t.sender_id \
     JOIN members r ON r.id = t.receiver_id";

fn transfer_from_row(r: &Row) -> Result<StoredTransfer> {
    Ok(StoredTransfer {
        id: r.get("id")?,
        sender: TransferParty {
            id: MemberId(r.get("sender_id")?),
            external_id: r.get("sender_external")?,
            name: r.get("sender_name")?,
        },
        receiver: TransferParty {
            id: MemberId(r.get("receiver_id")?),
            external_id: r.get("receiver_external")?,
            name: r.get("receiver_name")?,
        },
        points: Points(r.get("points")?),
        fee: Points(r.get("fee")?),
        message: r.get("message")?,
        actor: r.get("actor")?,
        household: r.get("household_id")?,
        created_at: instant(r.get("created_at")?)?,
    })
}

impl Tx {
    /// Points `member` sent in `[from, to)`, fees aside (what they lent within their
    /// household is not sending).
    pub async fn points_sent(
        &mut self,
        member: MemberId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Points> {
        let row = self
            .row(
                "SELECT CAST(COALESCE(SUM(points), 0) AS BIGINT) FROM transfers \
                 WHERE sender_id = $1 AND household_id IS NULL \
                 AND created_at >= $2 AND created_at < $3",
                args![member.0, micros(from), micros(to)],
            )
            .await?;
        Ok(Points(row.get(0)?))
    }

    /// Stores a transfer whose postings are written; its id.
    pub async fn insert_transfer(&mut self, t: &NewTransfer<'_>) -> Result<i64> {
        let row = self
            .row(
                "INSERT INTO transfers (sender_id, receiver_id, points, fee, out_journal_id, \
                 in_journal_id, fee_journal_id, message, actor, created_at, household_id, \
                 gives_back_journal_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
                args![
                    t.sender.0,
                    t.receiver.0,
                    t.points.get(),
                    t.fee.get(),
                    t.out_journal.0,
                    t.in_journal.0,
                    t.fee_journal.map(|j| j.0),
                    t.message,
                    t.actor,
                    micros(t.created_at),
                    t.household,
                    t.gives_back.map(|j| j.0),
                ],
            )
            .await?;
        row.get(0)
    }
}

/// What a member lent toward a posting, within a household.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lent {
    /// Who lent.
    pub lender: MemberId,
    /// Points lent.
    pub points: Points,
    /// The household they lent within.
    pub household: i64,
}

impl Tx {
    /// Marks the household lends `ids` as paying toward posting `journal`.
    pub async fn mark_lends_paid(&mut self, ids: &[i64], journal: JournalId) -> Result<()> {
        for id in ids {
            self.run(
                "UPDATE transfers SET paid_journal_id = $1 WHERE id = $2 AND household_id IS NOT NULL",
                args![journal.0, *id],
            )
            .await?;
        }
        Ok(())
    }

    /// What was lent toward posting `journal`, lender by lender in the order they lent.
    pub async fn lends_toward(&mut self, journal: JournalId) -> Result<Vec<Lent>> {
        self.rows(
            "SELECT sender_id, points, household_id FROM transfers \
             WHERE paid_journal_id = $1 AND household_id IS NOT NULL ORDER BY id",
            args![journal.0],
        )
        .await?
        .iter()
        .map(|r| {
            Ok(Lent {
                lender: MemberId(r.get("sender_id")?),
                points: Points(r.get("points")?),
                household: r.get("household_id")?,
            })
        })
        .collect()
    }

    /// The members who lent toward reward redemption `redemption`'s posting.
    pub async fn redemption_lenders(&mut self, redemption: i64) -> Result<Vec<MemberId>> {
        self.rows(
            "SELECT DISTINCT t.sender_id FROM transfers t \
             JOIN reward_redemptions r ON r.journal_id = t.paid_journal_id WHERE r.id = $1",
            args![redemption],
        )
        .await?
        .iter()
        .map(|r| Ok(MemberId(r.get(0)?)))
        .collect()
    }
}

/// The largest page of transfers one call returns.
pub const TRANSFER_PAGE_MAX: u32 = 200;

impl Store {
    /// A transfer, if there is one with that id.
    pub async fn transfer(&self, id: i64) -> Result<Option<StoredTransfer>> {
        let mut db = self;
        let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE t.id = $1");
        db.rows(&sql, args![id])
            .await?
            .iter()
            .map(transfer_from_row)
            .next()
            .transpose()
    }

    /// The transfers `member` sent or received, newest first, older than `before` (an id)
    /// when given: `limit` of them and one more, so the caller knows whether more follow.
    pub async fn transfers_of(
        &self,
        member: MemberId,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<StoredTransfer>> {
        let mut db = self;
        let sql = format!(
            "SELECT {COLUMNS} FROM {FROM} WHERE (t.sender_id = $1 OR t.receiver_id = $1) \
             AND t.id < $2 ORDER BY t.id DESC LIMIT $3"
        );
        let limit = i64::from(limit.clamp(1, TRANSFER_PAGE_MAX)) + 1;
        db.rows(&sql, args![member.0, before.unwrap_or(i64::MAX), limit])
            .await?
            .iter()
            .map(transfer_from_row)
            .collect()
    }

    /// Checks every transfer against its postings, that every transfer posting belongs to a
    /// transfer, and that the clearing account is empty.
    pub async fn check_transfers(&self) -> Result<TransferCheck> {
        let mut db = self;
        let mut ids = async |sql: &str| -> Result<Vec<i64>> {
            db.rows(sql, args![])
                .await?
                .iter()
                .map(|r| r.get(0))
                .collect()
        };
        let mismatched = ids("SELECT t.id FROM transfers t \
             LEFT JOIN journal o ON o.id = t.out_journal_id \
             LEFT JOIN journal i ON i.id = t.in_journal_id \
             LEFT JOIN journal f ON f.id = t.fee_journal_id \
             WHERE o.id IS NULL OR o.member_id <> t.sender_id OR o.kind <> 'transfer_out' \
             OR o.available_delta <> -t.points \
             OR i.id IS NULL OR i.member_id <> t.receiver_id OR i.kind <> 'transfer_in' \
             OR i.available_delta <> t.points \
             OR (t.fee > 0 AND (f.id IS NULL OR f.member_id <> t.sender_id \
                 OR f.kind <> 'transfer_fee' OR f.available_delta <> -t.fee)) \
             OR (t.fee = 0 AND t.fee_journal_id IS NOT NULL) ORDER BY 1")
        .await?;
        let orphan_postings = ids(
            "SELECT j.id FROM journal j WHERE j.kind IN ('transfer_out', 'transfer_in', \
             'transfer_fee') AND j.id NOT IN (SELECT out_journal_id FROM transfers \
             UNION ALL SELECT in_journal_id FROM transfers \
             UNION ALL SELECT fee_journal_id FROM transfers WHERE fee_journal_id IS NOT NULL) \
             ORDER BY 1",
        )
        .await?;
        let in_transit: i64 = db
            .row(
                "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM entries \
                 WHERE account = 'program_transferred'",
                args![],
            )
            .await?
            .get(0)?;
        Ok(TransferCheck {
            mismatched,
            orphan_postings,
            in_transit,
        })
    }
}
