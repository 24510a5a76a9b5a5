//! Whether a member may redeem a reward now: the catalog's side of a redemption. Whether they
//! have the points is the ledger's ([`crate::ledger::MemberLedger::redeem`]).

use super::catalog::Reward;
use crate::points::Points;
use jiff::Timestamp;

/// The most units of one reward redeemed at once.
pub const QUANTITY_MAX: u32 = 20;

/// What a redemption is decided from besides the reward.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedemptionFacts {
    /// The member's tier id, if the program has tiers.
    pub tier: Option<String>,
    /// The saved segments the member is in (read only for a reward that names some).
    pub segments: Vec<String>,
    /// Units of this reward the member redeemed before and did not cancel.
    pub redeemed_by_member: u64,
    /// Units of this reward redeemed by everyone and not cancelled.
    pub redeemed_in_all: u64,
    /// Units asked for now.
    pub quantity: u32,
    /// When.
    pub now: Timestamp,
}

/// Why a reward cannot be redeemed. Nothing is debited when one is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RewardRefusal {
    /// Quantity zero or above [`QUANTITY_MAX`].
    #[error("quantity must be between 1 and {QUANTITY_MAX}, got {0}")]
    BadQuantity(u32),
    /// Before the reward's validity window.
    #[error("this reward can be redeemed from {0}")]
    NotYetAvailable(Timestamp),
    /// After the reward's validity window.
    #[error("this reward could be redeemed until {0}")]
    NoLongerAvailable(Timestamp),
    /// The member's tier is not among the reward's tiers.
    #[error("this reward is for members of {}", required.join(", "))]
    WrongTier {
        /// The tiers it is for.
        required: Vec<String>,
        /// The member's tier.
        tier: Option<String>,
    },
    /// The member is in none of the segments the reward is for.
    #[error("this reward is for members of the segments {}", required.join(", "))]
    WrongSegment {
        /// The segments it is for.
        required: Vec<String>,
    },
    /// Not enough units left.
    #[error("{left} left, {requested} requested")]
    OutOfStock {
        /// Units left.
        left: u64,
        /// Units asked for.
        requested: u32,
    },
    /// The member would pass the per-member limit.
    #[error("at most {limit} per member; {used} already redeemed")]
    LimitReached {
        /// The limit.
        limit: u32,
        /// Units the member already has.
        used: u64,
    },
}

impl Reward {
    /// Units left in stock given `redeemed_in_all`; `None` when stock is unlimited.
    pub fn stock_left(&self, redeemed_in_all: u64) -> Option<u64> {
        self.stock.map(|s| s.saturating_sub(redeemed_in_all))
    }

    /// Decides whether the member may redeem `facts.quantity` units now, and what they cost.
    /// Checks in the order a member would want to hear them: quantity, dates, tier, segment,
    /// stock, their own limit.
    pub fn check_redemption(&self, facts: &RedemptionFacts) -> Result<Points, RewardRefusal> {
        if facts.quantity == 0 || facts.quantity > QUANTITY_MAX {
            return Err(RewardRefusal::BadQuantity(facts.quantity));
        }
        if let Some(from) = self.available_from
            && facts.now < from
        {
            return Err(RewardRefusal::NotYetAvailable(from));
        }
        if let Some(until) = self.available_until
            && facts.now >= until
        {
            return Err(RewardRefusal::NoLongerAvailable(until));
        }
        if !self.tiers.is_empty() && !facts.tier.as_ref().is_some_and(|t| self.tiers.contains(t)) {
            return Err(RewardRefusal::WrongTier {
                required: self.tiers.clone(),
                tier: facts.tier.clone(),
            });
        }
        if !self.segments.is_empty() && !facts.segments.iter().any(|s| self.segments.contains(s)) {
            return Err(RewardRefusal::WrongSegment {
                required: self.segments.clone(),
            });
        }
        let requested = u64::from(facts.quantity);
        if let Some(left) = self.stock_left(facts.redeemed_in_all)
            && left < requested
        {
            return Err(RewardRefusal::OutOfStock {
                left,
                requested: facts.quantity,
            });
        }
        if let Some(limit) = self.per_member_limit
            && facts.redeemed_by_member + requested > u64::from(limit)
        {
            return Err(RewardRefusal::LimitReached {
                limit,
                used: facts.redeemed_by_member,
            });
        }
        Ok(Points(self.cost.get() * i64::from(facts.quantity)))
    }
}
