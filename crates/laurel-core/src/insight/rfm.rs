//! RFM: members scored 1 to 5 by how recently, how often and how much they bought, each score
//! a quintile of the members who bought, and the named segment their recency and frequency put
//! them in.

crate::states! {
    /// The usual named RFM segments: every (recency, frequency) pair falls in exactly one.
    pub enum RfmSegment ("RFM segment") {
        /// Bought recently and often (R 4–5, F 4–5).
        Champions = "champions",
        /// Buy regularly (R 3–5, F 3–5, not champions).
        Loyal = "loyal",
        /// Recent but few purchases yet (R 3–5, F 1–2).
        Promising = "promising",
        /// Bought often, not lately (R 1–2, F 3–4).
        AtRisk = "at_risk",
        /// Were among the most frequent, not lately (R 1–2, F 5).
        CantLose = "cant_lose",
        /// Few purchases, a while ago (R 2, F 1–2).
        Hibernating = "hibernating",
        /// Few purchases, long ago (R 1, F 1–2).
        Lost = "lost",
    }
}

impl RfmSegment {
    /// The segment of a member with recency score `r` and frequency score `f` (each 1–5).
    pub fn of(r: u8, f: u8) -> RfmSegment {
        match (r, f) {
            (4.., 4..) => RfmSegment::Champions,
            (3.., 3..) => RfmSegment::Loyal,
            (3.., _) => RfmSegment::Promising,
            (_, 5..) => RfmSegment::CantLose,
            (_, 3..) => RfmSegment::AtRisk,
            (2, _) => RfmSegment::Hibernating,
            _ => RfmSegment::Lost,
        }
    }
}

/// A member's RFM scores, each 1 (the lowest fifth of members who bought) to 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RfmScores {
    /// How recently they bought: 5 for the most recent fifth.
    pub recency: u8,
    /// How often they bought.
    pub frequency: u8,
    /// How much they spent.
    pub monetary: u8,
}

impl RfmScores {
    /// Their named segment.
    pub fn segment(self) -> RfmSegment {
        RfmSegment::of(self.recency, self.frequency)
    }
}

/// What RFM reads of a member who bought.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RfmInput {
    /// Whole days since their last purchase.
    pub days_since_last: i64,
    /// Their purchases.
    pub purchases: i64,
    /// What they spent, in minor units.
    pub spend_minor: i64,
}

/// Every member's scores, in the order given.
pub fn scores(members: &[RfmInput]) -> Vec<RfmScores> {
    // Fewer days since the last purchase is better: scored on the negated count.
    let recency = quintiles(
        &members
            .iter()
            .map(|m| -m.days_since_last)
            .collect::<Vec<_>>(),
    );
    let frequency = quintiles(&members.iter().map(|m| m.purchases).collect::<Vec<_>>());
    let monetary = quintiles(&members.iter().map(|m| m.spend_minor).collect::<Vec<_>>());
    recency
        .into_iter()
        .zip(frequency)
        .zip(monetary)
        .map(|((recency, frequency), monetary)| RfmScores {
            recency,
            frequency,
            monetary,
        })
        .collect()
}

/// Each value's quintile, 1 to 5, higher values higher. Equal values share the quintile of
/// the last of them in sorted order (the share of values at or below them, as `CUME_DIST`),
/// so a member is never scored apart from another with the same figure — with many one-time
/// buyers, frequency's lower scores may then be empty.
pub fn quintiles(values: &[i64]) -> Vec<u8> {
    let n = values.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| values[i]);
    let mut scores = vec![0_u8; n];
    let mut start = 0;
    while start < n {
        let value = values[order[start]];
        let end = order[start..]
            .iter()
            .position(|&i| values[i] != value)
            .map_or(n, |len| start + len);
        // ceil(5 × at_or_below / n), in whole numbers.
        let score = (5 * end).div_ceil(n).clamp(1, 5) as u8;
        for &i in &order[start..end] {
            scores[i] = score;
        }
        start = end;
    }
    scores
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quintiles_split_ten_values_two_to_a_score() {
        let values: Vec<i64> = (1..=10).collect();
        assert_eq!(quintiles(&values), vec![1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    }

    #[test]
    fn equal_values_share_a_score() {
        // Six one-time buyers of ten: all score as the sixth of ten does.
        let values = [1, 1, 1, 1, 1, 1, 2, 3, 3, 9];
        assert_eq!(quintiles(&values), vec![3, 3, 3, 3, 3, 3, 4, 5, 5, 5]);
        assert_eq!(quintiles(&[]), Vec::<u8>::new());
        assert_eq!(quintiles(&[7]), vec![5]);
    }

    #[test]
    fn recency_scores_the_most_recent_highest() {
        let input = |days, purchases, spend| RfmInput {
            days_since_last: days,
            purchases,
            spend_minor: spend,
        };
        let s = scores(&[input(3, 9, 900), input(400, 1, 50)]);
        assert_eq!((s[0].recency, s[0].frequency, s[0].monetary), (5, 5, 5));
        assert_eq!((s[1].recency, s[1].frequency, s[1].monetary), (3, 3, 3));
        assert_eq!(s[0].segment(), RfmSegment::Champions);
        assert_eq!(s[1].segment(), RfmSegment::Loyal);
    }

    #[test]
    fn every_recency_and_frequency_pair_has_one_named_segment() {
        let named = |r, f| RfmSegment::of(r, f).as_str();
        assert_eq!(named(5, 5), "champions");
        assert_eq!(named(3, 4), "loyal");
        assert_eq!(named(4, 3), "loyal");
        assert_eq!(named(5, 1), "promising");
        assert_eq!(named(3, 2), "promising");
        assert_eq!(named(2, 5), "cant_lose");
        assert_eq!(named(1, 5), "cant_lose");
        assert_eq!(named(1, 3), "at_risk");
        assert_eq!(named(2, 2), "hibernating");
        assert_eq!(named(1, 1), "lost");
        for r in 1..=5 {
            for f in 1..=5 {
                assert!(RfmSegment::ALL.contains(&RfmSegment::of(r, f)));
            }
        }
    }
}
