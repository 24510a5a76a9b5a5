//! Laurel's storage boundary.
//!
//! One SQL implementation serves both backends: SQLite (the embedded default: one file, WAL,
//! synchronous=FULL) and PostgreSQL, through sqlx's `Any` driver, and on SQLite also a direct
//! connection for the write path (`direct.rs`); every statement is written once against
//! `sql.rs`. The few places where the dialects differ ask [`Backend`]. Reads go through
//! [`Store`]; every ledger mutation goes through a [`Tx`], which the engine's single write path
//! opens ([`Store::begin_blocking`]), fills with many commands, and commits.
//!
//! Architecture invariant: this crate decides nothing about points; it stores the postings that
//! `laurel-core` computed, and loads the state the core decides from.

mod appends;
mod at_once;
mod backend;
mod balances;
mod checkpoint;
mod connect;
mod direct;
mod error;
mod grants;
mod idempotency;
mod keys;
mod known;
mod ledger;
mod member_access;
mod member_reports;
mod members;
mod migrate;
mod outbox;
mod programs;
mod purchases;
pub mod rawbench;
mod referrals;
mod reports;
mod rewards;
mod sized;
mod sql;
mod staff;
mod tiers;
mod tx;
mod types;

pub use backend::Backend;
pub use connect::Store;
pub use direct::WriteProfile;
pub use error::StoreError;
pub use grants::{NewGrant, StoredGrant, UsageAsk};
pub use keys::API_KEYS_MAX;
pub use ledger::{DueWork, JournalMeta, LEDGER_PAGE_MAX, LedgerEntry, LedgerPage};
pub use member_access::{MemberSession, SignInCode};
pub use member_reports::{MemberReport, REPORTS_PAGE_MAX};
pub use members::{ProfileChange, SEARCH_MAX};
pub use outbox::{NewMessage, OUTBOX_BATCH_MAX, OutboxMessage};
pub use programs::{NewProgramVersion, ProgramSource, ProgramVersionRecord};
pub use purchases::{
    NewPurchase, NewPurchaseLine, PURCHASES_PAGE_MAX, Purchase, PurchaseLine, RefundRecord,
};
pub use referrals::{REFERRALS_PAGE_MAX, Referral};
pub use reports::{ActivityBucket, BUCKET_WIDTH_MIN, ProgramTotals};
pub use rewards::{
    NewCoupon, NewRedemption, REDEMPTIONS_PAGE_MAX, Redemption, RedemptionId, StoredCoupon,
};
pub use staff::{
    AUDIT_PAGE_MAX, AuditEntry, AuditPage, AuditRecord, NewStaffUser, StaffSession, StaffUser,
};
pub use tiers::{TIER_HISTORY_MAX, TierHistoryEntry};
pub use tx::Tx;
pub use types::{
    ApiKey, ConsistencyReport, IdempotentResponse, JournalId, Member, MemberId, NewMember,
    PurchaseId,
};
