//! Laurel's storage boundary.
//!
//! One SQL implementation serves both backends: SQLite (the embedded default: one file, WAL,
//! synchronous=FULL) and PostgreSQL, through sqlx's `Any` driver, and on SQLite also a direct
//! connection for the write path (`db/direct.rs`); every statement is written once against
//! `db/sql.rs`. The few places where the dialects differ ask [`Backend`]. Reads go through
//! [`Store`]; every ledger mutation goes through a [`Tx`], which the engine's single write path
//! opens ([`Store::begin_blocking`]), fills with many commands, and commits.
//!
//! Architecture invariant: this crate decides nothing about points; it stores the postings that
//! `laurel-core` computed, and loads the state the core decides from.
//!
//! Three folders, each importing only from those before it:
//! - `db/`: the database itself: which backend, how a statement runs on any connection,
//!   opening a store (its pool and the write path's direct SQLite connections, whose
//!   checkpoints run beside them) and migrating it;
//! - `write/`: the write transaction: [`Tx`], the rows and balance changes it holds until a
//!   statement needs them, and what it read ahead for its batch;
//! - `tables/`: each table's reads and writes, on the [`Store`] (its pool) and on a [`Tx`].
//!
//! `error.rs` and `types.rs` (ids and records the folders share) import none of the folders.
//! `rawbench.rs`, the benchmark's raw-limit writes, is built only with the `bench` feature.

mod db;
mod error;
#[cfg(feature = "bench")]
pub mod rawbench;
mod tables;
mod types;
mod write;

pub use db::backend::Backend;
pub use db::connect::Store;
pub use db::direct::WriteProfile;
pub use error::StoreError;
pub use tables::approvals::{APPROVALS_MAX, Approval, ApprovalClaim, ApprovalStaff, NewApproval};
pub use tables::audit::{AUDIT_PAGE_MAX, AuditEntry, AuditFilter, AuditPage, AuditRecord};
pub use tables::automations::{DueRun, MemberState, NewRun, STATES_PAGE_MAX};
pub use tables::books::{BooksClose, BooksEstimate, CloseRefused, LockedStanding};
pub use tables::churn_list::{AtRiskMember, CHURN_PAGE_MAX, ChurnCursor};
pub use tables::consents::{CONSENT_CHANGES_MAX, ConsentChange};
pub use tables::contact_changes::{ContactChange, NewContactChange};
pub use tables::erasure::ErasureRequest;
pub use tables::events::{EVENTS_BATCH_MAX, NewEvent, StoredEvent};
pub use tables::fraud::{FRAUD_CASES_MAX, FraudCase, NewFraudCase};
pub use tables::gift_cards::{
    GIFT_CARD_BATCHES_PAGE_MAX, GiftCardBatchSummary, NewGiftCard, NewGiftCardBatch, StoredGiftCard,
};
pub use tables::grants::{NewGrant, StoredGrant, UsageAsk};
pub use tables::history::{
    HistoryAssignment, HistoryEvent, HistoryJobRun, HistoryLine, HistoryMember, HistoryMembership,
    HistoryPosting, HistoryPurchase, HistoryRedemption, HistoryRefund, HistoryTransfer,
    StoredHistory,
};
pub use tables::households::{HouseholdMember, HouseholdRole, StoredHousehold};
pub use tables::keys::{API_KEYS_MAX, NewApiKey};
pub use tables::ledger::{DueWork, JournalMeta, LEDGER_PAGE_MAX, LedgerEntry, LedgerPage};
pub use tables::member_access::{MemberSession, SignInCode};
pub use tables::member_insight::{HISTORY_WINDOW, History, InsightRefresh, MemberInsightRow};
pub use tables::member_list::{ListedMember, MEMBER_PAGE_MAX, MemberFilter, MemberPage, Span};
pub use tables::member_reports::{MemberReport, REPORTS_PAGE_MAX, ReportMessage};
pub use tables::member_spend::MemberSpend;
pub use tables::members::ProfileChange;
pub use tables::memberships::{
    MemberPlan, MembershipCount, StoredMembership, StoredTerm, TermPayment,
};
pub use tables::notices::{ADDRESSEES_MAX, Addressee, NoticeSent};
pub use tables::outbox::{NewMessage, OUTBOX_BATCH_MAX, OutboxMessage};
pub use tables::partners::{
    NewPartnerEntry, PARTNER_ENTRIES_PAGE_MAX, PartnerEntry, PartnerEntryCheck, PartnerEntryGroup,
};
pub use tables::point_holds::{NewPointHold, PointHoldCheck, PointHoldClose, StoredPointHold};
pub use tables::programs::{
    NUMBERING_ATTEMPTS, NewProgramVersion, ProgramSource, ProgramVersionRecord,
};
pub use tables::purchases::{
    NewGuestPurchase, NewPurchase, NewPurchaseLine, PURCHASES_PAGE_MAX, Purchase, PurchaseCursor,
    PurchaseLine, PurchasePage, RefundRecord,
};
pub use tables::referrals::{REFERRALS_PAGE_MAX, Referral};
pub use tables::reports::{Activity, ActivityBucket, BUCKET_WIDTH_MIN, ProgramTotals};
pub use tables::retention::{RETENTION_WARNING, retention_key};
pub use tables::rewards::{
    NewCoupon, NewRedemption, REDEMPTIONS_PAGE_MAX, Redemption, RedemptionId, StoredCoupon,
};
pub use tables::segments::{SegmentInput, SegmentRow};
pub use tables::simulations::{NewSimulation, SIMULATIONS_LISTED_MAX, SimulationRow};
pub use tables::staff::{NewStaffUser, StaffSession, StaffUser};
pub use tables::staff_two_factor::{Enrolment, Sessions, StaffTwoFactor};
pub use tables::tiers::{TIER_HISTORY_MAX, TierHistoryEntry};
pub use tables::transfers::{
    Lent, NewTransfer, StoredTransfer, TRANSFER_PAGE_MAX, TransferCheck, TransferParty,
};
pub use tables::wallet_holds::{HoldClose, NewHold, StoredHold};
pub use tables::wallets::{
    NewWalletMove, PaymentTaken, StoredWallet, WALLET_MOVES_PAGE_MAX, WalletMove, WalletTotals,
};
pub use tables::webhooks::{
    Attempt, AttemptEnd, DELIVERIES_PAGE_MAX, DUE_BATCH_MAX, DeliveryFilter, DeliveryRecord,
    DueDelivery, NewWebhook, Webhook,
};
pub use types::{
    ApiKey, ConsistencyReport, IdempotentResponse, JournalId, Member, MemberId, MembershipCheck,
    NewMember, PurchaseId, WalletCheck,
};
pub use write::tx::Tx;
