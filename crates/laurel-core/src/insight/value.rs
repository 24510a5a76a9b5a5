//! Each KPI's value in a period, in one shape every reader shows: the API, the command line
//! and the console all list KPIs from here.

use super::facts::PeriodFacts;
use super::kpis::{KpiId, Kpis};
use super::rate::Rate;
use crate::money::Money;
use rust_decimal::Decimal;

/// What a KPI is in one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KpiValue {
    /// A number of members, purchases or changes.
    Count(i64),
    /// A number of points.
    Points(i64),
    /// An amount of money; none when there was nothing to average.
    Money(Option<Money>),
    /// A share, shown in percent.
    Share(Rate),
    /// A mean (`part` per `whole`), shown to two places.
    Mean(Rate),
    /// A difference in percent; none when it cannot be worked out.
    Percent(Option<Decimal>),
    /// A breakdown, shown as its own table (the facts hold its rows).
    Table,
    /// Not measured: Laurel has nothing to measure it from yet.
    NotMeasured,
}

impl KpiValue {
    /// The figure as plain text (`.` decimals, no grouping), for the API and CSV; none when
    /// there is none to give.
    pub fn plain(&self) -> Option<String> {
        match self {
            KpiValue::Count(n) | KpiValue::Points(n) => Some(n.to_string()),
            KpiValue::Money(m) => m.map(|m| m.amount().to_string()),
            KpiValue::Share(r) => r.percent().map(|p| p.to_string()),
            KpiValue::Mean(r) => r.ratio(2).map(|p| p.to_string()),
            KpiValue::Percent(p) => p.map(|p| p.to_string()),
            KpiValue::Table | KpiValue::NotMeasured => None,
        }
    }

    /// The stable name of its kind, as the API gives it.
    pub fn kind(&self) -> &'static str {
        match self {
            KpiValue::Count(_) => "count",
            KpiValue::Points(_) => "points",
            KpiValue::Money(_) => "money",
            KpiValue::Share(_) => "percent",
            KpiValue::Mean(_) => "mean",
            KpiValue::Percent(_) => "percent_difference",
            KpiValue::Table => "table",
            KpiValue::NotMeasured => "not_measured",
        }
    }
}

impl KpiId {
    /// The KPI's value in a period with `facts`, from which `kpis` were worked out.
    pub fn value(self, facts: &PeriodFacts, kpis: &Kpis) -> KpiValue {
        match self {
            KpiId::Enrollments => KpiValue::Count(kpis.enrollments),
            KpiId::Active30 => KpiValue::Count(facts.active_30),
            KpiId::Active90 => KpiValue::Count(facts.active_90),
            KpiId::Buyers => KpiValue::Count(facts.buyers),
            KpiId::FirstTimeBuyers => KpiValue::Count(facts.first_time_buyers),
            KpiId::EngagementRate => KpiValue::Share(kpis.engagement),
            KpiId::RetentionRate => KpiValue::Share(kpis.retention),
            KpiId::ChurnRate => KpiValue::Share(kpis.churn),
            KpiId::PurchaseFrequency => KpiValue::Mean(kpis.purchase_frequency),
            KpiId::MemberOrderValue => KpiValue::Money(kpis.member_order_value),
            KpiId::GuestOrderValue => KpiValue::Money(kpis.guest_order_value),
            KpiId::MemberSpendLift => KpiValue::Percent(kpis.member_spend_lift),
            KpiId::NetSales => KpiValue::Money(Some(kpis.net_sales)),
            KpiId::PointsIssued => KpiValue::Points(facts.points.issued),
            KpiId::PointsRedeemed => KpiValue::Points(facts.points.redeemed),
            KpiId::PointsExpired => KpiValue::Points(facts.points.expired),
            KpiId::RedemptionRate => KpiValue::Share(kpis.redemption),
            KpiId::BreakageRate => KpiValue::Share(kpis.breakage),
            KpiId::OutstandingPoints => KpiValue::Points(facts.outstanding),
            KpiId::OutstandingValue => KpiValue::Money(Some(kpis.outstanding_value)),
            KpiId::ProgramCost => KpiValue::Share(kpis.program_cost),
            KpiId::RewardPopularity | KpiId::TierDistribution | KpiId::TierMovement => {
                KpiValue::Table
            }
            KpiId::ReferralConversion => KpiValue::Share(kpis.referral_conversion),
            KpiId::NetPromoterScore => KpiValue::NotMeasured,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_figures_are_machine_readable_and_absent_when_there_is_none() {
        assert_eq!(KpiValue::Count(1234).plain().as_deref(), Some("1234"));
        assert_eq!(
            KpiValue::Share(Rate::new(1, 3)).plain().as_deref(),
            Some("33.3")
        );
        assert_eq!(
            KpiValue::Mean(Rate::new(3, 2)).plain().as_deref(),
            Some("1.50")
        );
        assert_eq!(KpiValue::Share(Rate::new(1, 0)).plain(), None);
        assert_eq!(KpiValue::NotMeasured.plain(), None);
    }
}
