//! The sentences grants carry: short enough for a receipt, precise enough to check by hand.
//! Written from a grant's [`GrantBasis`], so a grant read back from storage reads as it did.

use super::basis::GrantBasis;
use super::effect::Effect;
use super::limits::LimitKind;
use crate::points::Points;
use crate::program::Program;
use rust_decimal::Decimal;

/// A grant's sentence in English: "Base earn: 1 per CNY on 128.50 → +128", "Double points
/// Tuesday: 2× on 128.00 → +128", with "(daily limit reached)" when a limit capped it.
pub fn explain(
    program: &Program,
    basis: &GrantBasis,
    points: Points,
    capped_by: Option<LimitKind>,
) -> String {
    let sentence = match basis {
        GrantBasis::Base { rate, spend } => format!(
            "Base earn: {} per {} on {} → +{points}",
            rate.normalize(),
            program.currency,
            money(program, *spend),
        ),
        GrantBasis::Rule {
            name,
            effect,
            spend,
            base,
        } => format!(
            "{name}: {} → +{points}",
            effect_words(program, effect, *spend, *base)
        ),
        GrantBasis::Tier { .. }
        | GrantBasis::Membership { .. }
        | GrantBasis::ReferralWelcome
        | GrantBasis::ReferralBonus { .. } => without_money(basis, points),
    };
    match capped_by {
        Some(kind) => format!("{sentence} ({} reached)", kind.describe()),
        None => sentence,
    }
}

/// The sentence of a basis that names no money or points name (tiers, referrals), which
/// grants decided without the program at hand carry.
pub(crate) fn without_money(basis: &GrantBasis, points: Points) -> String {
    match basis {
        GrantBasis::Tier {
            name,
            multiplier,
            base,
        } => format!(
            "{name} members earn {}× the base: +{points} on {base} base points",
            multiplier.normalize()
        ),
        GrantBasis::Membership {
            name,
            multiplier,
            base,
        } => format!(
            "{name} membership earns {}× the base: +{points} on {base} base points",
            multiplier.normalize()
        ),
        GrantBasis::ReferralWelcome => format!("Referral welcome bonus: +{points}"),
        GrantBasis::ReferralBonus { referee } => format!("Referral bonus for {referee}: +{points}"),
        GrantBasis::Base { .. } | GrantBasis::Rule { .. } => format!("+{points}"),
    }
}

/// What an effect did: "2× on 128.00", "10% of base 128 on 128.00", "20 points".
fn effect_words(
    program: &Program,
    effect: &Effect,
    spend: Option<Decimal>,
    base: Option<Points>,
) -> String {
    let on = match spend {
        Some(spend) => format!(" on {}", money(program, spend)),
        None => String::new(),
    };
    match effect {
        Effect::PointsPerUnit(rate) => format!("{} per {}{on}", rate.normalize(), program.currency),
        Effect::Fixed(fixed) => format!("{fixed} {}", program.points_name),
        Effect::Multiplier(m) => format!("{}×{on}", m.normalize()),
        Effect::PercentBonus(percent) => match base {
            Some(base) => format!("{}% of base {base}{on}", percent.normalize()),
            None => format!("{}% of base", percent.normalize()),
        },
    }
}

/// An amount with the currency's number of decimals: 128 yuan shows as 128.00.
fn money(program: &Program, amount: Decimal) -> String {
    let places = program.currency.minor_digits() as usize;
    format!("{amount:.places$}")
}
