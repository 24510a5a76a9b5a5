//! Laurel's application layer: the commands HTTP and the CLI both call.
//!
//! [`Engine`] validates requests against the program, sends every ledger mutation through the
//! single group-committing write path, and answers reads straight from the store. It knows
//! nothing of HTTP.

mod actor;
mod approvals;
mod automations;
mod books;
mod checks;
mod codes;
mod config;
pub mod decimal;
mod earning;
mod error;
mod error_args;
mod error_code;
pub mod events;
pub(crate) mod fraud;
mod history;
mod households;
mod insight;
mod jobs;
mod keys;
mod members;
pub(crate) mod memberships;
mod notices;
mod outbox;
mod outcomes;
mod partners;
mod point_holds;
mod points;
mod portal;
mod privacy;
pub mod program_file;
mod programs;
mod referrals;
mod refunds;
mod reports;
mod requests;
mod rewards;
mod segments;
mod simulation;
mod staff;
mod tiers;
mod transfers;
mod wallet;
mod webhooks;
mod write;

pub use actor::Actor;
pub use approvals::{ApprovalView, Made, Proposal, StaffMember};
pub use automations::{AutomationReport, DryRun, DryRunLine};
pub use books::{
    BooksActor, BooksEntry, BooksJournal, BooksRange, BooksReport, EstimateInForce,
    JOURNAL_COLUMNS, JournalRow, NewEstimate, RateSource, journal_csv,
};
pub use codes::{random_token, same_secret};
pub use config::{AdminTwoFactor, Backdating, EngineConfig};
pub use earning::{ApplicableCoupon, PreviewOutcome};
pub use error::{EngineError, Result};
pub use error_code::ErrorCode;
pub use fraud::review::ReviewAction;
pub use fraud::views::FraudCaseView;
pub use history::grant_sentence;
pub use households::views::{HouseholdMemberView, HouseholdView};
pub use insight::{
    AtRisk, BadChurnKey, ChurnFilter, ChurnKey, ChurnPage, FIT_MEMBERS_MAX, KpiReport,
    MemberInsight, OFFERS_MAX, OfferView, PeriodKpis, REFRESH_EVERY, RefreshReport, SPEND_WINDOW,
    churn_reason, days_since, offer_reason, period_error,
};
pub use jobs::{JobKind, JobReport};
pub use keys::{
    IssuedKey, KEY_NAME_MAX, Principal, ROTATION_OVERLAP_DEFAULT, ROTATION_OVERLAP_MAX, Rotation,
    RotationAsk, Scope, UnknownScope, create_key, create_key_expiring,
};
pub use laurel_core::staff::Decision;
#[cfg(feature = "bench")]
pub use laurel_store::rawbench;
pub use laurel_store::{
    AUDIT_PAGE_MAX, Activity, ApiKey, AtRiskMember, AuditEntry, AuditFilter, AuditPage,
    AuditRecord, Backend, BooksClose, BooksEstimate, CHURN_PAGE_MAX, CONSENT_CHANGES_MAX,
    ChurnCursor, ConsentChange, ConsistencyReport, DELIVERIES_PAGE_MAX, DeliveryFilter,
    DeliveryRecord, GIFT_CARD_BATCHES_PAGE_MAX, GiftCardBatchSummary, JournalId, LEDGER_PAGE_MAX,
    LedgerEntry, LedgerPage, ListedMember, MEMBER_PAGE_MAX, Member, MemberFilter, MemberId,
    MemberPage, MemberReport, MemberSession, MembershipCount, NewMessage, PARTNER_ENTRIES_PAGE_MAX,
    ProgramTotals, Purchase, PurchaseCursor, PurchaseId, PurchasePage, Referral, ReportMessage,
    Span, Store, StoredGrant, TierHistoryEntry, WALLET_MOVES_PAGE_MAX, WalletCheck, WalletMove,
    WalletTotals, WriteProfile,
};
pub use memberships::views::{MembershipOutcome, MembershipView, TermView};
pub use notices::{LetterPreview, NoticeLinks, NoticeReport, Unsubscribing};
pub use outbox::{LogMailer, Mailer};
pub use outcomes::{
    Balances, Draw, EarnStatus, Earned, EventOutcome, GrantOutcome, GuestPurchaseOutcome,
    PostingOutcome, PurchaseOutcome, RefundOutcome, TierChangeOutcome,
};
pub use partners::csv::STATEMENT_COLUMNS;
pub use partners::views::{PartnerStatement, PartnerView, StatementLine};
pub use point_holds::views::{PointHoldOutcome, PointHoldView, PointsAfter};
pub use points::BalanceView;
pub use portal::{
    CLOSE_ACCOUNT, ContactField, EXPORT_PAGE, EntryAbout, History, HistoryEntry, MemberSignedIn,
    ProfileUpdate, REPORT_CATEGORIES, ReportThread, SignInLetter,
};
pub use privacy::ERASURE_REQUESTS_MAX;
pub use privacy::consent_history::{ConsentRecord, ConsentSource};
pub use privacy::consents::{CHANNELS, Consents, PROFILING, PURPOSES};
pub use privacy::erase::ErasureBlock;
pub use privacy::notice::PrivacyNotice;
pub use privacy::views::{ErasureOutcome, ErasureRequestView};
pub use program_file::ProgramDefinition;
pub use programs::ProgramVersion;
pub use programs::apply::{Applied, ApplyProgram};
pub use referrals::ReferralView;
pub use reports::{DAILY_DAYS_MAX, Dashboard, DayActivity, Liability};
pub use requests::{
    ATTRIBUTES_MAX, AdjustRequest, AssignTierRequest, CaptureRequest, CardKey, CheckoutRequest,
    ConsumeCouponRequest, EnrollRequest, EventRequest, GiftCardMoveRequest, GuestPurchaseRequest,
    HoldRequest, IssueGiftCardsRequest, JoinMembershipRequest, LineRequest, MemberRef,
    NOTE_CHARS_MAX, POINTS_MAX, PointHoldRequest, PurchaseRequest, RedeemRequest,
    RedeemRewardRequest, RefundRequest, RefundScope, ReleaseCouponRequest, RenewMembershipRequest,
    TEXT_CHARS_MAX, TransferRequest, WalletAsk, WalletRequest,
};
pub use rewards::{
    CouponCheck, CouponLookup, CouponUseOutcome, CouponView, DonationView, RedemptionOutcome,
    RedemptionView, RewardView,
};
pub use segments::{
    AttributeSpec, ConditionSpec, RangeSpec, SegmentRefresh, SegmentSpec, SegmentView, SpendSpec,
    WindowSpec,
};
pub use simulation::{
    AFFECTED_MAX, ASSUMPTIONS_MAX, AffectedMember, LimitHit, PeriodFigures, ProgramOutcome,
    SIMULATION_ASSUMPTIONS, Simulation, SimulationProgress, SimulationReport, SimulationRun,
    SimulationState, StatedAssumption, TierCount,
};
pub use staff::{
    AdjustPolicy, ApprovalKind, ApprovalPolicy, ApprovalState, FAILED_SIGN_INS_MAX, OverCap,
    PASSWORD_MIN, PendingSignIn, Permission, RECOVERY_CODES, Role, SUPPORT_ADJUST_MAX_DEFAULT,
    Session, SignIn, SignedIn, StaffAccount, StaffListing, TOTP_STEP_SECS, TotpSetup, TwoFactor,
    UnknownRole, create_staff_user, totp_code,
};
pub use tiers::{NextReview, TierView};
pub use transfers::views::{TransferOutcome, TransferPage, TransferSide, TransferView};
pub use wallet::validate::{
    GIFT_CARDS_PER_BATCH_MAX, HOLD_EXPIRES_IN_DEFAULT, HOLD_EXPIRES_IN_MAX, HOLD_EXPIRES_IN_MIN,
};
pub use wallet::views::{
    GiftCardBatchPage, GiftCardLoad, GiftCardView, HoldOutcome, HoldView, IssuedCard,
    IssuedGiftCards, WalletBalance, WalletOutcome, WalletStatement,
};
pub use webhooks::{
    CreateWebhook, CreatedWebhook, DeliveryReport, Sent, URL_CHARS_MAX, URL_PATTERN,
    WebhookRequest, WebhookSender, WebhookView, webhook_id,
};

use jiff::Timestamp;
use std::sync::Arc;
use write::outcome::Outcome;
use write::writer;

/// The running application: program, store and write path.
pub struct Engine {
    store: Store,
    programs: Arc<programs::Programs>,
    writer: writer::Writer,
    keys: keys::KeyCache,
    /// Woken when a message is queued in the outbox.
    outbox_ready: tokio::sync::Notify,
    /// The event kinds subscribers listen to, and a wake-up once events were committed.
    listening: Arc<events::Listening>,
    /// The daily scans (notice kinds, automations) run to the end today.
    scanned: notices::Scanned,
    /// The simulations running in this process.
    simulations: Arc<simulation::Running>,
    /// When each job's last run was kept for replays.
    job_runs: jobs::JobRuns,
    config: EngineConfig,
}

impl Engine {
    /// Starts the write path over a migrated store with a program given in code (and its
    /// earning rules, if given a [`ProgramDefinition`]): in force from the beginning, not
    /// versioned until a version is applied. [`Engine::open`] is how Laurel itself starts.
    /// Must be called inside a Tokio runtime.
    pub fn start(
        store: Store,
        definition: impl Into<ProgramDefinition>,
        config: EngineConfig,
    ) -> Engine {
        Engine::with_programs(
            store,
            programs::Programs::in_code(definition.into()),
            config,
        )
    }

    fn with_programs(store: Store, programs: programs::Programs, config: EngineConfig) -> Engine {
        let programs = Arc::new(programs);
        let listening = Arc::new(events::Listening::default());
        // The automations' events from the start; `Engine::open` adds the subscribers'.
        listening.set(automations::listened_kinds(&programs.snapshot()));
        let writer =
            writer::Writer::start(store.clone(), programs.clone(), listening.clone(), &config);
        Engine {
            store,
            programs,
            writer,
            keys: keys::KeyCache::default(),
            outbox_ready: tokio::sync::Notify::new(),
            listening,
            scanned: notices::Scanned::default(),
            simulations: Arc::default(),
            job_runs: jobs::JobRuns::default(),
            config,
        }
    }

    /// Commits what is queued and stops the write path.
    pub async fn shutdown(self) {
        self.writer.shutdown().await;
    }

    /// The program in force now: program, earning rules, tiers, catalog, referrals.
    pub fn definition(&self) -> Arc<ProgramDefinition> {
        self.programs
            .snapshot()
            .in_force(Timestamp::now())
            .definition
            .clone()
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }
}

/// An instant as the store keeps it (whole microseconds), so what a command answers when it
/// writes is what a read answers later.
pub(crate) fn as_stored(at: Timestamp) -> Timestamp {
    Timestamp::from_microsecond(at.as_microsecond()).unwrap_or(at)
}

pub(crate) fn unexpected(outcome: Outcome) -> EngineError {
    EngineError::Internal(format!("write path answered {outcome:?}"))
}
