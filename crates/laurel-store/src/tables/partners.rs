//! What coalition partners settle with the program: an entry per posting that issued points at
//! a partner or burned them there, with the price in force; a statement's lines a page at a
//! time and its totals grouped; and the check that every entry matches its posting.

use crate::db::connect::Store;
use crate::db::sql::{Row, Sql, args};
use crate::error::{Result, StoreError};
use crate::types::{JournalId, MemberId, instant, micros};
use crate::write::tx::Tx;
use jiff::Timestamp;
use laurel_core::ledger::LotId;
use laurel_core::partners::EntryKind;
use rust_decimal::Decimal;

/// An entry to append with its posting.
#[derive(Debug, Clone)]
pub struct NewPartnerEntry<'a> {
    /// The partner's code.
    pub partner: &'a str,
    /// Issued or burned.
    pub kind: EntryKind,
    /// The member whose points moved.
    pub member: MemberId,
    /// The posting.
    pub journal: JournalId,
    /// Points, negative for a refund's reversal or a cancellation.
    pub points: i64,
    /// Money per point, as the partner's terms said when it was posted.
    pub price: Decimal,
    /// What it was for (an order, a reward, a redemption).
    pub reference: &'a str,
    /// When it was posted: the statement it belongs to.
    pub posted_at: Timestamp,
}

/// An entry as stored, with the member's id in the business's systems.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerEntry {
    /// Its id, which orders entries posted at the same instant.
    pub id: i64,
    /// The partner's code.
    pub partner: String,
    /// Issued or burned.
    pub kind: EntryKind,
    /// The member.
    pub member: MemberId,
    /// The member's id in the business's systems.
    pub external_id: String,
    /// The posting.
    pub journal: JournalId,
    /// Points, negative for a reversal or a cancellation.
    pub points: i64,
    /// Money per point.
    pub price: Decimal,
    /// What it was for.
    pub reference: String,
    /// When it was posted.
    pub posted_at: Timestamp,
}

/// Entries of one kind at one price and size, counted: what a statement's totals add up from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartnerEntryGroup {
    /// Issued or burned.
    pub kind: EntryKind,
    /// Points of each.
    pub points: i64,
    /// Money per point.
    pub price: Decimal,
    /// How many.
    pub count: i64,
}

/// What the whole-ledger check found wrong with partner entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartnerEntryCheck {
    /// Entries whose posting is another member's, or moved other points than they say.
    pub mismatched: Vec<i64>,
    /// Purchases made at a partner that earned points the partner was never charged for.
    pub uncharged: Vec<i64>,
}

impl PartnerEntryCheck {
    /// True when nothing is wrong.
    pub fn is_whole(&self) -> bool {
        self.mismatched.is_empty() && self.uncharged.is_empty()
    }
}

/// The most entries one page of a statement holds.
pub const PARTNER_ENTRIES_PAGE_MAX: u32 = 1_000;

const COLUMNS: &str = "e.id, e.partner, e.kind, e.member_id, m.external_id, e.journal_id, \
    e.points, e.price, e.reference, e.posted_at";

fn price(text: &str) -> Result<Decimal> {
    text.parse()
        .map_err(|_| StoreError::Corrupt(format!("partner entry price `{text}`")))
}

fn kind(text: &str) -> Result<EntryKind> {
    text.parse()
        .map_err(|e: laurel_core::UnknownState| StoreError::Corrupt(e.to_string()))
}

fn entry_from(row: &Row) -> Result<PartnerEntry> {
    Ok(PartnerEntry {
        id: row.get("id")?,
        partner: row.get("partner")?,
        kind: kind(&row.get::<String>("kind")?)?,
        member: MemberId(row.get("member_id")?),
        external_id: row.get("external_id")?,
        journal: JournalId(row.get("journal_id")?),
        points: row.get("points")?,
        price: price(&row.get::<String>("price")?)?,
        reference: row.get("reference")?,
        posted_at: instant(row.get("posted_at")?)?,
    })
}

impl Tx {
    /// Appends a partner entry for a posting made in this transaction.
    pub async fn insert_partner_entry(&mut self, e: &NewPartnerEntry<'_>) -> Result<()> {
        let price = e.price.normalize().to_string();
        self.run(
            "INSERT INTO partner_entries (partner, kind, member_id, journal_id, points, price, \
             reference, posted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            args![
                e.partner,
                e.kind.as_str(),
                e.member.0,
                e.journal.0,
                e.points,
                &price,
                e.reference,
                micros(e.posted_at),
            ],
        )
        .await?;
        Ok(())
    }

    /// The entry of posting `journal`, if it concerned a partner.
    pub async fn partner_entry(&mut self, journal: JournalId) -> Result<Option<PartnerEntry>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM partner_entries e JOIN members m ON m.id = e.member_id \
             WHERE e.journal_id = $1"
        );
        self.rows(&sql, args![journal.0])
            .await?
            .iter()
            .map(entry_from)
            .next()
            .transpose()
    }

    /// The entry of the posting that opened `lot`, if a partner issued its points.
    pub async fn partner_entry_of_lot(&mut self, lot: LotId) -> Result<Option<PartnerEntry>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM partner_entries e JOIN members m ON m.id = e.member_id \
             JOIN lots l ON l.journal_id = e.journal_id WHERE l.id = $1"
        );
        self.rows(&sql, args![lot.0])
            .await?
            .iter()
            .map(entry_from)
            .next()
            .transpose()
    }
}

impl Store {
    /// `partner`'s entries posted in `[from, to)`, oldest first, after entry `after` when
    /// given: `limit` of them (at most [`PARTNER_ENTRIES_PAGE_MAX`]) and one more, so the
    /// caller knows whether more follow.
    pub async fn partner_entries(
        &self,
        partner: &str,
        from: Timestamp,
        to: Timestamp,
        after: Option<i64>,
        limit: u32,
    ) -> Result<Vec<PartnerEntry>> {
        let mut db = self;
        let sql = format!(
            "SELECT {COLUMNS} FROM partner_entries e JOIN members m ON m.id = e.member_id \
             WHERE e.partner = $1 AND e.posted_at >= $2 AND e.posted_at < $3 AND e.id > $4 \
             ORDER BY e.id LIMIT $5"
        );
        let limit = i64::from(limit.clamp(1, PARTNER_ENTRIES_PAGE_MAX)) + 1;
        db.rows(
            &sql,
            args![partner, micros(from), micros(to), after.unwrap_or(0), limit],
        )
        .await?
        .iter()
        .map(entry_from)
        .collect()
    }

    /// `partner`'s entries posted in `[from, to)`, grouped by kind, price and points and
    /// counted: a statement's totals, read in one statement whatever its length.
    pub async fn partner_entry_groups(
        &self,
        partner: &str,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<PartnerEntryGroup>> {
        let mut db = self;
        db.rows(
            "SELECT kind, price, points, COUNT(*) AS n FROM partner_entries \
             WHERE partner = $1 AND posted_at >= $2 AND posted_at < $3 \
             GROUP BY kind, price, points ORDER BY kind, price, points",
            args![partner, micros(from), micros(to)],
        )
        .await?
        .iter()
        .map(|row| {
            Ok(PartnerEntryGroup {
                kind: kind(&row.get::<String>("kind")?)?,
                points: row.get("points")?,
                price: price(&row.get::<String>("price")?)?,
                count: row.get("n")?,
            })
        })
        .collect()
    }

    /// Entries that do not match their posting: another member's, or (for a partner's earn
    /// or a redemption there) other points than the posting moved; and partner purchases
    /// whose earn has no entry.
    pub async fn check_partner_entries(&self) -> Result<PartnerEntryCheck> {
        let mut db = self;
        let mismatched = db
            .rows(
                "SELECT e.id FROM partner_entries e JOIN journal j ON j.id = e.journal_id \
                 WHERE j.member_id <> e.member_id \
                 OR (e.points > 0 AND e.kind = 'issued' AND (j.kind <> 'earn' \
                     OR j.available_delta + j.pending_delta <> e.points)) \
                 OR (e.points > 0 AND e.kind = 'burned' AND (j.kind <> 'redeem' \
                     OR j.available_delta <> -e.points)) ORDER BY 1",
                args![],
            )
            .await?
            .iter()
            .map(|r| r.get(0))
            .collect::<Result<Vec<i64>>>()?;
        let uncharged = db
            .rows(
                "SELECT p.id FROM purchases p JOIN lots l ON l.id = p.lot_id \
                 LEFT JOIN partner_entries e ON e.journal_id = l.journal_id \
                 WHERE p.partner IS NOT NULL AND e.id IS NULL ORDER BY 1",
                args![],
            )
            .await?
            .iter()
            .map(|r| r.get(0))
            .collect::<Result<Vec<i64>>>()?;
        Ok(PartnerEntryCheck {
            mismatched,
            uncharged,
        })
    }
}
