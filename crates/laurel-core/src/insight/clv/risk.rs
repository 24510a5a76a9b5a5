//! How much a member is at risk of having lapsed, and why, as data the engine words ("no
//! purchase for 74 days; usually every 12").

use super::CustomerSummary;

/// Below this probability of being active a member is at high risk: more likely gone than not,
/// by better than two to one.
pub const P_ALIVE_HIGH_RISK_BELOW: f64 = 0.3;

/// From this probability of being active a member is at low risk; between the two, medium.
pub const P_ALIVE_LOW_RISK_FROM: f64 = 0.7;

/// How much a member is at risk of having lapsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChurnRiskLevel {
    /// Likely still active: P(alive) at or above [`P_ALIVE_LOW_RISK_FROM`].
    Low,
    /// Uncertain: P(alive) from [`P_ALIVE_HIGH_RISK_BELOW`] up to [`P_ALIVE_LOW_RISK_FROM`].
    Medium,
    /// Likely lapsed: P(alive) below [`P_ALIVE_HIGH_RISK_BELOW`].
    High,
}

impl ChurnRiskLevel {
    /// Every level, lowest first.
    pub const ALL: [ChurnRiskLevel; 3] = [
        ChurnRiskLevel::Low,
        ChurnRiskLevel::Medium,
        ChurnRiskLevel::High,
    ];

    /// The stable name used in storage and APIs.
    pub fn as_str(self) -> &'static str {
        match self {
            ChurnRiskLevel::Low => "low",
            ChurnRiskLevel::Medium => "medium",
            ChurnRiskLevel::High => "high",
        }
    }

    /// The level with that stable name.
    pub fn parse(name: &str) -> Option<ChurnRiskLevel> {
        ChurnRiskLevel::ALL.into_iter().find(|l| l.as_str() == name)
    }
}

/// A member's churn risk with the facts behind it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChurnRisk {
    /// The level.
    pub level: ChurnRiskLevel,
    /// Whole days since the member's last purchase (T − tₓ).
    pub days_since_last_purchase: f64,
    /// The member's usual gap between purchases in days (tₓ / x); none after a single purchase.
    ///
    /// BG/NBD holds such a member as active (P(alive) = 1, so the level is low), since it lets
    /// members lapse only after a repeat purchase; the engine should word them apart ("bought
    /// once, 120 days ago") rather than as a regular.
    pub usual_gap_days: Option<f64>,
}

impl ChurnRisk {
    /// The risk of a member with this probability of being active and this history.
    pub fn assess(p_alive: f64, summary: &CustomerSummary) -> ChurnRisk {
        let level = if p_alive >= P_ALIVE_LOW_RISK_FROM {
            ChurnRiskLevel::Low
        } else if p_alive >= P_ALIVE_HIGH_RISK_BELOW {
            ChurnRiskLevel::Medium
        } else {
            // Also a NaN, which no model here returns: the cautious reading.
            ChurnRiskLevel::High
        };
        ChurnRisk {
            level,
            days_since_last_purchase: summary.days_since_last_purchase(),
            usual_gap_days: summary.usual_gap_days(),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_level_follows_the_stated_thresholds_with_the_reason_as_data() {
        let member = CustomerSummary::new(6, 72.0, 146.0, 1_200.0).unwrap();
        let level = |p| ChurnRisk::assess(p, &member).level;
        assert_eq!(level(0.95), ChurnRiskLevel::Low);
        assert_eq!(level(P_ALIVE_LOW_RISK_FROM), ChurnRiskLevel::Low);
        assert_eq!(level(0.5), ChurnRiskLevel::Medium);
        assert_eq!(level(P_ALIVE_HIGH_RISK_BELOW), ChurnRiskLevel::Medium);
        assert_eq!(level(0.1), ChurnRiskLevel::High);
        assert_eq!(level(f64::NAN), ChurnRiskLevel::High);
        let risk = ChurnRisk::assess(0.1, &member);
        assert_eq!(risk.days_since_last_purchase, 74.0);
        assert_eq!(risk.usual_gap_days, Some(12.0));
    }

    #[test]
    fn a_single_purchase_has_no_usual_gap() {
        let once = CustomerSummary::new(0, 0.0, 120.0, 0.0).unwrap();
        let risk = ChurnRisk::assess(1.0, &once);
        assert_eq!(risk.usual_gap_days, None);
        assert_eq!(risk.days_since_last_purchase, 120.0);
    }
}
