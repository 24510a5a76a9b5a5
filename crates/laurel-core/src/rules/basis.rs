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
    /// A paid membership's earn multiplier on the base earn.
    Membership {
        /// The plan's name.
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
            GrantBasis::Membership { .. } => "membership",
            GrantBasis::ReferralWelcome => "referral_welcome",
            GrantBasis::ReferralBonus { .. } => "referral_bonus",
        }
    }

    /// The basis laid flat, as records and answers hold it.
    pub fn parts(&self) -> BasisParts<'_> {
        let mut parts = BasisParts::default();
        match self {
            GrantBasis::Base { rate, spend } => {
                parts.effect = Some(Effect::PointsPerUnit(*rate).key());
                parts.factor = Some(*rate);
                parts.spend = Some(*spend);
            }
            GrantBasis::Rule {
                name,
                effect,
                spend,
                base,
            } => {
                parts.name = Some(name);
                parts.effect = Some(effect.key());
                parts.factor = Some(effect.factor());
                parts.spend = *spend;
                parts.base = *base;
            }
            GrantBasis::Tier {
                name,
                multiplier,
                base,
            }
            | GrantBasis::Membership {
                name,
                multiplier,
                base,
            } => {
                parts.name = Some(name);
                parts.effect = Some(Effect::Multiplier(*multiplier).key());
                parts.factor = Some(*multiplier);
                parts.base = Some(*base);
            }
            GrantBasis::ReferralWelcome => {}
            GrantBasis::ReferralBonus { referee } => parts.referee = Some(referee),
        }
        parts
    }
}

/// A [`GrantBasis`] laid flat: the figures any kind may have, each `None` where its kind has
/// none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BasisParts<'a> {
    /// A rule's or a tier's name.
    pub name: Option<&'a str>,
    /// The effect's key (a base earns `points_per_unit`, a tier bonus is a `multiplier`).
    pub effect: Option<&'static str>,
    /// The effect's figure: the rate, fixed points, multiplier or percentage.
    pub factor: Option<Decimal>,
    /// The spend it was worked out on.
    pub spend: Option<Decimal>,
    /// The base earn it was worked out on.
    pub base: Option<Points>,
    /// A referral bonus's new member.
    pub referee: Option<&'a str>,
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
