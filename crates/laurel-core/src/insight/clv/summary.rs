//! A member's purchase history as the buy-till-you-die models read it: how many repeat
//! purchases (x), when the last one was (tₓ), how long the member has been a customer (T), and
//! the mean spend of the repeat purchases (m̄).

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::ClvError;

/// Seconds in a civil day, to turn a span between two dates into days.
const SECONDS_PER_DAY: i64 = 86_400;

/// One purchase: when it happened and what the member paid, in minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Purchase {
    /// When it happened.
    pub at: Timestamp,
    /// What was paid, in the program currency's minor units.
    pub amount_minor: i64,
}

/// A member's purchase history summarised as (x, tₓ, T, m̄); times in days since the first
/// purchase.
///
/// Holds only possible histories: 0 ≤ tₓ ≤ T, tₓ = 0 and m̄ = 0 when x = 0, every figure finite.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CustomerSummary {
    frequency: u32,
    recency: f64,
    age: f64,
    monetary: f64,
}

impl CustomerSummary {
    /// A summary from its four figures, refused when they cannot describe a history.
    pub fn new(
        frequency: u32,
        recency: f64,
        age: f64,
        monetary: f64,
    ) -> Result<CustomerSummary, ClvError> {
        let invalid = |reason| Err(ClvError::InvalidSummary { reason });
        if !(recency.is_finite() && age.is_finite() && monetary.is_finite()) {
            return invalid("a figure is not a finite number");
        }
        if recency < 0.0 {
            return invalid("the last purchase is before the first");
        }
        if recency > age {
            return invalid("the last purchase is after the as-of instant");
        }
        if frequency == 0 && (recency != 0.0 || monetary != 0.0) {
            return invalid("without a repeat purchase, recency and mean spend are zero");
        }
        Ok(CustomerSummary {
            frequency,
            recency,
            age,
            monetary,
        })
    }

    /// The summary of a member's purchases as of an instant; none when no purchase was made at
    /// or before it (later purchases are left out, so a past as-of gives a calibration period).
    ///
    /// Days are the program's local days (`time_zone`): purchases on the same local day count
    /// as one, their amounts added, as the literature's data preparation does (a "transaction"
    /// is a day with purchases): a basket split at the till is not a second visit, and the
    /// Poisson purchasing the model assumes does not hold within a day. x is the days with a purchase after the first day; tₓ and T are
    /// whole days from the first purchase's day to the last purchase's and to the as-of day;
    /// m̄ is the mean of the repeat days' totals (the first day's is left out, as the
    /// Gamma-Gamma model is fitted on repeat purchases only).
    pub fn from_purchases(
        purchases: &[Purchase],
        as_of: Timestamp,
        time_zone: &TimeZone,
    ) -> Option<CustomerSummary> {
        let mut days: Vec<(Date, i64)> = purchases
            .iter()
            .filter(|purchase| purchase.at <= as_of)
            .map(|purchase| {
                let day = time_zone.to_datetime(purchase.at).date();
                (day, purchase.amount_minor)
            })
            .collect();
        days.sort_unstable_by_key(|(day, _)| *day);
        let mut totals: Vec<(Date, i64)> = Vec::with_capacity(days.len());
        for (day, amount) in days {
            match totals.last_mut() {
                Some((last, total)) if *last == day => *total = total.saturating_add(amount),
                _ => totals.push((day, amount)),
            }
        }
        let (&(first, _), repeats) = totals.split_first()?;
        let last = totals.last().map_or(first, |(day, _)| *day);
        let as_of_day = time_zone.to_datetime(as_of).date();
        let frequency = u32::try_from(repeats.len()).unwrap_or(u32::MAX);
        let monetary = if repeats.is_empty() {
            0.0
        } else {
            repeats.iter().map(|(_, total)| *total as f64).sum::<f64>() / repeats.len() as f64
        };
        Some(CustomerSummary {
            frequency,
            recency: days_between(first, last),
            age: days_between(first, as_of_day),
            monetary,
        })
    }

    /// x: purchases after the first (days with a purchase, after the first day).
    pub fn frequency(&self) -> u32 {
        self.frequency
    }

    /// tₓ: days from the first purchase to the last; 0 without repeat purchases.
    pub fn recency(&self) -> f64 {
        self.recency
    }

    /// T: days from the first purchase to the as-of instant.
    pub fn age(&self) -> f64 {
        self.age
    }

    /// m̄: mean spend of the repeat purchases, in minor units; 0 without repeat purchases.
    pub fn monetary(&self) -> f64 {
        self.monetary
    }

    /// Days since the last purchase (T − tₓ).
    pub fn days_since_last_purchase(&self) -> f64 {
        self.age - self.recency
    }

    /// The member's usual gap between purchases in days (tₓ / x); none without repeat
    /// purchases, as one purchase shows no rhythm.
    pub fn usual_gap_days(&self) -> Option<f64> {
        (self.frequency > 0).then(|| self.recency / f64::from(self.frequency))
    }
}

/// Whole days from one local date to another (the later minus the earlier).
fn days_between(from: Date, to: Date) -> f64 {
    (from.duration_until(to).as_secs() / SECONDS_PER_DAY) as f64
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn shanghai() -> TimeZone {
        TimeZone::get("Asia/Shanghai").unwrap()
    }

    fn bought(at: &str, amount_minor: i64) -> Purchase {
        Purchase {
            at: at.parse().unwrap(),
            amount_minor,
        }
    }

    fn summary(purchases: &[Purchase], as_of: &str) -> Option<CustomerSummary> {
        CustomerSummary::from_purchases(purchases, as_of.parse().unwrap(), &shanghai())
    }

    #[test]
    fn repeat_purchases_are_counted_after_the_first_day_with_their_mean_spend() {
        let s = summary(
            &[
                bought("2026-03-11T02:00:00Z", 1_500),
                bought("2026-03-01T02:00:00Z", 9_900),
                bought("2026-03-21T02:00:00Z", 2_500),
            ],
            "2026-04-01T02:00:00Z",
        )
        .unwrap();
        assert_eq!(s, CustomerSummary::new(2, 20.0, 31.0, 2_000.0).unwrap());
        assert_eq!(s.days_since_last_purchase(), 11.0);
        assert_eq!(s.usual_gap_days(), Some(10.0));
    }

    #[test]
    fn purchases_on_one_local_day_count_once_with_their_amounts_added() {
        // 23:30 and 00:30 UTC of different UTC days are 07:30 and 08:30 of one Shanghai day.
        let s = summary(
            &[
                bought("2026-03-01T02:00:00Z", 1_000),
                bought("2026-03-04T23:30:00Z", 700),
                bought("2026-03-05T00:30:00Z", 300),
            ],
            "2026-03-10T02:00:00Z",
        )
        .unwrap();
        assert_eq!(s, CustomerSummary::new(1, 4.0, 9.0, 1_000.0).unwrap());
    }

    #[test]
    fn a_single_purchase_has_no_repeats_and_no_usual_gap() {
        let s = summary(
            &[bought("2026-03-01T02:00:00Z", 1_000)],
            "2026-03-08T02:00:00Z",
        )
        .unwrap();
        assert_eq!(s, CustomerSummary::new(0, 0.0, 7.0, 0.0).unwrap());
        assert_eq!(s.usual_gap_days(), None);
    }

    #[test]
    fn purchases_after_the_as_of_instant_are_left_out() {
        let purchases = [
            bought("2026-03-01T02:00:00Z", 1_000),
            bought("2026-05-01T02:00:00Z", 1_000),
        ];
        let s = summary(&purchases, "2026-04-01T02:00:00Z").unwrap();
        assert_eq!(s, CustomerSummary::new(0, 0.0, 31.0, 0.0).unwrap());
        assert_eq!(summary(&purchases, "2026-02-01T02:00:00Z"), None);
        assert_eq!(summary(&[], "2026-02-01T02:00:00Z"), None);
    }

    #[test]
    fn impossible_figures_are_refused() {
        for (x, t_x, t, m) in [
            (1, 5.0, 4.0, 10.0),
            (1, -1.0, 4.0, 10.0),
            (0, 1.0, 4.0, 0.0),
            (0, 0.0, 4.0, 10.0),
            (1, 1.0, f64::NAN, 10.0),
        ] {
            assert!(
                matches!(
                    CustomerSummary::new(x, t_x, t, m),
                    Err(ClvError::InvalidSummary { .. })
                ),
                "{x} {t_x} {t} {m}"
            );
        }
    }
}
