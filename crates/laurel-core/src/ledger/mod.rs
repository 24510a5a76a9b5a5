//! The points ledger algebra: accounts, lots, and postings.
//!
//! A member's points live in lots: each earn opens one, with its own expiry. Debits draw on
//! lots soonest-expiring first and say which lot they drew on. Every change is a [`Posting`]:
//! balanced movements between accounts plus the lot effects that go with them. Postings are
//! computed here from the member's current [`MemberLedger`]; the shell stores them.

mod apply;
mod expiry;
mod hold;
mod ops;
mod roll;
mod transfer;

pub use apply::InvariantViolation;
pub use expiry::{ExpiryMonth, expiry_by_month};
pub use hold::Captured;
pub use ops::LedgerError;
pub use roll::{Held, Line, PeriodSums, RollForward};
pub use transfer::Sent;

use crate::points::Points;
use jiff::Timestamp;

/// Identifier of a lot, assigned by storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LotId(pub i64);

/// A ledger account. The two member accounts are per member; the others are program-wide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Account {
    /// The member's spendable points.
    MemberAvailable,
    /// The member's points still in the return window.
    MemberPending,
    /// Source of every earned point (its balance is minus all points ever issued).
    Issued,
    /// Points spent on rewards or payments.
    Redeemed,
    /// Points that reached their expiry.
    Expired,
    /// Points taken back by refunds.
    Reversed,
    /// Manual credits and debits by staff.
    Adjusted,
    /// Points on their way from one member to another: what a sender gives is taken by the
    /// receiver in the same transaction, so its balance is zero after every transfer.
    Transferred,
    /// Points held at checkouts until their order is captured or the hold released.
    Held,
}

impl Account {
    /// Every account, in a stable order.
    pub const ALL: [Account; 9] = [
        Account::MemberAvailable,
        Account::MemberPending,
        Account::Issued,
        Account::Redeemed,
        Account::Expired,
        Account::Reversed,
        Account::Adjusted,
        Account::Transferred,
        Account::Held,
    ];

    /// Stable name used in storage and APIs.
    pub fn as_str(self) -> &'static str {
        match self {
            Account::MemberAvailable => "member_available",
            Account::MemberPending => "member_pending",
            Account::Issued => "program_issued",
            Account::Redeemed => "program_redeemed",
            Account::Expired => "program_expired",
            Account::Reversed => "program_reversed",
            Account::Adjusted => "program_adjusted",
            Account::Transferred => "program_transferred",
            Account::Held => "program_held",
        }
    }

    /// Parses a stable name back.
    pub fn parse(name: &str) -> Option<Account> {
        Account::ALL.into_iter().find(|a| a.as_str() == name)
    }

    /// True for the two per-member accounts.
    pub fn is_member(self) -> bool {
        matches!(self, Account::MemberAvailable | Account::MemberPending)
    }
}

/// What a posting records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PostingKind {
    /// Points earned (purchase or event).
    Earn,
    /// Pending points released after the return window.
    Release,
    /// Points spent.
    Redeem,
    /// Points expired.
    Expire,
    /// Every open point of an erased member, given up as breakage.
    Forfeit,
    /// Points reversed by a refund.
    Reverse,
    /// Staff credit.
    AdjustCredit,
    /// Staff debit.
    AdjustDebit,
    /// Points of a cancelled redemption given back.
    Restore,
    /// Points a member sent to another.
    TransferOut,
    /// Points a member received from another.
    TransferIn,
    /// Points a sender paid for a transfer.
    TransferFee,
    /// Points held at a checkout.
    Hold,
    /// Held points spent by the order they were held for.
    HoldCapture,
    /// Held points given back (not captured, voided, or the hold lapsed).
    HoldRelease,
}

impl PostingKind {
    /// Every kind, in a stable order.
    pub const ALL: [PostingKind; 15] = [
        PostingKind::Earn,
        PostingKind::Release,
        PostingKind::Redeem,
        PostingKind::Expire,
        PostingKind::Reverse,
        PostingKind::AdjustCredit,
        PostingKind::AdjustDebit,
        PostingKind::Restore,
        PostingKind::TransferOut,
        PostingKind::TransferIn,
        PostingKind::TransferFee,
        PostingKind::Hold,
        PostingKind::HoldCapture,
        PostingKind::HoldRelease,
        PostingKind::Forfeit,
    ];

    /// Stable name used in storage and APIs.
    pub fn as_str(self) -> &'static str {
        match self {
            PostingKind::Earn => "earn",
            PostingKind::Release => "release",
            PostingKind::Redeem => "redeem",
            PostingKind::Expire => "expire",
            PostingKind::Reverse => "reverse",
            PostingKind::AdjustCredit => "adjust_credit",
            PostingKind::AdjustDebit => "adjust_debit",
            PostingKind::Restore => "restore",
            PostingKind::TransferOut => "transfer_out",
            PostingKind::TransferIn => "transfer_in",
            PostingKind::TransferFee => "transfer_fee",
            PostingKind::Hold => "hold",
            PostingKind::HoldCapture => "hold_capture",
            PostingKind::HoldRelease => "hold_release",
            PostingKind::Forfeit => "forfeit",
        }
    }

    /// Parses a stable name back.
    pub fn parse(name: &str) -> Option<PostingKind> {
        PostingKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// Points moved from one account to another: one debit and one equal credit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Movement {
    /// Account debited.
    pub from: Account,
    /// Account credited.
    pub to: Account,
    /// Always positive.
    pub amount: Points,
}

/// Where a lot's points are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LotState {
    /// In the return window until the instant given.
    Pending {
        /// When the lot becomes available.
        until: Timestamp,
    },
    /// Spendable.
    Available,
}

/// An open lot: points from one earning with something left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lot {
    /// Storage-assigned id.
    pub id: LotId,
    /// Points left in the lot; positive for an open lot.
    pub remaining: Points,
    /// When it was earned.
    pub earned_at: Timestamp,
    /// When it expires, if ever.
    pub expires_at: Option<Timestamp>,
    /// Pending or available.
    pub state: LotState,
}

impl Lot {
    /// The member account this lot's points sit in.
    pub fn account(&self) -> Account {
        match self.state {
            LotState::Pending { .. } => Account::MemberPending,
            LotState::Available => Account::MemberAvailable,
        }
    }
}

/// A lot a posting opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewLot {
    /// Points credited.
    pub amount: Points,
    /// Points left after repaying any negative balance; what the lot holds when opened.
    pub remaining: Points,
    /// Earning instant.
    pub earned_at: Timestamp,
    /// Expiry instant, if any.
    pub expires_at: Option<Timestamp>,
    /// Pending or available.
    pub state: LotState,
    /// The sender's lot a transfer carried these points from: they keep its expiry, and the
    /// books keep them in its pool.
    pub carried_from: Option<LotId>,
}

/// What a posting does to lots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LotEffect {
    /// Opens a lot.
    Open(NewLot),
    /// Takes points out of a lot.
    Draw {
        /// The lot drawn on.
        lot: LotId,
        /// Points taken.
        amount: Points,
    },
    /// Makes a pending lot available; `repaid` of it settles a negative balance.
    Release {
        /// The lot released.
        lot: LotId,
        /// Points of the lot that went to repay a negative balance.
        repaid: Points,
    },
    /// Puts points back into a lot a debit drew on, which may have closed since.
    Refill(DrawnLot),
}

/// Points a debit took from one lot, with what the lot needs to be reopened: what a
/// cancelled redemption gives back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DrawnLot {
    /// The lot.
    pub lot: LotId,
    /// Points taken from it (or, in a [`LotEffect::Refill`], put back).
    pub amount: Points,
    /// When the lot was earned.
    pub earned_at: Timestamp,
    /// When the lot expires, if ever.
    pub expires_at: Option<Timestamp>,
}

/// One decision of the ledger: balanced movements and their lot effects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posting {
    /// What it records.
    pub kind: PostingKind,
    /// Balanced movements between accounts.
    pub movements: Vec<Movement>,
    /// Lot effects.
    pub lots: Vec<LotEffect>,
    /// Points a refund should have taken back but could not (cap-at-zero clawback).
    pub shortfall: Points,
}

impl Posting {
    /// Net change to a member account.
    pub fn delta(&self, account: Account) -> Points {
        self.movements
            .iter()
            .map(|m| {
                let mut d = Points::ZERO;
                if m.to == account {
                    d += m.amount;
                }
                if m.from == account {
                    d -= m.amount;
                }
                d
            })
            .sum()
    }

    /// The posting as signed entries, one per account touched: credits positive.
    /// The entries of a posting always sum to zero.
    pub fn entries(&self) -> Vec<(Account, Points)> {
        let mut out: Vec<(Account, Points)> = Vec::new();
        for m in &self.movements {
            for (account, amount) in [(m.from, -m.amount), (m.to, m.amount)] {
                match out.iter_mut().find(|(a, _)| *a == account) {
                    Some((_, total)) => *total += amount,
                    None => out.push((account, amount)),
                }
            }
        }
        out.retain(|(_, amount)| *amount != Points::ZERO);
        out
    }
}

/// A member's ledger state: balances and open lots. What every decision is computed from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MemberLedger {
    /// Spendable balance; negative only under allow-negative clawback.
    pub available: Points,
    /// Points in the return window.
    pub pending: Points,
    /// Open lots (remaining above zero), any order.
    pub lots: Vec<Lot>,
}

impl MemberLedger {
    /// A state with balances but no lots loaded: enough for credits ([`MemberLedger::earn`],
    /// [`MemberLedger::adjust_credit`]), which open a lot and never draw on the others.
    pub fn balances_only(available: Points, pending: Points) -> MemberLedger {
        MemberLedger {
            available,
            pending,
            lots: Vec::new(),
        }
    }

    /// The next `limit` instants at which the member's points (available or pending) expire,
    /// soonest first, with the points that expire at each.
    pub fn upcoming_expiries(&self, limit: usize) -> Vec<(Timestamp, Points)> {
        let mut by_instant: std::collections::BTreeMap<Timestamp, Points> =
            std::collections::BTreeMap::new();
        for lot in &self.lots {
            if let Some(at) = lot.expires_at {
                *by_instant.entry(at).or_default() += lot.remaining;
            }
        }
        by_instant.into_iter().take(limit).collect()
    }
}
