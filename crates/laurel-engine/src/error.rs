//! The engine's error: every refusal a caller can see, each with a stable code.

use crate::error_code::ErrorCode;
use laurel_core::Points;
use laurel_core::rewards::{CouponRefusal, RewardRefusal};
use laurel_store::StoreError;

/// Why a command or query was refused or failed. [`EngineError::code`] is its stable code
/// (from the one table, [`ErrorCode`]) that APIs expose.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A field of the request is invalid.
    #[error("{field}: {message}")]
    InvalidField {
        /// The field, as the caller named it.
        field: String,
        /// What is wrong.
        message: String,
        /// Stable code (`invalid_amount`, `unknown_currency`…).
        code: ErrorCode,
    },
    /// No member with that id or external id.
    #[error("no member {0}")]
    UnknownMember(String),
    /// The external id is already enrolled.
    #[error("a member with external_id `{0}` already exists")]
    MemberExists(String),
    /// No such purchase.
    #[error("no purchase {0}")]
    UnknownPurchase(i64),
    /// The same idempotency key was used with a different request.
    #[error("{0} was already used for a different request")]
    IdempotencyConflict(String),
    /// Not enough available points.
    #[error("{requested} points requested but only {available} available")]
    InsufficientPoints {
        /// Spendable balance.
        available: Points,
        /// Amount asked for.
        requested: Points,
    },
    /// The refund asks for more than is left to refund.
    #[error("{0}")]
    RefundExceedsPurchase(String),
    /// No reward with that id in the catalog.
    #[error("no reward `{0}` in the catalog")]
    UnknownReward(String),
    /// The program has no coalition partner with that code.
    #[error("the program has no partner `{0}`")]
    UnknownPartner(String),
    /// The catalog refuses the redemption (dates, tier, stock, per-member limit).
    #[error("{0}")]
    Reward(RewardRefusal),
    /// No such redemption.
    #[error("no redemption {0}")]
    UnknownRedemption(i64),
    /// The redemption cannot change that way any more (fulfilled, cancelled, or a coupon reward
    /// being fulfilled).
    #[error("{message}")]
    RedemptionClosed {
        /// Stable code.
        code: ErrorCode,
        /// What is wrong.
        message: String,
    },
    /// No coupon with that code.
    #[error("no coupon with that code")]
    UnknownCoupon,
    /// The coupon does not apply (expired, used, below its minimum spend…).
    #[error("{0}")]
    Coupon(CouponRefusal),
    /// The referral is refused (self-referral, already a member, the referrer's limit).
    #[error("{0}")]
    Referral(laurel_core::referrals::ReferralRefusal),
    /// Program text that does not validate: every problem, each naming its key.
    #[error("the program is invalid: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    InvalidProgram(Vec<laurel_core::issue::Issue>),
    /// A new program version would change what it may not (the currency, a tier members hold).
    #[error("{message}")]
    ProgramChange {
        /// Stable code.
        code: ErrorCode,
        /// What is wrong.
        message: String,
        /// The values the message names (`from`/`to` currencies, the `tiers` held), for pages
        /// that word it themselves.
        args: Vec<(&'static str, String)>,
    },
    /// No program version with that number.
    #[error("no program version {0}")]
    UnknownProgramVersion(i64),
    /// The program in force has no automation with that id.
    #[error("no automation `{0}` in the program in force")]
    UnknownAutomation(String),
    /// A segment that does not validate: every problem, each naming its key.
    #[error("the segment is invalid: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    InvalidSegment(Vec<laurel_core::issue::Issue>),
    /// No saved segment with that id.
    #[error("no segment `{0}`")]
    UnknownSegment(String),
    /// No simulation with that id.
    #[error("no simulation {0}")]
    UnknownSimulation(i64),
    /// The books are closed up to `through`, at or after the instant asked about.
    #[error("the books are closed up to {through}")]
    BooksPeriodClosed {
        /// The end of the last close.
        through: jiff::Timestamp,
    },
    /// The period asked to be closed has not ended.
    #[error("period {0} has not ended")]
    BooksPeriodNotEnded(String),
    /// The program in force or a scheduled version names the segment.
    #[error("segment `{0}` is named by the program; change the program first")]
    SegmentInUse(String),
    /// A segment with that id is saved already.
    #[error("a segment `{0}` exists")]
    SegmentExists(String),
    /// The program offers no wallets.
    #[error("the program offers no wallets")]
    WalletNotOffered,
    /// No payment with that id in the member's wallet.
    #[error("no wallet payment {0}")]
    UnknownPayment(i64),
    /// No gift card with that code.
    #[error("no gift card with that code")]
    UnknownGiftCard,
    /// The gift card refuses (not active, expired, its PIN).
    #[error("{0}")]
    GiftCard(#[from] laurel_core::wallet::GiftCardRefusal),
    /// No hold with that id.
    #[error("no hold {0}")]
    UnknownHold(i64),
    /// The program offers no membership plan with that id.
    #[error("the program offers no membership plan `{0}`")]
    UnknownPlan(String),
    /// No membership with that id.
    #[error("no membership {0}")]
    UnknownMembership(i64),
    /// The member holds a membership not yet ended (its id).
    #[error("the member holds membership {0} already")]
    MembershipHeld(i64),
    /// The membership refused (ended, not renewing, renewal not open, ending already).
    #[error("{0}")]
    Membership(#[from] laurel_core::membership::MembershipRefusal),
    /// The program lets members send no points to each other.
    #[error("the program offers no transfers of points")]
    TransfersNotOffered,
    /// No member is the transfer's recipient.
    #[error("no member {0} to send points to")]
    UnknownRecipient(String),
    /// The program's limits refuse the transfer.
    #[error("{0}")]
    Transfer(#[from] laurel_core::transfers::TransferRefusal),
    /// The program offers no households.
    #[error("the program offers no households")]
    HouseholdsNotOffered,
    /// No standing household with that id, or the member is in none.
    #[error("no household {0}")]
    UnknownHousehold(String),
    /// The member is not in that household.
    #[error("member {0} is not in the household")]
    NotInHousehold(i64),
    /// The household refuses the member.
    #[error("{0}")]
    Household(#[from] laurel_core::households::JoinRefusal),
    /// The hold was closed already (its state named).
    #[error("the hold is {0} already")]
    HoldClosed(String),
    /// A wallet refused the move (short of funds, above its most, more than a payment left).
    #[error("{message}")]
    Wallet {
        /// Stable code.
        code: ErrorCode,
        /// What is wrong, its amounts in money.
        message: String,
        /// The amounts the message names, for pages that word it themselves.
        args: Vec<(&'static str, String)>,
    },
    /// No live webhook subscription with that id.
    #[error("no webhook subscription {0}")]
    UnknownWebhook(i64),
    /// The subscription has no delivery with that id.
    #[error("webhook subscription {webhook} has no delivery {delivery}")]
    UnknownDelivery {
        /// The subscription.
        webhook: i64,
        /// The delivery asked for.
        delivery: i64,
    },
    /// A staff adjustment larger than the program lets the staff member's role make at once.
    #[error("the {role} role may adjust at most {cap} points at a time; {requested} asked")]
    AdjustmentOverLimit {
        /// The role that asked.
        role: crate::staff::Role,
        /// The most points that role may move in one adjustment.
        cap: Points,
        /// The size asked for.
        requested: Points,
    },
    /// A staff account with that email exists.
    #[error("a staff account `{0}` already exists")]
    StaffExists(String),
    /// Wrong email or password (which one is not said).
    #[error("wrong email or password")]
    SignInFailed,
    /// Too many failed sign-ins: locked until then.
    #[error("too many failed sign-ins: try again after {0}")]
    AccountLocked(jiff::Timestamp),
    /// Neither a current TOTP code nor an unused recovery code.
    #[error("not a current code from the authenticator app, nor an unused recovery code")]
    TwoFactorCodeWrong,
    /// The sign-in waiting for its second step expired, was finished, or was never begun.
    #[error("the sign-in expired: start again with the password")]
    SignInExpired,
    /// No staff account with that id.
    #[error("no staff account {0}")]
    UnknownStaff(i64),
    /// Two-factor sign-in is on already.
    #[error("two-factor sign-in is on already")]
    TwoFactorOn,
    /// Two-factor sign-in is not on, nor being set up.
    #[error("two-factor sign-in is not on")]
    TwoFactorOff,
    /// Admins must keep two-factor sign-in on.
    #[error("admins must keep two-factor sign-in on")]
    TwoFactorRequired,
    /// An admin may not reset their own two-factor sign-in.
    #[error("turn your own two-factor sign-in off with a current code")]
    TwoFactorOwnReset,
    /// The member is suspended: they neither earn nor spend until reactivated.
    #[error("member {0} is suspended")]
    MemberSuspended(i64),
    /// A fraud rule of the program refused the operation (the case it opens carried to the
    /// writer, which records it once the batch commits). Which rule, and its figures, are
    /// for reviewers: told to the caller, they would tell an abuser how far to go.
    #[error("refused by the program's fraud controls; staff will review it")]
    FraudRefused(Box<laurel_store::NewFraudCase>),
    /// No fraud case with that id.
    #[error("no fraud case {0}")]
    UnknownFraudCase(i64),
    /// The case was closed already.
    #[error("fraud case {0} is closed already")]
    FraudCaseClosed(i64),
    /// A staff member may not review the case their own adjustment opened.
    #[error("fraud case {0} is about your own adjustment: another reviewer decides it")]
    OwnFraudCase(i64),
    /// The case holds no points to release or take back.
    #[error("fraud case {case} holds no points to {action}")]
    NothingToReview {
        /// The case.
        case: i64,
        /// What was asked.
        action: &'static str,
    },
    /// An API key asked for an operation the program says a second staff member approves.
    #[error("a second staff member must approve a {}: make it at the console", .0.as_str())]
    ApprovalRequired(crate::staff::ApprovalKind),
    /// No request for approval with that id.
    #[error("no request for approval {0}")]
    UnknownApproval(i64),
    /// The request was decided already.
    #[error("request for approval {0} was {state} already", state = .1.as_str())]
    ApprovalDecided(i64, crate::staff::ApprovalState),
    /// A maker approving or rejecting their own request.
    #[error("request for approval {0} is yours: another staff member decides it")]
    OwnApproval(i64),
    /// Approving a program change asked on a version other than the newest stored now:
    /// applied, it would silently undo what was stored since.
    #[error(
        "request for approval {approval} was asked on program version {asked}, but version {now} was stored since: reject it and ask again on the version now in force",
        asked = asked_on.map_or_else(|| "none".to_owned(), |v| v.to_string()),
        now = newest.map_or_else(|| "none".to_owned(), |v| v.to_string())
    )]
    ProgramChangedSince {
        /// The request.
        approval: i64,
        /// The newest stored version when it was asked.
        asked_on: Option<i64>,
        /// The newest stored version now.
        newest: Option<i64>,
    },
    /// A staff member who may not make the operation deciding it, or someone else than its
    /// maker withdrawing it.
    #[error("you may not decide request for approval {0}")]
    ApprovalNotAllowed(i64),
    /// The member's personal data was erased: nothing more can be done for them.
    #[error("member {0} was erased")]
    MemberErased(i64),
    /// The member still holds what an erasure may not forfeit.
    #[error("member {member} still holds {}: settle it before erasing them", block.as_str())]
    ErasureBlocked {
        /// The member.
        member: i64,
        /// What they hold.
        block: crate::privacy::erase::ErasureBlock,
    },
    /// A member's sign-in code is not the one sent.
    #[error("that is not the code we sent")]
    SignInCodeWrong,
    /// A member's sign-in code expired, was used, or was guessed at too often.
    #[error("the code has expired: ask for a new one")]
    SignInCodeExpired,
    /// Asked too often in too short a time (sign-in codes, reports).
    #[error("{message}")]
    Throttled {
        /// Stable code (`too_many_codes`, `too_many_reports`).
        code: ErrorCode,
        /// What to wait for.
        message: String,
        /// When to try again, when that is known.
        retry_at: Option<jiff::Timestamp>,
    },
    /// The API key was past its expiry then.
    #[error("this API key expired at {0}: use the key it was rotated to, or make a new one")]
    KeyExpired(jiff::Timestamp),
    /// No API key with that id.
    #[error("no API key {0}")]
    UnknownApiKey(i64),
    /// The API key is revoked, expired or rotated already.
    #[error(
        "API key {0} is revoked, expired or rotated already: a key is rotated once, while it works"
    )]
    KeyNotRotatable(i64),
    /// Neither a program file nor a stored version: nothing to run.
    #[error("no program: give a program file (none is stored in the database yet)")]
    NoProgram,
    /// The write path is shutting down or overloaded.
    #[error("the ledger is not accepting writes right now")]
    Unavailable,
    /// A storage failure; details are logged, not shown.
    #[error("storage failure: {0}")]
    Store(#[from] StoreError),
    /// An invariant broke: a bug. Details are logged, not shown.
    #[error("internal error: {0}")]
    Internal(String),
}

impl EngineError {
    /// The stable machine-readable code.
    pub fn code(&self) -> ErrorCode {
        match self {
            EngineError::InvalidField { code, .. }
            | EngineError::RedemptionClosed { code, .. }
            | EngineError::ProgramChange { code, .. }
            | EngineError::Throttled { code, .. }
            | EngineError::Wallet { code, .. } => *code,
            EngineError::WalletNotOffered => ErrorCode::WalletNotOffered,
            EngineError::UnknownPayment(_) => ErrorCode::UnknownPayment,
            EngineError::UnknownHold(_) => ErrorCode::UnknownHold,
            EngineError::UnknownPlan(_) => ErrorCode::UnknownPlan,
            EngineError::UnknownMembership(_) => ErrorCode::UnknownMembership,
            EngineError::MembershipHeld(_) => ErrorCode::MembershipHeld,
            EngineError::Membership(refusal) => {
                use laurel_core::membership::MembershipRefusal as R;
                match refusal {
                    R::Ended => ErrorCode::MembershipEnded,
                    R::NotRenewing => ErrorCode::MembershipNotRenewing,
                    R::RenewalNotOpen { .. } => ErrorCode::RenewalNotOpen,
                    R::AlreadyEnding => ErrorCode::MembershipEnding,
                }
            }
            EngineError::UnknownGiftCard => ErrorCode::UnknownGiftCard,
            EngineError::GiftCard(refusal) => refusal.into(),
            EngineError::HoldClosed(_) => ErrorCode::HoldClosed,
            EngineError::TransfersNotOffered => ErrorCode::TransfersNotOffered,
            EngineError::HouseholdsNotOffered => ErrorCode::HouseholdsNotOffered,
            EngineError::UnknownHousehold(_) => ErrorCode::UnknownHousehold,
            EngineError::NotInHousehold(_) => ErrorCode::NotInHousehold,
            EngineError::Household(refusal) => match refusal {
                laurel_core::households::JoinRefusal::Full { .. } => ErrorCode::HouseholdFull,
                laurel_core::households::JoinRefusal::InAnother => ErrorCode::InAnotherHousehold,
            },
            EngineError::UnknownRecipient(_) => ErrorCode::UnknownRecipient,
            EngineError::Transfer(refusal) => {
                use laurel_core::transfers::TransferRefusal as R;
                match refusal {
                    R::BelowMinimum { .. } => ErrorCode::TransferBelowMinimum,
                    R::OverDailyMax { .. } => ErrorCode::TransferOverDailyMax,
                    R::TooSoon { .. } => ErrorCode::TransferTooSoon,
                }
            }
            EngineError::UnknownMember(_) => ErrorCode::UnknownMember,
            EngineError::MemberExists(_) => ErrorCode::MemberExists,
            EngineError::UnknownPurchase(_) => ErrorCode::UnknownPurchase,
            EngineError::IdempotencyConflict(_) => ErrorCode::IdempotencyConflict,
            EngineError::InsufficientPoints { .. } => ErrorCode::InsufficientPoints,
            EngineError::RefundExceedsPurchase(_) => ErrorCode::RefundExceedsPurchase,
            EngineError::UnknownReward(_) => ErrorCode::UnknownReward,
            EngineError::UnknownPartner(_) => ErrorCode::UnknownPartner,
            EngineError::Reward(refusal) => refusal.into(),
            EngineError::UnknownRedemption(_) => ErrorCode::UnknownRedemption,
            EngineError::UnknownCoupon => ErrorCode::UnknownCoupon,
            EngineError::Coupon(refusal) => refusal.into(),
            EngineError::Referral(refusal) => refusal.into(),
            EngineError::InvalidProgram(_) => ErrorCode::InvalidProgram,
            EngineError::UnknownProgramVersion(_) => ErrorCode::UnknownProgramVersion,
            EngineError::UnknownWebhook(_) => ErrorCode::UnknownWebhook,
            EngineError::InvalidSegment(_) => ErrorCode::InvalidSegment,
            EngineError::UnknownSegment(_) => ErrorCode::UnknownSegment,
            EngineError::UnknownSimulation(_) => ErrorCode::UnknownSimulation,
            EngineError::BooksPeriodClosed { .. } => ErrorCode::BooksPeriodClosed,
            EngineError::BooksPeriodNotEnded(_) => ErrorCode::BooksPeriodNotEnded,
            EngineError::SegmentExists(_) => ErrorCode::SegmentExists,
            EngineError::SegmentInUse(_) => ErrorCode::SegmentInUse,
            EngineError::UnknownAutomation(_) => ErrorCode::UnknownAutomation,
            EngineError::UnknownDelivery { .. } => ErrorCode::UnknownDelivery,
            EngineError::KeyExpired(_) => ErrorCode::KeyExpired,
            EngineError::UnknownApiKey(_) => ErrorCode::UnknownApiKey,
            EngineError::KeyNotRotatable(_) => ErrorCode::KeyNotRotatable,
            EngineError::NoProgram => ErrorCode::NoProgram,
            EngineError::AdjustmentOverLimit { .. } => ErrorCode::AdjustmentOverLimit,
            EngineError::StaffExists(_) => ErrorCode::StaffExists,
            EngineError::SignInFailed => ErrorCode::SignInFailed,
            EngineError::AccountLocked(_) => ErrorCode::AccountLocked,
            EngineError::TwoFactorCodeWrong => ErrorCode::TwoFactorCodeWrong,
            EngineError::SignInExpired => ErrorCode::SignInExpired,
            EngineError::UnknownStaff(_) => ErrorCode::UnknownStaff,
            EngineError::TwoFactorOn => ErrorCode::TwoFactorOn,
            EngineError::TwoFactorOff => ErrorCode::TwoFactorOff,
            EngineError::TwoFactorRequired => ErrorCode::TwoFactorRequired,
            EngineError::TwoFactorOwnReset => ErrorCode::TwoFactorOwnReset,
            EngineError::MemberSuspended(_) => ErrorCode::MemberSuspended,
            EngineError::MemberErased(_) => ErrorCode::MemberErased,
            EngineError::FraudRefused(_) => ErrorCode::FraudRefused,
            EngineError::UnknownFraudCase(_) => ErrorCode::UnknownFraudCase,
            EngineError::FraudCaseClosed(_) => ErrorCode::FraudCaseClosed,
            EngineError::OwnFraudCase(_) => ErrorCode::Forbidden,
            EngineError::NothingToReview { .. } => ErrorCode::NothingToReview,
            EngineError::ApprovalRequired(_) => ErrorCode::ApprovalRequired,
            EngineError::UnknownApproval(_) => ErrorCode::UnknownApproval,
            EngineError::ApprovalDecided(..) => ErrorCode::ApprovalDecided,
            EngineError::ProgramChangedSince { .. } => ErrorCode::ProgramChangedSince,
            EngineError::OwnApproval(_) => ErrorCode::OwnApproval,
            EngineError::ApprovalNotAllowed(_) => ErrorCode::ApprovalNotAllowed,
            EngineError::ErasureBlocked { .. } => ErrorCode::ErasureBlocked,
            EngineError::SignInCodeWrong => ErrorCode::SignInCodeWrong,
            EngineError::SignInCodeExpired => ErrorCode::SignInCodeExpired,
            EngineError::Unavailable => ErrorCode::Unavailable,
            EngineError::Store(_) => ErrorCode::StorageError,
            EngineError::Internal(_) => ErrorCode::InternalError,
        }
    }

    /// True for refusals of the request itself (bad input, unknown ids, conflicts, short
    /// balances): decided before anything is written, and final for that request.
    pub fn is_refusal(&self) -> bool {
        !matches!(
            self,
            EngineError::Unavailable | EngineError::Store(_) | EngineError::Internal(_)
        )
    }

    /// An invalid field with its code and message.
    pub fn invalid(
        field: impl Into<String>,
        code: ErrorCode,
        message: impl Into<String>,
    ) -> EngineError {
        EngineError::InvalidField {
            field: field.into(),
            message: message.into(),
            code,
        }
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = EngineError> = std::result::Result<T, E>;

impl From<crate::staff::OverCap> for EngineError {
    fn from(over: crate::staff::OverCap) -> EngineError {
        EngineError::AdjustmentOverLimit {
            role: over.role,
            cap: over.cap,
            requested: over.requested,
        }
    }
}
