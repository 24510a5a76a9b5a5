//! The program file's `[tiers]`: TOML shapes, turned into the core's [`TierPolicySpec`].

use super::Words;
use crate::decimal;
use laurel_core::tiers::{
    Tier, TierBenefits, TierIssue, TierMetric, TierPolicy, TierPolicySpec, TierWindow,
};
use rust_decimal::Decimal;
use serde::Deserialize;

/// `[tiers]`: what qualifies, over which window, and the `[[tiers.levels]]`, lowest first.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TiersSection {
    metric: MetricName,
    window: WindowName,
    /// Required with `window = "rolling_months"`.
    months: Option<u32>,
    #[serde(default)]
    grace_days: u32,
    /// Tiers a review may go down at once: a number (default 1) or `"unlimited"`.
    #[serde(default)]
    max_steps_down: StepsDown,
    levels: Vec<LevelSection>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum StepsDown {
    Steps(u32),
    Named(Unlimited),
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Unlimited {
    Unlimited,
}

impl Default for StepsDown {
    fn default() -> StepsDown {
        StepsDown::Steps(1)
    }
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum MetricName {
    Spend,
    Purchases,
    PointsEarned,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum WindowName {
    CalendarYear,
    RollingMonths,
    SinceJoining,
}

/// One `[[tiers.levels]]` table.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LevelSection {
    id: String,
    name: Words,
    #[serde(deserialize_with = "decimal::deserialize")]
    threshold: Decimal,
    #[serde(default = "one", deserialize_with = "decimal::deserialize")]
    earn_multiplier: Decimal,
    #[serde(default, deserialize_with = "decimal::deserialize")]
    discount_percent: Decimal,
    #[serde(default)]
    perks: Vec<String>,
}

fn one() -> Decimal {
    Decimal::ONE
}

/// Turns the section into a validated policy, or every problem with its key.
pub(super) fn convert(section: TiersSection) -> Result<TierPolicy, Vec<TierIssue>> {
    let window = match (section.window, section.months) {
        (WindowName::RollingMonths, Some(months)) => TierWindow::RollingMonths(months),
        (WindowName::RollingMonths, None) => {
            return Err(vec![TierIssue::new(
                "tiers.months",
                "is required with window = \"rolling_months\"",
            )]);
        }
        (_, Some(_)) => {
            return Err(vec![TierIssue::new(
                "tiers.months",
                "only applies to window = \"rolling_months\"",
            )]);
        }
        (WindowName::CalendarYear, None) => TierWindow::CalendarYear,
        (WindowName::SinceJoining, None) => TierWindow::SinceJoining,
    };
    TierPolicy::new(TierPolicySpec {
        metric: match section.metric {
            MetricName::Spend => TierMetric::Spend,
            MetricName::Purchases => TierMetric::Purchases,
            MetricName::PointsEarned => TierMetric::PointsEarned,
        },
        window,
        grace_days: section.grace_days,
        max_steps_down: match section.max_steps_down {
            StepsDown::Steps(n) => Some(n),
            StepsDown::Named(Unlimited::Unlimited) => None,
        },
        tiers: section.levels.into_iter().map(level).collect(),
    })
}

/// One level as the file writes it, as the core's tier (checked with the whole policy).
pub(super) fn level(l: LevelSection) -> Tier {
    Tier {
        id: l.id,
        name: l.name.0,
        threshold: l.threshold,
        benefits: TierBenefits {
            earn_multiplier: l.earn_multiplier,
            discount_percent: l.discount_percent,
            perks: l.perks,
        },
    }
}
