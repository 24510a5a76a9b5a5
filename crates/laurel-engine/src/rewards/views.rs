//! What reward and coupon commands answer and reads show. Serialized (the engine's storage
//! format for idempotent replay, not the API's).

use crate::error_code::ErrorCode;
use crate::outcomes::Balances;
use jiff::Timestamp;
use laurel_core::rewards::{Coupon, CouponStanding, CouponState, Reward, RewardKind};
use laurel_core::{CouponStatus, Currency, Money};
use laurel_store::{Redemption, StoredCoupon};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A coupon as its holder and a checkout see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouponView {
    /// The code to type or scan.
    pub code: String,
    /// The reward that issued it.
    pub reward_id: String,
    /// `amount_coupon`, `percent_coupon` or `free_product`.
    pub kind: String,
    /// Amount coupons: money off.
    pub amount: Option<Decimal>,
    /// Percent coupons: percent off.
    pub percent: Option<Decimal>,
    /// Percent coupons: the most taken off one basket.
    pub max_discount: Option<Decimal>,
    /// Free-product coupons: the product.
    pub sku: Option<String>,
    /// The basket total it needs.
    pub min_spend: Option<Decimal>,
    /// Currency of its amounts.
    pub currency: String,
    /// When issued.
    pub issued_at: Timestamp,
    /// When it stops being valid.
    pub expires_at: Timestamp,
    /// `active`, `consumed` or `cancelled`.
    pub status: String,
    /// The order it was used on.
    pub order: Option<String>,
    /// What it took off that order.
    pub discount: Option<Decimal>,
    /// When it was used.
    pub consumed_at: Option<Timestamp>,
}

/// A donation's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DonationView {
    /// The cause.
    pub cause: String,
    /// The money value of the points given.
    pub value: Decimal,
    /// Its currency.
    pub currency: String,
}

/// A redemption of a reward.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedemptionView {
    /// Its id.
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
    /// `issued`, `fulfilled` or `cancelled`.
    pub status: String,
    /// When redeemed.
    pub redeemed_at: Timestamp,
    /// When fulfilled or cancelled.
    pub closed_at: Option<Timestamp>,
    /// Who fulfilled or cancelled it.
    pub closed_by: Option<String>,
    /// The coupons it issued.
    pub coupons: Vec<CouponView>,
    /// Donations: the cause and value.
    pub donation: Option<DonationView>,
}

/// The answer to redeeming, cancelling or fulfilling a reward.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedemptionOutcome {
    /// The redemption after the command.
    pub redemption: RedemptionView,
    /// The posting it made: the debit of a redemption, the restore of a cancellation.
    pub entry_id: Option<i64>,
    /// The member's balances after it.
    pub balance: Balances,
}

/// The answer to using or releasing a coupon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouponUseOutcome {
    /// The coupon after the command.
    pub coupon: CouponView,
    /// The order.
    pub order: String,
    /// What it takes off the order (none once released).
    pub discount: Option<Decimal>,
    /// True when the command changed nothing: a retry of the same use or release.
    pub repeated: bool,
}

/// The answer to validating a coupon for a basket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CouponCheck {
    /// The coupon.
    pub coupon: CouponView,
    /// What it would take off, or why it does not apply.
    pub verdict: Result<Decimal, laurel_core::rewards::CouponRefusal>,
    /// What the holder's tier takes off the basket after the coupon (after nothing when it
    /// does not apply).
    pub tier_discount: Decimal,
}

/// A reward of the catalog with how many are left and, for a member, whether they may
/// redeem it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RewardView {
    /// The reward as the program defines it.
    pub reward: Reward,
    /// Units out (redeemed and not cancelled).
    pub redeemed: u64,
    /// Units left, when stock is limited.
    pub stock_left: Option<u64>,
    /// For a member: why they may not redeem one now (a stable code), or `None` if they may.
    pub refusal: Option<ErrorCode>,
}

fn amount(minor: Option<i64>, currency: Currency) -> Option<Decimal> {
    minor.map(|m| Money::from_minor(m, currency).amount())
}

/// The currency a stored record names; the program's if it cannot be read.
fn currency_of(code: &str, fallback: Currency) -> Currency {
    code.parse().unwrap_or(fallback)
}

impl CouponView {
    /// A stored coupon as shown.
    pub(crate) fn from_stored(c: &StoredCoupon, fallback: Currency) -> CouponView {
        let currency = currency_of(&c.coupon.currency, fallback);
        CouponView {
            code: c.coupon.code.clone(),
            reward_id: c.coupon.reward_id.clone(),
            kind: c.coupon.kind.clone(),
            amount: amount(c.coupon.amount_minor, currency),
            percent: c.coupon.percent.as_deref().and_then(|p| p.parse().ok()),
            max_discount: amount(c.coupon.max_discount_minor, currency),
            sku: c.coupon.sku.clone(),
            min_spend: amount(c.coupon.min_spend_minor, currency),
            currency: currency.code().to_owned(),
            issued_at: c.coupon.issued_at,
            expires_at: c.coupon.expires_at,
            status: c.status.as_str().to_owned(),
            order: c.consumed_order.clone(),
            discount: amount(c.consumed_discount_minor, currency),
            consumed_at: c.consumed_at,
        }
    }

    /// Where it stands at `now` (ready, used, expired, cancelled); `None` when the stored
    /// record is not one the core knows.
    pub fn standing(&self, now: Timestamp) -> Option<CouponStanding> {
        self.to_core().map(|c| c.standing(now))
    }

    /// The coupon as the core decides about it; `None` when the stored record is not one the
    /// core knows (a bug or a hand-edited row).
    pub(crate) fn to_core(&self) -> Option<Coupon> {
        let value = match self.kind.as_str() {
            "amount_coupon" => RewardKind::AmountCoupon {
                amount: self.amount?,
            },
            "percent_coupon" => RewardKind::PercentCoupon {
                percent: self.percent?,
                max_discount: self.max_discount,
            },
            "free_product" => RewardKind::FreeProduct {
                sku: self.sku.clone()?,
            },
            _ => return None,
        };
        let state = match self.status.parse().ok()? {
            CouponStatus::Active => CouponState::Active,
            CouponStatus::Consumed => CouponState::Consumed {
                order: self.order.clone()?,
                discount: self.discount?,
            },
            CouponStatus::Cancelled => CouponState::Cancelled,
        };
        Some(Coupon {
            value,
            min_spend: self.min_spend,
            expires_at: self.expires_at,
            state,
        })
    }
}

impl RedemptionView {
    /// Where its coupons stand together at `now` (ready while one is); `None` for a reward
    /// without coupons.
    pub fn coupon_standing(&self, now: Timestamp) -> Option<CouponStanding> {
        CouponStanding::of_all(self.coupons.iter().filter_map(|c| c.standing(now)))
    }

    /// A stored redemption as shown.
    pub(crate) fn from_stored(r: &Redemption, fallback: Currency) -> RedemptionView {
        let currency = currency_of(&r.redemption.currency, fallback);
        RedemptionView {
            redemption_id: r.id.0,
            member_id: r.redemption.member.0,
            reward_id: r.redemption.reward_id.clone(),
            reward_name: r.redemption.reward_name.clone(),
            kind: r.redemption.reward_kind.clone(),
            quantity: r.redemption.quantity,
            points: r.redemption.points,
            status: r.status.as_str().to_owned(),
            redeemed_at: r.redemption.redeemed_at,
            closed_at: r.closed_at,
            closed_by: r.closed_by.clone(),
            coupons: r
                .coupons
                .iter()
                .map(|c| CouponView::from_stored(c, fallback))
                .collect(),
            donation: r.redemption.cause.clone().map(|cause| DonationView {
                cause,
                value: amount(r.redemption.value_minor, currency).unwrap_or_default(),
                currency: currency.code().to_owned(),
            }),
        }
    }
}
