//! `[transfers]`: the least a transfer may move, the most a member may send in a local day,
//! how long a sender must have been a member, and the fee in points.

use crate::issue::{Issue, Issues};
use crate::message;
use crate::points::POINTS_MAX as POINTS_CAP;
use crate::points::Points;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// The section as written, before it is checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TransferSpec {
    /// The least one transfer may move (1 when not said).
    pub min_points: Option<i64>,
    /// The most a member may send in one local day, fees aside (no limit when not said).
    pub daily_max: Option<i64>,
    /// Days a member must have been enrolled before sending (0 when not said).
    pub min_member_days: Option<i64>,
    /// Points charged on every transfer.
    pub fee_points: Option<i64>,
    /// Percent of the points moved charged on every transfer, rounded up to a whole point.
    pub fee_percent: Option<Decimal>,
}

/// What a transfer costs the sender on top of the points moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TransferFee {
    /// Charged on every transfer.
    pub points: Points,
    /// Percent of the points moved, from 0 to 100.
    pub percent: Decimal,
}

impl TransferFee {
    /// The fee on a transfer of `amount`: the fixed part plus the percentage, rounded up so
    /// the program never charges less than it says.
    pub fn on(&self, amount: Points) -> Points {
        let share = (Decimal::from(amount.get()) * self.percent / Decimal::ONE_HUNDRED).ceil();
        let share = share.to_i64().unwrap_or(i64::MAX);
        Points(self.points.get().saturating_add(share))
    }
}

/// The program's rules for transfers; a program without `[transfers]` allows none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferPolicy {
    /// The least one transfer may move.
    pub min_points: Points,
    /// The most a member may send in one local day, fees aside.
    pub daily_max: Option<Points>,
    /// Days a member must have been enrolled before sending.
    pub min_member_days: u32,
    /// What each transfer costs the sender.
    pub fee: TransferFee,
}

/// The most days `min_member_days` may ask for: ten years.
const MEMBER_DAYS_MAX: i64 = 3_660;

impl TransferPolicy {
    /// Checks `spec`, reporting every problem with its key under `transfers`.
    pub fn new(spec: &TransferSpec) -> Result<TransferPolicy, Vec<Issue>> {
        let mut issues = Issues::under("transfers");
        let mut points = |key: &str, value: Option<i64>, least: i64, default: i64| -> i64 {
            match value {
                None => default,
                Some(v) if (least..=POINTS_CAP).contains(&v) => v,
                Some(v) => {
                    issues.add(
                        key,
                        message!(
                            "must be from {least} to {most}, got {got}",
                            least = least,
                            most = POINTS_CAP,
                            got = v
                        ),
                    );
                    default
                }
            }
        };
        let min_points = points("min_points", spec.min_points, 1, 1);
        let daily_max = spec
            .daily_max
            .map(|_| points("daily_max", spec.daily_max, 1, 1));
        let fee_points = points("fee_points", spec.fee_points, 0, 0);
        if let Some(max) = daily_max.filter(|max| *max < min_points) {
            issues.add(
                "daily_max",
                message!(
                    "is below min_points ({min}), so no transfer could be made: got {got}",
                    min = min_points,
                    got = max
                ),
            );
        }
        let min_member_days = match spec.min_member_days {
            None => 0,
            Some(d) if (0..=MEMBER_DAYS_MAX).contains(&d) => u32::try_from(d).unwrap_or(0),
            Some(d) => {
                issues.add(
                    "min_member_days",
                    message!(
                        "must be from 0 to {most}, got {got}",
                        most = MEMBER_DAYS_MAX,
                        got = d
                    ),
                );
                0
            }
        };
        let percent = spec.fee_percent.unwrap_or_default();
        if percent < Decimal::ZERO || percent > Decimal::ONE_HUNDRED {
            issues.add(
                "fee_percent",
                message!("must be from 0 to 100, got {got}", got = percent),
            );
        }
        issues.result(TransferPolicy {
            min_points: Points(min_points),
            daily_max: daily_max.map(Points),
            min_member_days,
            fee: TransferFee {
                points: Points(fee_points),
                percent: percent.normalize(),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fee(points: i64, percent: &str) -> TransferFee {
        TransferFee {
            points: Points(points),
            percent: percent.parse().unwrap_or_default(),
        }
    }

    #[test]
    fn the_fee_is_the_fixed_part_plus_the_percentage_rounded_up() {
        assert_eq!(fee(0, "0").on(Points(1_000)), Points(0));
        assert_eq!(fee(10, "0").on(Points(1_000)), Points(10));
        assert_eq!(fee(0, "2.5").on(Points(1_000)), Points(25));
        assert_eq!(fee(0, "2.5").on(Points(101)), Points(3), "2.525 rounds up");
        assert_eq!(
            fee(5, "1").on(Points(1)),
            Points(6),
            "a point's 1% is a point"
        );
    }

    #[test]
    fn an_empty_section_allows_any_positive_transfer_without_a_fee() {
        let policy = TransferPolicy::new(&TransferSpec::default());
        assert_eq!(
            policy,
            Ok(TransferPolicy {
                min_points: Points(1),
                daily_max: None,
                min_member_days: 0,
                fee: TransferFee::default(),
            })
        );
    }

    #[test]
    fn every_problem_is_reported_at_its_key() {
        let spec = TransferSpec {
            min_points: Some(500),
            daily_max: Some(100),
            min_member_days: Some(-1),
            fee_points: Some(-5),
            fee_percent: Some(Decimal::from(101)),
        };
        let keys: Vec<String> = TransferPolicy::new(&spec)
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|i| i.key)
            .collect();
        assert_eq!(
            keys,
            [
                "transfers.fee_points",
                "transfers.daily_max",
                "transfers.min_member_days",
                "transfers.fee_percent"
            ]
        );
    }
}
