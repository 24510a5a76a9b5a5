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
