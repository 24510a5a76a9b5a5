//! The tier discount at checkout: what a member's tier takes off a basket. Laurel takes no
//! payments; it says what the till should take off, and a purchase records it.
//!
//! How it combines with a coupon: the coupon comes first, on the basket as it is; the tier
//! discount is then its percentage of what is left. A coupon's minimum spend is judged on the
//! basket before either discount.

use super::policy::{TierBenefits, TierPolicy};
use rust_decimal::{Decimal, RoundingStrategy};

/// `benefits.discount_percent` of `amount`, rounded down to the currency's minor unit
/// (`minor_digits` decimals): never more than the amount, zero for a non-positive amount.
pub fn tier_discount(benefits: &TierBenefits, amount: Decimal, minor_digits: u32) -> Decimal {
    let percent = benefits.discount_percent;
    if amount <= Decimal::ZERO || percent <= Decimal::ZERO {
        return Decimal::ZERO;
    }
    // Multiply before dividing, so 5% of 10.10 is exactly 0.505 before rounding.
    let raw = amount
        .checked_mul(percent)
        .map_or(amount, |x| x / Decimal::ONE_HUNDRED);
    raw.round_dp_with_strategy(minor_digits, RoundingStrategy::ToZero)
        .min(amount)
}

impl TierPolicy {
    /// The discount a member in `tier` gets on `basket_total`, after `coupon_discount` (zero
    /// without a coupon) was taken off it; zero without a tier or for a tier the policy no
    /// longer has.
    pub fn discount_for(
        &self,
        tier: Option<&str>,
        basket_total: Decimal,
        coupon_discount: Decimal,
        minor_digits: u32,
    ) -> Decimal {
        let Some(tier) = tier.and_then(|id| self.tier(id)) else {
            return Decimal::ZERO;
        };
        let left = (basket_total - coupon_discount.max(Decimal::ZERO)).max(Decimal::ZERO);
        tier_discount(&tier.benefits, left, minor_digits)
    }
}
