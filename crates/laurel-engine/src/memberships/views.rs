//! What membership calls answer: a membership with its term, in the program's money.

use jiff::Timestamp;
use laurel_core::membership::{Membership, Term};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A term as told: when it runs and what it cost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermView {
    /// 1 for the first term, counting up with each renewal.
    pub number: u32,
    /// When its benefits begin.
    pub starts_at: Timestamp,
    /// When it ends as paid for.
    pub ends_at: Timestamp,
    /// Its fee (0 for a trial).
    pub fee: Decimal,
    /// Whether it is a free trial.
    pub trial: bool,
    /// When a cancellation at once cut it short.
    pub cut_at: Option<Timestamp>,
    /// What that cut gave back.
    pub refund: Decimal,
}

impl TermView {
    /// A term in a currency of `digits` decimals.
    pub fn of(term: &Term, digits: u32) -> TermView {
        TermView {
            number: term.number,
            starts_at: term.starts_at,
            ends_at: term.ends_at,
            fee: Decimal::new(term.fee, digits),
            trial: term.trial,
            cut_at: term.cut_at,
            refund: Decimal::new(term.refund, digits),
        }
    }
}

/// A membership as told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembershipView {
    /// Its id.
    pub id: i64,
    /// Whose.
    pub member_id: i64,
    /// The plan's id.
    pub plan: String,
    /// `active` (renews), `ending` (runs out at its term's end) or `ended`.
    pub state: String,
    /// `external` (the business's billing) or `wallet`.
    pub pay_with: String,
    /// When its first term began.
    pub started_at: Timestamp,
    /// Whether its benefits hold now.
    pub in_force: bool,
    /// The term it is in (or ended in).
    pub term: TermView,
    /// When it ended.
    pub ended_at: Option<Timestamp>,
    /// Why: `cancelled`, `not_renewed` or `unpaid`.
    pub end_reason: Option<String>,
}

impl MembershipView {
    /// A stored membership as told at `now` in a currency of `digits` decimals.
    pub fn of(id: i64, member: i64, m: &Membership, now: Timestamp, digits: u32) -> MembershipView {
        MembershipView {
            id,
            member_id: member,
            plan: m.plan.clone(),
            state: m.state.as_str().to_owned(),
            pay_with: m.pay_with.as_str().to_owned(),
            started_at: m.started_at,
            in_force: m.in_force_at(now),
            term: TermView::of(&m.term, digits),
            ended_at: m.ended.map(|(at, _)| at),
            end_reason: m.ended.map(|(_, why)| why.as_str().to_owned()),
        }
    }
}

/// What a membership call did: the membership after it, what it charged and gave back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembershipOutcome {
    /// The membership after the call.
    pub membership: MembershipView,
    /// The fee charged by this call (0 for a trial, a cancellation or a lapse).
    pub charged: Decimal,
    /// What a cancellation at once gave back.
    pub refunded: Decimal,
    /// The wallet move that paid or refunded, when the wallet did.
    pub wallet_move_id: Option<i64>,
}
