//! Laurel's application layer: the commands HTTP and the CLI both call.
//!
//! [`Engine`] validates requests against the program, sends every ledger mutation through the
//! single group-committing write path, and answers reads straight from the store. It knows
//! nothing of HTTP.

mod codes;
mod commands;
pub mod decimal;
mod error;
mod error_args;
mod error_code;
mod execute;
mod history;
mod jobs;
mod keys;
mod members;
mod outbox;
mod outcomes;
mod portal;
mod preview;
pub mod program_file;
mod programs;
mod referrals;
mod reports;
mod requests;
mod rewards;
mod staff;
mod tiers;
mod writer;

pub use codes::{random_token, same_secret};
pub use error::{EngineError, Result};
pub use error_code::ErrorCode;
pub use history::grant_sentence;
pub use jobs::{JobKind, JobReport};
pub use keys::{IssuedKey, KEY_NAME_MAX, Principal, Scope, UnknownScope, create_key};
#[cfg(feature = "bench")]
pub use laurel_store::rawbench;
pub use laurel_store::{
    ApiKey, AuditEntry, AuditPage, AuditRecord, Backend, ConsistencyReport, JournalId,
    LEDGER_PAGE_MAX, LedgerEntry, LedgerPage, Member, MemberReport, MemberSession, NewMessage,
    ProgramTotals, Referral, Store, StoredGrant, TierHistoryEntry, WriteProfile,
};
pub use outbox::{LogMailer, Mailer};
pub use outcomes::{
    Balances, Draw, EarnStatus, EventOutcome, GrantOutcome, PostingOutcome, PurchaseOutcome,
    RefundOutcome, TierChangeOutcome,
};
pub use portal::{
    CHANNELS, Consents, EXPORT_PAGE, MemberSignedIn, ProfileUpdate, REPORT_CATEGORIES, SignInLetter,
};
pub use preview::{ApplicableCoupon, PreviewOutcome};
pub use program_file::ProgramDefinition;
pub use programs::ProgramVersion;
pub use programs::apply::{Applied, ApplyProgram};
pub use referrals::ReferralView;
pub use reports::{DAILY_DAYS_MAX, Dashboard, DayActivity};
pub use requests::{
    ATTRIBUTES_MAX, AdjustRequest, AssignTierRequest, CheckoutRequest, ConsumeCouponRequest,
    EnrollRequest, EventRequest, LineRequest, MemberRef, POINTS_MAX, PurchaseRequest,
    RedeemRequest, RedeemRewardRequest, RefundRequest, RefundScope, ReleaseCouponRequest,
};
pub use rewards::{
    CouponCheck, CouponLookup, CouponUseOutcome, CouponView, DonationView, RedemptionOutcome,
    RedemptionView, RewardView,
};
pub use staff::{
    AdjustPolicy, FAILED_SIGN_INS_MAX, OverCap, PASSWORD_MIN, Permission, Role,
    SUPPORT_ADJUST_MAX_DEFAULT, Session, SignedIn, StaffAccount, StaffListing, UnknownRole,
    create_staff_user,
};
pub use tiers::{NextReview, TierView};

use execute::Outcome;
use jiff::Timestamp;
use laurel_core::Points;
use laurel_store::MemberId;
use std::sync::Arc;

/// Tuning of the write path.
#[derive(Debug, Clone, Copy)]
pub struct EngineConfig {
    /// Writer tasks; commands for one member always use the same one.
    pub writers: usize,
    /// Most commands a writer commits in one transaction.
    pub batch_max: usize,
    /// How old a purchase or event may be when it arrives.
    pub backdating: Backdating,
}

/// How old a reported purchase or event may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backdating {
    /// Live channels: within the program's backdating window (`[earn] backdating_days`).
    Window,
    /// An import of history: any age. Points whose expiry has passed are posted and expired
    /// at once, so none is ever available after its expiry.
    Any,
}

impl EngineConfig {
    /// Defaults for a backend: SQLite has one write lock, so one writer; PostgreSQL locks
    /// rows, so several writers commit in parallel — two per core of this machine (which
    /// the database usually shares). More writers make smaller batches, and each batch pays
    /// its statements and its commit: on two cores 4 writers committed 2,275 writes/s
    /// (p99 63 ms) where 8 committed 1,954 (p99 82 ms) and 2 committed 2,144.
    pub fn for_backend(backend: Backend) -> EngineConfig {
        let writers = match backend {
            Backend::Sqlite => 1,
            Backend::Postgres => std::thread::available_parallelism()
                .map_or(4, |cores| 2 * cores.get())
                .clamp(2, 16),
        };
        EngineConfig {
            writers,
            batch_max: writer::BATCH_MAX,
            backdating: Backdating::Window,
        }
    }

    /// For a bulk import, which queues thousands of commands at once: much larger batches,
    /// so each commit's fixed cost and the pages many rows share are paid once per thousands
    /// of rows. A batch holds the write lock longer, so not for serving requests. An import
    /// brings history, so purchases of any age are taken.
    pub fn bulk(backend: Backend) -> EngineConfig {
        EngineConfig {
            batch_max: writer::BULK_BATCH_MAX,
            backdating: Backdating::Any,
            ..EngineConfig::for_backend(backend)
        }
    }
}

/// A member's balance as shown to them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BalanceView {
    /// The member.
    pub member_id: i64,
    /// Spendable points.
    pub available: Points,
    /// Points in the return window.
    pub pending: Points,
    /// Money value of the available points, in the program currency.
    pub available_value: laurel_core::Money,
    /// Next expiries: when, and how many points.
    pub next_expiries: Vec<(Timestamp, Points)>,
}

/// How many expiry dates a balance lists.
const EXPIRIES_SHOWN: usize = 5;

/// The running application: program, store and write path.
pub struct Engine {
    store: Store,
    programs: Arc<programs::Programs>,
    writer: writer::Writer,
    keys: keys::KeyCache,
    /// Woken when a message is queued in the outbox.
    outbox_ready: tokio::sync::Notify,
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
        let writer = writer::Writer::start(store.clone(), programs.clone(), &config);
        Engine {
            store,
            programs,
            writer,
            keys: keys::KeyCache::default(),
            outbox_ready: tokio::sync::Notify::new(),
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

    /// Checks an API key.
    pub async fn authenticate(&self, key: &str) -> Result<Option<Principal>> {
        self.keys.authenticate(&self.store, key).await
    }

    /// Enrolls a member.
    pub async fn enroll(&self, request: EnrollRequest) -> Result<Member> {
        let (member, referred_by) = commands::enroll(request, Timestamp::now())?;
        match self
            .writer
            .submit(commands::Command::Enroll {
                member,
                referred_by,
            })
            .await?
        {
            Outcome::Enrolled(m) => Ok(m),
            other => Err(unexpected(other)),
        }
    }

    /// Records a purchase and earns its points; the same order again answers the same.
    pub async fn purchase(&self, request: PurchaseRequest) -> Result<PurchaseOutcome> {
        let valid = commands::purchase(
            &self.definition().program,
            self.config.backdating,
            request,
            Timestamp::now(),
        )?;
        match self
            .writer
            .submit(commands::Command::Purchase(valid))
            .await?
        {
            Outcome::Purchase(p) => Ok(p),
            other => Err(unexpected(other)),
        }
    }

    /// Records a custom event and earns what the program's event rules grant for it; the same
    /// event id again (for the member) answers the same.
    pub async fn record_event(&self, request: EventRequest) -> Result<EventOutcome> {
        let definition = self.definition();
        let valid = commands::event(
            &definition.program,
            self.config.backdating,
            |kind| definition.knows_event(kind),
            request,
            Timestamp::now(),
        )?;
        match self.writer.submit(commands::Command::Event(valid)).await? {
            Outcome::Event(e) => Ok(e),
            other => Err(unexpected(other)),
        }
    }

    /// Refunds (part of) a purchase, reversing its points in proportion.
    pub async fn refund(&self, request: RefundRequest) -> Result<RefundOutcome> {
        let valid = commands::refund(&self.definition().program, request)?;
        match self.writer.submit(commands::Command::Refund(valid)).await? {
            Outcome::Refund(r) => Ok(r),
            other => Err(unexpected(other)),
        }
    }

    /// Spends points, soonest-expiring first.
    pub async fn redeem(&self, request: RedeemRequest) -> Result<PostingOutcome> {
        let valid = commands::redeem(request)?;
        match self.writer.submit(commands::Command::Redeem(valid)).await? {
            Outcome::Posting(p) => Ok(p),
            other => Err(unexpected(other)),
        }
    }

    /// A staff credit or debit with an admin's reach (the API's admin keys act as admins);
    /// `actor` is recorded on the entry. See [`Engine::adjust_as`].
    pub async fn adjust(&self, request: AdjustRequest, actor: &str) -> Result<PostingOutcome> {
        self.adjust_as(request, actor, Role::Admin).await
    }

    /// A staff credit or debit by someone in `role`; `actor` is recorded on the entry.
    /// Refused (`adjustment_over_limit`), before anything is written, when it moves more points
    /// than the program in force's `[staff] adjust_max` lets that role move at once (a retry
    /// of one already made is answered as the first time).
    pub async fn adjust_as(
        &self,
        request: AdjustRequest,
        actor: &str,
        role: Role,
    ) -> Result<PostingOutcome> {
        let valid = commands::adjust(request)?;
        let command = commands::Command::Adjust {
            request: valid,
            actor: actor.to_owned(),
            role,
        };
        match self.writer.submit(command).await? {
            Outcome::Posting(p) => Ok(p),
            other => Err(unexpected(other)),
        }
    }

    /// A member by id or external id.
    pub async fn member(&self, member: &MemberRef) -> Result<Member> {
        let found = match member {
            MemberRef::Id(id) => self.store.member(MemberId(*id)).await?,
            MemberRef::External(ext) if !commands::findable(ext) => None,
            MemberRef::External(ext) => self.store.member_by_external_id(ext).await?,
        };
        found.ok_or_else(|| EngineError::UnknownMember(member.to_string()))
    }

    /// Members found by external id, email, phone or the start of their name.
    pub async fn search_members(&self, query: &str, limit: u32) -> Result<Vec<Member>> {
        // No stored text holds what a check refused, so such a query finds no one.
        if laurel_core::text::characters(query, laurel_core::text::Layout::Line).is_err() {
            return Ok(Vec::new());
        }
        Ok(self.store.search_members(query, limit).await?)
    }

    /// A member's balances and next expiries.
    pub async fn balance(&self, member_id: i64) -> Result<BalanceView> {
        let ledger = self
            .store
            .member_ledger(MemberId(member_id))
            .await?
            .ok_or_else(|| EngineError::UnknownMember(member_id.to_string()))?;
        let available_value = self
            .definition()
            .program
            .value_of(ledger.available)
            .map_err(|e| EngineError::Internal(e.to_string()))?;
        Ok(BalanceView {
            member_id,
            available: ledger.available,
            pending: ledger.pending,
            available_value,
            next_expiries: ledger.upcoming_expiries(EXPIRIES_SHOWN),
        })
    }

    /// A page of a member's ledger, newest first.
    pub async fn ledger(
        &self,
        member_id: i64,
        before: Option<i64>,
        limit: u32,
    ) -> Result<LedgerPage> {
        self.ledger_of(member_id, before, &[], limit).await
    }

    /// [`Engine::ledger`] of only the postings of `kinds` (all when empty).
    pub async fn ledger_of(
        &self,
        member_id: i64,
        before: Option<i64>,
        kinds: &[laurel_core::ledger::PostingKind],
        limit: u32,
    ) -> Result<LedgerPage> {
        if self.store.member(MemberId(member_id)).await?.is_none() {
            return Err(EngineError::UnknownMember(member_id.to_string()));
        }
        Ok(self
            .store
            .ledger_page_of(MemberId(member_id), before.map(JournalId), kinds, limit)
            .await?)
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
