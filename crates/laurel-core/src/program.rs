//! The program definition: what a member earns, what a point is worth, when points expire.
//!
//! A [`ProgramSpec`] is what a file or an API says; [`Program::new`] checks every field and
//! either returns a valid [`Program`] or every problem found, each with the key it concerns.
//! The richer rules engine (conditions, tiers, rewards) extends this model.

use crate::Points;
use crate::issue::{Issue, Message};
use crate::localized::Localized;
use crate::message;
use crate::money::{Currency, Money, MoneyError};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use rust_decimal::Decimal;

/// How fractional points are turned into whole points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Rounding {
    /// Down to the whole point below (the member-safe default).
    #[default]
    Floor,
    /// To the nearest whole point, halves up.
    Nearest,
    /// Up to the whole point above.
    Ceil,
}

/// When earned points expire. Each earn is its own lot with its own expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpiryPolicy {
    /// Points never expire.
    Never,
    /// Points expire this many calendar months after they were earned.
    MonthsAfterEarning(u32),
    /// Points expire at the end of the calendar year after the one they were earned in.
    EndOfNextCalendarYear,
}

/// What a refund does when the points it reverses were already spent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClawbackPolicy {
    /// Take the points anyway: the balance may go below zero and later earnings repay it.
    AllowNegative,
    /// Take what is there, stop at zero and record the shortfall.
    CapAtZero,
}

/// A program as written by its author, before validation.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgramSpec {
    /// Display name of the program.
    pub name: Localized,
    /// ISO 4217 code of the currency purchases are made in.
    pub currency: String,
    /// IANA time zone name that calendar rules use.
    pub time_zone: String,
    /// What members call the points ("points", "积分", "beans").
    pub points_name: Localized,
    /// Points earned per whole currency unit spent.
    pub points_per_unit: Decimal,
    /// How fractional earnings are rounded.
    pub rounding: Rounding,
    /// Money value of one point when spent.
    pub point_value: Decimal,
    /// When points expire.
    pub expiry: ExpiryPolicy,
    /// Days points stay pending (the return window) before they can be spent.
    pub pending_days: u32,
    /// What refunds do to points already spent.
    pub clawback: ClawbackPolicy,
    /// How many days after a purchase or event a live channel may still report it.
    pub backdating_days: u32,
}

/// One problem found in a [`ProgramSpec`], with the key it concerns.
pub type ProgramIssue = crate::issue::Issue;

/// A validated program: every field holds a usable value.
#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    /// Display name.
    pub name: Localized,
    /// Currency purchases must be made in.
    pub currency: Currency,
    /// Time zone of calendar rules.
    pub time_zone: TimeZone,
    /// What members call the points.
    pub points_name: Localized,
    /// Points per whole currency unit spent.
    pub points_per_unit: Decimal,
    /// Rounding of fractional earnings.
    pub rounding: Rounding,
    /// Money value of one point.
    pub point_value: Decimal,
    /// Expiry of earned points.
    pub expiry: ExpiryPolicy,
    /// Days in the return window.
    pub pending_days: u32,
    /// Refund behaviour on spent points.
    pub clawback: ClawbackPolicy,
    /// Days a live channel may report a purchase or event late.
    pub backdating_days: u32,
}

/// The longest return window accepted: longer ones are almost certainly a typo.
pub const PENDING_DAYS_MAX: u32 = 365;
/// How late a till may report a purchase unless the program says otherwise: long enough for
/// a till that was offline over a holiday, short enough that a typo in a year is refused.
pub const BACKDATING_DAYS_DEFAULT: u32 = 30;
/// The longest backdating window accepted (about ten years).
pub const BACKDATING_DAYS_MAX: u32 = 3650;
/// The longest month-based expiry accepted (100 years).
pub const EXPIRY_MONTHS_MAX: u32 = 1200;

impl Program {
    /// The earliest instant a live channel may say a purchase or event happened at, when it
    /// reports it at `now`.
    pub fn earliest_reportable(&self, now: Timestamp) -> Timestamp {
        let window = SignedDuration::from_hours(24 * i64::from(self.backdating_days));
        now.checked_sub(window).unwrap_or(Timestamp::MIN)
    }

    /// What `points` are worth in the program's currency, rounded to its minor unit; negative
    /// points (a balance in debt after a clawback) are worth nothing.
    pub fn value_of(&self, points: Points) -> Result<Money, MoneyError> {
        let value = Decimal::from(points.get().max(0)) * self.point_value;
        Money::new(value.round_dp(self.currency.minor_digits()), self.currency)
    }

    /// Validates a spec, reporting every problem rather than the first.
    pub fn new(spec: ProgramSpec) -> Result<Program, Vec<ProgramIssue>> {
        let mut issues = Vec::new();
        let mut issue = |key: &str, words: Message| issues.push(Issue::new(key, words));
        let texts = [
            ("program.name", &spec.name),
            ("program.points_name", &spec.points_name),
        ];
        for (key, text) in texts {
            for (key, words) in text.problems(key, true) {
                issue(&key, words);
            }
        }
        let currency = spec
            .currency
            .parse::<Currency>()
            .map_err(|_| {
                issue(
                    "program.currency",
                    message!(
                        "unknown currency `{code}`: expected an ISO 4217 code such as CNY or EUR",
                        code = spec.currency
                    ),
                )
            })
            .ok();
        let time_zone = TimeZone::get(&spec.time_zone)
            .map_err(|_| {
                issue(
                    "program.time_zone",
                    message!(
                        "unknown time zone `{zone}`: expected an IANA name such as Asia/Shanghai",
                        zone = spec.time_zone
                    ),
                )
            })
            .ok();
        if spec.points_per_unit < Decimal::ZERO {
            issue(
                "earn.points_per_unit",
                message!(
                    "must not be negative, got {got}",
                    got = spec.points_per_unit
                ),
            );
        }
        if spec.point_value < Decimal::ZERO {
            issue(
                "points.value",
                message!("must not be negative, got {got}", got = spec.point_value),
            );
        }
        if let ExpiryPolicy::MonthsAfterEarning(months) = spec.expiry
            && !(1..=EXPIRY_MONTHS_MAX).contains(&months)
        {
            issue(
                "points.expiry.months",
                message!(
                    "must be between {min} and {max}, got {got}",
                    min = 1,
                    max = EXPIRY_MONTHS_MAX,
                    got = months
                ),
            );
        }
        if spec.pending_days > PENDING_DAYS_MAX {
            issue(
                "points.pending_days",
                message!(
                    "must be at most {max}, got {got}",
                    max = PENDING_DAYS_MAX,
                    got = spec.pending_days
                ),
            );
        }
        if spec.backdating_days > BACKDATING_DAYS_MAX {
            issue(
                "earn.backdating_days",
                message!(
                    "must be at most {max}, got {got}",
                    max = BACKDATING_DAYS_MAX,
                    got = spec.backdating_days
                ),
            );
        }
        match (currency, time_zone) {
            (Some(currency), Some(time_zone)) if issues.is_empty() => Ok(Program {
                name: spec.name,
                currency,
                time_zone,
                points_name: spec.points_name,
                points_per_unit: spec.points_per_unit,
                rounding: spec.rounding,
                point_value: spec.point_value,
                expiry: spec.expiry,
                pending_days: spec.pending_days,
                clawback: spec.clawback,
                backdating_days: spec.backdating_days,
            }),
            _ => Err(issues),
        }
    }
}
