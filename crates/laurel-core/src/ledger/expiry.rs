//! A member's open points by the month they expire in: what a staff member needs to answer
//! "when do my points run out?" in a few lines, however many lots the member holds.

use crate::ledger::Lot;
use crate::points::Points;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use std::collections::BTreeMap;

/// Points of open lots that expire within one month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpiryMonth {
    /// The month's first day in the program's time zone; `None` for points that never expire.
    pub month: Option<Date>,
    /// What is left in the lots expiring that month.
    pub points: Points,
}

/// Open lots summed by the calendar month (in `tz`) they expire in, soonest first and the
/// never-expiring last.
pub fn expiry_by_month(lots: &[Lot], tz: &TimeZone) -> Vec<ExpiryMonth> {
    // `None` sorts first in an Option key, so never-expiring points are keyed after every month.
    let mut months: BTreeMap<(bool, Option<Date>), i64> = BTreeMap::new();
    for lot in lots {
        let month = lot
            .expires_at
            .map(|at| at.to_zoned_datetime(tz.clone()).date().first_of_month());
        *months.entry((month.is_none(), month)).or_default() += lot.remaining.get();
    }
    months
        .into_iter()
        .map(|((_, month), points)| ExpiryMonth {
            month,
            points: Points(points),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{LotId, LotState};
    use jiff::Timestamp;

    fn lot(id: i64, points: i64, expires: Option<&str>) -> Lot {
        Lot {
            id: LotId(id),
            remaining: Points(points),
            earned_at: Timestamp::UNIX_EPOCH,
            expires_at: expires.map(|e| e.parse().unwrap()),
            state: LotState::Available,
        }
    }

    #[test]
    fn lots_sum_per_month_of_the_programs_time_zone_with_the_never_expiring_last() {
        let lots = [
            lot(1, 5, None),
            lot(2, 10, Some("2026-03-31T17:00:00Z")), // 1 April in Shanghai
            lot(3, 20, Some("2026-03-02T00:00:00Z")),
            lot(4, 30, Some("2026-04-20T00:00:00Z")),
        ];
        let tz = TimeZone::get("Asia/Shanghai").unwrap();
        let summary: Vec<(Option<String>, i64)> = expiry_by_month(&lots, &tz)
            .into_iter()
            .map(|m| (m.month.map(|d| d.to_string()), m.points.get()))
            .collect();
        assert_eq!(
            summary,
            [
                (Some("2026-03-01".to_owned()), 20),
                (Some("2026-04-01".to_owned()), 40),
                (None, 5),
            ]
        );
    }
}
