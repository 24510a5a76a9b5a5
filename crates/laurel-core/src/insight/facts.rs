//! What the store counts for one period: facts only, each counted when it happened. The KPIs
//! (`kpis.rs`) are worked out from them.

use std::collections::BTreeMap;

/// The facts of one period, from its start up to (not including) its end.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeriodFacts {
    /// Members enrolled before the period ended.
    pub members: i64,
    /// Members enrolled in the period, by the channel they enrolled through.
    pub enrolled: BTreeMap<String, i64>,
    /// Members who bought in the period.
    pub buyers: i64,
    /// Of them, those whose first purchase ever was in the period.
    pub first_time_buyers: i64,
    /// Of them, those who had also bought in the period just before, of the same length.
    pub returning_buyers: i64,
    /// Members who bought in the period just before, of the same length.
    pub buyers_before: i64,
    /// Members who bought in the 30 days up to the period's end.
    pub active_30: i64,
    /// Members who bought in the 90 days up to the period's end.
    pub active_90: i64,
    /// Members' purchases in the period.
    pub member_sales: Sales,
    /// Purchases of customers who are not members, in the period.
    pub guest_sales: Sales,
    /// What was refunded of members' purchases in the period, in minor units.
    pub refunded_minor: i64,
    /// Points moved in the period, when each movement took effect.
    pub points: PointsMoved,
    /// The points members held (pending and available) at the period's end.
    pub outstanding: i64,
    /// Members per tier now (none: no tier).
    pub tiers: Vec<TierCount>,
    /// Changes of tier in the period, by from and to.
    pub tier_moves: Vec<TierMove>,
    /// Rewards redeemed in the period, most redeemed first.
    pub rewards: Vec<RewardCount>,
    /// Members enrolled in the period with a referral code.
    pub referred: i64,
    /// Of them, those whose referral has paid out (they made the qualifying purchase).
    pub referrals_rewarded: i64,
}

/// Purchases and what they came to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sales {
    /// How many.
    pub purchases: i64,
    /// Their totals, in minor units of the program's currency.
    pub total_minor: i64,
}

/// Points moved in a period, by what moved them (pending and available together).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PointsMoved {
    /// Earned by purchases and events (the program's issue).
    pub issued: i64,
    /// Spent, less what cancelled redemptions gave back.
    pub redeemed: i64,
    /// Expired unused.
    pub expired: i64,
    /// Taken back by refunds.
    pub reversed: i64,
    /// Staff credits less debits.
    pub adjusted: i64,
}

/// How many members hold a tier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierCount {
    /// The tier's id; none for members without a tier.
    pub tier: Option<String>,
    /// Members.
    pub members: i64,
}

/// How many times members moved from one tier to another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierMove {
    /// From (none: no tier before).
    pub from: Option<String>,
    /// To (none: the tier was taken away).
    pub to: Option<String>,
    /// Times.
    pub moves: i64,
}

/// How often a reward was redeemed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RewardCount {
    /// The reward's id.
    pub reward: String,
    /// Redemptions not cancelled.
    pub redemptions: i64,
    /// Units they took.
    pub quantity: i64,
    /// Points they cost.
    pub points: i64,
}
