//! What partner calls answer: the program's partners, and a partner's settlement statement
//! for a period with its lines a page at a time.

use jiff::Timestamp;
use jiff::civil::Date;
use laurel_core::partners::{EntryKind, Partner, Settlement, SettlementLine};
use laurel_core::{Currency, Localized};
use laurel_store::PartnerEntry;
use rust_decimal::Decimal;

/// A partner as the program declares it.
#[derive(Debug, Clone, PartialEq)]
pub struct PartnerView {
    /// Its code.
    pub code: String,
    /// What people call it.
    pub name: Localized,
    /// What it pays the program per point it issues.
    pub price_per_point: Decimal,
    /// What the program pays it per point burned there.
    pub reimbursement_per_point: Decimal,
}

impl From<&Partner> for PartnerView {
    fn from(p: &Partner) -> PartnerView {
        PartnerView {
            code: p.code.clone(),
            name: p.name.clone(),
            price_per_point: p.price_per_point,
            reimbursement_per_point: p.reimbursement_per_point,
        }
    }
}

/// One line of a statement: a posting at the partner and what it is worth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementLine {
    /// The entry's id: statements page on it.
    pub id: i64,
    /// Issued or burned.
    pub kind: EntryKind,
    /// The member.
    pub member_id: i64,
    /// The member's id in the business's systems.
    pub external_id: String,
    /// The posting (the ledger entry) it settles.
    pub entry_id: i64,
    /// Points, negative for a reversal or a cancellation.
    pub points: i64,
    /// Money per point it settles at.
    pub price: Decimal,
    /// Points × price, rounded to the minor unit.
    pub amount: Decimal,
    /// What it was for.
    pub reference: String,
    /// When it was posted.
    pub posted_at: Timestamp,
}

impl StatementLine {
    /// `entry` as a line, its amount in `currency`.
    pub(crate) fn new(entry: PartnerEntry, currency: Currency) -> StatementLine {
        let amount = SettlementLine {
            kind: entry.kind,
            points: entry.points,
            price: entry.price,
        }
        .amount(currency);
        StatementLine {
            id: entry.id,
            kind: entry.kind,
            member_id: entry.member.0,
            external_id: entry.external_id,
            entry_id: entry.journal.0,
            points: entry.points,
            price: entry.price,
            amount,
            reference: entry.reference,
            posted_at: entry.posted_at,
        }
    }
}

/// A partner's statement for whole local days: the totals, and a page of its lines.
#[derive(Debug, Clone, PartialEq)]
pub struct PartnerStatement {
    /// The partner.
    pub partner: PartnerView,
    /// The currency amounts are in.
    pub currency: Currency,
    /// Its first day, in the program's time zone.
    pub from: Date,
    /// Its last day, included.
    pub to: Date,
    /// The instant it starts.
    pub starts_at: Timestamp,
    /// The instant it ends (not included).
    pub ends_at: Timestamp,
    /// What the partner and the program owe each other for it.
    pub settlement: Settlement,
    /// Entries counted.
    pub lines_total: i64,
    /// A page of its lines, oldest first.
    pub lines: Vec<StatementLine>,
    /// Where the next page starts (`after`), when more follow.
    pub next: Option<i64>,
}
