//! The JSON shapes of the API, with their OpenAPI schemas. Conversions to and from the
//! engine's types live here so handlers stay thin.

mod grants;
mod program;
mod referrals;
mod rewards;
mod tiers;
mod whole;

pub use grants::{GrantBasisBody, LedgerGrantBody};
pub use program::{
    ApplyProgramBody, ApplyProgramResponse, ProgramSummaryBody, ProgramVersionBody,
    ProgramVersionsResponse,
};
pub use referrals::{ReferralBody, ReferralsResponse};
pub use rewards::{
    CheckoutBody, ConsumeCouponBody, CouponBody, CouponCheckResponse, CouponUseResponse,
    RedeemRewardBody, ReleaseCouponBody, RewardRedemptionBody, RewardRedemptionResponse,
    RewardRedemptionsResponse, RewardsResponse, ValidateCouponBody,
};
pub use tiers::{AssignTierBody, TierChangeBody, TierStatusBody};

use crate::error::ApiError;
use jiff::Timestamp;
use jiff::civil::Date;
use laurel_core::Channel;
use laurel_engine::ErrorCode;
use laurel_engine::decimal;
use laurel_engine::{
    BalanceView, Balances, EventOutcome, GrantOutcome, LedgerEntry, LedgerPage, Member,
    PostingOutcome, PreviewOutcome, PurchaseOutcome, RefundOutcome,
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

pub(crate) fn channel(
    field: &str,
    value: Option<&str>,
    default: Channel,
) -> Result<Channel, ApiError> {
    value.map_or(Ok(default), |v| {
        v.parse()
            .map_err(|e| ApiError::invalid(field, ErrorCode::InvalidField, e))
    })
}

/// A decimal as the API writes it: no trailing zeros.
pub(crate) fn decimal(d: Decimal) -> String {
    d.normalize().to_string()
}

pub(crate) fn instant(field: &str, value: &str) -> Result<Timestamp, ApiError> {
    value.parse().map_err(|_| {
        ApiError::invalid(
            field,
            ErrorCode::InvalidDate,
            format!("`{value}` is not an RFC 3339 instant such as 2026-11-24T09:30:00Z"),
        )
    })
}

/// A sales channel, as requests name it (they are read as strings and refused with
/// `invalid_field` when not one of these).

#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum ChannelName {
    /// A till.
    Pos,
    /// A web shop.
    Web,
    /// An app.
    App,
    /// A partner brand.
    Partner,
}

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

/// Enroll a member.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrollBody {
    /// The business's customer id; unique.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub external_id: String,
    /// Email address.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub email: Option<String>,
    /// Phone number.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub phone: Option<String>,
    /// Name.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub name: Option<String>,
    /// Birthday, `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub birthday: Option<String>,
    /// Enrollment channel: pos, web, app or partner (default web).
    #[schema(value_type = Option<ChannelName>)]
    pub channel: Option<String>,
    /// Profile attributes (`{"segment": "student"}`): strings that `member_attribute` rule
    /// conditions compare exactly; at most 50, each at most 200 characters.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// The referral code of the member who referred them (any case).
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub referral_code: Option<String>,
}

impl EnrollBody {
    /// Into the engine's request.
    pub fn into_request(self) -> Result<laurel_engine::EnrollRequest, ApiError> {
        let birthday = self
            .birthday
            .as_deref()
            .map(|b| {
                b.parse::<Date>().map_err(|_| {
                    ApiError::invalid(
                        "birthday",
                        ErrorCode::InvalidDate,
                        format!("`{b}` is not a date such as 1990-05-17"),
                    )
                })
            })
            .transpose()?;
        Ok(laurel_engine::EnrollRequest {
            external_id: self.external_id,
            email: self.email,
            phone: self.phone,
            name: self.name,
            birthday,
            channel: channel("channel", self.channel.as_deref(), Channel::Web)?,
            attributes: self.attributes,
            referral_code: self.referral_code,
        })
    }
}

/// Balances.
#[derive(Serialize, ToSchema)]
pub struct BalanceBody {
    /// Spendable points.
    pub available: i64,
    /// Points in the return window.
    pub pending: i64,
}

impl From<Balances> for BalanceBody {
    fn from(b: Balances) -> BalanceBody {
        BalanceBody {
            available: b.available,
            pending: b.pending,
        }
    }
}

/// A member.
#[derive(Serialize, ToSchema)]
pub struct MemberBody {
    /// Laurel's id.
    pub id: i64,
    /// The business's customer id.
    pub external_id: String,
    /// Email.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Name.
    pub name: Option<String>,
    /// Birthday.
    pub birthday: Option<String>,
    /// Enrollment channel.
    pub channel: String,
    /// active or suspended.
    pub status: String,
    /// When enrolled.
    pub enrolled_at: String,
    /// Balances.
    pub balance: BalanceBody,
    /// Tier id, when the program has tiers and the member holds one.
    pub tier: Option<String>,
    /// Profile attributes.
    pub attributes: BTreeMap<String, String>,
    /// The code the member shares to refer others (members enrolled before referrals get
    /// theirs from `GET /api/v1/members/{id}/referrals`).
    pub referral_code: Option<String>,
}

impl From<Member> for MemberBody {
    fn from(m: Member) -> MemberBody {
        MemberBody {
            id: m.id.0,
            external_id: m.profile.external_id,
            email: m.profile.email,
            phone: m.profile.phone,
            name: m.profile.name,
            birthday: m.profile.birthday.map(|d| d.to_string()),
            channel: m.profile.channel,
            status: m.status,
            enrolled_at: m.profile.enrolled_at.to_string(),
            balance: BalanceBody {
                available: m.available,
                pending: m.pending,
            },
            tier: m.tier.tier,
            attributes: m.profile.attributes,
            referral_code: m.profile.referral_code,
        }
    }
}

/// One basket line.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineBody {
    /// Product code.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub sku: String,
    /// Category.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub category: Option<String>,
    /// Units (whole, above zero).
    #[schema(minimum = 1, maximum = 1_000_000)]
    #[serde(deserialize_with = "whole::deserialize")]
    pub quantity: i64,
    /// Price of one unit, as a decimal string or number.
    #[serde(deserialize_with = "decimal::deserialize")]
    #[schema(value_type = String, example = "12.50", pattern = r"^[0-9]{1,11}(\.[0-9]{1,2})?$")]
    pub unit_price: Decimal,
}

impl From<LineBody> for laurel_engine::LineRequest {
    fn from(l: LineBody) -> laurel_engine::LineRequest {
        laurel_engine::LineRequest {
            sku: l.sku,
            category: l.category,
            quantity: l.quantity,
            unit_price: l.unit_price,
        }
    }
}

/// Record a purchase. Name the member by `member_id` or `external_id`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PurchaseBody {
    /// Laurel's member id.
    #[serde(default, deserialize_with = "whole::deserialize_option")]
    pub member_id: Option<i64>,
    /// The business's customer id.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub external_id: Option<String>,
    /// The shop's order id; unique per channel, and the idempotency key.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub order_id: String,
    /// pos, web, app or partner.
    #[schema(value_type = ChannelName)]
    pub channel: String,
    /// Store identifier.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub store: Option<String>,
    /// ISO 4217 currency code; must be the program's.
    #[schema(pattern = "^[A-Z]{3}$", example = "CNY")]
    pub currency: String,
    /// Total paid, as a decimal string or number.
    #[serde(deserialize_with = "decimal::deserialize")]
    #[schema(value_type = String, example = "128.00", pattern = r"^[0-9]{1,11}(\.[0-9]{1,2})?$")]
    pub total: Decimal,
    /// Basket lines.
    #[serde(default)]
    #[schema(max_items = 500)]
    pub lines: Vec<LineBody>,
    /// When the purchase happened (RFC 3339).
    #[schema(format = DateTime)]
    pub occurred_at: String,
}

/// Which member a body names.
pub fn member_ref(
    member_id: Option<i64>,
    external_id: Option<String>,
) -> Result<laurel_engine::MemberRef, ApiError> {
    match (member_id, external_id) {
        (Some(id), None) => Ok(laurel_engine::MemberRef::Id(id)),
        (None, Some(ext)) => Ok(laurel_engine::MemberRef::External(ext)),
        _ => Err(ApiError::invalid(
            "member_id",
            ErrorCode::MissingField,
            "give exactly one of member_id and external_id",
        )),
    }
}

impl PurchaseBody {
    /// Into the engine's request.
    pub fn into_request(self) -> Result<laurel_engine::PurchaseRequest, ApiError> {
        Ok(laurel_engine::PurchaseRequest {
            member: member_ref(self.member_id, self.external_id)?,
            order_id: self.order_id,
            channel: channel("channel", Some(&self.channel), Channel::Pos)?,
            store: self.store,
            currency: self.currency,
            total: self.total,
            lines: self.lines.into_iter().map(Into::into).collect(),
            occurred_at: instant("occurred_at", &self.occurred_at)?,
        })
    }
}

/// The answer to a purchase.
#[derive(Serialize, ToSchema)]
pub struct PurchaseResponse {
    /// Laurel's purchase id, for refunds.
    pub purchase_id: i64,
    /// The buyer.
    pub member_id: i64,
    /// Points earned: the sum of the grants.
    pub points_earned: i64,
    /// What earned them, rule by rule: the base earn first, then each earning rule that took
    /// effect, in evaluation order.
    pub grants: Vec<GrantBody>,
    /// What the member's tier took off the basket (its `total`), recorded with the purchase:
    /// the tier's `discount_percent`, rounded down to the currency's minor unit; "0" without.
    #[schema(example = "6.4")]
    pub tier_discount: String,
    /// none, pending, available, or expired (history reported past its expiry: posted and
    /// expired at once).
    pub status: String,
    /// When pending points become available.
    pub pending_until: Option<String>,
    /// When the points expire.
    pub expires_at: Option<String>,
    /// Balances after the purchase.
    pub balance: BalanceBody,
    /// The tier change the purchase brought, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier_change: Option<TierChangeBody>,
}

/// What a purchase would do: its grants, its status, the tier it would bring. Nothing is
/// written.
#[derive(Serialize, ToSchema)]
pub struct PreviewResponse {
    /// The buyer.
    pub member_id: i64,
    /// Points it would earn: the sum of the grants.
    pub points_earned: i64,
    /// Rule by rule, as the purchase would answer them.
    pub grants: Vec<GrantBody>,
    /// What the till should take off for the member's tier, with no coupon: the tier's
    /// `discount_percent` of the basket's total, rounded down to the currency's minor unit
    /// ("0" without). The purchase records the same.
    #[schema(example = "6.4")]
    pub tier_discount: String,
    /// none, pending, available, or expired (history reported past its expiry: posted and
    /// expired at once).
    pub status: String,
    /// The member's spendable points now.
    pub available: i64,
    /// The member's tier now (null without tiers).
    pub tier: Option<String>,
    /// The tier change the purchase would bring.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier_change: Option<TierChangeBody>,
    /// After it, the next tier and what it would still take.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_tier: Option<NextTierNeed>,
    /// Rewards the member may redeem now with their spendable points.
    pub affordable_rewards: Vec<String>,
    /// The member's coupons that apply to this basket.
    pub coupons: Vec<ApplicableCoupon>,
}

/// A coupon that applies to the previewed basket.
#[derive(Serialize, ToSchema)]
pub struct ApplicableCoupon {
    /// What it would take off.
    pub discount: String,
    /// What the member's tier would take off with it: its percentage of the basket after the
    /// coupon.
    pub tier_discount: String,
    /// The coupon.
    pub coupon: CouponBody,
}

/// The tier above and what it would still take.
#[derive(Serialize, ToSchema)]
pub struct NextTierNeed {
    /// The tier's id.
    pub tier: String,
    /// The metric still needed (spend in currency units).
    pub needed: String,
}

impl From<PreviewOutcome> for PreviewResponse {
    fn from(p: PreviewOutcome) -> PreviewResponse {
        PreviewResponse {
            member_id: p.member_id,
            points_earned: p.points_earned,
            grants: p.grants.into_iter().map(Into::into).collect(),
            tier_discount: decimal(p.tier_discount),
            status: p.status.as_str().to_owned(),
            available: p.available_now,
            tier: p.tier,
            tier_change: p.tier_change.map(Into::into),
            next_tier: p.next_tier.map(|(tier, needed)| NextTierNeed {
                tier,
                needed: needed.normalize().to_string(),
            }),
            affordable_rewards: p.affordable_rewards,
            coupons: p
                .coupons
                .into_iter()
                .map(|c| ApplicableCoupon {
                    discount: decimal(c.discount),
                    tier_discount: decimal(c.tier_discount),
                    coupon: c.coupon.into(),
                })
                .collect(),
        }
    }
}

/// What one earning rule, or the base earn, granted on a purchase.
#[derive(Serialize, ToSchema)]
pub struct GrantBody {
    /// The rule's id from the program file, or `base` for the base earn.
    #[schema(example = "double_tuesday")]
    pub rule_id: String,
    /// Points granted; zero when a limit left nothing.
    pub points: i64,
    /// The limit that cut the grant down, if one did: per_transaction, per_member_day,
    /// per_member_week, per_member_month, per_member_lifetime or campaign_budget.
    #[schema(example = "per_member_day")]
    pub capped_by: Option<String>,
    /// A sentence a cashier or member can read.
    #[schema(example = "Double points Tuesday: 2× on 128.00 → +128")]
    pub explanation: String,
}

impl From<GrantOutcome> for GrantBody {
    fn from(g: GrantOutcome) -> GrantBody {
        GrantBody {
            rule_id: g.rule_id,
            points: g.points,
            capped_by: g.capped_by,
            explanation: g.explanation,
        }
    }
}

impl From<PurchaseOutcome> for PurchaseResponse {
    fn from(p: PurchaseOutcome) -> PurchaseResponse {
        PurchaseResponse {
            purchase_id: p.purchase_id,
            member_id: p.member_id,
            points_earned: p.earned.points_earned,
            grants: p.earned.grants.into_iter().map(Into::into).collect(),
            tier_discount: decimal(p.tier_discount),
            status: p.earned.status.as_str().to_owned(),
            pending_until: p.earned.pending_until.map(|t| t.to_string()),
            expires_at: p.earned.expires_at.map(|t| t.to_string()),
            balance: p.earned.balance.into(),
            tier_change: p.earned.tier_change.map(Into::into),
        }
    }
}

/// Record a custom event a member did. Name the member by `member_id` or `external_id`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventBody {
    /// Your event id; unique per member, and the idempotency key.
    #[schema(example = "review-88231")]
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub event_id: String,
    /// Laurel's member id.
    #[serde(default, deserialize_with = "whole::deserialize_option")]
    pub member_id: Option<i64>,
    /// The business's customer id.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub external_id: Option<String>,
    /// The event's kind: review_written, survey_completed, app_installed, social_share, or a
    /// kind the program declares in `[events] declared`.
    #[schema(example = "review_written")]
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub kind: String,
    /// Attributes rule conditions may compare (at most 50; keys and values up to 200 characters).
    #[serde(default)]
    #[schema(example = json!({"rating": "5"}))]
    pub attributes: std::collections::BTreeMap<String, String>,
    /// When the event happened (RFC 3339).
    #[schema(format = DateTime)]
    pub occurred_at: String,
}

impl EventBody {
    /// Into the engine's request.
    pub fn into_request(self) -> Result<laurel_engine::EventRequest, ApiError> {
        Ok(laurel_engine::EventRequest {
            member: member_ref(self.member_id, self.external_id)?,
            event_id: self.event_id,
            kind: self.kind,
            attributes: self.attributes,
            occurred_at: instant("occurred_at", &self.occurred_at)?,
        })
    }
}

/// The answer to an event.
#[derive(Serialize, ToSchema)]
pub struct EventResponse {
    /// The member.
    pub member_id: i64,
    /// Your event id.
    pub event_id: String,
    /// The event's kind.
    pub kind: String,
    /// Points earned: the sum of the grants (events have no base earn).
    pub points_earned: i64,
    /// What earned them, rule by rule, in evaluation order.
    pub grants: Vec<GrantBody>,
    /// none, pending, available, or expired (history reported past its expiry: posted and
    /// expired at once).
    pub status: String,
    /// When pending points become available.
    pub pending_until: Option<String>,
    /// When the points expire.
    pub expires_at: Option<String>,
    /// Balances after the event.
    pub balance: BalanceBody,
    /// The tier change the event brought, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier_change: Option<TierChangeBody>,
}

impl From<EventOutcome> for EventResponse {
    fn from(e: EventOutcome) -> EventResponse {
        EventResponse {
            member_id: e.member_id,
            event_id: e.event_id,
            kind: e.kind,
            points_earned: e.earned.points_earned,
            grants: e.earned.grants.into_iter().map(Into::into).collect(),
            status: e.earned.status.as_str().to_owned(),
            pending_until: e.earned.pending_until.map(|t| t.to_string()),
            expires_at: e.earned.expires_at.map(|t| t.to_string()),
            balance: e.earned.balance.into(),
            tier_change: e.earned.tier_change.map(Into::into),
        }
    }
}

/// A line to refund.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundLineBody {
    /// Line number in the purchase, from 0 in basket order.
    #[schema(minimum = 0)]
    #[serde(deserialize_with = "whole::deserialize")]
    pub line: i64,
    /// Units returned.
    #[schema(minimum = 1, maximum = 1_000_000)]
    #[serde(deserialize_with = "whole::deserialize")]
    pub quantity: i64,
}

/// Refund a purchase: give `amount`, or `lines`, or neither for everything left.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundBody {
    /// The shop's refund id; unique per purchase, and the idempotency key.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub refund_id: String,
    /// Money refunded.
    #[serde(default, deserialize_with = "decimal::deserialize_option")]
    #[schema(value_type = Option<String>, example = "20.00", pattern = r"^[0-9]{1,11}(\.[0-9]{1,2})?$")]
    pub amount: Option<Decimal>,
    /// Lines returned.
    pub lines: Option<Vec<RefundLineBody>>,
}

impl RefundBody {
    /// Into the engine's request.
    pub fn into_request(self, purchase_id: i64) -> Result<laurel_engine::RefundRequest, ApiError> {
        let scope = match (self.amount, self.lines) {
            (None, None) => laurel_engine::RefundScope::Full,
            (Some(amount), None) => laurel_engine::RefundScope::Amount(amount),
            (None, Some(lines)) => laurel_engine::RefundScope::Lines(
                lines.into_iter().map(|l| (l.line, l.quantity)).collect(),
            ),
            (Some(_), Some(_)) => {
                return Err(ApiError::invalid(
                    "amount",
                    ErrorCode::InvalidField,
                    "give amount or lines, not both",
                ));
            }
        };
        Ok(laurel_engine::RefundRequest {
            purchase_id,
            refund_id: self.refund_id,
            scope,
        })
    }
}

/// The answer to a refund.
#[derive(Serialize, ToSchema)]
pub struct RefundResponse {
    /// The purchase.
    pub purchase_id: i64,
    /// The shop's refund id.
    pub refund_id: String,
    /// Money refunded by this refund.
    pub amount: String,
    /// Points taken back.
    pub points_reversed: i64,
    /// Points that could not be taken back (cap-at-zero clawback).
    pub shortfall: i64,
    /// The member.
    pub member_id: i64,
    /// Balances after.
    pub balance: BalanceBody,
}

impl RefundResponse {
    /// From the engine's outcome; money shown in the program's currency.
    pub fn new(r: RefundOutcome, currency: laurel_core::Currency) -> RefundResponse {
        RefundResponse {
            purchase_id: r.purchase_id,
            refund_id: r.refund_id,
            amount: laurel_core::Money::from_minor(r.amount_minor, currency)
                .amount()
                .to_string(),
            points_reversed: r.points_reversed,
            shortfall: r.shortfall,
            member_id: r.member_id,
            balance: r.balance.into(),
        }
    }
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
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub idempotency_key: String,
    /// What the points paid for (an order id, a reward code).
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub reference: String,
    /// Free-text reason.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub reason: Option<String>,
}

/// A manual credit (positive points) or debit (negative points).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdjustmentBody {
    /// Signed points: not zero, at most 10^12 either way.
    #[schema(schema_with = signed_points)]
    #[serde(deserialize_with = "whole::deserialize")]
    pub points: i64,
    /// Why; required.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub reason: String,
    /// Your idempotency key.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\u0000-\u001F\u007F-\u009F]*$"
    )]
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

/// Money.
#[derive(Serialize, ToSchema)]
pub struct MoneyBody {
    /// Decimal amount.
    pub amount: String,
    /// ISO 4217 code.
    pub currency: String,
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
