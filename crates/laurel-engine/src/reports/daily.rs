//! The daily series of the dashboard and of insight: points issued, redeemed and expired,
//! members enrolled, and purchases (members' and others') per calendar day in the program's
//! time zone, each counted on the day it happened. The store sums per bucket of time aligned on the Unix epoch
//! (cheap however many journal rows there are); this folds the buckets into local days, so a
//! day of 23 or 25 hours (a daylight-saving change) and zones a half or quarter hour off UTC
//! come out right on both backends.

use crate::Engine;
use crate::error::Result;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use laurel_core::insight::Period;
use laurel_store::{Activity, ActivityBucket};

/// Most days one series covers.
pub const DAILY_DAYS_MAX: u32 = 366;

/// One local calendar day's figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayActivity {
    /// The day, in the program's time zone.
    pub date: Date,
    /// What happened on it.
    pub activity: Activity,
}

impl Engine {
    /// The last `days` local days (today included; at most [`DAILY_DAYS_MAX`]), oldest first,
    /// each with what happened on it. Days are those of the program in force now.
    pub async fn daily_activity(&self, days: u32, now: Timestamp) -> Result<Vec<DayActivity>> {
        let tz = &self.definition().program.time_zone;
        let today = tz.to_datetime(now).date();
        let period = Period::ending(today, i64::from(days.clamp(1, DAILY_DAYS_MAX)))
            .map_err(crate::insight::period_error)?;
        self.daily_series(period).await
    }

    /// Every day of `period` (at most [`DAILY_DAYS_MAX`] from its end), oldest first, each
    /// with what happened on it.
    pub async fn daily_series(&self, period: Period) -> Result<Vec<DayActivity>> {
        let period = Period::ending(period.to, period.days().min(i64::from(DAILY_DAYS_MAX)))
            .map_err(crate::insight::period_error)?;
        let tz = self.definition().program.time_zone.clone();
        let bounds = period.bounds(&tz).map_err(crate::insight::period_error)?;
        let width = bucket_width(&tz, bounds.from, bounds.to);
        let buckets = self
            .store
            .activity_buckets(bounds.from, bounds.to, width)
            .await?;
        let count = u32::try_from(period.days()).unwrap_or(DAILY_DAYS_MAX);
        Ok(fold_days(&tz, period.from, count, &buckets))
    }
}

/// The widest bucket (at most an hour) that never straddles the start of a local day between
/// `from` and `to`: one that divides every UTC offset in force then. A day starts where the
/// local clock reads a whole hour, that is at an instant `offset` off a whole UTC hour; so
/// when the width divides the offset (and so the hour and the day), every day starts on a
/// bucket's edge. Whole hours almost everywhere; half an hour in India, a quarter in Nepal.
fn bucket_width(tz: &TimeZone, from: Timestamp, to: Timestamp) -> SignedDuration {
    let offsets = std::iter::once(tz.to_offset(from)).chain(
        tz.following(from)
            .take_while(|t| t.timestamp() < to)
            .map(|t| t.offset()),
    );
    let seconds = offsets.fold(3600, |width, offset| {
        gcd(width, i64::from(offset.seconds()).abs())
    });
    // Offsets have been whole minutes since the 1970s; a narrower width is never needed.
    SignedDuration::from_secs(seconds.max(60))
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// Every day from `first` on (`count` of them), with the buckets that start on it added up.
/// Buckets outside the days are ignored.
fn fold_days(
    tz: &TimeZone,
    first: Date,
    count: u32,
    buckets: &[ActivityBucket],
) -> Vec<DayActivity> {
    let mut days: Vec<DayActivity> = first
        .series(1.day())
        .take(count as usize)
        .map(|date| DayActivity {
            date,
            activity: Activity::default(),
        })
        .collect();
    for bucket in buckets {
        let date = tz.to_datetime(bucket.start).date();
        if let Ok(i) = days.binary_search_by_key(&date, |d| d.date) {
            days[i].activity.add(&bucket.activity);
        }
    }
    days
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn tz(name: &str) -> TimeZone {
        TimeZone::get(name).unwrap()
    }

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn bucket(start: &str, issued: i64, redeemed: i64, enrolled: i64) -> ActivityBucket {
        ActivityBucket {
            start: at(start),
            activity: Activity {
                issued,
                redeemed,
                enrolled,
                ..Activity::default()
            },
        }
    }

    /// (date, issued, redeemed, enrolled) of every day.
    fn figures(days: &[DayActivity]) -> Vec<(String, i64, i64, i64)> {
        days.iter()
            .map(|d| {
                let a = &d.activity;
                (d.date.to_string(), a.issued, a.redeemed, a.enrolled)
            })
            .collect()
    }

    #[test]
    fn buckets_are_hours_unless_an_offset_is_not_whole_hours() {
        let (from, to) = (at("2026-01-01T00:00:00Z"), at("2026-12-31T00:00:00Z"));
        let hour = SignedDuration::from_hours(1);
        assert_eq!(bucket_width(&tz("Asia/Shanghai"), from, to), hour);
        assert_eq!(bucket_width(&tz("America/New_York"), from, to), hour);
        assert_eq!(bucket_width(&tz("UTC"), from, to), hour);
        assert_eq!(
            bucket_width(&tz("Asia/Kolkata"), from, to),
            SignedDuration::from_mins(30)
        );
        assert_eq!(
            bucket_width(&tz("Asia/Kathmandu"), from, to),
            SignedDuration::from_mins(15)
        );
        // Lord Howe Island moves its clocks by half an hour.
        assert_eq!(
            bucket_width(&tz("Australia/Lord_Howe"), from, to),
            SignedDuration::from_mins(30)
        );
    }

    #[test]
    fn buckets_fold_into_the_local_day_they_start_on() {
        let shanghai = tz("Asia/Shanghai");
        let buckets = [
            // 23:00 on 31 May in Shanghai.
            bucket("2026-05-31T15:00:00Z", 10, 0, 1),
            // Midnight starting 1 June in Shanghai.
            bucket("2026-05-31T16:00:00Z", 5, 3, 0),
            bucket("2026-06-01T15:00:00Z", 1, 1, 1),
            // Outside the days asked for.
            bucket("2026-06-01T16:00:00Z", 100, 100, 100),
        ];
        assert_eq!(
            figures(&fold_days(&shanghai, date(2026, 5, 30), 3, &buckets)),
            vec![
                ("2026-05-30".into(), 0, 0, 0),
                ("2026-05-31".into(), 10, 0, 1),
                ("2026-06-01".into(), 6, 4, 1),
            ]
        );
    }

    #[test]
    fn the_hours_around_a_daylight_saving_change_stay_on_their_own_day() {
        let new_york = tz("America/New_York");
        // 8 March 2026 has 23 hours: 05:00Z is its midnight, 04:00Z the hour before (7 March,
        // 23:00 EST), and the day ends at 04:00Z the next day (midnight EDT).
        let buckets = [
            bucket("2026-03-08T04:00:00Z", 1, 0, 0),
            bucket("2026-03-08T05:00:00Z", 2, 0, 0),
            bucket("2026-03-09T03:00:00Z", 4, 0, 0),
            bucket("2026-03-09T04:00:00Z", 8, 0, 0),
        ];
        assert_eq!(
            figures(&fold_days(&new_york, date(2026, 3, 7), 3, &buckets)),
            vec![
                ("2026-03-07".into(), 1, 0, 0),
                ("2026-03-08".into(), 6, 0, 0),
                ("2026-03-09".into(), 8, 0, 0),
            ]
        );
    }

    #[test]
    fn half_hour_buckets_split_at_midnight_in_india() {
        let kolkata = tz("Asia/Kolkata");
        // Midnight on 2 June in Kolkata is 18:30 UTC on 1 June.
        let buckets = [
            bucket("2026-06-01T18:00:00Z", 1, 0, 0),
            bucket("2026-06-01T18:30:00Z", 2, 0, 0),
        ];
        assert_eq!(
            figures(&fold_days(&kolkata, date(2026, 6, 1), 2, &buckets)),
            vec![
                ("2026-06-01".into(), 1, 0, 0),
                ("2026-06-02".into(), 2, 0, 0)
            ]
        );
    }
}
