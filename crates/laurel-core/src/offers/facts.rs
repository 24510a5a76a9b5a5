//! What offers are ranked from: the program and the member's facts.

use crate::Program;
use crate::insight::RfmSegment;
use crate::insight::clv::ChurnRiskLevel;
use crate::points::Points;
use crate::rewards::Catalog;
use crate::rules::{MemberFacts, RuleSet, RuleUsage};
use crate::tiers::{TierPolicy, TierProgress};
use std::collections::BTreeMap;

/// The parts of the program offers are made of.
#[derive(Debug, Clone, Copy)]
pub struct OfferProgram<'a> {
    /// The program (its time zone and base rate).
    pub program: &'a Program,
    /// The earning rules.
    pub rules: &'a RuleSet,
    /// The tiers, if the program has them.
    pub tiers: Option<&'a TierPolicy>,
    /// The rewards.
    pub catalog: &'a Catalog,
}

/// What the member spent on one category over the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategorySpend {
    /// The category's code.
    pub category: String,
    /// What they paid on its lines, after refunds, in minor units.
    pub spend_minor: i64,
}

/// What the member bought over the window (the last year).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SpendFacts {
    /// Spend per category; lines with no category are left out.
    pub categories: Vec<CategorySpend>,
    /// What they paid on every line, categorised or not, in minor units: the shares' whole.
    pub line_spend_minor: i64,
    /// Their purchases.
    pub purchases: i64,
    /// What they paid in all, after refunds, in minor units.
    pub spend_minor: i64,
    /// Coupons they used at checkout.
    pub coupons_used: i64,
}

impl SpendFacts {
    /// Their average order, in minor units; `None` before a purchase.
    pub fn average_order_minor(&self) -> Option<i64> {
        (self.purchases > 0).then(|| self.spend_minor / self.purchases)
    }

    /// The share of their line spend that went to `category`, in whole percent (0 when none).
    pub fn share_percent(&self, category: &str) -> u32 {
        let spent = self
            .categories
            .iter()
            .filter(|c| c.category == category)
            .map(|c| c.spend_minor)
            .sum::<i64>();
        percent_of(spent, self.line_spend_minor)
    }

    /// The share of their purchases that used a coupon, in whole percent.
    pub fn coupon_percent(&self) -> u32 {
        percent_of(self.coupons_used.min(self.purchases), self.purchases)
    }
}

/// `part` of `whole` in whole percent, rounded down, within 0 to 100.
pub(crate) fn percent_of(part: i64, whole: i64) -> u32 {
    if whole <= 0 || part <= 0 {
        return 0;
    }
    let percent = i128::from(part) * 100 / i128::from(whole);
    u32::try_from(percent.clamp(0, 100)).unwrap_or(0)
}

/// What is known of the member.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OfferFacts {
    /// Points they may spend now.
    pub available: Points,
    /// Their tier, attributes, birthday, and `first_purchase` when they have never bought.
    pub member: MemberFacts,
    /// Their progress to the next tier, if the program has tiers.
    pub progress: Option<TierProgress>,
    /// What they bought over the last year.
    pub spend: SpendFacts,
    /// Their RFM segment, if scored.
    pub segment: Option<RfmSegment>,
    /// Their churn risk, if a model forecast it.
    pub risk: Option<ChurnRiskLevel>,
    /// Units of each reward redeemed and not cancelled: (by the member, by everyone), by id.
    pub redeemed: BTreeMap<String, (u64, u64)>,
    /// What the limited rules already granted in the periods of now.
    pub usage: RuleUsage,
}

impl OfferFacts {
    /// Whether the member is lapsing: a segment that has stopped buying, or a high churn risk.
    pub fn lapsing(&self) -> bool {
        matches!(
            self.segment,
            Some(RfmSegment::AtRisk | RfmSegment::CantLose | RfmSegment::Hibernating)
        ) || self.risk == Some(ChurnRiskLevel::High)
    }
}
