//! The dashboard's daily series: points issued and redeemed and members enrolled per calendar
//! day in the program's time zone. The store sums per bucket of time aligned on the Unix epoch
//! (cheap however many journal rows there are); this folds the buckets into local days, so a
//! day of 23 or 25 hours (a daylight-saving change) and zones a half or quarter hour off UTC
//! come out right on both backends.

use crate::Engine;
use crate::error::{EngineError, Result};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use laurel_store::ActivityBucket;

/// Most days one series covers.
pub const DAILY_DAYS_MAX: u32 = 366;

/// One local calendar day's figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayActivity {
    /// The day, in the program's time zone.
    pub date: Date,
    /// Points earned that day.
    pub issued: i64,
    /// Points spent that day, less those restored.
    pub redeemed: i64,
    /// Members enrolled that day.
    pub enrolled: i64,
}

impl Engine {
    /// The last `days` local days (today included; at most [`DAILY_DAYS_MAX`]), oldest first,
    /// each with the points issued and redeemed and the members enrolled on it. Days are those
    /// of the program in force now.
    pub async fn daily_activity(&self, days: u32, now: Timestamp) -> Result<Vec<DayActivity>> {
        let tz = self.definition().program.time_zone.clone();
        let span = days_ending(&tz, now, days.clamp(1, DAILY_DAYS_MAX)).map_err(calendar)?;
        let width = bucket_width(&tz, span.from, span.to);
        let buckets = self
            .store
            .activity_buckets(span.from, span.to, width)
            .await?;
        Ok(fold_days(&tz, span.first, span.count, &buckets))
    }
}

fn calendar(e: jiff::Error) -> EngineError {
    EngineError::Internal(format!("the dashboard's days: {e}"))
}

/// The local days a series covers and the instants they span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct DaySpan {
    first: Date,
    count: u32,
    /// The start of the first day.
    from: Timestamp,
    /// The start of the day after the last.
    to: Timestamp,
}

/// The `count` (at least one) local days ending with the one holding `now`.
fn days_ending(tz: &TimeZone, now: Timestamp, count: u32) -> Result<DaySpan, jiff::Error> {
    let count = count.max(1);
    let today = tz.to_datetime(now).date();
    let first = today.checked_sub(i64::from(count - 1).days())?;
    // Midnight may not exist on a daylight-saving day; the day then starts after the gap.
    let start = |date: Date| date.to_zoned_datetime(tz.clone()).map(|z| z.timestamp());
    Ok(DaySpan {
        first,
        count,
        from: start(first)?,
        to: start(today.tomorrow()?)?,
    })
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
            issued: 0,
            redeemed: 0,
            enrolled: 0,
        })
        .collect();
    for bucket in buckets {
        let date = tz.to_datetime(bucket.start).date();
        if let Ok(i) = days.binary_search_by_key(&date, |d| d.date) {
            let day = &mut days[i];
            day.issued += bucket.issued;
            day.redeemed += bucket.redeemed;
            day.enrolled += bucket.enrolled;
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
            issued,
            redeemed,
            enrolled,
        }
    }

    /// (date, issued, redeemed, enrolled) of every day.
    fn figures(days: &[DayActivity]) -> Vec<(String, i64, i64, i64)> {
        days.iter()
            .map(|d| (d.date.to_string(), d.issued, d.redeemed, d.enrolled))
            .collect()
    }

    #[test]
    fn the_days_end_today_in_the_program_zone_and_span_whole_local_days() {
        // 20:00 UTC on 1 June is already 2 June in Shanghai.
        let span = days_ending(&tz("Asia/Shanghai"), at("2026-06-01T20:00:00Z"), 3).unwrap();
        assert_eq!(span.first, date(2026, 5, 31));
        assert_eq!(span.from, at("2026-05-30T16:00:00Z"));
        assert_eq!(span.to, at("2026-06-02T16:00:00Z"));
        let one = days_ending(&tz("UTC"), at("2026-06-01T20:00:00Z"), 0).unwrap();
        assert_eq!(
            (one.first, one.count),
            (date(2026, 6, 1), 1),
            "at least today"
        );
    }

    #[test]
    fn a_day_with_a_daylight_saving_change_spans_23_or_25_hours() {
        let berlin = tz("Europe/Berlin");
        // Clocks go forward on 29 March 2026 and back on 25 October.
        let spring = days_ending(&berlin, at("2026-03-29T12:00:00Z"), 1).unwrap();
        assert_eq!(spring.to - spring.from, SignedDuration::from_hours(23));
        let autumn = days_ending(&berlin, at("2026-10-25T12:00:00Z"), 1).unwrap();
        assert_eq!(autumn.to - autumn.from, SignedDuration::from_hours(25));
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
