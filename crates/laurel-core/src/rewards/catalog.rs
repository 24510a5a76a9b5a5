//! Rewards as the program defines them.

use crate::issue::Issue;
use crate::money::Currency;
use crate::points::Points;
use jiff::Timestamp;
use rust_decimal::Decimal;

/// What redeeming a reward gives the member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RewardKind {
    /// A coupon worth a fixed amount off a basket, in the program's currency.
    AmountCoupon {
        /// Money off.
        amount: Decimal,
    },
    /// A coupon worth a percentage of a basket, optionally capped.
    PercentCoupon {
        /// Percent off (0–100].
        percent: Decimal,
        /// The most it takes off one basket.
        max_discount: Option<Decimal>,
    },
    /// A coupon for one unit of a product, free.
    FreeProduct {
        /// The product's SKU.
        sku: String,
    },
    /// A gift that is shipped or handed over; staff mark it fulfilled.
    PhysicalGift,
    /// An invitation to an event or experience.
    Experience {
        /// When it takes place, if fixed.
        starts_at: Option<Timestamp>,
        /// Where.
        location: Option<String>,
    },
    /// Points given to a named cause; the donation is recorded with its money value.
    Donation {
        /// The cause.
        cause: String,
    },
}

impl RewardKind {
    /// The name used in program files and the API.
    pub fn as_str(&self) -> &'static str {
        match self {
            RewardKind::AmountCoupon { .. } => "amount_coupon",
            RewardKind::PercentCoupon { .. } => "percent_coupon",
            RewardKind::FreeProduct { .. } => "free_product",
            RewardKind::PhysicalGift => "physical_gift",
            RewardKind::Experience { .. } => "experience",
            RewardKind::Donation { .. } => "donation",
        }
    }

    /// Whether redeeming it issues a coupon code (one per unit redeemed).
    pub fn issues_coupon(&self) -> bool {
        matches!(
            self,
            RewardKind::AmountCoupon { .. }
                | RewardKind::PercentCoupon { .. }
                | RewardKind::FreeProduct { .. }
        )
    }

    /// Whether staff hand it over later (a redemption stays open until marked fulfilled).
    pub fn needs_fulfilment(&self) -> bool {
        matches!(
            self,
            RewardKind::PhysicalGift | RewardKind::Experience { .. }
        )
    }
}

/// The conditions of the coupons a reward issues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CouponTerms {
    /// The basket total a coupon needs, if any.
    pub min_spend: Option<Decimal>,
    /// Days a coupon stays valid after it is issued.
    pub valid_days: u32,
}

impl Default for CouponTerms {
    fn default() -> CouponTerms {
        CouponTerms {
            min_spend: None,
            valid_days: 30,
        }
    }
}

/// One reward of the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reward {
    /// Stable id (`free_latte`).
    pub id: String,
    /// Display name, per language if written so.
    pub name: crate::Localized,
    /// What members read about it, per language if written so.
    pub description: Option<crate::Localized>,
    /// What it gives.
    pub kind: RewardKind,
    /// Points one unit costs.
    pub cost: Points,
    /// Tier ids whose members may redeem it; empty for everyone.
    pub tiers: Vec<String>,
    /// Saved segments whose members may redeem it (any one of them); empty for everyone.
    pub segments: Vec<String>,
    /// First instant it may be redeemed.
    pub available_from: Option<Timestamp>,
    /// Instant from which it may no longer be redeemed.
    pub available_until: Option<Timestamp>,
    /// Units there are in all; `None` for unlimited.
    pub stock: Option<u64>,
    /// Units one member may redeem in all (cancelled ones do not count); `None` for no limit.
    pub per_member_limit: Option<u32>,
    /// Conditions of the coupons it issues (coupon kinds only).
    pub coupon: CouponTerms,
    /// The coalition partner it is spent at, which the program pays for each point; `None`
    /// for the program's own.
    pub partner: Option<String>,
}

/// A validated catalog: reward ids unique, every field in range.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Catalog {
    rewards: Vec<Reward>,
}

impl Catalog {
    /// An empty catalog.
    pub fn empty() -> Catalog {
        Catalog::default()
    }

    /// Validates `rewards` for a program in `currency` whose tiers have `tier_ids`.
    pub fn new(
        rewards: Vec<Reward>,
        currency: Currency,
        tier_ids: &[String],
    ) -> Result<Catalog, Vec<Issue>> {
        super::validate::validate(&rewards, currency, tier_ids)?;
        Ok(Catalog { rewards })
    }

    /// Every reward, in the order written.
    pub fn rewards(&self) -> &[Reward] {
        &self.rewards
    }

    /// The reward with this id.
    pub fn get(&self, id: &str) -> Option<&Reward> {
        self.rewards.iter().find(|r| r.id == id)
    }
}
