//! How a KPI's value (the core's `KpiValue`) moved from the period before — percentage points
//! for a share or a percent difference, percent for a count, points, an amount or a mean —
//! and where the Insight page shows a KPI's table. Changes are worked out with the core's
//! `Rate`, so they round as its rates do; nothing to compare with is no change, never zero.

use laurel_core::insight::{KpiId, KpiValue, Rate};
use rust_decimal::Decimal;

/// How a figure moved from the period before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// In percent of the figure before.
    Percent(Decimal),
    /// In percentage points (the difference of two percentages as shown).
    Points(Decimal),
    /// Nothing to compare: a side without a figure, or a figure before of zero.
    None,
}

/// Where the Insight page shows a KPI's table, by its element id: the breakdowns, and the
/// channels members enrolled through.
pub fn breakdown_anchor(kpi: KpiId) -> Option<&'static str> {
    match kpi {
        KpiId::Enrollments => Some("channels"),
        KpiId::RewardPopularity => Some("rewards"),
        KpiId::TierDistribution => Some("tiers"),
        KpiId::TierMovement => Some("tier-moves"),
        _ => None,
    }
}

/// How `now` moved from `before` (values of one KPI).
pub fn change(now: &KpiValue, before: &KpiValue) -> Change {
    let percent = |rate: Rate| rate.percent().map_or(Change::None, Change::Percent);
    let points = |now: Option<Decimal>, before: Option<Decimal>| match (now, before) {
        (Some(now), Some(before)) => Change::Points(now - before),
        _ => Change::None,
    };
    match (now, before) {
        (KpiValue::Count(now), KpiValue::Count(before))
        | (KpiValue::Points(now), KpiValue::Points(before)) => {
            percent(Rate::new(now.saturating_sub(*before), *before))
        }
        (KpiValue::Money(Some(now)), KpiValue::Money(Some(before))) => {
            match (now.to_minor(), before.to_minor()) {
                (Ok(now), Ok(before)) => percent(Rate::new(now.saturating_sub(before), before)),
                _ => Change::None,
            }
        }
        // Compared exactly, cross-multiplied: (a/b) / (c/d) - 1 = (ad - cb) / cb.
        (KpiValue::Mean(now), KpiValue::Mean(before)) => {
            let cross = |x: i64, y: i64| x.checked_mul(y);
            match (cross(now.part, before.whole), cross(before.part, now.whole)) {
                (Some(ad), Some(cb)) if now.whole > 0 => {
                    percent(Rate::new(ad.saturating_sub(cb), cb))
                }
                _ => Change::None,
            }
        }
        // Percentages change by the difference of the figures shown.
        (KpiValue::Share(now), KpiValue::Share(before)) => points(now.percent(), before.percent()),
        (KpiValue::Percent(now), KpiValue::Percent(before)) => points(*now, *before),
        _ => Change::None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn yuan(minor: i64) -> KpiValue {
        KpiValue::Money(Some(laurel_core::Money::from_minor(
            minor,
            "CNY".parse().unwrap(),
        )))
    }

    #[test]
    fn counts_and_amounts_change_in_percent_of_the_figure_before() {
        assert_eq!(
            change(&KpiValue::Points(420), &KpiValue::Points(130)),
            Change::Percent(dec("223.1"))
        );
        assert_eq!(
            change(&KpiValue::Count(2), &KpiValue::Count(2)),
            Change::Percent(dec("0"))
        );
        assert_eq!(
            change(&yuan(14_000), &yuan(6_500)),
            Change::Percent(dec("115.4"))
        );
        assert_eq!(
            change(&KpiValue::Count(3), &KpiValue::Count(0)),
            Change::None,
            "nothing before: no change rather than infinity"
        );
        assert_eq!(change(&yuan(100), &KpiValue::Money(None)), Change::None);
    }

    #[test]
    fn rates_change_in_percentage_points_of_the_figures_shown() {
        assert_eq!(
            change(
                &KpiValue::Share(Rate::new(100, 420)),
                &KpiValue::Share(Rate::new(0, 130))
            ),
            Change::Points(dec("23.8"))
        );
        assert_eq!(
            change(
                &KpiValue::Share(Rate::new(2, 3)),
                &KpiValue::Share(Rate::new(2, 0))
            ),
            Change::None
        );
        assert_eq!(
            change(
                &KpiValue::Percent(Some(dec("25.0"))),
                &KpiValue::Percent(Some(dec("-5.5")))
            ),
            Change::Points(dec("30.5"))
        );
    }

    #[test]
    fn a_mean_changes_in_percent_compared_exactly() {
        // 1.5 purchases per buyer against 1.2: 25% more.
        assert_eq!(
            change(
                &KpiValue::Mean(Rate::new(3, 2)),
                &KpiValue::Mean(Rate::new(6, 5))
            ),
            Change::Percent(dec("25.0"))
        );
        assert_eq!(
            change(
                &KpiValue::Mean(Rate::new(3, 2)),
                &KpiValue::Mean(Rate::new(0, 0))
            ),
            Change::None
        );
    }

    #[test]
    fn what_is_not_a_figure_has_no_change() {
        assert_eq!(
            change(&KpiValue::NotMeasured, &KpiValue::NotMeasured),
            Change::None
        );
        assert_eq!(change(&KpiValue::Table, &KpiValue::Table), Change::None);
    }
}
