//! Identifiers and small records shared by the store's modules (a member's row among them:
//! the write path's read-ahead holds members too), and time/money conversions.

use crate::error::{Result, StoreError};
use jiff::Timestamp;
use jiff::civil::Date;
use laurel_core::tiers::TierStatus;
use std::collections::BTreeMap;

/// A member's id, assigned by the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MemberId(pub i64);

/// A purchase's id, assigned by the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PurchaseId(pub i64);

/// A journal row's id: one posting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct JournalId(pub i64);

/// A member as enrolled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMember {
    /// The business's own customer id; unique.
    pub external_id: String,
    /// Email address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Display name.
    pub name: Option<String>,
    /// Birthday (a calendar date, no time zone).
    pub birthday: Option<Date>,
    /// Channel the member enrolled on.
    pub channel: String,
    /// Profile attributes, compared exactly by rule conditions.
    pub attributes: BTreeMap<String, String>,
    /// Enrollment instant.
    pub enrolled_at: Timestamp,
    /// The code the member shares to refer others; given at enrollment (members enrolled
    /// before referrals existed get theirs when first asked).
    pub referral_code: Option<String>,
}

/// A stored member with balances.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Id.
    pub id: MemberId,
    /// Profile as enrolled.
    pub profile: NewMember,
    /// Active or suspended.
    pub status: laurel_core::MemberStatus,
    /// Spendable points.
    pub available: i64,
    /// Pending points.
    pub pending: i64,
    /// Tier and what is scheduled for it.
    pub tier: TierStatus,
    /// The paid membership in force on the member row, if one is (its benefits hold only
    /// between its instants).
    pub plan: Option<crate::MemberPlan>,
    /// The id of the member's referral while it waits for their qualifying purchase.
    pub pending_referral: Option<i64>,
}

/// The first answer given to an idempotent request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotentResponse {
    /// Hash of the request that produced it; a retry must match it.
    pub fingerprint: String,
    /// The answer, serialized by the caller.
    pub response: String,
}

/// A stored API key (its hash, never the key itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    /// Row id.
    pub id: i64,
    /// Label given at creation.
    pub name: String,
    /// What it may do (`admin`, `pos`, `partner`).
    pub scope: String,
    /// The partner a partner's key speaks for.
    pub partner: Option<String>,
    /// First characters of the key, to tell keys apart in listings.
    pub prefix: String,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it was revoked; a revoked key authenticates nothing.
    pub revoked_at: Option<Timestamp>,
    /// When it expires (none: never); from then on it authenticates nothing.
    pub expires_at: Option<Timestamp>,
    /// The key a rotation of which made this one.
    pub rotated_from: Option<i64>,
    /// The key this one was rotated to.
    pub rotated_to: Option<i64>,
}

/// What a full consistency check of the ledger found; empty vectors mean all is well.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConsistencyReport {
    /// Journal rows whose entries do not sum to zero.
    pub unbalanced_postings: Vec<i64>,
    /// Members whose stored balances differ from the sum of their entries.
    pub balance_mismatches: Vec<i64>,
    /// Members whose stored balances differ from their open lots.
    pub lot_mismatches: Vec<i64>,
    /// Lots with remaining points below zero or above their amount.
    pub bad_lots: Vec<i64>,
    /// Postings counted.
    pub postings: i64,
    /// What the wallet ledger's check found.
    pub wallets: WalletCheck,
    /// What the memberships' check found.
    pub memberships: MembershipCheck,
    /// What the transfers' check found.
    pub transfers: crate::tables::transfers::TransferCheck,
    /// What the point holds' check found.
    pub point_holds: crate::tables::point_holds::PointHoldCheck,
    /// What the partner entries' check found.
    pub partner_entries: crate::tables::partners::PartnerEntryCheck,
}

impl ConsistencyReport {
    /// True when nothing is wrong.
    pub fn is_consistent(&self) -> bool {
        self.unbalanced_postings.is_empty()
            && self.balance_mismatches.is_empty()
            && self.lot_mismatches.is_empty()
            && self.bad_lots.is_empty()
            && self.wallets.is_whole()
            && self.memberships.is_whole()
            && self.transfers.is_whole()
            && self.point_holds.is_whole()
            && self.partner_entries.is_whole()
    }
}

/// What the memberships' check found wrong; empty when it is whole.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MembershipCheck {
    /// Memberships whose terms do not follow one another without a gap or an overlap.
    pub broken_terms: Vec<i64>,
    /// Memberships with a term the wallet paid whose wallet payment is missing or is not
    /// its fee.
    pub unpaid_terms: Vec<i64>,
    /// Members holding more than one membership not yet ended.
    pub held_twice: Vec<i64>,
    /// Members whose row names a plan in force that none of their memberships is.
    pub plan_mismatches: Vec<i64>,
}

impl MembershipCheck {
    /// True when nothing is wrong.
    pub fn is_whole(&self) -> bool {
        self.broken_terms.is_empty()
            && self.unpaid_terms.is_empty()
            && self.held_twice.is_empty()
            && self.plan_mismatches.is_empty()
    }
}

/// What the wallet ledger's check found wrong; empty when it is whole.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WalletCheck {
    /// Moves whose entries do not sum to zero.
    pub unbalanced_moves: Vec<i64>,
    /// Wallets whose balance differs from the sum of their entries.
    pub balance_mismatches: Vec<i64>,
    /// Payments refunded more than they took, of either kind.
    pub over_refunded: Vec<i64>,
    /// Wallets whose held value differs from what their open holds hold.
    pub held_mismatches: Vec<i64>,
}

impl WalletCheck {
    /// True when nothing is wrong.
    pub fn is_whole(&self) -> bool {
        self.unbalanced_moves.is_empty()
            && self.balance_mismatches.is_empty()
            && self.over_refunded.is_empty()
            && self.held_mismatches.is_empty()
    }
}

/// Microseconds since the Unix epoch, as stored.
pub(crate) fn micros(ts: Timestamp) -> i64 {
    ts.as_microsecond()
}

/// Reads a stored instant back.
pub(crate) fn instant(micros: i64) -> Result<Timestamp> {
    Timestamp::from_microsecond(micros)
        .map_err(|e| StoreError::Corrupt(format!("timestamp {micros}: {e}")))
}

/// Reads an optional stored instant back.
pub(crate) fn instant_opt(micros: Option<i64>) -> Result<Option<Timestamp>> {
    micros.map(instant).transpose()
}

/// `$first, $first+1, …`: `n` placeholders, for an `IN (…)` list.
pub(crate) fn numbered_list(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `($1, $2, …), ($n+1, …)`: the VALUES list of a multi-row insert, so one statement writes
/// many rows (one round trip instead of one per row).
pub(crate) fn placeholders(rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|row| {
            let cells: Vec<String> = (1..=columns)
                .map(|col| format!("${}", row * columns + col))
                .collect();
            format!("({})", cells.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}
