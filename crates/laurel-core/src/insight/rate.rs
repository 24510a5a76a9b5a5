//! A rate kept as its two counts, so a reader sees the working and no rounding compounds.

use rust_decimal::{Decimal, RoundingStrategy};

/// `part` out of `whole`: a share, or a mean when `part` may exceed `whole`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rate {
    /// What is counted.
    pub part: i64,
    /// What it is counted out of.
    pub whole: i64,
}

impl Rate {
    /// `part` out of `whole`.
    pub fn new(part: i64, whole: i64) -> Rate {
        Rate { part, whole }
    }

    /// The rate in percent to one decimal place, halves away from zero; none when `whole`
    /// is not above zero (nothing to count out of).
    pub fn percent(self) -> Option<Decimal> {
        self.scaled(Decimal::ONE_HUNDRED, 1)
    }

    /// `part / whole` to `places` decimal places, halves away from zero; none when `whole` is
    /// not above zero.
    pub fn ratio(self, places: u32) -> Option<Decimal> {
        self.scaled(Decimal::ONE, places)
    }

    fn scaled(self, by: Decimal, places: u32) -> Option<Decimal> {
        (self.whole > 0).then(|| {
            let mut rounded = (Decimal::from(self.part) * by / Decimal::from(self.whole))
                .round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero);
            // Always `places` decimals when written: "60.0", not "60".
            rounded.rescale(places);
            rounded
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn a_share_is_given_in_percent_to_one_place() {
        assert_eq!(Rate::new(1, 3).percent(), Some(dec("33.3")));
        assert_eq!(Rate::new(2, 3).percent(), Some(dec("66.7")));
        assert_eq!(Rate::new(1, 8).percent(), Some(dec("12.5")));
        assert_eq!(Rate::new(3, 3).percent().unwrap().to_string(), "100.0");
    }

    #[test]
    fn nothing_to_count_out_of_gives_no_rate_rather_than_zero() {
        assert_eq!(Rate::new(0, 0).percent(), None);
        assert_eq!(Rate::new(5, 0).ratio(2), None);
    }
}
