//! The KPIs of a period, worked out from its facts, and the one written definition of each.

use super::facts::PeriodFacts;
use super::rate::Rate;
use crate::money::{Money, MoneyError};
use crate::points::Points;
use crate::program::Program;
use rust_decimal::{Decimal, RoundingStrategy};

/// The KPIs of one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kpis {
    /// Members enrolled in the period, all channels.
    pub enrollments: i64,
    /// Buyers out of members enrolled by the period's end.
    pub engagement: Rate,
    /// Buyers of the period before who did not buy in this one, out of them.
    pub churn: Rate,
    /// Buyers of the period before who bought again in this one, out of them.
    pub retention: Rate,
    /// Members' purchases per member who bought.
    pub purchase_frequency: Rate,
    /// A member's average purchase; none without purchases.
    pub member_order_value: Option<Money>,
    /// A non-member's average purchase; none without purchases.
    pub guest_order_value: Option<Money>,
    /// How much more a member's average purchase is than a non-member's, in percent (negative
    /// when less); none unless both bought.
    pub member_spend_lift: Option<Decimal>,
    /// Members' purchases less refunds, in the period.
    pub net_sales: Money,
    /// Points redeemed out of points issued.
    pub redemption: Rate,
    /// Points expired out of points that left members' hands (redeemed or expired).
    pub breakage: Rate,
    /// What the points members hold at the period's end are worth.
    pub outstanding_value: Money,
    /// What the points issued are worth.
    pub issued_value: Money,
    /// The worth of points issued out of net sales (minor units): what the program costs per
    /// unit sold.
    pub program_cost: Rate,
    /// Referred members whose referral paid out, out of members enrolled with a code.
    pub referral_conversion: Rate,
}

impl Kpis {
    /// The KPIs of `facts`, valued with the program's point value in its currency.
    pub fn new(facts: &PeriodFacts, program: &Program) -> Result<Kpis, MoneyError> {
        let currency = program.currency;
        let average = |total: i64, count: i64| {
            (count > 0).then(|| {
                let mean = (Decimal::from(total) / Decimal::from(count))
                    .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
                Money::from_minor(i64::try_from(mean).unwrap_or(i64::MAX), currency)
            })
        };
        let (members, guests) = (facts.member_sales, facts.guest_sales);
        let member_order_value = average(members.total_minor, members.purchases);
        let guest_order_value = average(guests.total_minor, guests.purchases);
        // Compared exactly (cross-multiplied), not from the rounded averages.
        let member_spend_lift = (members.purchases > 0 && guests.total_minor > 0).then(|| {
            let ratio = Decimal::from(members.total_minor) * Decimal::from(guests.purchases)
                / (Decimal::from(guests.total_minor) * Decimal::from(members.purchases));
            let mut lift = ((ratio - Decimal::ONE) * Decimal::ONE_HUNDRED)
                .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
            lift.rescale(1);
            lift
        });
        let net_minor = members.total_minor - facts.refunded_minor;
        let points = facts.points;
        let issued_value = program.value_of(Points(points.issued))?;
        Ok(Kpis {
            enrollments: facts.enrolled.values().sum(),
            engagement: Rate::new(facts.buyers, facts.members),
            churn: Rate::new(
                facts.buyers_before - facts.returning_buyers,
                facts.buyers_before,
            ),
            retention: Rate::new(facts.returning_buyers, facts.buyers_before),
            purchase_frequency: Rate::new(members.purchases, facts.buyers),
            member_order_value,
            guest_order_value,
            member_spend_lift,
            net_sales: Money::from_minor(net_minor, currency),
            redemption: Rate::new(points.redeemed, points.issued),
            breakage: Rate::new(points.expired, points.redeemed + points.expired),
            outstanding_value: program.value_of(Points(facts.outstanding))?,
            program_cost: Rate::new(issued_value.to_minor()?, net_minor),
            issued_value,
            referral_conversion: Rate::new(facts.referrals_rewarded, facts.referred),
        })
    }
}

/// Every KPI Laurel reports, by a stable name, each with its one definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KpiId {
    /// Members enrolled.
    Enrollments,
    /// Active in 30 days.
    Active30,
    /// Active in 90 days.
    Active90,
    /// Members who bought.
    Buyers,
    /// First-time buyers.
    FirstTimeBuyers,
    /// Engagement rate.
    EngagementRate,
    /// Retention rate.
    RetentionRate,
    /// Churn rate.
    ChurnRate,
    /// Purchase frequency.
    PurchaseFrequency,
    /// Members' average order value.
    MemberOrderValue,
    /// Non-members' average order value.
    GuestOrderValue,
    /// Member spend lift.
    MemberSpendLift,
    /// Net sales to members.
    NetSales,
    /// Points issued.
    PointsIssued,
    /// Points redeemed.
    PointsRedeemed,
    /// Points expired.
    PointsExpired,
    /// Redemption rate.
    RedemptionRate,
    /// Breakage rate.
    BreakageRate,
    /// Outstanding points.
    OutstandingPoints,
    /// Their value.
    OutstandingValue,
    /// Program cost per unit of sales.
    ProgramCost,
    /// Reward popularity.
    RewardPopularity,
    /// Tier distribution.
    TierDistribution,
    /// Tier movement.
    TierMovement,
    /// Referral conversion.
    ReferralConversion,
    /// Net promoter score.
    NetPromoterScore,
}

impl KpiId {
    /// Every KPI, in the order they are listed.
    pub const ALL: [KpiId; 26] = [
        KpiId::Enrollments,
        KpiId::Active30,
        KpiId::Active90,
        KpiId::Buyers,
        KpiId::FirstTimeBuyers,
        KpiId::EngagementRate,
        KpiId::RetentionRate,
        KpiId::ChurnRate,
        KpiId::PurchaseFrequency,
        KpiId::MemberOrderValue,
        KpiId::GuestOrderValue,
        KpiId::MemberSpendLift,
        KpiId::NetSales,
        KpiId::PointsIssued,
        KpiId::PointsRedeemed,
        KpiId::PointsExpired,
        KpiId::RedemptionRate,
        KpiId::BreakageRate,
        KpiId::OutstandingPoints,
        KpiId::OutstandingValue,
        KpiId::ProgramCost,
        KpiId::RewardPopularity,
        KpiId::TierDistribution,
        KpiId::TierMovement,
        KpiId::ReferralConversion,
        KpiId::NetPromoterScore,
    ];

    /// The stable name the API and the CSV use.
    pub fn as_str(self) -> &'static str {
        self.describe().0
    }

    /// What the KPI counts, in English: the one definition the README, the console (which
    /// translates it) and the API documentation give.
    pub fn definition(self) -> &'static str {
        self.describe().1
    }

    fn describe(self) -> (&'static str, &'static str) {
        match self {
            KpiId::Enrollments => (
                "enrollments",
                "Members who joined in the period, by the channel they joined through, counted on the day they joined (an imported member's own enrollment date).",
            ),
            KpiId::Active30 => (
                "active_30",
                "Members with at least one purchase in the 30 days up to the period's end.",
            ),
            KpiId::Active90 => (
                "active_90",
                "Members with at least one purchase in the 90 days up to the period's end.",
            ),
            KpiId::Buyers => (
                "buyers",
                "Members with at least one purchase in the period (a refunded purchase still counts: the member came).",
            ),
            KpiId::FirstTimeBuyers => (
                "first_time_buyers",
                "Members whose first purchase ever was in the period.",
            ),
            KpiId::EngagementRate => (
                "engagement_rate",
                "Members who bought in the period, out of all members enrolled by its end.",
            ),
            KpiId::RetentionRate => (
                "retention_rate",
                "Members who bought in the previous period of the same length and bought again in this one, out of all who bought in the previous period.",
            ),
            KpiId::ChurnRate => (
                "churn_rate",
                "Members who bought in the previous period of the same length but not in this one, out of all who bought in the previous period (100% less the retention rate).",
            ),
            KpiId::PurchaseFrequency => (
                "purchase_frequency",
                "Members' purchases in the period per member who bought.",
            ),
            KpiId::MemberOrderValue => (
                "member_order_value",
                "The average total of a member's purchase in the period, before refunds.",
            ),
            KpiId::GuestOrderValue => (
                "guest_order_value",
                "The average total of a purchase by a customer who is not a member (recorded without a member), before refunds.",
            ),
            KpiId::MemberSpendLift => (
                "member_spend_lift",
                "How much more a member's average purchase is than a non-member's, in percent of the non-member's (negative when less).",
            ),
            KpiId::NetSales => (
                "net_sales",
                "The totals of members' purchases in the period, less what was refunded to members in it.",
            ),
            KpiId::PointsIssued => (
                "points_issued",
                "Points earned by purchases and events (with tier and referral bonuses) that took effect in the period: a purchase's points on the day it happened.",
            ),
            KpiId::PointsRedeemed => (
                "points_redeemed",
                "Points spent in the period, less the points cancelled redemptions gave back in it.",
            ),
            KpiId::PointsExpired => (
                "points_expired",
                "Points that expired unused in the period.",
            ),
            KpiId::RedemptionRate => (
                "redemption_rate",
                "Points redeemed in the period, out of points issued in it.",
            ),
            KpiId::BreakageRate => (
                "breakage_rate",
                "Points that expired in the period, out of the points that left members' hands in it (redeemed or expired).",
            ),
            KpiId::OutstandingPoints => (
                "outstanding_points",
                "Points members hold at the period's end, pending and available.",
            ),
            KpiId::OutstandingValue => (
                "outstanding_value",
                "What the outstanding points are worth at the program's point value: the program's liability.",
            ),
            KpiId::ProgramCost => (
                "program_cost",
                "What the points issued in the period are worth, out of net sales to members in it: what the program costs per unit sold.",
            ),
            KpiId::RewardPopularity => (
                "reward_popularity",
                "Each reward's redemptions in the period (not cancelled), with the units and points they took, most redeemed first.",
            ),
            KpiId::TierDistribution => ("tier_distribution", "Members per tier now."),
            KpiId::TierMovement => (
                "tier_movement",
                "Changes of tier in the period, counted by the tier left and the tier reached.",
            ),
            KpiId::ReferralConversion => (
                "referral_conversion",
                "Members who joined in the period with a referral code and made the purchase that pays the referral, out of all who joined with one.",
            ),
            KpiId::NetPromoterScore => (
                "net_promoter_score",
                "Promoters less detractors, in percent of survey answers. Laurel has no surveys yet, so it is not measured.",
            ),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::insight::{PointsMoved, Sales};
    use crate::program::ProgramSpec;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    /// Yuan, a point worth a fen.
    fn program() -> Program {
        Program::new(ProgramSpec {
            name: "Test".into(),
            currency: "CNY".into(),
            time_zone: "Asia/Shanghai".into(),
            points_name: "points".into(),
            points_per_unit: Decimal::ONE,
            rounding: crate::Rounding::Floor,
            point_value: dec("0.01"),
            expiry: crate::ExpiryPolicy::Never,
            pending_days: 0,
            clawback: crate::ClawbackPolicy::AllowNegative,
            backdating_days: 7,
        })
        .unwrap()
    }

    /// A month worked by hand: 200 members by its end, 40 of whom bought (10 for the first
    /// time), 30 who bought the month before (24 of them again now).
    fn month() -> PeriodFacts {
        PeriodFacts {
            members: 200,
            enrolled: [("pos".to_owned(), 12), ("web".to_owned(), 3)].into(),
            buyers: 40,
            first_time_buyers: 10,
            returning_buyers: 24,
            buyers_before: 30,
            active_30: 40,
            active_90: 70,
            member_sales: Sales {
                purchases: 60,
                total_minor: 900_000,
            },
            guest_sales: Sales {
                purchases: 20,
                total_minor: 240_000,
            },
            refunded_minor: 50_000,
            points: PointsMoved {
                issued: 10_000,
                redeemed: 2_500,
                expired: 500,
                reversed: 100,
                adjusted: 0,
            },
            outstanding: 123_456,
            referred: 8,
            referrals_rewarded: 3,
            ..PeriodFacts::default()
        }
    }

    #[test]
    fn the_kpis_of_a_month_worked_by_hand() {
        let k = Kpis::new(&month(), &program()).unwrap();
        assert_eq!(k.enrollments, 15);
        assert_eq!(k.engagement.percent(), Some(dec("20.0")), "40 of 200");
        assert_eq!(
            k.churn.percent(),
            Some(dec("20.0")),
            "6 of 30 did not come back"
        );
        assert_eq!(k.retention.percent(), Some(dec("80.0")));
        assert_eq!(k.purchase_frequency.ratio(2), Some(dec("1.50")), "60 / 40");
        // 9,000.00 over 60 purchases; 2,400.00 over 20.
        assert_eq!(k.member_order_value.unwrap().to_minor().unwrap(), 15_000);
        assert_eq!(k.guest_order_value.unwrap().to_minor().unwrap(), 12_000);
        assert_eq!(k.member_spend_lift, Some(dec("25.0")), "150 against 120");
        assert_eq!(k.net_sales.to_minor().unwrap(), 850_000);
        assert_eq!(k.redemption.percent(), Some(dec("25.0")), "2,500 of 10,000");
        assert_eq!(k.breakage.percent(), Some(dec("16.7")), "500 of 3,000");
        assert_eq!(k.outstanding_value.to_minor().unwrap(), 123_456);
        assert_eq!(
            k.issued_value.to_minor().unwrap(),
            10_000,
            "10,000 points at 0.01"
        );
        // 100.00 of points per 8,500.00 sold.
        assert_eq!(k.program_cost.percent(), Some(dec("1.2")));
        assert_eq!(k.referral_conversion.percent(), Some(dec("37.5")));
    }

    #[test]
    fn an_empty_period_has_no_rates_rather_than_zeros() {
        let k = Kpis::new(&PeriodFacts::default(), &program()).unwrap();
        assert_eq!(k.engagement.percent(), None);
        assert_eq!(k.churn.percent(), None);
        assert_eq!(k.member_order_value, None);
        assert_eq!(k.member_spend_lift, None);
        assert_eq!(k.redemption.percent(), None);
        assert_eq!(k.program_cost.percent(), None);
    }

    #[test]
    fn members_spending_less_than_others_is_a_negative_lift() {
        let mut facts = month();
        facts.guest_sales.total_minor = 400_000;
        let k = Kpis::new(&facts, &program()).unwrap();
        // 150 against 200.
        assert_eq!(k.member_spend_lift, Some(dec("-25.0")));
    }

    #[test]
    fn every_kpi_has_a_unique_name_and_a_definition() {
        let mut names: Vec<&str> = KpiId::ALL.iter().map(|k| k.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), KpiId::ALL.len());
        for kpi in KpiId::ALL {
            assert!(kpi.definition().ends_with('.'), "{}", kpi.as_str());
        }
    }
}
