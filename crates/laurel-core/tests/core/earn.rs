//! Earning arithmetic: points for spend, the schedule of a new lot, proportional reversal.

use crate::fixtures::{dec, program, pts, ts};
use laurel_core::earn::{
    EarnError, LotSchedule, base_points, lot_schedule, reversal_points, round_points,
};
use laurel_core::{ExpiryPolicy, Points, Rounding};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn points_for(spend: &str, rate: &str, rounding: Rounding) -> Result<Points, EarnError> {
    let program = program(|s| {
        s.points_per_unit = dec(rate);
        s.rounding = rounding;
    });
    base_points(&program, dec(spend))
}

/// Schedule of a lot earned at `earned_at` under a Shanghai program with the given policies.
fn schedule_in(
    time_zone: &str,
    expiry: ExpiryPolicy,
    pending_days: u32,
    earned_at: &str,
) -> LotSchedule {
    let program = program(|s| {
        s.time_zone = time_zone.into();
        s.expiry = expiry;
        s.pending_days = pending_days;
    });
    lot_schedule(&program, ts(earned_at)).unwrap()
}

fn expiry_in(time_zone: &str, expiry: ExpiryPolicy, earned_at: &str) -> Option<jiff::Timestamp> {
    schedule_in(time_zone, expiry, 0, earned_at).expires_at
}

// --- base_points -------------------------------------------------------------------------

#[test]
fn floor_rounding_drops_the_fraction() {
    assert_eq!(points_for("10.99", "1.5", Rounding::Floor), Ok(pts(16))); // 16.485
    assert_eq!(points_for("2.50", "1", Rounding::Floor), Ok(pts(2)));
    assert_eq!(points_for("2.99", "1", Rounding::Floor), Ok(pts(2)));
}

#[test]
fn nearest_rounding_rounds_halves_up() {
    assert_eq!(points_for("10.99", "1.5", Rounding::Nearest), Ok(pts(16))); // 16.485
    assert_eq!(points_for("2.50", "1", Rounding::Nearest), Ok(pts(3)));
    assert_eq!(points_for("2.49", "1", Rounding::Nearest), Ok(pts(2)));
    assert_eq!(points_for("15", "0.1", Rounding::Nearest), Ok(pts(2))); // 1.5
}

#[test]
fn ceil_rounding_takes_any_fraction_up() {
    assert_eq!(points_for("10.99", "1.5", Rounding::Ceil), Ok(pts(17))); // 16.485
    assert_eq!(points_for("2.01", "1", Rounding::Ceil), Ok(pts(3)));
    assert_eq!(points_for("15", "0.1", Rounding::Ceil), Ok(pts(2)));
}

#[test]
fn whole_results_are_the_same_under_every_rounding() {
    for rounding in [Rounding::Floor, Rounding::Nearest, Rounding::Ceil] {
        assert_eq!(points_for("7", "1", rounding), Ok(pts(7)), "{rounding:?}");
        assert_eq!(
            points_for("12.50", "2", rounding),
            Ok(pts(25)),
            "{rounding:?}"
        );
        assert_eq!(points_for("0", "3", rounding), Ok(pts(0)), "{rounding:?}");
        assert_eq!(
            points_for("99.99", "0", rounding),
            Ok(pts(0)),
            "{rounding:?}"
        );
    }
}

#[test]
fn the_member_safe_default_rounding_is_floor() {
    assert_eq!(Rounding::default(), Rounding::Floor);
}

#[test]
fn round_points_applies_the_strategy_to_a_raw_amount() {
    assert_eq!(round_points(dec("4.5"), Rounding::Floor), Ok(pts(4)));
    assert_eq!(round_points(dec("4.5"), Rounding::Nearest), Ok(pts(5)));
    assert_eq!(round_points(dec("4.4"), Rounding::Nearest), Ok(pts(4)));
    assert_eq!(round_points(dec("4.1"), Rounding::Ceil), Ok(pts(5)));
}

#[test]
fn earnings_beyond_the_ledger_range_are_refused() {
    // Overflows the decimal multiplication itself.
    let program = program(|s| s.points_per_unit = dec("2"));
    assert_eq!(
        base_points(&program, Decimal::MAX),
        Err(EarnError::OutOfRange)
    );
    // Fits a decimal but not an i64 of points.
    assert_eq!(
        points_for("10000000000000000000", "1", Rounding::Floor),
        Err(EarnError::OutOfRange)
    );
}

// --- lot_schedule ------------------------------------------------------------------------

#[test]
fn never_expiring_points_without_a_return_window_have_an_empty_schedule() {
    let s = schedule_in(
        "Asia/Shanghai",
        ExpiryPolicy::Never,
        0,
        "2026-05-05T05:05:05Z",
    );
    assert_eq!(
        s,
        LotSchedule {
            pending_until: None,
            expires_at: None
        }
    );
}

#[test]
fn end_of_next_calendar_year_counts_the_year_in_the_program_time_zone() {
    // 2026-12-31T20:00Z is already 2027-01-01 04:00 in Shanghai: earned in 2027.
    assert_eq!(
        expiry_in(
            "Asia/Shanghai",
            ExpiryPolicy::EndOfNextCalendarYear,
            "2026-12-31T20:00:00Z"
        ),
        Some(ts("2029-01-01T00:00:00+08:00"))
    );
    // One second before local midnight it is still 2026.
    assert_eq!(
        expiry_in(
            "Asia/Shanghai",
            ExpiryPolicy::EndOfNextCalendarYear,
            "2026-12-31T15:59:59Z"
        ),
        Some(ts("2028-01-01T00:00:00+08:00"))
    );
    // The same instant under a UTC program was earned in 2026.
    assert_eq!(
        expiry_in(
            "UTC",
            ExpiryPolicy::EndOfNextCalendarYear,
            "2026-12-31T20:00:00Z"
        ),
        Some(ts("2028-01-01T00:00:00Z"))
    );
}

#[test]
fn end_of_next_calendar_year_is_the_same_for_the_whole_local_year() {
    let first = expiry_in(
        "Asia/Shanghai",
        ExpiryPolicy::EndOfNextCalendarYear,
        "2025-12-31T16:00:00Z",
    );
    let last = expiry_in(
        "Asia/Shanghai",
        ExpiryPolicy::EndOfNextCalendarYear,
        "2026-12-31T15:59:59Z",
    );
    assert_eq!(first, Some(ts("2028-01-01T00:00:00+08:00")));
    assert_eq!(first, last);
}

#[test]
fn months_after_earning_are_calendar_months_in_the_program_time_zone() {
    // 2026-01-30T17:00Z is Jan 31 01:00 in Shanghai; one month later is Feb 28 (clamped), 01:00 local.
    assert_eq!(
        expiry_in(
            "Asia/Shanghai",
            ExpiryPolicy::MonthsAfterEarning(1),
            "2026-01-30T17:00:00Z"
        ),
        Some(ts("2026-02-28T01:00:00+08:00"))
    );
    assert_eq!(
        expiry_in(
            "Asia/Shanghai",
            ExpiryPolicy::MonthsAfterEarning(12),
            "2026-03-15T02:00:00Z"
        ),
        Some(ts("2027-03-15T10:00:00+08:00"))
    );
    // Across a daylight-saving change the local wall-clock time is kept.
    assert_eq!(
        expiry_in(
            "America/New_York",
            ExpiryPolicy::MonthsAfterEarning(6),
            "2026-01-15T17:00:00Z"
        ),
        Some(ts("2026-07-15T12:00:00-04:00"))
    );
}

#[test]
fn never_expiring_points_have_no_expiry() {
    assert_eq!(
        expiry_in("Asia/Shanghai", ExpiryPolicy::Never, "2026-12-31T20:00:00Z"),
        None
    );
}

#[test]
fn pending_days_open_a_return_window_of_that_many_local_days() {
    let s = schedule_in(
        "Asia/Shanghai",
        ExpiryPolicy::Never,
        14,
        "2026-03-01T20:00:00Z",
    );
    assert_eq!(s.pending_until, Some(ts("2026-03-15T20:00:00Z")));
    assert_eq!(s.expires_at, None);
}

#[test]
fn pending_days_are_calendar_days_across_a_daylight_saving_change() {
    // Berlin springs forward on 2026-03-29: noon CET plus one day is noon CEST, 23 hours later.
    let s = schedule_in(
        "Europe/Berlin",
        ExpiryPolicy::Never,
        1,
        "2026-03-28T11:00:00Z",
    );
    assert_eq!(s.pending_until, Some(ts("2026-03-29T12:00:00+02:00")));
}

#[test]
fn zero_pending_days_means_available_at_once() {
    let s = schedule_in(
        "Asia/Shanghai",
        ExpiryPolicy::MonthsAfterEarning(3),
        0,
        "2026-03-01T20:00:00Z",
    );
    assert_eq!(s.pending_until, None);
    assert_eq!(s.expires_at, Some(ts("2026-06-02T04:00:00+08:00")));
}

// --- reversal_points ---------------------------------------------------------------------

#[test]
fn a_full_refund_reverses_every_earned_point() {
    assert_eq!(
        reversal_points(pts(99), dec("100"), dec("0"), dec("100")),
        pts(99)
    );
    assert_eq!(
        reversal_points(pts(7), dec("0.03"), dec("0"), dec("0.03")),
        pts(7)
    );
}

#[test]
fn partial_refunds_round_down_and_the_last_one_settles_the_rest() {
    let total = dec("3.00");
    let first = reversal_points(pts(10), total, dec("0"), dec("1"));
    let second = reversal_points(pts(10), total, dec("1"), dec("1"));
    let third = reversal_points(pts(10), total, dec("2"), dec("1"));
    assert_eq!((first, second, third), (pts(3), pts(3), pts(4)));
}

#[test]
fn refunds_beyond_the_purchase_total_reverse_nothing_more() {
    // Over-refunding in one go reverses everything, no more.
    assert_eq!(
        reversal_points(pts(50), dec("100"), dec("0"), dec("150")),
        pts(50)
    );
    // The part of a refund past the total is ignored.
    assert_eq!(
        reversal_points(pts(100), dec("100"), dec("60"), dec("60")),
        pts(40)
    );
    // After a full refund, further refunds reverse nothing.
    assert_eq!(
        reversal_points(pts(100), dec("100"), dec("100"), dec("10")),
        pts(0)
    );
}

#[test]
fn a_refund_of_a_zero_total_purchase_reverses_its_points() {
    assert_eq!(
        reversal_points(pts(50), dec("0"), dec("0"), dec("0")),
        pts(50)
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn partial_refunds_sum_to_the_proportional_share_and_never_more_than_earned(
        earned in 0_i64..1_000_000,
        parts in prop::collection::vec(1_i64..100_000, 1..8),
        unrefunded in prop_oneof![Just(0_i64), 1_i64..100_000],
        extra in 1_i64..100_000,
    ) {
        let cents = |c: i64| Decimal::new(c, 2);
        let total_cents: i64 = parts.iter().sum::<i64>() + unrefunded;
        let total = cents(total_cents);
        let mut before = 0_i64;
        let mut reversed = Points::ZERO;
        for part in &parts {
            let now = reversal_points(Points(earned), total, cents(before), cents(*part));
            prop_assert!(now >= Points::ZERO, "a refund never gives points back: {now}");
            reversed += now;
            before += part;
            // Cumulative reversal is always the rounded-down share, never drifting.
            let share = i128::from(earned) * i128::from(before) / i128::from(total_cents);
            prop_assert_eq!(i128::from(reversed.get()), share);
            prop_assert!(reversed <= Points(earned));
        }
        if unrefunded == 0 {
            prop_assert_eq!(reversed, Points(earned), "a full refund reverses exactly what was earned");
        }
        // Refunding the rest plus more than the total settles exactly what is left.
        let rest = reversal_points(Points(earned), total, cents(before), cents(unrefunded + extra));
        prop_assert_eq!(reversed + rest, Points(earned));
        let after = reversal_points(Points(earned), total, cents(total_cents + extra), cents(extra));
        prop_assert_eq!(after, Points::ZERO);
    }
}

#[test]
fn reversal_of_very_large_amounts_does_not_panic() {
    // 10^10 points on a 10^20 purchase, half refunded: the share is 5 × 10^9.
    let half = reversal_points(
        pts(10_000_000_000),
        dec("100000000000000000000"),
        dec("0"),
        dec("50000000000000000000"),
    );
    assert_eq!(half, pts(5_000_000_000));
}
