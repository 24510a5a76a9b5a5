//! Retention by monthly cohort: members grouped by the calendar month they joined, and for
//! each month after, the share of them who bought in it.

use super::rate::Rate;
use jiff::Timestamp;
use jiff::ToSpan;
use jiff::civil::Date;
use jiff::tz::TimeZone;

/// Most months a cohort table covers.
pub const COHORT_MONTHS_MAX: u32 = 36;

/// A calendar month in the program's time zone and the instants it spans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Month {
    /// Its first day.
    pub first: Date,
    /// When it starts.
    pub start: Timestamp,
    /// When the next one starts.
    pub end: Timestamp,
}

/// The `count` months (at least one, at most [`COHORT_MONTHS_MAX`]) ending with the one
/// holding `now`, oldest first.
pub fn months_ending(tz: &TimeZone, now: Timestamp, count: u32) -> Result<Vec<Month>, jiff::Error> {
    let count = count.clamp(1, COHORT_MONTHS_MAX);
    let this = tz.to_datetime(now).date().first_of_month();
    let first = this.checked_sub((i64::from(count) - 1).months())?;
    // Midnight may not exist on a daylight-saving day; the day then starts after the gap.
    let start = |d: Date| d.to_zoned_datetime(tz.clone()).map(|z| z.timestamp());
    (0..i64::from(count))
        .map(|i| {
            let month = first.checked_add(i.months())?;
            Ok(Month {
                first: month,
                start: start(month)?,
                end: start(month.checked_add(1.month())?)?,
            })
        })
        .collect()
}

/// One cohort: the members who joined in a month, and how many of them bought in each month
/// from it on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cohort {
    /// The month they joined.
    pub month: Date,
    /// How many joined.
    pub members: i64,
    /// Of them, how many bought in the month they joined (index 0), the month after, and so
    /// on up to the table's last month.
    pub buyers: Vec<i64>,
}

impl Cohort {
    /// The share of the cohort who bought `months_after` months after joining; none past the
    /// table's last month or for an empty cohort.
    pub fn retention(&self, months_after: usize) -> Option<Rate> {
        let buyers = *self.buyers.get(months_after)?;
        (self.members > 0).then(|| Rate::new(buyers, self.members))
    }
}

/// The cohorts of `months` (oldest first) from (cohort month index, members) and (cohort month
/// index, month index of the purchases, buyers) counts: a cohort has one figure per month from
/// its own to the last.
pub fn cohorts(
    months: &[Month],
    joined: impl IntoIterator<Item = (usize, i64)>,
    bought: impl IntoIterator<Item = (usize, usize, i64)>,
) -> Vec<Cohort> {
    let mut table: Vec<Cohort> = months
        .iter()
        .enumerate()
        .map(|(i, m)| Cohort {
            month: m.first,
            members: 0,
            buyers: vec![0; months.len() - i],
        })
        .collect();
    for (cohort, members) in joined {
        if let Some(c) = table.get_mut(cohort) {
            c.members += members;
        }
    }
    for (cohort, month, buyers) in bought {
        if let Some(slot) = month
            .checked_sub(cohort)
            .and_then(|after| table.get_mut(cohort)?.buyers.get_mut(after))
        {
            *slot += buyers;
        }
    }
    table
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn months_end_with_this_one_in_the_program_zone() {
        let tz = TimeZone::get("Asia/Shanghai").unwrap();
        // 20:00 UTC on 31 January is already 1 February in Shanghai.
        let months = months_ending(&tz, "2026-01-31T20:00:00Z".parse().unwrap(), 3).unwrap();
        let firsts: Vec<Date> = months.iter().map(|m| m.first).collect();
        assert_eq!(
            firsts,
            [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
        );
        assert_eq!(
            months[2].start,
            "2026-01-31T16:00:00Z".parse::<Timestamp>().unwrap()
        );
        assert_eq!(months[1].end, months[2].start);
    }

    #[test]
    fn each_cohort_counts_from_its_own_month_and_purchases_before_joining_are_ignored() {
        let tz = TimeZone::get("UTC").unwrap();
        let months = months_ending(&tz, "2026-03-15T00:00:00Z".parse().unwrap(), 3).unwrap();
        let table = cohorts(
            &months,
            [(0, 10), (1, 4)],
            [(0, 0, 8), (0, 2, 5), (1, 1, 4), (1, 2, 1), (1, 0, 3)],
        );
        assert_eq!(table[0].buyers, vec![8, 0, 5]);
        assert_eq!(
            table[1].buyers,
            vec![4, 1],
            "a purchase before joining is not retention"
        );
        assert_eq!(table[2].members, 0);
        assert_eq!(
            table[0]
                .retention(2)
                .unwrap()
                .percent()
                .unwrap()
                .to_string(),
            "50.0"
        );
        assert_eq!(table[2].retention(0), None, "nobody joined");
        assert_eq!(table[1].retention(2), None, "past the table");
    }
}
