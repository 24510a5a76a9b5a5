//! What a manager may state a draft changes in members' behaviour, applied openly to the
//! draft's replay only: members of a tier (or all) buying more or less often, members
//! redeeming more or fewer points. Applied deterministically — the same history and the same
//! assumptions give the same report — by a pick per purchase or redemption from its id.

use rust_decimal::Decimal;

/// The most a stated percentage may be, either way: −100% (nobody) to +1,000% (eleven times).
pub const PERCENT_MIN: i64 = -100;
/// See [`PERCENT_MIN`].
pub const PERCENT_MAX: i64 = 1000;

/// One stated change in behaviour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assumption {
    /// Members holding `tier` (any member, when none) buy `percent` more (or, below zero,
    /// less) often: each of their purchases counts 1 + percent/100 times, the fraction by a
    /// pick from the purchase's id. Extra purchases are the same basket at the same instant.
    Visits {
        /// The tier, by id.
        tier: Option<String>,
        /// The change, in percent.
        percent: Decimal,
    },
    /// Members redeem `percent` more (or fewer) points: each redemption of points is that
    /// much larger, and each reward redemption counts 1 + percent/100 times.
    Redemptions {
        /// The change, in percent.
        percent: Decimal,
    },
}

/// What is wrong with a stated assumption.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssumptionError {
    /// A percentage outside [`PERCENT_MIN`]..=[`PERCENT_MAX`].
    #[error("the percentage must be from {PERCENT_MIN} to {PERCENT_MAX}, got {0}")]
    Percent(Decimal),
    /// A tier the draft does not have.
    #[error("the draft has no tier `{0}`")]
    UnknownTier(String),
}

impl Assumption {
    /// The stated percentage.
    pub fn percent(&self) -> Decimal {
        match self {
            Assumption::Visits { percent, .. } | Assumption::Redemptions { percent } => *percent,
        }
    }

    /// Checks the assumption against the draft's tiers (their ids).
    pub fn check(&self, tiers: &[&str]) -> Result<(), AssumptionError> {
        let percent = self.percent();
        if percent < Decimal::from(PERCENT_MIN) || percent > Decimal::from(PERCENT_MAX) {
            return Err(AssumptionError::Percent(percent));
        }
        match self {
            Assumption::Visits {
                tier: Some(tier), ..
            } if !tiers.contains(&tier.as_str()) => Err(AssumptionError::UnknownTier(tier.clone())),
            _ => Ok(()),
        }
    }
}

/// The stated assumptions of a replay; none changes nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Assumptions(pub Vec<Assumption>);

impl Assumptions {
    /// How many times a purchase counts for a member holding `tier`: once with nothing
    /// stated; none to many as the visits stated for their tier say.
    pub fn purchase_copies(&self, purchase: i64, tier: Option<&str>) -> u32 {
        let percent = self
            .0
            .iter()
            .filter_map(|a| match a {
                Assumption::Visits {
                    tier: only,
                    percent,
                } if only.as_deref().is_none_or(|t| Some(t) == tier) => Some(*percent),
                _ => None,
            })
            .sum();
        copies(purchase, percent)
    }

    /// How many times a reward redemption counts.
    pub fn reward_copies(&self, redemption: i64) -> u32 {
        copies(redemption, self.redemptions())
    }

    /// The points of a redemption of `points`, as the redemptions stated make it (rounded to
    /// the nearest point).
    pub fn redeemed_points(&self, points: i64) -> i64 {
        let factor = Decimal::ONE + self.redemptions() / Decimal::ONE_HUNDRED;
        (Decimal::from(points) * factor)
            .round()
            .try_into()
            .unwrap_or(points)
    }

    fn redemptions(&self) -> Decimal {
        self.0
            .iter()
            .filter_map(|a| match a {
                Assumption::Redemptions { percent } => Some(*percent),
                _ => None,
            })
            .sum()
    }
}

/// 1 + percent/100 as a whole count: the whole part always, one more when the pick for `id`
/// falls under the fraction.
fn copies(id: i64, percent: Decimal) -> u32 {
    let times = (Decimal::ONE + percent / Decimal::ONE_HUNDRED).max(Decimal::ZERO);
    let whole = times.trunc();
    let fraction = times - whole;
    let whole = u32::try_from(whole).unwrap_or(u32::MAX);
    whole + u32::from(pick(id) < fraction)
}

/// A number in [0, 1) picked from `id` (SplitMix64's finaliser): well spread, and the same
/// for the same id in every replay.
fn pick(id: i64) -> Decimal {
    let mut z = (id as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    // The top 32 bits over 2^32.
    Decimal::from(z >> 32) / Decimal::from(1_u64 << 32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visits(tier: Option<&str>, percent: i64) -> Assumptions {
        Assumptions(vec![Assumption::Visits {
            tier: tier.map(str::to_owned),
            percent: Decimal::from(percent),
        }])
    }

    #[test]
    fn nothing_stated_counts_everything_once() {
        let none = Assumptions::default();
        assert!((0..1000).all(|id| none.purchase_copies(id, Some("gold")) == 1));
        assert_eq!(none.redeemed_points(250), 250);
    }

    #[test]
    fn a_fraction_of_more_visits_repeats_about_that_share_of_purchases_and_only_in_its_tier() {
        let more = visits(Some("gold"), 5);
        let extra: u32 = (0..100_000)
            .map(|id| more.purchase_copies(id, Some("gold")) - 1)
            .sum();
        assert!((4_700..5_300).contains(&extra), "{extra} of 100,000");
        assert!((0..1000).all(|id| more.purchase_copies(id, Some("silver")) == 1));
        assert!((0..1000).all(|id| more.purchase_copies(id, None) == 1));
    }

    #[test]
    fn fewer_visits_drop_purchases_and_whole_multiples_repeat_every_one() {
        let fewer = visits(None, -100);
        assert!((0..1000).all(|id| fewer.purchase_copies(id, None) == 0));
        let thrice = visits(None, 200);
        assert!((0..1000).all(|id| thrice.purchase_copies(id, Some("x")) == 3));
    }

    #[test]
    fn redemptions_scale_points_to_the_nearest_point() {
        let more = Assumptions(vec![Assumption::Redemptions {
            percent: Decimal::from(20),
        }]);
        assert_eq!(more.redeemed_points(250), 300);
        assert_eq!(more.redeemed_points(3), 4);
    }

    #[test]
    fn a_percentage_out_of_range_or_an_unknown_tier_is_refused() {
        let out = Assumption::Redemptions {
            percent: Decimal::from(-150),
        };
        assert!(matches!(out.check(&[]), Err(AssumptionError::Percent(_))));
        let unknown = Assumption::Visits {
            tier: Some("platinum".into()),
            percent: Decimal::from(5),
        };
        assert_eq!(
            unknown.check(&["gold"]),
            Err(AssumptionError::UnknownTier("platinum".into()))
        );
        assert_eq!(unknown.check(&["platinum"]), Ok(()));
    }
}
