//! What the write path records for a coalition partner beside a posting: points the partner
//! issued or points burned there, at the partner's price then, and the reversal of either.

use crate::error::{EngineError, Result};
use crate::write::context::Context;
use jiff::Timestamp;
use laurel_core::partners::{EntryKind, Partner};
use laurel_store::{JournalId, MemberId, NewPartnerEntry, PartnerEntry, Tx};

/// The partner with this code in the program deciding, or the refusal naming it.
pub(crate) fn partner<'c>(ctx: &Context<'c>, code: &str) -> Result<&'c Partner> {
    ctx.partners
        .get(code)
        .ok_or_else(|| EngineError::UnknownPartner(code.to_owned()))
}

/// What one posting did at a partner.
pub(crate) struct Entry<'a> {
    /// The member whose points moved.
    pub member: MemberId,
    /// The posting.
    pub journal: JournalId,
    /// Points, positive.
    pub points: i64,
    /// What it was for.
    pub reference: &'a str,
}

/// Records points `partner` issued (its purchase's earning), at its price per point.
pub(crate) async fn issued(
    tx: &mut Tx,
    at: Timestamp,
    partner: &Partner,
    e: Entry<'_>,
) -> Result<()> {
    let price = partner.price_per_point;
    record(tx, at, &partner.code, EntryKind::Issued, price, e).await
}

/// Records points burned at `partner` (a redemption there), at its reimbursement per point.
pub(crate) async fn burned(
    tx: &mut Tx,
    at: Timestamp,
    partner: &Partner,
    e: Entry<'_>,
) -> Result<()> {
    let price = partner.reimbursement_per_point;
    record(tx, at, &partner.code, EntryKind::Burned, price, e).await
}

/// Records `e.points` of `original` taken back (a refund's reversal, a redemption cancelled),
/// at the price `original` was settled at: a partner is credited what it was charged.
pub(crate) async fn reversed(
    tx: &mut Tx,
    at: Timestamp,
    original: &PartnerEntry,
    e: Entry<'_>,
) -> Result<()> {
    let negative = Entry {
        points: -e.points,
        ..e
    };
    record(
        tx,
        at,
        &original.partner,
        original.kind,
        original.price,
        negative,
    )
    .await
}

async fn record(
    tx: &mut Tx,
    at: Timestamp,
    partner: &str,
    kind: EntryKind,
    price: rust_decimal::Decimal,
    e: Entry<'_>,
) -> Result<()> {
    if e.points == 0 {
        return Ok(());
    }
    tx.insert_partner_entry(&NewPartnerEntry {
        partner,
        kind,
        member: e.member,
        journal: e.journal,
        points: e.points,
        price,
        reference: e.reference,
        posted_at: at,
    })
    .await?;
    Ok(())
}
