//! The JSON shapes of a member's points: redemptions, adjustments, the balance and the
//! ledger.

use super::{BalanceBody, LedgerGrantBody, MoneyBody, whole};
use laurel_engine::{BalanceView, LedgerEntry, LedgerPage, PostingOutcome};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An adjustment's points: a credit or a debit of 1 to 10^12, never zero.
fn signed_points() -> utoipa::openapi::Schema {
    use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, OneOfBuilder, SchemaFormat, Type};
    let points_max = laurel_engine::POINTS_MAX;
    let range = |min: i64, max: i64| {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
            .minimum(Some(min))
            .maximum(Some(max))
    };
    OneOfBuilder::new()
        .item(range(1, points_max))
        .item(range(-points_max, -1))
        .description(Some("Signed points: not zero, at most 10^12 either way."))
        .build()
        .into()
}

/// Spend points.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RedemptionBody {
    /// Points to spend.
    #[schema(minimum = 1, maximum = 1_000_000_000_000_i64)]
    #[serde(deserialize_with = "whole::deserialize")]
    pub points: i64,
    /// Your idempotency key: a retry with the same key has one effect.
    #[schema(min_length = 1, max_length = 200)]
    pub idempotency_key: String,
    /// What the points paid for (an order id, a reward code).
    #[schema(min_length = 1, max_length = 200)]
    pub reference: String,
    /// Free-text reason.
    #[schema(min_length = 1, max_length = 200)]
    pub reason: Option<String>,
    /// The coalition partner the points are spent at (its code): the program pays the partner
    /// for them. A partner's key sets its own.
    #[schema(min_length = 1, max_length = 40)]
    pub partner: Option<String>,
}

/// A manual credit (positive points) or debit (negative points).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdjustmentBody {
    /// Signed points: not zero, at most 10^12 either way.
    #[schema(schema_with = signed_points)]
    #[serde(deserialize_with = "whole::deserialize")]
    pub points: i64,
    /// Why, in words the member is shown in their history; required.
    #[schema(min_length = 1, max_length = 200)]
    pub reason: String,
    /// A note for staff only, kept with the adjustment and shown on the console's member
    /// page, never to the member. Several lines allowed; blank counts as none.
    #[schema(max_length = 500)]
    #[serde(default)]
    pub note: Option<String>,
    /// Your idempotency key.
    #[schema(min_length = 1, max_length = 200)]
    pub idempotency_key: String,
}

/// A lot a debit drew on.
#[derive(Serialize, ToSchema)]
pub struct DrawBody {
    /// The lot.
    pub lot_id: i64,
    /// Points taken from it.
    pub points: i64,
}

/// The answer to a redemption or adjustment.
#[derive(Serialize, ToSchema)]
pub struct PostingResponse {
    /// The ledger entry written.
    pub entry_id: i64,
    /// The member.
    pub member_id: i64,
    /// Signed points.
    pub points: i64,
    /// Lots drawn on, soonest-expiring first.
    pub draws: Vec<DrawBody>,
    /// Balances after.
    pub balance: BalanceBody,
}

impl From<PostingOutcome> for PostingResponse {
    fn from(p: PostingOutcome) -> PostingResponse {
        PostingResponse {
            entry_id: p.entry_id,
            member_id: p.member_id,
            points: p.points,
            draws: p
                .draws
                .into_iter()
                .map(|d| DrawBody {
                    lot_id: d.lot_id,
                    points: d.points,
                })
                .collect(),
            balance: p.balance.into(),
        }
    }
}

/// Points expiring at one instant.
#[derive(Serialize, ToSchema)]
pub struct ExpiryBody {
    /// Points.
    pub points: i64,
    /// When.
    pub expires_at: String,
}

/// A member's balance.
#[derive(Serialize, ToSchema)]
pub struct BalanceResponse {
    /// The member.
    pub member_id: i64,
    /// Spendable points.
    pub available: i64,
    /// Points in the return window.
    pub pending: i64,
    /// Points held at checkouts (not in `available` until their holds are captured or
    /// released).
    pub held: i64,
    /// What members call the points.
    pub points_name: String,
    /// Money value of the available points.
    pub value: MoneyBody,
    /// Next expiries, soonest first.
    pub next_expiries: Vec<ExpiryBody>,
}

impl BalanceResponse {
    /// From the engine's view.
    pub fn new(b: BalanceView, points_name: &str) -> BalanceResponse {
        BalanceResponse {
            member_id: b.member_id,
            available: b.available.get(),
            pending: b.pending.get(),
            held: b.held.get(),
            points_name: points_name.to_owned(),
            value: MoneyBody {
                amount: b.available_value.amount().to_string(),
                currency: b.available_value.currency().code().to_owned(),
            },
            next_expiries: b
                .next_expiries
                .into_iter()
                .map(|(at, p)| ExpiryBody {
                    points: p.get(),
                    expires_at: at.to_string(),
                })
                .collect(),
        }
    }
}

/// One ledger entry.
#[derive(Serialize, ToSchema)]
pub struct EntryBody {
    /// Entry id.
    pub id: i64,
    /// earn, release, redeem, expire, reverse, adjust_credit, adjust_debit.
    pub kind: String,
    /// Net change to the member's points (available + pending).
    pub amount: i64,
    /// Change to available points.
    pub available_delta: i64,
    /// Change to pending points.
    pub pending_delta: i64,
    /// Points a refund could not take back.
    pub shortfall: i64,
    /// Why.
    pub reason: String,
    /// What it refers to.
    pub reference: String,
    /// Who did it (API key prefix, scheduler), if recorded.
    pub actor: Option<String>,
    /// When the underlying event happened.
    pub occurred_at: String,
    /// When it was posted.
    pub posted_at: String,
    /// The program version it was decided under (absent for entries from before versioning).
    pub program_version: Option<i64>,
    /// For an earn, what each rule granted and why, in the order granted; empty otherwise.
    pub grants: Vec<LedgerGrantBody>,
}

impl EntryBody {
    /// An entry, its grants explained under `program`.
    fn of(program: &laurel_core::Program, e: LedgerEntry) -> EntryBody {
        EntryBody {
            grants: e
                .grants
                .iter()
                .map(|g| LedgerGrantBody::of(program, g))
                .collect(),
            id: e.id.0,
            kind: e.kind.as_str().to_owned(),
            amount: (e.available_delta + e.pending_delta).get(),
            available_delta: e.available_delta.get(),
            pending_delta: e.pending_delta.get(),
            shortfall: e.shortfall.get(),
            reason: e.meta.reason,
            reference: e.meta.reference,
            actor: e.meta.actor,
            occurred_at: e.meta.effective_at.to_string(),
            posted_at: e.meta.posted_at.to_string(),
            program_version: e.meta.program_version,
        }
    }
}

/// A page of ledger entries, newest first.
#[derive(Serialize, ToSchema)]
pub struct LedgerResponse {
    /// The entries.
    pub entries: Vec<EntryBody>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

impl LedgerResponse {
    /// A page, its grants explained under `program`.
    pub fn of(program: &laurel_core::Program, p: LedgerPage) -> LedgerResponse {
        LedgerResponse {
            entries: p
                .entries
                .into_iter()
                .map(|e| EntryBody::of(program, e))
                .collect(),
            next_cursor: p.next_cursor.map(|c| c.0.to_string()),
        }
    }
}
