//! What a replay tells as it goes and what it refuses, and the errors that stop it.

use crate::ledger::{InvariantViolation, LedgerError, Posting};
use crate::refund::RefundRefusal;
use crate::rewards::RewardRefusal;
use crate::tiers::TierChange;
use jiff::Timestamp;

/// What a replay refused that the history did: the program it replays decides otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A redemption or debit the member's points no longer cover.
    Insufficient(LedgerError),
    /// A reward the program does not have, or may not be redeemed then.
    Reward(Option<RewardRefusal>),
    /// A refund the replayed purchase no longer allows.
    Refund(RefundRefusal),
    /// An activity that would earn more points than one command may move.
    TooManyPoints,
    /// A transfer under a program that allows none.
    TransfersNotOffered,
    /// A household's lend under a program that offers no households.
    HouseholdsNotOffered,
}

impl Refusal {
    /// The refusal's stable name, as reports count it.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Insufficient(_) => "insufficient_points",
            Refusal::Reward(_) => "reward_unavailable",
            Refusal::Refund(_) => "refund_refused",
            Refusal::TooManyPoints => "too_many_points",
            Refusal::TransfersNotOffered => "transfers_not_offered",
            Refusal::HouseholdsNotOffered => "households_not_offered",
        }
    }
}

/// A replay that cannot go on: the history contradicts itself or the calendar failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplayError {
    /// A happening names a member not enrolled before it.
    #[error("member {0} is not enrolled at that point of the history")]
    UnknownMember(i64),
    /// A refund names a purchase not made before it.
    #[error("purchase {0} is not made at that point of the history")]
    UnknownPurchase(i64),
    /// A posting broke the ledger's invariants: a defect, never a refusal.
    #[error("member {member}: {violation}")]
    Invariant {
        /// Whose ledger.
        member: i64,
        /// What broke.
        violation: InvariantViolation,
    },
    /// The ledger refused what the write path could not have been refused (a credit out of
    /// range, a reversal of nothing): a defect, never a refusal.
    #[error("member {member}: {error}")]
    Ledger {
        /// Whose ledger.
        member: i64,
        /// What it said.
        error: LedgerError,
    },
    /// The program's calendar arithmetic failed.
    #[error("calendar: {0}")]
    Calendar(String),
}

/// What a replay tells as it goes: every posting, grant, purchase, refund, tier change and
/// refusal, each at the instant it takes effect (a purchase's and its earn's when it
/// happened, a member's joining when they joined, the rest when recorded). Every method does nothing unless overridden.
pub trait Watch {
    /// A member joined, in their starting tier.
    fn enrolled(&mut self, _at: Timestamp, _member: i64, _tier: Option<&str>) {}
    /// A posting was made to `member`'s ledger.
    fn posted(&mut self, _at: Timestamp, _member: i64, _posting: &Posting) {}
    /// An earn's grants (those above zero).
    fn granted(&mut self, _at: Timestamp, _member: i64, _grants: &[crate::rules::Grant]) {}
    /// A member's purchase of `total_minor`.
    fn purchased(&mut self, _at: Timestamp, _member: i64, _total_minor: i64) {}
    /// A refund of `amount_minor`.
    fn refunded(&mut self, _at: Timestamp, _member: i64, _amount_minor: i64) {}
    /// A member's tier changed.
    fn tier_changed(&mut self, _at: Timestamp, _member: i64, _change: &TierChange) {}
    /// Something the history did that the program replayed refuses.
    fn refused(&mut self, _at: Timestamp, _member: i64, _refusal: &Refusal) {}
}

/// A watch that looks at nothing.
impl Watch for () {}
