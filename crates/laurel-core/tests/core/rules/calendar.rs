//! The program's calendar: time-of-day windows (across midnight and DST), birthdays (day,
//! ISO week, month, 29 February) and the periods usage is loaded for.

use crate::fixtures::{basket, by, earn_in, fixed, program_in, purchase_at, rule, shanghai, ts};
use jiff::civil::{Date, Time, Weekday, date, time};
use laurel_core::Program;
use laurel_core::rules::{
    BirthdayWindow, Condition, EarnContext, IsoWeek, TimeWindow, YearMonth, usage_periods,
};

fn new_york() -> Program {
    program_in("America/New_York")
}

fn berlin() -> Program {
    program_in("Europe/Berlin")
}

/// True when a rule with only `condition` applies to a purchase at `instant` in `program`.
fn holds_at(program: &Program, condition: &Condition, context: &EarnContext) -> bool {
    let bonus = rule("bonus", fixed(10)).when(condition.clone());
    earn_in(program, vec![bonus], context)
        .grant("bonus")
        .is_some()
}

fn window_holds(program: &Program, window: &TimeWindow, instant: &str) -> bool {
    holds_at(
        program,
        &Condition::TimeOfDay(window.clone()),
        &purchase_at(basket("10"), instant),
    )
}

fn window(from: Time, to: Time) -> TimeWindow {
    TimeWindow::daily(from, to)
}

// --- time of day -----------------------------------------------------------------------------

#[test]
fn a_time_window_includes_its_start_and_excludes_its_end() {
    let afternoon = window(time(14, 0, 0, 0), time(17, 0, 0, 0)); // Shanghai = UTC+8
    let shanghai = shanghai();
    assert!(!window_holds(&shanghai, &afternoon, "2026-06-01T05:59:59Z"));
    assert!(window_holds(&shanghai, &afternoon, "2026-06-01T06:00:00Z"));
    assert!(window_holds(&shanghai, &afternoon, "2026-06-01T08:59:59Z"));
    assert!(!window_holds(&shanghai, &afternoon, "2026-06-01T09:00:00Z"));
}

#[test]
fn a_window_crossing_midnight_covers_the_late_evening_and_the_early_morning() {
    let late = window(time(22, 0, 0, 0), time(2, 0, 0, 0));
    let shanghai = shanghai();
    for (local, inside) in [
        ("21:59:59", false),
        ("22:00:00", true),
        ("23:59:59", true),
        ("00:00:00", true),
        ("01:59:59", true),
        ("02:00:00", false),
        ("12:00:00", false),
    ] {
        let instant = format!("2026-06-03T{local}+08:00");
        assert_eq!(window_holds(&shanghai, &late, &instant), inside, "{local}");
    }
}

#[test]
fn after_midnight_a_crossing_window_still_belongs_to_the_day_it_opened() {
    // Friday nights only: Friday 22:00 to Saturday 02:00. 5 June 2026 is a Friday.
    let friday_night = window(time(22, 0, 0, 0), time(2, 0, 0, 0)).on([Weekday::Friday]);
    let shanghai = shanghai();
    assert!(window_holds(
        &shanghai,
        &friday_night,
        "2026-06-05T23:00:00+08:00"
    ));
    assert!(window_holds(
        &shanghai,
        &friday_night,
        "2026-06-06T01:00:00+08:00"
    )); // Saturday
    assert!(!window_holds(
        &shanghai,
        &friday_night,
        "2026-06-06T23:00:00+08:00"
    ));
    assert!(!window_holds(
        &shanghai,
        &friday_night,
        "2026-06-05T01:00:00+08:00"
    )); // Thursday's
}

#[test]
fn a_window_on_given_days_opens_only_on_those_days() {
    let weekday_lunch =
        window(time(11, 30, 0, 0), time(13, 30, 0, 0)).on([Weekday::Monday, Weekday::Tuesday]);
    let shanghai = shanghai();
    assert!(window_holds(
        &shanghai,
        &weekday_lunch,
        "2026-06-01T12:00:00+08:00"
    )); // Monday
    assert!(!window_holds(
        &shanghai,
        &weekday_lunch,
        "2026-06-03T12:00:00+08:00"
    )); // Wednesday
}

#[test]
fn on_the_spring_forward_night_a_window_over_the_gap_is_an_hour_shorter() {
    // New York, 8 March 2026: at 02:00 EST clocks jump to 03:00 EDT.
    let small_hours = window(time(1, 0, 0, 0), time(3, 0, 0, 0));
    let ny = new_york();
    assert!(!window_holds(&ny, &small_hours, "2026-03-08T05:59:59Z")); // 00:59:59 EST
    assert!(window_holds(&ny, &small_hours, "2026-03-08T06:00:00Z")); // 01:00 EST
    assert!(window_holds(&ny, &small_hours, "2026-03-08T06:59:59Z")); // 01:59:59 EST
    assert!(!window_holds(&ny, &small_hours, "2026-03-08T07:00:00Z")); // 03:00 EDT
}

#[test]
fn on_the_fall_back_night_a_window_over_the_repeated_hour_holds_both_times() {
    // New York, 1 November 2026: at 02:00 EDT clocks go back to 01:00 EST.
    let one_am = window(time(1, 0, 0, 0), time(2, 0, 0, 0));
    let ny = new_york();
    assert!(!window_holds(&ny, &one_am, "2026-11-01T04:59:59Z")); // 00:59:59 EDT
    assert!(window_holds(&ny, &one_am, "2026-11-01T05:30:00Z")); // 01:30 EDT
    assert!(window_holds(&ny, &one_am, "2026-11-01T06:30:00Z")); // 01:30 EST
    assert!(!window_holds(&ny, &one_am, "2026-11-01T07:00:00Z")); // 02:00 EST
}

#[test]
fn a_crossing_window_on_the_dst_night_follows_the_local_clock() {
    // Berlin, Saturday 28 to Sunday 29 March 2026: at 02:00 CET clocks jump to 03:00 CEST.
    let saturday_night = window(time(22, 0, 0, 0), time(2, 30, 0, 0)).on([Weekday::Saturday]);
    let berlin = berlin();
    assert!(window_holds(
        &berlin,
        &saturday_night,
        "2026-03-28T21:00:00Z"
    )); // 22:00 CET
    assert!(window_holds(
        &berlin,
        &saturday_night,
        "2026-03-29T00:59:59Z"
    )); // 01:59:59 CET
    assert!(!window_holds(
        &berlin,
        &saturday_night,
        "2026-03-29T01:00:00Z"
    )); // 03:00 CEST
}

#[test]
fn day_of_week_follows_the_local_date_across_a_dst_change() {
    let sunday = Condition::DayOfWeek(vec![Weekday::Sunday]);
    let at = |instant: &str| purchase_at(basket("10"), instant);
    // 23:30 UTC on Saturday 28 March is already Sunday 00:30 in Berlin.
    assert!(holds_at(&berlin(), &sunday, &at("2026-03-28T23:30:00Z")));
    // 22:30 UTC on Sunday 29 March is 00:30 CEST on Monday.
    assert!(!holds_at(&berlin(), &sunday, &at("2026-03-29T22:30:00Z")));
}

// --- birthdays -------------------------------------------------------------------------------

/// True when the birthday `window` holds for a member born on `born`, at noon of local day `on` in Shanghai.
fn birthday(window: BirthdayWindow, born: Date, on: &str) -> bool {
    let context = by(
        purchase_at(basket("10"), &format!("{on}T12:00:00+08:00")),
        |m| m.birthday = Some(born),
    );
    holds_at(&shanghai(), &Condition::Birthday(window), &context)
}

#[test]
fn birthday_day_is_the_local_anniversary_of_the_birth_date() {
    let born = date(1990, 6, 2);
    assert!(birthday(BirthdayWindow::Day, born, "2026-06-02"));
    assert!(!birthday(BirthdayWindow::Day, born, "2026-06-01"));
    assert!(!birthday(BirthdayWindow::Day, born, "2026-06-03"));
    // 16:30 UTC on 1 June is already 2 June in Shanghai.
    let context = by(purchase_at(basket("10"), "2026-06-01T16:30:00Z"), |m| {
        m.birthday = Some(born)
    });
    assert!(holds_at(
        &shanghai(),
        &Condition::Birthday(BirthdayWindow::Day),
        &context
    ));
}

#[test]
fn a_29_february_birthday_is_celebrated_on_28_february_in_common_years() {
    let leapling = date(2000, 2, 29);
    assert!(birthday(BirthdayWindow::Day, leapling, "2026-02-28"));
    assert!(!birthday(BirthdayWindow::Day, leapling, "2026-03-01"));
    assert!(birthday(BirthdayWindow::Day, leapling, "2028-02-29"));
    assert!(!birthday(BirthdayWindow::Day, leapling, "2028-02-28"));
}

#[test]
fn birthday_week_is_the_iso_week_monday_to_sunday_that_contains_the_birthday() {
    let born = date(1990, 6, 4); // a Thursday in 2026
    assert!(!birthday(BirthdayWindow::Week, born, "2026-05-31")); // Sunday before
    assert!(birthday(BirthdayWindow::Week, born, "2026-06-01")); // Monday
    assert!(birthday(BirthdayWindow::Week, born, "2026-06-07")); // Sunday
    assert!(!birthday(BirthdayWindow::Week, born, "2026-06-08")); // next Monday
}

#[test]
fn birthday_week_reaches_across_new_year() {
    // ISO week 2026-W53 runs from Monday 28 December 2026 to Sunday 3 January 2027.
    assert!(birthday(
        BirthdayWindow::Week,
        date(1990, 1, 1),
        "2026-12-29"
    ));
    assert!(birthday(
        BirthdayWindow::Week,
        date(1990, 12, 31),
        "2027-01-02"
    ));
    assert!(!birthday(
        BirthdayWindow::Week,
        date(1990, 12, 31),
        "2027-01-04"
    ));
}

#[test]
fn birthday_week_of_a_29_february_birthday_in_a_common_year_contains_28_february() {
    // 28 February 2026 is a Saturday: its week runs from 23 February to 1 March.
    let leapling = date(2000, 2, 29);
    assert!(birthday(BirthdayWindow::Week, leapling, "2026-03-01"));
    assert!(!birthday(BirthdayWindow::Week, leapling, "2026-03-02"));
    assert!(!birthday(BirthdayWindow::Week, leapling, "2026-02-22"));
}

#[test]
fn birthday_month_is_the_birth_month_in_local_time() {
    let born = date(1990, 6, 15);
    assert!(birthday(BirthdayWindow::Month, born, "2026-06-01"));
    assert!(birthday(BirthdayWindow::Month, born, "2026-06-30"));
    assert!(!birthday(BirthdayWindow::Month, born, "2026-05-31"));
    assert!(birthday(
        BirthdayWindow::Month,
        date(2000, 2, 29),
        "2026-02-01"
    ));
}

#[test]
fn birthday_conditions_never_hold_without_a_known_birthday() {
    for window in [
        BirthdayWindow::Day,
        BirthdayWindow::Week,
        BirthdayWindow::Month,
    ] {
        let context = purchase_at(basket("10"), "2026-06-02T12:00:00+08:00");
        assert!(
            !holds_at(&shanghai(), &Condition::Birthday(window), &context),
            "{window:?}"
        );
    }
}

// --- usage periods ---------------------------------------------------------------------------

#[test]
fn usage_periods_are_the_local_day_iso_week_and_month_with_their_bounds() {
    // 17:00 UTC on Monday 1 June is Tuesday 2 June 01:00 in Shanghai.
    let periods = usage_periods(&shanghai(), ts("2026-06-01T17:00:00Z")).unwrap();
    assert_eq!(periods.day.key, date(2026, 6, 2));
    assert_eq!(periods.day.start, ts("2026-06-01T16:00:00Z"));
    assert_eq!(periods.day.end, ts("2026-06-02T16:00:00Z"));
    assert_eq!(
        periods.week.key,
        IsoWeek {
            year: 2026,
            week: 23
        }
    );
    assert_eq!(periods.week.key.to_string(), "2026-W23");
    assert_eq!(periods.week.start, ts("2026-05-31T16:00:00Z"));
    assert_eq!(periods.week.end, ts("2026-06-07T16:00:00Z"));
    assert_eq!(
        periods.month.key,
        YearMonth {
            year: 2026,
            month: 6
        }
    );
    assert_eq!(periods.month.key.to_string(), "2026-06");
    assert_eq!(periods.month.start, ts("2026-05-31T16:00:00Z"));
    assert_eq!(periods.month.end, ts("2026-06-30T16:00:00Z"));
}

#[test]
fn usage_periods_contain_their_start_but_not_their_end() {
    let day = usage_periods(&shanghai(), ts("2026-06-01T17:00:00Z"))
        .unwrap()
        .day;
    assert!(day.contains(day.start));
    assert!(!day.contains(day.end));
}

#[test]
fn usage_periods_follow_dst_in_the_program_time_zone() {
    let periods = usage_periods(&new_york(), ts("2026-03-08T12:00:00Z")).unwrap();
    assert_eq!(periods.day.start, ts("2026-03-08T05:00:00Z")); // midnight EST
    assert_eq!(periods.day.end, ts("2026-03-09T04:00:00Z")); // midnight EDT: a 23-hour day
    assert_eq!(periods.month.start, ts("2026-03-01T05:00:00Z"));
    assert_eq!(periods.month.end, ts("2026-04-01T04:00:00Z"));
}

#[test]
fn an_iso_week_can_belong_to_the_neighbouring_year() {
    let week_of = |instant: &str| usage_periods(&shanghai(), ts(instant)).unwrap();
    let saturday = week_of("2027-01-02T12:00:00+08:00");
    assert_eq!(
        saturday.week.key,
        IsoWeek {
            year: 2026,
            week: 53
        }
    );
    assert_eq!(
        saturday.month.key,
        YearMonth {
            year: 2027,
            month: 1
        }
    );
    let monday = week_of("2024-12-30T12:00:00+08:00");
    assert_eq!(
        monday.week.key,
        IsoWeek {
            year: 2025,
            week: 1
        }
    );
}
