//! How purchases spread over members: how often members who bought in a period bought
//! (frequency), and how long ago members last bought as of a period's end (recency), in the
//! buckets the Insight pages show.

use super::rate::Rate;

/// Purchases per member that the frequency distribution counts one by one; more are pooled.
pub const FREQUENCY_POOLED_FROM: i64 = 10;

/// The recency buckets' upper ends in days (included); the last bucket is open.
pub const RECENCY_BUCKETS: [i64; 6] = [7, 30, 60, 90, 180, 365];

/// Members by how many purchases they made in a period, and by how long ago they last bought.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Distributions {
    /// Members who made 1, 2, … purchases in the period; the last entry pools
    /// [`FREQUENCY_POOLED_FROM`] and more. Index 0 is one purchase.
    pub frequency: Vec<i64>,
    /// Members whose last purchase before the period's end was within each of
    /// [`RECENCY_BUCKETS`] days of it, then longer ago. Members who never bought are not
    /// counted.
    pub recency: Vec<i64>,
}

impl Distributions {
    /// The distributions from (purchases, members who made that many) and (days since the
    /// last purchase, members) pairs, in any order.
    pub fn new(
        per_member: impl IntoIterator<Item = (i64, i64)>,
        since_last: impl IntoIterator<Item = (i64, i64)>,
    ) -> Distributions {
        let mut frequency = vec![0; FREQUENCY_POOLED_FROM as usize];
        for (purchases, members) in per_member {
            if purchases >= 1 {
                let i = purchases.min(FREQUENCY_POOLED_FROM) as usize - 1;
                frequency[i] += members;
            }
        }
        let mut recency = vec![0; RECENCY_BUCKETS.len() + 1];
        for (days, members) in since_last {
            let i = RECENCY_BUCKETS
                .iter()
                .position(|&end| days <= end)
                .unwrap_or(RECENCY_BUCKETS.len());
            recency[i] += members;
        }
        Distributions { frequency, recency }
    }

    /// Members who bought more than once in the period, out of all who bought in it.
    pub fn repeat_purchase(&self) -> Rate {
        let buyers: i64 = self.frequency.iter().sum();
        Rate::new(
            buyers - self.frequency.first().copied().unwrap_or(0),
            buyers,
        )
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn frequencies_pool_ten_and_more_and_recency_falls_in_its_bucket() {
        let d = Distributions::new(
            [(1, 50), (2, 20), (3, 5), (10, 2), (25, 1)],
            [(0, 4), (7, 1), (8, 2), (365, 3), (366, 9)],
        );
        assert_eq!(d.frequency, vec![50, 20, 5, 0, 0, 0, 0, 0, 0, 3]);
        assert_eq!(d.recency, vec![5, 2, 0, 0, 0, 3, 9]);
        // 28 of 78 bought more than once.
        assert_eq!(d.repeat_purchase(), Rate::new(28, 78));
        assert_eq!(d.repeat_purchase().percent().unwrap().to_string(), "35.9");
    }

    #[test]
    fn nobody_bought_is_no_repeat_rate() {
        assert_eq!(Distributions::new([], []).repeat_purchase().percent(), None);
    }
}
