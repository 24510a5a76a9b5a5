//! Which notices are due at an instant, in the program's calendar: points expiring by the
//! day they expire (one notice per batch), a birthday on its day, each welcome step on its
//! day (or the day after, when a run was missed).

use crate::Points;
use crate::rules::calendar::birthday_in;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use std::collections::BTreeMap;

/// An open lot with an expiry, as the notice job reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpiringLot {
    /// Whose.
    pub member: i64,
    /// When it expires.
    pub expires_at: Timestamp,
    /// What is left in it.
    pub remaining: Points,
}

/// A member's points expiring on one day: told in one notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpiringBatch {
    /// Whose.
    pub member: i64,
    /// The local day they expire.
    pub expires_on: Date,
    /// The first instant of the batch that expires.
    pub expires_at: Timestamp,
    /// How many points expire then.
    pub points: Points,
}

/// The lots grouped by member and local expiry day, in member then day order.
pub fn expiring_batches(lots: &[ExpiringLot], tz: &TimeZone) -> Vec<ExpiringBatch> {
    let mut batches: BTreeMap<(i64, Date), ExpiringBatch> = BTreeMap::new();
    for lot in lots.iter().filter(|l| l.remaining.is_positive()) {
        let day = tz.to_datetime(lot.expires_at).date();
        batches
            .entry((lot.member, day))
            .and_modify(|b| {
                b.points += lot.remaining;
                b.expires_at = b.expires_at.min(lot.expires_at);
            })
            .or_insert(ExpiringBatch {
                member: lot.member,
                expires_on: day,
                expires_at: lot.expires_at,
                points: lot.remaining,
            });
    }
    batches.into_values().collect()
}

/// The year whose birthday it is at `now`, if the member's birthday is today (29 February
/// on the 28th in common years).
pub fn birthday_year(birthday: Date, now: Timestamp, tz: &TimeZone) -> Option<i16> {
    let today = tz.to_datetime(now).date();
    (birthday_in(birthday, today.year()) == Some(today)).then_some(today.year())
}

/// The welcome steps due at `now` for a member enrolled at `enrolled_at`: each step (by its
/// index in `days`) on its day after enrollment, or the day after, never later — a series
/// switched on later does not greet members who joined long ago, nor one enrolled today with
/// the date they joined long ago elsewhere (a step whose day passed before they came is
/// never sent).
pub fn welcome_steps_due(
    enrolled_at: Timestamp,
    now: Timestamp,
    tz: &TimeZone,
    days: &[u32],
) -> Vec<usize> {
    let joined = tz.to_datetime(enrolled_at).date();
    let today = tz.to_datetime(now).date();
    days.iter()
        .enumerate()
        .filter(|(_, day)| {
            let Ok(due) = joined.checked_add(jiff::Span::new().days(i64::from(**day))) else {
                return false;
            };
            due == today || due.tomorrow().ok() == Some(today)
        })
        .map(|(step, _)| step)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notices::testing::{at, shanghai};
    use jiff::civil::date;

    #[test]
    fn lots_expiring_the_same_local_day_are_one_batch() {
        let lots = [
            ExpiringLot {
                member: 1,
                expires_at: at("2027-01-31T23:00:00"),
                remaining: Points(30),
            },
            ExpiringLot {
                member: 1,
                expires_at: at("2027-01-31T01:00:00"),
                remaining: Points(20),
            },
            ExpiringLot {
                member: 1,
                expires_at: at("2027-02-01T00:30:00"),
                remaining: Points(5),
            },
            ExpiringLot {
                member: 2,
                expires_at: at("2027-01-31T12:00:00"),
                remaining: Points(0),
            },
        ];
        let batches = expiring_batches(&lots, &shanghai());
        assert_eq!(
            batches
                .iter()
                .map(|b| (b.member, b.expires_on, b.points))
                .collect::<Vec<_>>(),
            [
                (1, date(2027, 1, 31), Points(50)),
                (1, date(2027, 2, 1), Points(5)),
            ]
        );
        assert_eq!(batches[0].expires_at, at("2027-01-31T01:00:00"));
    }

    #[test]
    fn a_birthday_is_due_on_its_local_day_and_29_february_on_the_28th() {
        let tz = shanghai();
        let born = date(1990, 3, 5);
        assert_eq!(
            birthday_year(born, at("2027-03-05T00:10:00"), &tz),
            Some(2027)
        );
        // 23:30 on the 4th in UTC is already the 5th in Shanghai.
        assert_eq!(
            birthday_year(
                born,
                "2027-03-04T23:30:00Z"
                    .parse()
                    .unwrap_or(Timestamp::UNIX_EPOCH),
                &tz
            ),
            Some(2027)
        );
        assert_eq!(birthday_year(born, at("2027-03-06T10:00:00"), &tz), None);
        assert_eq!(
            birthday_year(date(2000, 2, 29), at("2027-02-28T10:00:00"), &tz),
            Some(2027)
        );
    }

    #[test]
    fn a_welcome_step_is_due_on_its_day_or_the_day_after_only() {
        let tz = shanghai();
        let joined = at("2027-03-01T18:00:00");
        let days = [0, 3, 10];
        assert_eq!(
            welcome_steps_due(joined, at("2027-03-01T19:00:00"), &tz, &days),
            [0]
        );
        assert_eq!(
            welcome_steps_due(joined, at("2027-03-02T08:00:00"), &tz, &days),
            [0]
        );
        assert_eq!(
            welcome_steps_due(joined, at("2027-03-04T08:00:00"), &tz, &days),
            [1]
        );
        assert!(welcome_steps_due(joined, at("2027-03-20T08:00:00"), &tz, &days).is_empty());
    }
}
