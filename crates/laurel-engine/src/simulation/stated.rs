//! The changes in behaviour a manager states for a draft, as callers write them (the API's
//! JSON, the command line, the console's fields) and as the report lists them.

use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use laurel_core::simulation::Assumption;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A change in behaviour stated for the draft, applied to its replay only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum StatedAssumption {
    /// Members holding `tier` (every member, without one) buy `percent` more often (less,
    /// below zero): each purchase counts 1 + percent/100 times, by a fixed pick per purchase.
    Visits {
        /// The tier, by id.
        #[serde(default)]
        tier: Option<String>,
        /// From -100 to 1000.
        #[serde(with = "rust_decimal::serde::str")]
        #[schema(value_type = String, example = "5")]
        percent: Decimal,
    },
    /// Members redeem `percent` more points (fewer, below zero): redemptions of points that
    /// much larger, reward redemptions counting 1 + percent/100 times.
    Redemptions {
        /// From -100 to 1000.
        #[serde(with = "rust_decimal::serde::str")]
        #[schema(value_type = String, example = "20")]
        percent: Decimal,
    },
}

impl StatedAssumption {
    /// The core's assumption.
    pub fn assumption(&self) -> Assumption {
        match self {
            StatedAssumption::Visits { tier, percent } => Assumption::Visits {
                tier: tier.clone(),
                percent: *percent,
            },
            StatedAssumption::Redemptions { percent } => {
                Assumption::Redemptions { percent: *percent }
            }
        }
    }

    /// The stated percentage.
    pub fn percent(&self) -> Decimal {
        match self {
            StatedAssumption::Visits { percent, .. }
            | StatedAssumption::Redemptions { percent } => *percent,
        }
    }

    /// The assumption in English, as the report lists it.
    pub fn words(&self) -> String {
        let change = signed(self.percent());
        match self {
            StatedAssumption::Visits {
                tier: Some(tier), ..
            } => format!(
                "Stated for the draft: purchases of members in the tier `{tier}` change by {change}%."
            ),
            StatedAssumption::Visits { tier: None, .. } => {
                format!("Stated for the draft: members' purchases change by {change}%.")
            }
            StatedAssumption::Redemptions { .. } => {
                format!("Stated for the draft: points redeemed change by {change}%.")
            }
        }
    }
}

/// A percentage with its sign: `+5`, `-10`.
fn signed(percent: Decimal) -> String {
    if percent > Decimal::ZERO {
        format!("+{}", percent.normalize())
    } else {
        percent.normalize().to_string()
    }
}

/// Assumptions one simulation may state at most.
pub const ASSUMPTIONS_MAX: usize = 10;

/// Checks stated assumptions against the draft's tiers: each refused at its place in the list.
pub(crate) fn check(stated: &[StatedAssumption], tiers: &[&str]) -> Result<()> {
    if stated.len() > ASSUMPTIONS_MAX {
        return Err(EngineError::invalid(
            "assumptions",
            ErrorCode::InvalidField,
            format!("at most {ASSUMPTIONS_MAX}, got {}", stated.len()),
        ));
    }
    for (i, s) in stated.iter().enumerate() {
        s.assumption().check(tiers).map_err(|e| {
            EngineError::invalid(
                format!("assumptions[{i}]"),
                ErrorCode::InvalidField,
                e.to_string(),
            )
        })?;
    }
    // Changes of one kind add up: together they stay within what one may state.
    let most = Decimal::from(laurel_core::simulation::PERCENT_MAX);
    for kind in ["visits", "redemptions"] {
        let sum: Decimal = stated
            .iter()
            .filter(|s| matches!(s, StatedAssumption::Visits { .. }) == (kind == "visits"))
            .map(StatedAssumption::percent)
            .sum();
        if sum > most {
            return Err(EngineError::invalid(
                "assumptions",
                ErrorCode::InvalidField,
                format!("the {kind} stated add up to {sum}%, more than {most}%"),
            ));
        }
    }
    Ok(())
}
