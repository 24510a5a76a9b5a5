//! Why a grant was made, as data: what its sentence is written from, so that a grant read back
//! from storage can be told again — in English by [`explain`](super::explain()), in another
//! language by whoever renders it — rather than kept as English text.

use super::effect::Effect;
use crate::points::Points;
use rust_decimal::Decimal;

/// What a grant was worked out from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GrantBasis {
    /// The base earn: `rate` points per currency unit on `spend`.
    Base {
        /// The program's points per currency unit.
        rate: Decimal,
        /// The purchase total it applied to.
        spend: Decimal,
    },
    /// An earning rule.
    Rule {
        /// The rule's name when it granted.
        name: String,
        /// Its effect.
        effect: Effect,
        /// The spend it applied to (the total, or the lines it selects); none for an event.
        spend: Option<Decimal>,
        /// The base earn of that spend, for effects defined on it (multiplier, percent).
        base: Option<Points>,
    },
    /// A tier's earn multiplier on the base earn.
    Tier {
        /// The tier's name.
        name: String,
        /// Its earn multiplier (the grant is `multiplier − 1` times the base).
        multiplier: Decimal,
        /// The base earn it multiplied.
        base: Points,
    },
    /// A referred member's welcome bonus on their qualifying purchase.
    ReferralWelcome,
    /// A referrer's bonus for a member they referred.
    ReferralBonus {
        /// The referred member's external id.
        referee: String,
    },
}

impl GrantBasis {
    /// Stable name of the kind of basis, as stored.
    pub fn kind(&self) -> &'static str {
        match self {
            GrantBasis::Base { .. } => "base",
            GrantBasis::Rule { .. } => "rule",
            GrantBasis::Tier { .. } => "tier",
            GrantBasis::ReferralWelcome => "referral_welcome",
            GrantBasis::ReferralBonus { .. } => "referral_bonus",
        }
    }
}

impl Effect {
    /// The effect's figure: the rate, the fixed points, the multiplier or the percentage.
    pub fn factor(&self) -> Decimal {
        match self {
            Effect::PointsPerUnit(d) | Effect::Multiplier(d) | Effect::PercentBonus(d) => *d,
            Effect::Fixed(points) => Decimal::from(points.get()),
        }
    }

    /// The effect named by its [`Effect::key`] with its [`Effect::factor`]; `None` for an
    /// unknown key or fixed points that are not whole.
    pub fn from_key(key: &str, factor: Decimal) -> Option<Effect> {
        match key {
            "points_per_unit" => Some(Effect::PointsPerUnit(factor)),
            "multiplier" => Some(Effect::Multiplier(factor)),
            "percent" => Some(Effect::PercentBonus(factor)),
            "fixed" if factor.fract().is_zero() => {
                i64::try_from(factor).ok().map(|n| Effect::Fixed(Points(n)))
            }
            _ => None,
        }
    }
}
