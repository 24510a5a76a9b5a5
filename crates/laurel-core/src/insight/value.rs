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
            KpiValue::Money(m) => m.map(|m| {
                // Written with the currency's minor digits: "0.00", not "0".
                let mut amount = m.amount();
                amount.rescale(m.currency().minor_digits());
                amount.to_string()
            }),
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

/// How a KPI moved since the period before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KpiChange {
    /// A rate's difference, in percentage points.
    PercentagePoints(Decimal),
    /// A count's, an amount's or a mean's relative change, in percent.
    Percent(Decimal),
}

impl KpiChange {
    /// The change as plain text with its sign and unit: `+5.0 pp`, `-12.5%`.
    pub fn plain(self) -> String {
        match self {
            KpiChange::PercentagePoints(d) => format!("{}{d} pp", sign(d)),
            KpiChange::Percent(d) => format!("{}{d}%", sign(d)),
        }
    }
}

fn sign(d: Decimal) -> &'static str {
    if d > Decimal::ZERO { "+" } else { "" }
}

impl KpiValue {
    /// How this value moved from `before`, the same KPI in the period before; none when
    /// either is missing or the relative change is from nothing.
    pub fn change_from(&self, before: &KpiValue) -> Option<KpiChange> {
        let relative = |now: Decimal, then: Decimal| {
            (!then.is_zero()).then(|| KpiChange::Percent(one_place((now - then) / then.abs())))
        };
        match (self, before) {
            (
                KpiValue::Count(a) | KpiValue::Points(a),
                KpiValue::Count(b) | KpiValue::Points(b),
            ) => relative(Decimal::from(*a), Decimal::from(*b)),
            (KpiValue::Money(Some(a)), KpiValue::Money(Some(b))) => {
                relative(a.amount(), b.amount())
            }
            (KpiValue::Mean(a), KpiValue::Mean(b)) => relative(a.ratio(6)?, b.ratio(6)?),
            (KpiValue::Share(a), KpiValue::Share(b)) => Some(KpiChange::PercentagePoints(fixed(
                a.percent()? - b.percent()?,
            ))),
            (KpiValue::Percent(Some(a)), KpiValue::Percent(Some(b))) => {
                Some(KpiChange::PercentagePoints(fixed(*a - *b)))
            }
            _ => None,
        }
    }
}

/// A ratio in percent to one place.
fn one_place(ratio: Decimal) -> Decimal {
    fixed(ratio * Decimal::ONE_HUNDRED)
}

/// To one place, halves away from zero, always written with it.
fn fixed(d: Decimal) -> Decimal {
    let mut d = d.round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    d.rescale(1);
    d
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

    #[test]
    fn rates_move_in_percentage_points_and_counts_in_percent() {
        let share = |p, w| KpiValue::Share(Rate::new(p, w));
        assert_eq!(
            share(3, 5)
                .change_from(&share(1, 2))
                .map(KpiChange::plain)
                .as_deref(),
            Some("+10.0 pp"),
            "60% from 50%"
        );
        assert_eq!(
            KpiValue::Count(90)
                .change_from(&KpiValue::Count(120))
                .map(KpiChange::plain)
                .as_deref(),
            Some("-25.0%")
        );
        assert_eq!(
            KpiValue::Count(5).change_from(&KpiValue::Count(0)),
            None,
            "nothing to compare with"
        );
        assert_eq!(share(1, 2).change_from(&share(1, 0)), None);
        assert_eq!(
            KpiValue::Mean(Rate::new(3, 2))
                .change_from(&KpiValue::Mean(Rate::new(1, 1)))
                .map(KpiChange::plain)
                .as_deref(),
            Some("+50.0%")
        );
    }
}
