//! Coupons: what one is worth for a basket, and the consume / release decisions a checkout
//! makes with it.

use super::catalog::RewardKind;
use crate::rules::Basket;
use jiff::Timestamp;
use rust_decimal::{Decimal, RoundingStrategy};

/// Where a coupon is in its life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CouponState {
    /// Issued and unused.
    Active,
    /// Used on an order.
    Consumed {
        /// The order it was used on (`channel:order_id`).
        order: String,
        /// What it took off that order.
        discount: Decimal,
    },
    /// Its reward was cancelled and the points returned.
    Cancelled,
}

impl CouponState {
    /// Stable name used in storage and APIs.
    pub fn as_str(&self) -> &'static str {
        match self {
            CouponState::Active => "active",
            CouponState::Consumed { .. } => "consumed",
            CouponState::Cancelled => "cancelled",
        }
    }
}

/// A coupon as a checkout sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coupon {
    /// What it is worth: one of the coupon kinds of [`RewardKind`].
    pub value: RewardKind,
    /// The basket total it needs, if any.
    pub min_spend: Option<Decimal>,
    /// The instant it stops being valid.
    pub expires_at: Timestamp,
    /// Active, consumed or cancelled.
    pub state: CouponState,
}

/// Why a coupon does not apply. Nothing changes when one is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CouponRefusal {
    /// Past its expiry.
    #[error("the coupon expired at {0}")]
    Expired(Timestamp),
    /// Already used on another order.
    #[error("the coupon was already used on order {0}")]
    Used(String),
    /// Its reward was cancelled.
    #[error("the coupon was cancelled")]
    Cancelled,
    /// The basket is below the coupon's minimum spend.
    #[error("the coupon needs a basket of at least {min}, this one is {total}")]
    BelowMinimumSpend {
        /// The minimum.
        min: Decimal,
        /// The basket's total.
        total: Decimal,
    },
    /// The free product is not in the basket.
    #[error("the coupon is for product {0}, which is not in the basket")]
    ProductMissing(String),
    /// The basket has nothing the coupon could take off.
    #[error("the basket total is zero")]
    NothingToDiscount,
    /// Released by an order that did not use it.
    #[error("the coupon is not in use by order {0}")]
    NotUsedByOrder(String),
}

crate::states! {
    /// What a coupon is to its holder at an instant: the one truth every page shows.
    pub enum CouponStanding ("coupon standing") {
        /// Can be used at a till now.
        Ready = "ready",
        /// Used on an order.
        Used = "used",
        /// Not used before it expired.
        Expired = "expired",
        /// Cancelled with its redemption.
        Cancelled = "cancelled",
    }
}

impl CouponStanding {
    /// What a redemption's coupons amount to together: ready while one is; else used if one
    /// was; else expired if one did; else cancelled. `None` without coupons.
    pub fn of_all(standings: impl IntoIterator<Item = CouponStanding>) -> Option<CouponStanding> {
        let all: Vec<CouponStanding> = standings.into_iter().collect();
        [
            CouponStanding::Ready,
            CouponStanding::Used,
            CouponStanding::Expired,
            CouponStanding::Cancelled,
        ]
        .into_iter()
        .find(|s| all.contains(s))
    }
}

impl Coupon {
    /// Where it stands at `now`.
    pub fn standing(&self, now: Timestamp) -> CouponStanding {
        match self.state {
            CouponState::Consumed { .. } => CouponStanding::Used,
            CouponState::Cancelled => CouponStanding::Cancelled,
            CouponState::Active if now >= self.expires_at => CouponStanding::Expired,
            CouponState::Active => CouponStanding::Ready,
        }
    }

    /// Whether it can be used at `now` at all, whatever the basket.
    pub fn usable(&self, now: Timestamp) -> Result<(), CouponRefusal> {
        match &self.state {
            CouponState::Consumed { order, .. } => Err(CouponRefusal::Used(order.clone())),
            CouponState::Cancelled => Err(CouponRefusal::Cancelled),
            CouponState::Active if now >= self.expires_at => {
                Err(CouponRefusal::Expired(self.expires_at))
            }
            CouponState::Active => Ok(()),
        }
    }

    /// What it takes off `basket` at `now`, in a currency with `minor_digits` decimals: a
    /// fixed amount (at most the total), a percentage rounded down to the minor unit (at most
    /// its cap), or one unit of the free product (the cheapest matching line's price).
    pub fn discount_for(
        &self,
        basket: &Basket,
        minor_digits: u32,
        now: Timestamp,
    ) -> Result<Decimal, CouponRefusal> {
        self.usable(now)?;
        if let Some(min) = self.min_spend
            && basket.total < min
        {
            return Err(CouponRefusal::BelowMinimumSpend {
                min,
                total: basket.total,
            });
        }
        if basket.total <= Decimal::ZERO {
            return Err(CouponRefusal::NothingToDiscount);
        }
        let discount = match &self.value {
            RewardKind::AmountCoupon { amount } => *amount,
            RewardKind::PercentCoupon {
                percent,
                max_discount,
            } => {
                let raw = (basket.total * percent / Decimal::ONE_HUNDRED)
                    .round_dp_with_strategy(minor_digits, RoundingStrategy::ToZero);
                max_discount.map_or(raw, |max| raw.min(max))
            }
            RewardKind::FreeProduct { sku } => basket
                .lines
                .iter()
                .filter(|l| &l.sku == sku && l.quantity > 0)
                .map(|l| l.unit_price)
                .min()
                .ok_or_else(|| CouponRefusal::ProductMissing(sku.clone()))?,
            // Other kinds issue no coupons; such a coupon is worth nothing.
            _ => Decimal::ZERO,
        };
        Ok(discount.min(basket.total))
    }

    /// Uses the coupon on `order`: the discount and whether this is a repeat of the
    /// consumption already recorded for that same order (a retry changes nothing).
    pub fn consume(
        &self,
        order: &str,
        basket: &Basket,
        minor_digits: u32,
        now: Timestamp,
    ) -> Result<(Decimal, bool), CouponRefusal> {
        match &self.state {
            CouponState::Consumed {
                order: used_on,
                discount,
            } if used_on == order => Ok((*discount, true)),
            _ => self
                .discount_for(basket, minor_digits, now)
                .map(|d| (d, false)),
        }
    }

    /// Gives the coupon back from `order` (the order was cancelled): whether it changes
    /// anything. Releasing an active coupon is a retry and changes nothing.
    pub fn release(&self, order: &str) -> Result<bool, CouponRefusal> {
        match &self.state {
            CouponState::Active => Ok(false),
            CouponState::Consumed { order: used_on, .. } if used_on == order => Ok(true),
            CouponState::Consumed { .. } => Err(CouponRefusal::NotUsedByOrder(order.to_owned())),
            CouponState::Cancelled => Err(CouponRefusal::Cancelled),
        }
    }
}
