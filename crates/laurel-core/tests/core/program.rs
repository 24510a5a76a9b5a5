//! Program validation: a spec becomes a program, or every problem is reported with its key.

use crate::fixtures::{dec, spec};
use laurel_core::program::{BACKDATING_DAYS_MAX, EXPIRY_MONTHS_MAX, PENDING_DAYS_MAX};
use laurel_core::{ExpiryPolicy, Program, ProgramSpec};

/// The keys of the issues a spec has, in the order reported; empty when it is valid.
fn issue_keys(spec: ProgramSpec) -> Vec<String> {
    match Program::new(spec) {
        Ok(_) => Vec::new(),
        Err(issues) => {
            assert!(!issues.is_empty(), "an invalid spec must say why");
            issues.into_iter().map(|i| i.key).collect()
        }
    }
}

fn with(edit: impl FnOnce(&mut ProgramSpec)) -> ProgramSpec {
    let mut s = spec();
    edit(&mut s);
    s
}

#[test]
fn a_valid_spec_becomes_a_program_with_the_same_settings() {
    let s = spec();
    let program = Program::new(s.clone()).unwrap();
    assert_eq!(program.name, s.name);
    assert_eq!(program.currency.code(), "CNY");
    assert_eq!(program.time_zone.iana_name(), Some("Asia/Shanghai"));
    assert_eq!(program.points_name, s.points_name);
    assert_eq!(program.points_per_unit, s.points_per_unit);
    assert_eq!(program.rounding, s.rounding);
    assert_eq!(program.point_value, s.point_value);
    assert_eq!(program.expiry, s.expiry);
    assert_eq!(program.pending_days, s.pending_days);
    assert_eq!(program.clawback, s.clawback);
}

#[test]
fn every_issue_is_reported_at_once_each_with_its_key() {
    let bad = ProgramSpec {
        name: "   ".into(),
        currency: "ABC".into(),
        time_zone: "Mars/Olympus_Mons".into(),
        points_name: "".into(),
        points_per_unit: dec("-1"),
        point_value: dec("-0.01"),
        expiry: ExpiryPolicy::MonthsAfterEarning(0),
        pending_days: PENDING_DAYS_MAX + 1,
        backdating_days: BACKDATING_DAYS_MAX + 1,
        ..spec()
    };
    let mut keys = issue_keys(bad);
    keys.sort_unstable();
    assert_eq!(
        keys,
        vec![
            "earn.backdating_days",
            "earn.points_per_unit",
            "points.expiry.months",
            "points.pending_days",
            "points.value",
            "program.currency",
            "program.name",
            "program.points_name",
            "program.time_zone",
        ]
    );
}

#[test]
fn each_problem_alone_is_reported_under_its_own_key() {
    let cases: Vec<(&str, ProgramSpec)> = vec![
        ("program.name", with(|s| s.name = "".into())),
        ("program.name", with(|s| s.name = " \t".into())),
        ("program.points_name", with(|s| s.points_name = " ".into())),
        ("program.currency", with(|s| s.currency = "ABC".into())),
        ("program.currency", with(|s| s.currency = "XAU".into())),
        (
            "program.time_zone",
            with(|s| s.time_zone = "Asia/Atlantis".into()),
        ),
        (
            "earn.points_per_unit",
            with(|s| s.points_per_unit = dec("-0.5")),
        ),
        ("points.value", with(|s| s.point_value = dec("-1"))),
        (
            "points.expiry.months",
            with(|s| s.expiry = ExpiryPolicy::MonthsAfterEarning(0)),
        ),
        (
            "points.expiry.months",
            with(|s| s.expiry = ExpiryPolicy::MonthsAfterEarning(EXPIRY_MONTHS_MAX + 1)),
        ),
        (
            "points.pending_days",
            with(|s| s.pending_days = PENDING_DAYS_MAX + 1),
        ),
    ];
    for (key, spec) in cases {
        assert_eq!(issue_keys(spec.clone()), vec![key], "{spec:?}");
    }
}

#[test]
fn issues_explain_the_problem_and_name_the_key() {
    let issues = Program::new(with(|s| s.time_zone = "Asia/Atlantis".into())).unwrap_err();
    let shown = issues[0].to_string();
    assert!(shown.starts_with("key `program.time_zone`:"), "{shown}");
    assert!(shown.contains("Asia/Atlantis"), "{shown}");

    let issues = Program::new(with(|s| s.pending_days = 400)).unwrap_err();
    assert!(issues[0].message.contains("400"), "{}", issues[0].message);
}

#[test]
fn limits_are_inclusive() {
    let valid = [
        with(|s| s.expiry = ExpiryPolicy::MonthsAfterEarning(1)),
        with(|s| s.expiry = ExpiryPolicy::MonthsAfterEarning(EXPIRY_MONTHS_MAX)),
        with(|s| s.expiry = ExpiryPolicy::EndOfNextCalendarYear),
        with(|s| s.pending_days = PENDING_DAYS_MAX),
        with(|s| s.pending_days = 0),
    ];
    for spec in valid {
        assert_eq!(issue_keys(spec.clone()), Vec::<&str>::new(), "{spec:?}");
    }
}

#[test]
fn zero_rates_and_values_are_allowed() {
    let spec = with(|s| {
        s.points_per_unit = dec("0");
        s.point_value = dec("0");
    });
    assert_eq!(issue_keys(spec), Vec::<&str>::new());
}

#[test]
fn other_currencies_and_time_zones_are_accepted() {
    let spec = with(|s| {
        s.currency = "JPY".into();
        s.time_zone = "Europe/Berlin".into();
    });
    let program = Program::new(spec).unwrap();
    assert_eq!(program.currency.minor_digits(), 0);
}

#[test]
fn a_live_channel_may_report_an_activity_at_most_the_backdating_window_late() {
    let program = Program::new(with(|s| s.backdating_days = 30)).expect("valid");
    let now: jiff::Timestamp = "2026-12-03T12:00:00Z".parse().expect("instant");
    let earliest: jiff::Timestamp = "2026-11-03T12:00:00Z".parse().expect("instant");
    assert_eq!(program.earliest_reportable(now), earliest);
    let none = Program::new(with(|s| s.backdating_days = 0)).expect("valid");
    assert_eq!(none.earliest_reportable(now), now);
}

#[test]
fn points_are_worth_their_value_rounded_to_the_minor_unit_and_debt_is_worth_nothing() {
    let program = crate::fixtures::program(|s| s.point_value = dec("0.015"));
    let value = |n| program.value_of(crate::fixtures::pts(n)).unwrap().amount();
    assert_eq!(value(1_000), dec("15"));
    assert_eq!(
        value(3),
        dec("0.04"),
        "0.045 rounds to the fen (banker's rounding)"
    );
    assert_eq!(value(-50), dec("0"));
}
