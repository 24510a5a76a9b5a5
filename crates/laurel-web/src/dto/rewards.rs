//! The JSON shapes of rewards and coupons: the catalog, redemptions, and the checkout's
//! coupon calls.

use super::{BalanceBody, ChannelName, LineBody, channel, decimal, whole};
use crate::error::ApiError;
use laurel_core::Channel;
use laurel_core::rewards::RewardKind;
use laurel_engine::ErrorCode;
use laurel_engine::decimal as decimal_field;
use laurel_engine::{
    CheckoutRequest, CouponCheck, CouponUseOutcome, CouponView, RedemptionOutcome, RedemptionView,
    RewardView,
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A reward of the catalog.
#[derive(Serialize, ToSchema)]
pub struct RewardBody {
    /// Stable id.
    #[schema(example = "free_latte")]
    pub id: String,
    /// Display name.
    pub name: String,
    /// What members read about it.
    pub description: Option<String>,
    /// amount_coupon, percent_coupon, free_product, physical_gift, experience or donation.
    #[schema(example = "free_product")]
    pub kind: String,
    /// Points one unit costs.
    pub cost: i64,
    /// Amount coupons: money off.
    pub amount: Option<String>,
    /// Percent coupons: percent off.
    pub percent: Option<String>,
    /// Percent coupons: the most taken off one basket.
    pub max_discount: Option<String>,
    /// Free-product coupons: the product's SKU.
    pub sku: Option<String>,
    /// Coupons: the basket total needed.
    pub min_spend: Option<String>,
    /// Coupons: days a coupon stays valid.
    pub valid_days: Option<u32>,
    /// Donations: the cause.
    pub cause: Option<String>,
    /// Experiences: when.
    pub starts_at: Option<String>,
    /// Experiences: where.
    pub location: Option<String>,
    /// Tiers whose members may redeem it; empty for everyone.
    pub tiers: Vec<String>,
    /// First instant it may be redeemed.
    pub available_from: Option<String>,
    /// Instant from which it may no longer be redeemed.
    pub available_until: Option<String>,
    /// Units in all; null for unlimited.
    pub stock: Option<u64>,
    /// Units left; null for unlimited.
    pub stock_left: Option<u64>,
    /// Units redeemed and not cancelled.
    pub redeemed: u64,
    /// Units one member may redeem; null for no limit.
    pub per_member_limit: Option<u32>,
    /// With `member_id`: whether that member may redeem one now.
    pub can_redeem: Option<bool>,
    /// With `member_id`: why not (the code a redemption would be refused with).
    pub refusal: Option<String>,
    /// The coalition partner it is spent at (its code); null for the program's own.
    pub partner: Option<String>,
}

impl RewardBody {
    fn new(view: RewardView, for_member: bool) -> RewardBody {
        let r = view.reward;
        let (mut amount, mut percent, mut max_discount, mut sku) = (None, None, None, None);
        let (mut cause, mut starts_at, mut location) = (None, None, None);
        match &r.kind {
            RewardKind::AmountCoupon { amount: a } => amount = Some(decimal(*a)),
            RewardKind::PercentCoupon {
                percent: p,
                max_discount: m,
            } => {
                percent = Some(decimal(*p));
                max_discount = m.map(decimal);
            }
            RewardKind::FreeProduct { sku: s } => sku = Some(s.clone()),
            RewardKind::PhysicalGift => {}
            RewardKind::Experience {
                starts_at: at,
                location: l,
            } => {
                starts_at = at.map(|t| t.to_string());
                location = l.clone();
            }
            RewardKind::Donation { cause: c } => cause = Some(c.clone()),
        }
        let coupon = r.kind.issues_coupon();
        RewardBody {
            kind: r.kind.as_str().to_owned(),
            id: r.id,
            name: r.name.fallback().to_owned(),
            description: r.description.map(|d| d.fallback().to_owned()),
            cost: r.cost.get(),
            amount,
            percent,
            max_discount,
            sku,
            min_spend: r.coupon.min_spend.filter(|_| coupon).map(decimal),
            valid_days: coupon.then_some(r.coupon.valid_days),
            cause,
            starts_at,
            location,
            tiers: r.tiers,
            available_from: r.available_from.map(|t| t.to_string()),
            available_until: r.available_until.map(|t| t.to_string()),
            stock: r.stock,
            stock_left: view.stock_left,
            redeemed: view.redeemed,
            per_member_limit: r.per_member_limit,
            can_redeem: for_member.then_some(view.refusal.is_none()),
            refusal: view.refusal.map(|code| code.as_str().to_owned()),
            partner: r.partner,
        }
    }
}

/// The catalog.
#[derive(Serialize, ToSchema)]
pub struct RewardsResponse {
    /// Rewards in program order.
    pub rewards: Vec<RewardBody>,
}

impl RewardsResponse {
    /// The catalog; `for_member` when it was asked for a member's eligibility.
    pub fn new(views: Vec<RewardView>, for_member: bool) -> RewardsResponse {
        RewardsResponse {
            rewards: views
                .into_iter()
                .map(|v| RewardBody::new(v, for_member))
                .collect(),
        }
    }
}

/// Redeem a reward.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RedeemRewardBody {
    /// The reward's id.
    #[schema(min_length = 1, max_length = 200)]
    pub reward_id: String,
    /// Units (1–20, default 1).
    #[serde(default = "one", deserialize_with = "whole::deserialize_u32")]
    #[schema(minimum = 1, maximum = 20)]
    pub quantity: u32,
    /// Your idempotency key: a retry with the same key has one effect.
    #[schema(min_length = 1, max_length = 200)]
    pub idempotency_key: String,
}

fn one() -> u32 {
    1
}

/// A coupon.
#[derive(Serialize, ToSchema)]
pub struct CouponBody {
    /// The code to type or scan.
    #[schema(example = "7KQ2-MX9D-3RTA-PW4H")]
    pub code: String,
    /// The reward that issued it.
    pub reward_id: String,
    /// amount_coupon, percent_coupon or free_product.
    pub kind: String,
    /// Amount coupons: money off.
    pub amount: Option<String>,
    /// Percent coupons: percent off.
    pub percent: Option<String>,
    /// Percent coupons: the most taken off one basket.
    pub max_discount: Option<String>,
    /// Free-product coupons: the product's SKU.
    pub sku: Option<String>,
    /// The basket total needed.
    pub min_spend: Option<String>,
    /// Currency of the amounts.
    pub currency: String,
    /// When issued.
    pub issued_at: String,
    /// When it stops being valid.
    pub expires_at: String,
    /// active, consumed or cancelled.
    pub status: String,
    /// The order it was used on (`channel:order_id`).
    pub order: Option<String>,
    /// What it took off that order.
    pub discount: Option<String>,
    /// When it was used.
    pub consumed_at: Option<String>,
}

impl From<CouponView> for CouponBody {
    fn from(c: CouponView) -> CouponBody {
        CouponBody {
            code: c.code,
            reward_id: c.reward_id,
            kind: c.kind,
            amount: c.amount.map(decimal),
            percent: c.percent.map(decimal),
            max_discount: c.max_discount.map(decimal),
            sku: c.sku,
            min_spend: c.min_spend.map(decimal),
            currency: c.currency,
            issued_at: c.issued_at.to_string(),
            expires_at: c.expires_at.to_string(),
            status: c.status,
            order: c.order,
            discount: c.discount.map(decimal),
            consumed_at: c.consumed_at.map(|t| t.to_string()),
        }
    }
}

/// A donation's record.
#[derive(Serialize, ToSchema)]
pub struct DonationBody {
    /// The cause.
    pub cause: String,
    /// The money value of the points given.
    pub value: String,
    /// Its currency.
    pub currency: String,
}

/// A redemption of a reward.
#[derive(Serialize, ToSchema)]
pub struct RewardRedemptionBody {
    /// Its id (to cancel or fulfil it).
    pub redemption_id: i64,
    /// The member.
    pub member_id: i64,
    /// The reward.
    pub reward_id: String,
    /// Its name when redeemed.
    pub reward_name: String,
    /// Its kind.
    pub kind: String,
    /// Units.
    pub quantity: i64,
    /// Points debited.
    pub points: i64,
    /// issued, fulfilled or cancelled.
    pub status: String,
    /// When redeemed.
    pub redeemed_at: String,
    /// When fulfilled or cancelled.
    pub closed_at: Option<String>,
    /// Who fulfilled or cancelled it.
    pub closed_by: Option<String>,
    /// The coupons it issued.
    pub coupons: Vec<CouponBody>,
    /// Donations: the cause and value.
    pub donation: Option<DonationBody>,
}

impl From<RedemptionView> for RewardRedemptionBody {
    fn from(r: RedemptionView) -> RewardRedemptionBody {
        RewardRedemptionBody {
            redemption_id: r.redemption_id,
            member_id: r.member_id,
            reward_id: r.reward_id,
            reward_name: r.reward_name,
            kind: r.kind,
            quantity: r.quantity,
            points: r.points,
            status: r.status,
            redeemed_at: r.redeemed_at.to_string(),
            closed_at: r.closed_at.map(|t| t.to_string()),
            closed_by: r.closed_by,
            coupons: r.coupons.into_iter().map(Into::into).collect(),
            donation: r.donation.map(|d| DonationBody {
                cause: d.cause,
                value: decimal(d.value),
                currency: d.currency,
            }),
        }
    }
}

/// The answer to redeeming, cancelling or fulfilling a reward.
#[derive(Serialize, ToSchema)]
pub struct RewardRedemptionResponse {
    /// The redemption after the call.
    pub redemption: RewardRedemptionBody,
    /// The ledger entry it wrote: the debit, or the restore of a cancellation.
    pub entry_id: Option<i64>,
    /// The member's balances after it.
    pub balance: BalanceBody,
}

impl From<RedemptionOutcome> for RewardRedemptionResponse {
    fn from(r: RedemptionOutcome) -> RewardRedemptionResponse {
        RewardRedemptionResponse {
            redemption: r.redemption.into(),
            entry_id: r.entry_id,
            balance: r.balance.into(),
        }
    }
}

/// A member's redemptions, newest first.
#[derive(Serialize, ToSchema)]
pub struct RewardRedemptionsResponse {
    /// The redemptions.
    pub redemptions: Vec<RewardRedemptionBody>,
}

/// A basket at the checkout.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckoutBody {
    /// pos, web, app or partner.
    #[schema(value_type = ChannelName)]
    pub channel: String,
    /// Store identifier.
    #[schema(min_length = 1, max_length = 200)]
    pub store: Option<String>,
    /// ISO 4217 currency code; must be the program's.
    #[schema(pattern = "^[A-Z]{3}$", example = "CNY")]
    pub currency: String,
    /// Basket total before the coupon.
    #[serde(deserialize_with = "decimal_field::deserialize")]
    #[schema(value_type = String, example = "88.00", pattern = r"^[0-9]{1,11}(\.[0-9]{1,2})?$")]
    pub total: Decimal,
    /// Basket lines (a free-product coupon needs its product among them).
    #[serde(default)]
    #[schema(max_items = 500)]
    pub lines: Vec<LineBody>,
}

impl CheckoutBody {
    /// Into the engine's request.
    pub fn into_request(self) -> Result<CheckoutRequest, ApiError> {
        Ok(CheckoutRequest {
            channel: channel("channel", Some(&self.channel), Channel::Pos)?,
            store: self.store,
            currency: self.currency,
            total: self.total,
            lines: self.lines.into_iter().map(Into::into).collect(),
        })
    }
}

/// Use a coupon on an order.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsumeCouponBody {
    /// The shop's order id: a retry for the same order has one effect.
    #[schema(min_length = 1, max_length = 200)]
    pub order_id: String,
    /// The basket it applies to.
    pub basket: CheckoutBody,
}

/// Check a coupon against a basket.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ValidateCouponBody {
    /// The basket.
    pub basket: CheckoutBody,
}

/// Give a coupon back from an order that was cancelled.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReleaseCouponBody {
    /// The order that used it.
    #[schema(min_length = 1, max_length = 200)]
    pub order_id: String,
    /// Its channel.
    #[schema(value_type = ChannelName)]
    pub channel: String,
}

/// Whether a coupon applies to a basket.
#[derive(Serialize, ToSchema)]
pub struct CouponCheckResponse {
    /// True when it applies.
    pub valid: bool,
    /// What it would take off.
    pub discount: Option<String>,
    /// What the holder's tier takes off as well: its `discount_percent` of the basket after
    /// the coupon (of the whole basket when the coupon does not apply), rounded down to the
    /// currency's minor unit; "0" without a tier discount.
    #[schema(example = "4.5")]
    pub tier_discount: String,
    /// Why not: a stable code (coupon_expired, coupon_used, coupon_min_spend…).
    pub reason: Option<String>,
    /// Why not, in words.
    pub message: Option<String>,
    /// The coupon.
    pub coupon: CouponBody,
}

impl From<CouponCheck> for CouponCheckResponse {
    fn from(c: CouponCheck) -> CouponCheckResponse {
        let (discount, reason, message) = match &c.verdict {
            Ok(d) => (Some(decimal(*d)), None, None),
            Err(e) => (
                None,
                Some(ErrorCode::from(e).as_str().to_owned()),
                Some(e.to_string()),
            ),
        };
        CouponCheckResponse {
            valid: c.verdict.is_ok(),
            discount,
            tier_discount: decimal(c.tier_discount),
            reason,
            message,
            coupon: c.coupon.into(),
        }
    }
}

/// The answer to using or releasing a coupon.
#[derive(Serialize, ToSchema)]
pub struct CouponUseResponse {
    /// The order (`channel:order_id`).
    pub order: String,
    /// What it takes off the order; null once released.
    pub discount: Option<String>,
    /// True when the call changed nothing (a retry).
    pub repeated: bool,
    /// The coupon after the call.
    pub coupon: CouponBody,
}

impl From<CouponUseOutcome> for CouponUseResponse {
    fn from(u: CouponUseOutcome) -> CouponUseResponse {
        CouponUseResponse {
            order: u.order,
            discount: u.discount.map(decimal),
            repeated: u.repeated,
            coupon: u.coupon.into(),
        }
    }
}
