//! The sentences grants carry: short enough for a receipt, precise enough to check by hand.

use super::effect::{Effect, Worked};
use super::limits::LimitKind;
use super::rule::EarningRule;
use crate::points::Points;
use crate::program::Program;
use rust_decimal::Decimal;

/// "Base earn: 1 per CNY on 128.50 → +128".
pub(crate) fn base(program: &Program, spend: Decimal, points: Points) -> String {
    format!(
        "Base earn: {} per {} on {} → +{points}",
        program.points_per_unit.normalize(),
        program.currency,
        money(program, spend),
    )
}

/// "Double points Tuesday: 2× on 128.00 → +128", with "(daily limit reached)" when capped.
pub(crate) fn rule(
    program: &Program,
    rule: &EarningRule,
    spend: Option<Decimal>,
    worked: Worked,
    points: Points,
    capped_by: Option<LimitKind>,
) -> String {
    let on = |spend: Option<Decimal>| match spend {
        Some(spend) => format!(" on {}", money(program, spend)),
        None => String::new(),
    };
    let what = match &rule.effect {
        Effect::PointsPerUnit(rate) => {
            format!("{} per {}{}", rate.normalize(), program.currency, on(spend))
        }
        Effect::Fixed(fixed) => format!("{fixed} {}", program.points_name),
        Effect::Multiplier(m) => format!("{}×{}", m.normalize(), on(spend)),
        Effect::PercentBonus(percent) => match worked.base {
            Some(base) => format!("{}% of base {base}{}", percent.normalize(), on(spend)),
            None => format!("{}% of base", percent.normalize()),
        },
    };
    let capped = match capped_by {
        Some(kind) => format!(" ({} reached)", kind.describe()),
        None => String::new(),
    };
    format!("{}: {what} → +{points}{capped}", rule.name)
}

/// An amount with the currency's number of decimals: 128 yuan shows as 128.00.
fn money(program: &Program, amount: Decimal) -> String {
    let places = program.currency.minor_digits() as usize;
    format!("{amount:.places$}")
}
