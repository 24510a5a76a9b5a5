//! The program file's `[[rewards]]`: one flat table per reward whose `type` says which of its
//! fields apply, turned into the core's [`Catalog`].

use super::Words;
use crate::decimal;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use laurel_core::issue::{Issue, Issues};
use laurel_core::message;
use laurel_core::rewards::{Catalog, CouponTerms, Reward, RewardKind};
use laurel_core::{Currency, Points};
use rust_decimal::Decimal;
use serde::Deserialize;

/// One `[[rewards]]` table.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RewardSection {
    id: String,
    name: Words,
    description: Option<Words>,
    #[serde(rename = "type")]
    kind: KindName,
    cost: i64,
    #[serde(default, deserialize_with = "decimal::deserialize_option")]
    amount: Option<Decimal>,
    #[serde(default, deserialize_with = "decimal::deserialize_option")]
    percent: Option<Decimal>,
    #[serde(default, deserialize_with = "decimal::deserialize_option")]
    max_discount: Option<Decimal>,
    sku: Option<String>,
    cause: Option<String>,
    starts_at: Option<String>,
    location: Option<String>,
    #[serde(default)]
    tiers: Vec<String>,
    /// Saved segments (their ids) whose members may redeem it.
    #[serde(default)]
    segments: Vec<String>,
    /// A date (from its start, in the program's time zone) or an RFC 3339 instant.
    available_from: Option<String>,
    /// A date (the last day, included) or an RFC 3339 instant (excluded).
    available_until: Option<String>,
    stock: Option<u64>,
    per_member_limit: Option<u32>,
    #[serde(default, deserialize_with = "decimal::deserialize_option")]
    min_spend: Option<Decimal>,
    valid_days: Option<u32>,
    partner: Option<String>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum KindName {
    AmountCoupon,
    PercentCoupon,
    FreeProduct,
    PhysicalGift,
    Experience,
    Donation,
}

/// Turns the file's rewards into a validated catalog for a program in `currency` (when it is
/// known) and `time_zone` with tiers `tier_ids`, or every problem with its key.
pub(super) fn convert(
    sections: Vec<RewardSection>,
    currency: Option<Currency>,
    time_zone: &TimeZone,
    tier_ids: &[String],
) -> Result<Catalog, Vec<Issue>> {
    let mut problems = Issues::under("");
    let rewards: Vec<Reward> = sections
        .into_iter()
        .enumerate()
        .map(|(i, s)| reward(&mut problems, &format!("rewards[{i}]"), s, time_zone))
        .collect();
    let rewards = problems.result(rewards)?;
    match currency {
        Some(currency) => Catalog::new(rewards, currency, tier_ids),
        // The program's own problem is reported; amounts cannot be checked without it.
        None => Ok(Catalog::empty()),
    }
}

/// One reward as the file writes it, turned into the core's (checked with the whole catalog);
/// its problems added under `key`.
pub(super) fn reward(problems: &mut Issues, key: &str, s: RewardSection, tz: &TimeZone) -> Reward {
    let mut required = |field: &str, value: Option<Decimal>| {
        value.unwrap_or_else(|| {
            problems.add(
                format!("{key}.{field}"),
                message!("is required for type {kind}", kind = s.kind.name()),
            );
            Decimal::ZERO
        })
    };
    let kind = match s.kind {
        KindName::AmountCoupon => RewardKind::AmountCoupon {
            amount: required("amount", s.amount),
        },
        KindName::PercentCoupon => RewardKind::PercentCoupon {
            percent: required("percent", s.percent),
            max_discount: s.max_discount,
        },
        KindName::FreeProduct => RewardKind::FreeProduct {
            sku: s.sku.clone().unwrap_or_default(),
        },
        KindName::PhysicalGift => RewardKind::PhysicalGift,
        KindName::Experience => RewardKind::Experience {
            starts_at: s
                .starts_at
                .as_deref()
                .and_then(|t| instant(problems, &format!("{key}.starts_at"), t, tz, false)),
            location: s.location.clone(),
        },
        KindName::Donation => RewardKind::Donation {
            cause: s.cause.clone().unwrap_or_default(),
        },
    };
    // Fields of other types are mistakes worth naming, not silently ignored.
    let given = [
        ("amount", s.amount.is_some(), KindName::AmountCoupon),
        ("percent", s.percent.is_some(), KindName::PercentCoupon),
        (
            "max_discount",
            s.max_discount.is_some(),
            KindName::PercentCoupon,
        ),
        ("sku", s.sku.is_some(), KindName::FreeProduct),
        ("cause", s.cause.is_some(), KindName::Donation),
        ("starts_at", s.starts_at.is_some(), KindName::Experience),
        ("location", s.location.is_some(), KindName::Experience),
    ];
    for (field, present, owner) in given {
        if present && s.kind != owner {
            problems.add(
                format!("{key}.{field}"),
                message!(
                    "only applies to type {owner}, not {kind}",
                    owner = owner.name(),
                    kind = s.kind.name()
                ),
            );
        }
    }
    if s.valid_days.is_some() && !kind.issues_coupon() {
        problems.add(
            format!("{key}.valid_days"),
            message!(
                "only applies to rewards that issue coupons, not {kind}",
                kind = s.kind.name()
            ),
        );
    }
    let available_from = s
        .available_from
        .as_deref()
        .and_then(|t| instant(problems, &format!("{key}.available_from"), t, tz, false));
    let available_until = s
        .available_until
        .as_deref()
        .and_then(|t| instant(problems, &format!("{key}.available_until"), t, tz, true));
    Reward {
        id: s.id,
        name: s.name.0,
        description: s.description.map(|d| d.0),
        kind,
        cost: Points(s.cost),
        tiers: s.tiers,
        segments: s.segments,
        available_from,
        available_until,
        stock: s.stock,
        per_member_limit: s.per_member_limit,
        coupon: CouponTerms {
            min_spend: s.min_spend,
            valid_days: s.valid_days.unwrap_or(CouponTerms::default().valid_days),
        },
        partner: s.partner,
    }
}

impl KindName {
    fn name(self) -> &'static str {
        match self {
            KindName::AmountCoupon => "amount_coupon",
            KindName::PercentCoupon => "percent_coupon",
            KindName::FreeProduct => "free_product",
            KindName::PhysicalGift => "physical_gift",
            KindName::Experience => "experience",
            KindName::Donation => "donation",
        }
    }
}

/// An RFC 3339 instant, or a date in the program's time zone: its first instant, or with
/// `end_of_day` the first instant of the next day (so a last day is included).
fn instant(
    problems: &mut Issues,
    key: &str,
    text: &str,
    tz: &TimeZone,
    end_of_day: bool,
) -> Option<Timestamp> {
    let parsed = read_instant(text, tz, end_of_day);
    if parsed.is_none() {
        problems.add(
            key,
            message!(
                "`{text}` is neither a date such as 2026-12-24 nor an instant such as 2026-12-24T18:00:00+08:00",
                text = text
            ),
        );
    }
    parsed
}

/// An instant as rewards write it (see [`instant`]), or nothing when it is neither a date nor
/// an RFC 3339 instant.
pub fn read_instant(text: &str, tz: &TimeZone, end_of_day: bool) -> Option<Timestamp> {
    if let Ok(at) = text.parse::<Timestamp>() {
        return Some(at);
    }
    text.parse::<Date>().ok().and_then(|date| {
        let day = if end_of_day {
            date.tomorrow().ok()?
        } else {
            date
        };
        day.to_zoned_datetime(tz.clone())
            .ok()
            .map(|z| z.timestamp())
    })
}

/// An instant as rewards write it: the date when it is the start of a day in `tz` (with
/// `end_of_day`, the day before it, the last one included), else the instant with its offset
/// there. [`read_instant`] reads it back as the same instant.
pub fn write_instant(at: Timestamp, tz: &TimeZone, end_of_day: bool) -> String {
    let zoned = at.to_zoned_datetime(tz.clone());
    let date = zoned.date();
    let day = if end_of_day {
        date.yesterday().ok()
    } else {
        Some(date)
    };
    match day {
        Some(day) if read_instant(&day.to_string(), tz, end_of_day) == Some(at) => day.to_string(),
        _ => zoned.strftime("%Y-%m-%dT%H:%M:%S%.f%:z").to_string(),
    }
}
