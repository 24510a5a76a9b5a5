//! A member as a replay holds them: their ledger, tier, profile, purchases and grants — what
//! the write path would read back from the database, kept in memory.

use crate::Points;
use crate::ledger::{LotId, MemberLedger};
use crate::rules::{LimitedRules, Periods, RuleUsage, UsageTotals};
use crate::tiers::{TierMetric, TierStatus, Window};
use jiff::Timestamp;
use jiff::civil::Date;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// One purchase as a replay keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bought {
    /// Its stored id.
    pub id: i64,
    /// When it happened.
    pub occurred_at: Timestamp,
    /// Total, minor units.
    pub total_minor: i64,
    /// Refunded so far, minor units.
    pub refunded_minor: i64,
    /// Points it earned.
    pub points_earned: i64,
    /// Points its refunds took back.
    pub points_reversed: i64,
    /// The lot it opened.
    pub lot: Option<LotId>,
}

/// Points one rule granted a member, when the activity happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Granted {
    /// The rule.
    pub rule_id: String,
    /// Points, above zero.
    pub points: i64,
    /// When the activity that earned them happened.
    pub occurred_at: Timestamp,
}

/// A member in a replay.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SimMember {
    /// Balances and open lots.
    pub ledger: MemberLedger,
    /// Tier status.
    pub tier: TierStatus,
    /// Birthday.
    pub birthday: Option<Date>,
    /// Profile attributes.
    pub attributes: BTreeMap<String, String>,
    /// Saved segments.
    pub segments: Vec<String>,
    /// Their purchases, in the order recorded.
    pub purchases: Vec<Bought>,
    /// Every grant of every earn, in the order recorded.
    pub grants: Vec<Granted>,
    /// The referral waiting for their qualifying purchase: the referrer and when they joined.
    pub pending_referral: Option<(i64, Timestamp)>,
    /// Referrals of theirs paid out or waiting, not reversed.
    pub referrals_made: u32,
    /// Units of each reward redeemed and not cancelled.
    pub reward_units: BTreeMap<String, u64>,
    /// The paid membership plan in force and the instants its benefits hold between.
    pub plan: Option<(String, Timestamp, Timestamp)>,
}

impl SimMember {
    /// The plan whose benefits hold at `at`, if one does.
    pub fn plan_at(&self, at: Timestamp) -> Option<&str> {
        self.plan
            .as_ref()
            .filter(|(_, from, until)| *from <= at && at < *until)
            .map(|(plan, ..)| plan.as_str())
    }
}

impl SimMember {
    /// The tier metric's value over `window`, as the store measures it: spend (totals less
    /// refunds), purchases not wholly refunded, or points earned less points reversed.
    pub fn metric(&self, metric: TierMetric, window: Window, minor_digits: u32) -> Decimal {
        let bought = self
            .purchases
            .iter()
            .filter(|p| window.contains(p.occurred_at));
        let raw = match metric {
            TierMetric::Spend => bought.map(|p| p.total_minor - p.refunded_minor).sum(),
            TierMetric::Purchases => bought
                .filter(|p| p.refunded_minor < p.total_minor || p.total_minor == 0)
                .count() as i64,
            TierMetric::PointsEarned => {
                let earned: i64 = self
                    .grants
                    .iter()
                    .filter(|g| window.contains(g.occurred_at))
                    .map(|g| g.points)
                    .sum();
                earned - bought.map(|p| p.points_reversed).sum::<i64>()
            }
        };
        metric.from_raw(raw, minor_digits)
    }

    /// What the limited rules granted this member in the periods of an activity, and
    /// `campaign` (everyone's, by rule) for the rules with a budget.
    pub fn usage(
        &self,
        limited: &LimitedRules,
        periods: &Periods,
        campaign: &std::collections::HashMap<String, i64>,
    ) -> RuleUsage {
        let mut usage = RuleUsage::new();
        for rule in &limited.member {
            let mut totals = UsageTotals::default();
            for g in self.grants.iter().filter(|g| &g.rule_id == rule) {
                let points = Points(g.points);
                totals.member_lifetime += points;
                if periods.day.contains(g.occurred_at) {
                    totals.member_day += points;
                }
                if periods.week.contains(g.occurred_at) {
                    totals.member_week += points;
                }
                if periods.month.contains(g.occurred_at) {
                    totals.member_month += points;
                }
            }
            usage.set(rule.clone(), totals);
        }
        for rule in &limited.campaign {
            let mut totals = usage.of(rule);
            totals.campaign = Points(campaign.get(rule).copied().unwrap_or(0));
            usage.set(rule.clone(), totals);
        }
        usage
    }
}
