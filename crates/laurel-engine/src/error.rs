//! The engine's error: every refusal a caller can see, each with a stable code.

use laurel_core::Points;
use laurel_core::rewards::{CouponRefusal, RewardRefusal};
use laurel_store::StoreError;

/// Why a command or query was refused or failed. [`EngineError::code`] is the stable,
/// machine-readable name that APIs expose.
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
        code: &'static str,
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
        code: &'static str,
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
    #[error("the program is invalid: {}", .0.join("; "))]
    InvalidProgram(Vec<String>),
    /// A new program version would change what it may not (the currency, a tier members hold).
    #[error("{message}")]
    ProgramChange {
        /// Stable code.
        code: &'static str,
        /// What is wrong.
        message: String,
    },
    /// No program version with that number.
    #[error("no program version {0}")]
    UnknownProgramVersion(i64),
    /// A staff account with that email exists.
    #[error("a staff account `{0}` already exists")]
    StaffExists(String),
    /// Wrong email or password (which one is not said).
    #[error("wrong email or password")]
    SignInFailed,
    /// Too many failed sign-ins: locked until then.
    #[error("too many failed sign-ins: try again after {0}")]
    AccountLocked(jiff::Timestamp),
    /// The member is suspended: they neither earn nor spend until reactivated.
    #[error("member {0} is suspended")]
    MemberSuspended(i64),
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
        code: &'static str,
        /// What to wait for.
        message: String,
    },
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
    pub fn code(&self) -> &'static str {
        match self {
            EngineError::InvalidField { code, .. } => code,
            EngineError::UnknownMember(_) => "unknown_member",
            EngineError::MemberExists(_) => "member_exists",
            EngineError::UnknownPurchase(_) => "unknown_purchase",
            EngineError::IdempotencyConflict(_) => "idempotency_conflict",
            EngineError::InsufficientPoints { .. } => "insufficient_points",
            EngineError::RefundExceedsPurchase(_) => "refund_exceeds_purchase",
            EngineError::UnknownReward(_) => "unknown_reward",
            EngineError::Reward(refusal) => refusal.code(),
            EngineError::UnknownRedemption(_) => "unknown_redemption",
            EngineError::RedemptionClosed { code, .. } => code,
            EngineError::UnknownCoupon => "unknown_coupon",
            EngineError::Coupon(refusal) => refusal.code(),
            EngineError::Referral(refusal) => refusal.code(),
            EngineError::InvalidProgram(_) => "invalid_program",
            EngineError::ProgramChange { code, .. } => code,
            EngineError::UnknownProgramVersion(_) => "unknown_program_version",
            EngineError::NoProgram => "no_program",
            EngineError::StaffExists(_) => "staff_exists",
            EngineError::SignInFailed => "sign_in_failed",
            EngineError::AccountLocked(_) => "account_locked",
            EngineError::MemberSuspended(_) => "member_suspended",
            EngineError::SignInCodeWrong => "sign_in_code_wrong",
            EngineError::SignInCodeExpired => "sign_in_code_expired",
            EngineError::Throttled { code, .. } => code,
            EngineError::Unavailable => "unavailable",
            EngineError::Store(_) => "storage_error",
            EngineError::Internal(_) => "internal_error",
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
        code: &'static str,
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
