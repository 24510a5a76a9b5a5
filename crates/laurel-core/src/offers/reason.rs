//! Why an offer fits a member, as data: the engine words it in English, pages in theirs.

use crate::points::Points;
use crate::tiers::TierMetric;
use rust_decimal::Decimal;

/// Why an offer fits. The figures are what the words quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfferReason {
    /// A rule on a category the member buys: `share_percent` of their spend over the last
    /// year went to it.
    BuysInCategory {
        /// The category's code (its name is in the program's `[names]`).
        category: String,
        /// Whole percent of their spend on lines, 1 to 100.
        share_percent: u32,
    },
    /// A reward the member has the points for now.
    CanAffordNow,
    /// A reward the member is this many points short of.
    PointsShort {
        /// Points still needed for one unit.
        points: Points,
    },
    /// A purchase rule for a member a purchase or two from the next tier.
    ReachesNextTier {
        /// The next tier's id.
        tier: String,
        /// How much more of the metric qualifies.
        needed: Decimal,
        /// What `needed` counts.
        metric: TierMetric,
    },
    /// A member who is lapsing: something to come back for.
    WinBack,
    /// A reward or rule only the member's tier has.
    TierPerk {
        /// The member's tier id.
        tier: String,
    },
    /// A coupon reward for a member who often pays with coupons: `share_percent` of their
    /// purchases over the last year used one.
    UsesCoupons {
        /// Whole percent of their purchases, 1 to 100.
        share_percent: u32,
    },
    /// A rule for the member's birthday, which holds today.
    Birthday,
    /// Open to the member, with nothing that makes it fit them in particular.
    OpenToYou,
}

impl OfferReason {
    /// The stable code APIs and pages key it by.
    pub fn code(&self) -> &'static str {
        match self {
            OfferReason::BuysInCategory { .. } => "buys_in_category",
            OfferReason::CanAffordNow => "can_afford_now",
            OfferReason::PointsShort { .. } => "points_short",
            OfferReason::ReachesNextTier { .. } => "reaches_next_tier",
            OfferReason::WinBack => "win_back",
            OfferReason::TierPerk { .. } => "tier_perk",
            OfferReason::UsesCoupons { .. } => "uses_coupons",
            OfferReason::Birthday => "birthday",
            OfferReason::OpenToYou => "open_to_you",
        }
    }
}
