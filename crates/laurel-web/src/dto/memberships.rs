//! The JSON shapes of paid memberships: buying one, renewing it, cancelling it, and the
//! membership as answered. Amounts are decimal strings in the program's currency.

use super::decimal;
use laurel_core::membership::{PayWith, When};
use laurel_engine::{
    JoinMembershipRequest, MembershipOutcome, MembershipView, RenewMembershipRequest, TermView,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How a membership's fees are paid.
#[derive(Deserialize, ToSchema, Clone, Copy, Default)]
#[serde(rename_all = "snake_case")]
pub enum PayWithName {
    /// By your own billing, which calls `…/renewals` for each term it charged.
    #[default]
    External,
    /// From the member's wallet of stored value, drawn by Laurel at each renewal.
    Wallet,
}

/// Buy a membership of a plan.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinMembershipBody {
    /// The plan's id (`[[memberships]] id` in the program).
    #[schema(min_length = 1, max_length = 200, example = "plus")]
    pub plan: String,
    /// How its fees are paid (default `external`).
    #[serde(default)]
    pub pay_with: PayWithName,
    /// Your idempotency key: a retry with the same key has one effect.
    #[schema(min_length = 1, max_length = 200)]
    pub idempotency_key: String,
    /// Your billing's payment reference for the first term's fee.
    #[schema(min_length = 1, max_length = 200)]
    pub payment_reference: Option<String>,
}

impl JoinMembershipBody {
    /// The engine's request for `member_id`.
    pub fn request(self, member_id: i64) -> JoinMembershipRequest {
        JoinMembershipRequest {
            member_id,
            plan: self.plan,
            pay_with: match self.pay_with {
                PayWithName::External => PayWith::External,
                PayWithName::Wallet => PayWith::Wallet,
            },
            idempotency_key: self.idempotency_key,
            payment_reference: self.payment_reference,
        }
    }
}

/// Renew a membership for its next term (your billing charged it).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenewMembershipBody {
    /// Your idempotency key: a retry with the same key has one effect.
    #[schema(min_length = 1, max_length = 200)]
    pub idempotency_key: String,
    /// Your billing's payment reference.
    #[schema(min_length = 1, max_length = 200)]
    pub payment_reference: Option<String>,
}

impl RenewMembershipBody {
    /// The engine's request for `membership_id`.
    pub fn request(self, membership_id: i64) -> RenewMembershipRequest {
        RenewMembershipRequest {
            membership_id,
            idempotency_key: self.idempotency_key,
            payment_reference: self.payment_reference,
        }
    }
}

/// When a cancellation takes effect.
#[derive(Deserialize, ToSchema, Clone, Copy, Default)]
#[serde(rename_all = "snake_case")]
pub enum CancelAt {
    /// At the end of the term it is in: no renewal, nothing given back.
    #[default]
    TermEnd,
    /// Now: the term is cut, with a pro-rata refund where the plan gives one.
    Now,
}

/// Cancel a membership.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct CancelMembershipBody {
    /// When (default `term_end`).
    #[serde(default)]
    pub at: CancelAt,
}

impl CancelMembershipBody {
    /// The engine's choice.
    pub fn when(&self) -> When {
        match self.at {
            CancelAt::TermEnd => When::TermEnd,
            CancelAt::Now => When::Now,
        }
    }
}

/// A term of a membership.
#[derive(Serialize, ToSchema)]
pub struct TermBody {
    /// 1 for the first term, counting up with each renewal.
    pub number: u32,
    /// When its benefits begin (RFC 3339).
    pub starts_at: String,
    /// When it ends as paid for.
    pub ends_at: String,
    /// Its fee (0 for a trial).
    pub fee: String,
    /// Whether it is a free trial.
    pub trial: bool,
    /// When a cancellation at once cut it short.
    pub cut_at: Option<String>,
    /// What that cut gave back.
    pub refund: String,
}

impl From<&TermView> for TermBody {
    fn from(t: &TermView) -> TermBody {
        TermBody {
            number: t.number,
            starts_at: t.starts_at.to_string(),
            ends_at: t.ends_at.to_string(),
            fee: decimal(t.fee),
            trial: t.trial,
            cut_at: t.cut_at.map(|at| at.to_string()),
            refund: decimal(t.refund),
        }
    }
}

/// A membership.
#[derive(Serialize, ToSchema)]
pub struct MembershipBody {
    /// Its id.
    pub membership_id: i64,
    /// Whose.
    pub member_id: i64,
    /// The plan's id.
    pub plan: String,
    /// `active` (renews), `ending` (runs out at its term's end) or `ended`.
    pub state: String,
    /// `external` or `wallet`.
    pub pay_with: String,
    /// When its first term began.
    pub started_at: String,
    /// Whether its benefits hold now.
    pub in_force: bool,
    /// The term it is in (or ended in).
    pub term: TermBody,
    /// When it ended.
    pub ended_at: Option<String>,
    /// Why: `cancelled`, `not_renewed` or `unpaid`.
    pub end_reason: Option<String>,
}

impl From<&MembershipView> for MembershipBody {
    fn from(m: &MembershipView) -> MembershipBody {
        MembershipBody {
            membership_id: m.id,
            member_id: m.member_id,
            plan: m.plan.clone(),
            state: m.state.clone(),
            pay_with: m.pay_with.clone(),
            started_at: m.started_at.to_string(),
            in_force: m.in_force,
            term: (&m.term).into(),
            ended_at: m.ended_at.map(|at| at.to_string()),
            end_reason: m.end_reason.clone(),
        }
    }
}

/// The answer to buying, renewing or cancelling a membership.
#[derive(Serialize, ToSchema)]
pub struct MembershipResponse {
    /// The membership after it.
    pub membership: MembershipBody,
    /// The fee this call charged (0 for a trial or a cancellation).
    pub charged: String,
    /// What a cancellation at once gave back.
    pub refunded: String,
    /// The wallet move that paid or refunded, when the wallet did.
    pub wallet_move_id: Option<i64>,
}

impl From<&MembershipOutcome> for MembershipResponse {
    fn from(o: &MembershipOutcome) -> MembershipResponse {
        MembershipResponse {
            membership: (&o.membership).into(),
            charged: decimal(o.charged),
            refunded: decimal(o.refunded),
            wallet_move_id: o.wallet_move_id,
        }
    }
}

/// A member's memberships, newest first.
#[derive(Serialize, ToSchema)]
pub struct MembershipsResponse {
    /// The memberships.
    pub memberships: Vec<MembershipBody>,
}

/// A membership with every term it ran.
#[derive(Serialize, ToSchema)]
pub struct MembershipDetailBody {
    /// The membership.
    pub membership: MembershipBody,
    /// Its terms, first first.
    pub terms: Vec<TermBody>,
}
