//! Coalition partners and their settlement statements.

use laurel_core::Currency;
use laurel_engine::{IssuedKey, PartnerStatement, PartnerView, StatementLine};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A partner as the program declares it.
#[derive(Serialize, ToSchema)]
pub struct PartnerBody {
    /// Its code.
    pub code: String,
    /// What people call it.
    pub name: String,
    /// What it pays the program per point it issues, in the program's currency.
    pub price_per_point: String,
    /// What the program pays it per point members spend there.
    pub reimbursement_per_point: String,
}

impl From<PartnerView> for PartnerBody {
    fn from(p: PartnerView) -> PartnerBody {
        PartnerBody {
            code: p.code,
            name: p.name.fallback().to_owned(),
            price_per_point: p.price_per_point.to_string(),
            reimbursement_per_point: p.reimbursement_per_point.to_string(),
        }
    }
}

/// The program's partners.
#[derive(Serialize, ToSchema)]
pub struct PartnersResponse {
    /// In the order the program declares them.
    pub partners: Vec<PartnerBody>,
}

/// Points and what they are worth.
#[derive(Serialize, ToSchema)]
pub struct PointsWorthBody {
    /// Points, net of reversals.
    pub points: i64,
    /// Their amount, the sum of the lines' amounts.
    pub amount: String,
}

/// One line of a statement.
#[derive(Serialize, ToSchema)]
pub struct StatementLineBody {
    /// The line's id: the next page starts after it.
    pub id: i64,
    /// `issued` (the partner's purchase earned them; negative: a refund took them back) or
    /// `burned` (spent at the partner; negative: the redemption was cancelled).
    pub kind: String,
    /// When it was posted: the statement it belongs to.
    pub posted_at: String,
    /// The member.
    pub member_id: i64,
    /// The member's id in the business's systems.
    pub external_id: String,
    /// The ledger entry it settles.
    pub entry_id: i64,
    /// What it was for (the order, the reward, the redemption).
    pub reference: String,
    /// Points, negative for a reversal or a cancellation.
    pub points: i64,
    /// Money per point it settles at: the partner's terms when it was posted.
    pub price: String,
    /// Points × price, rounded to the minor unit (halves away from zero).
    pub amount: String,
}

fn money(amount: rust_decimal::Decimal, currency: Currency) -> String {
    format!("{:.*}", currency.minor_digits() as usize, amount)
}

impl StatementLineBody {
    fn new(l: StatementLine, currency: Currency) -> StatementLineBody {
        StatementLineBody {
            id: l.id,
            kind: l.kind.as_str().to_owned(),
            posted_at: l.posted_at.to_string(),
            member_id: l.member_id,
            external_id: l.external_id,
            entry_id: l.entry_id,
            reference: l.reference,
            points: l.points,
            price: l.price.to_string(),
            amount: money(l.amount, currency),
        }
    }
}

/// A partner's settlement statement for whole days.
#[derive(Serialize, ToSchema)]
pub struct StatementResponse {
    /// The partner.
    pub partner: PartnerBody,
    /// The currency amounts are in.
    pub currency: String,
    /// Its first day, in the program's time zone.
    pub from: String,
    /// Its last day, included.
    pub to: String,
    /// The instant it starts.
    pub starts_at: String,
    /// The instant it ends (not included).
    pub ends_at: String,
    /// Points the partner issued: what it owes the program for them.
    pub issued: PointsWorthBody,
    /// Points burned at the partner: what the program owes it for them.
    pub burned: PointsWorthBody,
    /// Issued less burned: what the partner owes the program (negative: what the program
    /// owes the partner).
    pub due: String,
    /// Lines in the statement.
    pub lines_total: i64,
    /// A page of its lines, oldest first.
    pub lines: Vec<StatementLineBody>,
    /// Give it as `after` for the next page; null on the last.
    pub next: Option<i64>,
}

impl From<PartnerStatement> for StatementResponse {
    fn from(s: PartnerStatement) -> StatementResponse {
        let c = s.currency;
        StatementResponse {
            partner: s.partner.into(),
            currency: c.code().to_owned(),
            from: s.from.to_string(),
            to: s.to.to_string(),
            starts_at: s.starts_at.to_string(),
            ends_at: s.ends_at.to_string(),
            issued: PointsWorthBody {
                points: s.settlement.issued_points,
                amount: money(s.settlement.issued_amount, c),
            },
            burned: PointsWorthBody {
                points: s.settlement.burned_points,
                amount: money(s.settlement.burned_amount, c),
            },
            due: money(s.settlement.due(), c),
            lines_total: s.lines_total,
            lines: s
                .lines
                .into_iter()
                .map(|l| StatementLineBody::new(l, c))
                .collect(),
            next: s.next,
        }
    }
}

/// A partner's new API key.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerKeyBody {
    /// What the key is called in listings.
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// When it stops working (RFC 3339, ahead); never when left out.
    #[schema(format = DateTime)]
    pub expires_at: Option<String>,
}

impl PartnerKeyBody {
    /// The expiry asked for, read as an instant.
    pub fn expires_at(&self) -> Result<Option<jiff::Timestamp>, crate::error::ApiError> {
        super::keys::expiry(self.expires_at.as_deref())
    }
}

/// A key just made: shown this once.
#[derive(Serialize, ToSchema)]
pub struct PartnerKeyResponse {
    /// Its id.
    pub id: i64,
    /// The key: send it as `Authorization: Bearer …`. Laurel keeps only its hash.
    pub key: String,
    /// Its visible prefix, as listings show it.
    pub prefix: String,
    /// The partner it speaks for.
    pub partner: String,
    /// When it stops working; never when absent.
    #[schema(format = DateTime)]
    pub expires_at: Option<String>,
}

impl PartnerKeyResponse {
    /// `key`, made for `partner`.
    pub fn new(key: IssuedKey, partner: String) -> PartnerKeyResponse {
        PartnerKeyResponse {
            id: key.id,
            key: key.key,
            prefix: key.prefix,
            partner,
            expires_at: key.expires_at.map(|at| at.to_string()),
        }
    }
}
