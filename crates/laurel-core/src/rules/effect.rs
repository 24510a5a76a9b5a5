//! What a rule grants, before its limits.

use crate::earn::{EarnError, base_points, round_points};
use crate::points::Points;
use crate::program::Program;
use rust_decimal::Decimal;

/// What a rule grants when it applies. Every fractional result uses the program's rounding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// This many points per currency unit of the matching spend (2 per yuan on coffee).
    PointsPerUnit(Decimal),
    /// A fixed number of points, whatever the spend.
    Fixed(Points),
    /// `m ×` the base earn of the matching spend, counting the base itself: the rule grants
    /// `(m − 1) ×` that base, so 2 is double points (the base once more).
    Multiplier(Decimal),
    /// This percentage of the base earn of the matching spend (10 grants a tenth of it).
    PercentBonus(Decimal),
}

/// What an effect works out to on one spend, before limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Worked {
    /// Points, rounded, never below zero.
    pub points: Points,
    /// The base earn of the matching spend, for effects defined on it.
    pub base: Option<Points>,
}

impl Effect {
    /// The effect's key in a program file, as validation issues name it.
    pub fn key(&self) -> &'static str {
        match self {
            Effect::PointsPerUnit(_) => "points_per_unit",
            Effect::Fixed(_) => "fixed",
            Effect::Multiplier(_) => "multiplier",
            Effect::PercentBonus(_) => "percent",
        }
    }

    /// True for effects computed from a spend, which only purchases have.
    pub fn needs_spend(&self) -> bool {
        !matches!(self, Effect::Fixed(_))
    }

    /// Points granted on `spend` (`None` for events) before limits, rounded and never negative.
    pub fn points(&self, program: &Program, spend: Option<Decimal>) -> Result<Points, EarnError> {
        self.work(program, spend).map(|w| w.points)
    }

    /// Works the effect out on `spend`, keeping the base it was computed from.
    pub(crate) fn work(
        &self,
        program: &Program,
        spend: Option<Decimal>,
    ) -> Result<Worked, EarnError> {
        let spend = spend.map(|s| s.max(Decimal::ZERO));
        let base = match (self, spend) {
            (Effect::Multiplier(_) | Effect::PercentBonus(_), Some(spend)) => {
                Some(base_points(program, spend)?)
            }
            _ => None,
        };
        let of_base = |factor: Decimal| base.map(|b| product(Decimal::from(b.get()), factor));
        let raw = match self {
            Effect::Fixed(points) => Some(Ok(Decimal::from(points.get()))),
            Effect::PointsPerUnit(rate) => spend.map(|s| product(s, *rate)),
            Effect::Multiplier(m) => of_base(m.saturating_sub(Decimal::ONE)),
            // Multiply before dividing, so that 10% of 15 is exactly 1.5.
            Effect::PercentBonus(percent) => {
                of_base(*percent).map(|r| r.map(|x| x / Decimal::ONE_HUNDRED))
            }
        };
        let points = match raw.transpose()? {
            Some(raw) => round_points(raw, program.rounding)?,
            None => Points::ZERO,
        };
        Ok(Worked {
            points: points.max(Points::ZERO),
            base,
        })
    }
}

/// `a × b`, or out of range.
fn product(a: Decimal, b: Decimal) -> Result<Decimal, EarnError> {
    a.checked_mul(b).ok_or(EarnError::OutOfRange)
}
