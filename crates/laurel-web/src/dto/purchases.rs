//! The JSON shapes of purchases, as `api/purchases.rs` serves them: a purchase and its
//! answer, its preview, and refunds of it.

use super::{BalanceBody, ChannelName, CouponBody, EarnedBody, GrantBody, TierChangeBody};
use super::{channel, decimal, instant, member_ref, whole};
use crate::error::ApiError;
use laurel_core::Channel;
use laurel_engine::decimal;
use laurel_engine::{
    ErrorCode, GuestPurchaseOutcome, PreviewOutcome, PurchaseOutcome, RefundOutcome,
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One basket line.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineBody {
    /// Product code.
    #[schema(min_length = 1, max_length = 200)]
    pub sku: String,
    /// Category.
    #[schema(min_length = 1, max_length = 200)]
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

/// Record a purchase. Name the member by `member_id` or `external_id`; name neither for a
/// customer who is not a member (no points: counted only to compare members' spending with
/// others').
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PurchaseBody {
    /// Laurel's member id.
    #[serde(default, deserialize_with = "whole::deserialize_option")]
    pub member_id: Option<i64>,
    /// The business's customer id.
    #[schema(min_length = 1, max_length = 200)]
    pub external_id: Option<String>,
    /// The shop's order id; unique per channel, and the idempotency key.
    #[schema(min_length = 1, max_length = 200)]
    pub order_id: String,
    /// pos, web, app or partner.
    #[schema(value_type = ChannelName)]
    pub channel: String,
    /// Store identifier.
    #[schema(min_length = 1, max_length = 200)]
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
    /// The coalition partner it was bought at (its code): only the partner's rules earn on
    /// it, and the partner pays the program for the points. A partner's key sets its own.
    #[schema(min_length = 1, max_length = 40)]
    pub partner: Option<String>,
}

/// What a purchase body asks for: a member's purchase, or a non-member's.
pub enum PurchaseCall {
    /// A member bought.
    Member(laurel_engine::PurchaseRequest),
    /// Someone who is not a member bought.
    Guest(laurel_engine::GuestPurchaseRequest),
}

impl PurchaseBody {
    /// A member's purchase when the body names one, else a non-member's.
    pub fn into_call(self) -> Result<PurchaseCall, ApiError> {
        if self.member_id.is_some() || self.external_id.is_some() {
            return self.into_request().map(PurchaseCall::Member);
        }
        Ok(PurchaseCall::Guest(laurel_engine::GuestPurchaseRequest {
            order_id: self.order_id,
            channel: channel("channel", Some(&self.channel), Channel::Pos)?,
            store: self.store,
            currency: self.currency,
            total: self.total,
            lines: self.lines.into_iter().map(Into::into).collect(),
            occurred_at: instant("occurred_at", &self.occurred_at)?,
        }))
    }

    /// Into the engine's request for a member's purchase.
    pub fn into_request(self) -> Result<laurel_engine::PurchaseRequest, ApiError> {
        Ok(laurel_engine::PurchaseRequest {
            partner: self.partner,
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
    /// What the member's tier took off the basket (its `total`), recorded with the purchase:
    /// the tier's `discount_percent`, rounded down to the currency's minor unit; "0" without.
    #[schema(example = "6.4")]
    pub tier_discount: String,
    /// What it earned.
    #[serde(flatten)]
    pub earned: EarnedBody,
}

impl From<PurchaseOutcome> for PurchaseResponse {
    fn from(p: PurchaseOutcome) -> PurchaseResponse {
        PurchaseResponse {
            purchase_id: p.purchase_id,
            member_id: p.member_id,
            tier_discount: decimal(p.tier_discount),
            earned: p.earned.into(),
        }
    }
}

/// The answer to a purchase by a customer who is not a member.
#[derive(Serialize, ToSchema)]
pub struct GuestPurchaseResponse {
    /// Laurel's id of the recorded purchase.
    pub guest_purchase_id: i64,
    /// Always 0: only members earn.
    #[schema(minimum = 0, maximum = 0)]
    pub points_earned: i64,
}

impl From<GuestPurchaseOutcome> for GuestPurchaseResponse {
    fn from(p: GuestPurchaseOutcome) -> GuestPurchaseResponse {
        GuestPurchaseResponse {
            guest_purchase_id: p.guest_purchase_id,
            points_earned: 0,
        }
    }
}

/// The answer to a purchase: a member's, or a non-member's.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum PurchaseAnswer {
    /// A member's purchase: what it earned.
    Member(Box<PurchaseResponse>),
    /// A non-member's purchase: recorded, earning nothing.
    Guest(GuestPurchaseResponse),
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
    #[schema(min_length = 1, max_length = 200)]
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
            partner: None,
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
