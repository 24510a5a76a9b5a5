//! Validation of the rewards catalog: every problem, each with the key path it concerns.

use super::catalog::{Reward, RewardKind};
use crate::Localized;
use crate::issue::{Issue, Issues, Message};
use crate::message;
use crate::money::Currency;
use crate::points::Points;
use rust_decimal::Decimal;
use std::collections::HashMap;

/// The most points one reward may cost: far below where a quantity times it could overflow.
pub const COST_MAX: Points = Points(1_000_000_000);
/// The longest a coupon may stay valid, in days.
pub const VALID_DAYS_MAX: u32 = 3650;
/// The longest text (id, name, SKU, cause…) a reward may carry.
pub const TEXT_BYTES_MAX: usize = 200;
/// The most money a coupon may be worth or require, in currency units.
const MONEY_MAX: Decimal = Decimal::from_parts(1_000_000_000, 0, 0, false, 0);

/// Checks every reward, then that ids are unique.
pub(super) fn validate(
    rewards: &[Reward],
    currency: Currency,
    tier_ids: &[String],
) -> Result<(), Vec<Issue>> {
    let mut all = Issues::under("");
    let mut first_use: HashMap<&str, usize> = HashMap::new();
    for (index, reward) in rewards.iter().enumerate() {
        let mut issues = Issues::under(format!("rewards[{index}]"));
        check(&mut issues, reward, currency, tier_ids);
        for issue in issues.into_vec() {
            all.add(issue.key, issue.words);
        }
        let id = reward.id.as_str();
        if let Some(first) = first_use.get(id) {
            all.add(
                format!("rewards[{index}].id"),
                message!(
                    "duplicate id `{id}`, already used by {first}",
                    id = id,
                    first = format!("rewards[{first}]")
                ),
            );
        } else {
            first_use.insert(id, index);
        }
    }
    all.result(())
}

fn check(issues: &mut Issues, reward: &Reward, currency: Currency, tier_ids: &[String]) {
    text(issues, "id", &reward.id);
    if reward
        .id
        .chars()
        .any(|c| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
    {
        issues.add("id", "may hold only letters, digits, `_` and `-`");
    }
    words(issues, "name", &reward.name, true, TEXT_BYTES_MAX);
    if let Some(description) = &reward.description {
        words(
            issues,
            "description",
            description,
            false,
            TEXT_BYTES_MAX * 5,
        );
    }
    if !reward.cost.is_positive() || reward.cost > COST_MAX {
        issues.add(
            "cost",
            message!(
                "must be between {min} and {max}, got {got}",
                min = 1,
                max = COST_MAX,
                got = reward.cost
            ),
        );
    }
    for name in reward.tiers.iter().filter(|t| !tier_ids.contains(t)) {
        issues.add("tiers", unknown_tier(name, tier_ids));
    }
    for id in reward
        .segments
        .iter()
        .filter(|id| !crate::text::is_valid_id(id))
    {
        issues.add(
            "segments",
            message!(
                "`{got}` is not a segment id (lower-case letters, digits and underscores)",
                got = id
            ),
        );
    }
    if let (Some(from), Some(until)) = (reward.available_from, reward.available_until)
        && until <= from
    {
        issues.add(
            "available_until",
            message!(
                "is {until}, not after available_from {from}",
                until = until,
                from = from
            ),
        );
    }
    if reward.per_member_limit == Some(0) {
        issues.add(
            "per_member_limit",
            "must be at least 1 (leave it out for no limit)",
        );
    }
    let money = |issues: &mut Issues, key: &str, amount: Decimal| {
        if amount <= Decimal::ZERO || amount > MONEY_MAX {
            issues.add(
                key,
                message!(
                    "must be above 0 and at most {max}, got {got}",
                    max = MONEY_MAX,
                    got = amount
                ),
            );
        } else if amount.normalize().scale() > currency.minor_digits() {
            issues.add(
                key,
                message!(
                    "{amount} has more decimals than {currency} allows",
                    amount = amount,
                    currency = currency
                ),
            );
        }
    };
    match &reward.kind {
        RewardKind::AmountCoupon { amount } => money(issues, "amount", *amount),
        RewardKind::PercentCoupon {
            percent,
            max_discount,
        } => {
            if *percent <= Decimal::ZERO || *percent > Decimal::ONE_HUNDRED {
                issues.add(
                    "percent",
                    message!(
                        "must be above 0 and at most {max}, got {got}",
                        max = 100,
                        got = percent
                    ),
                );
            }
            if let Some(max) = max_discount {
                money(issues, "max_discount", *max);
            }
        }
        RewardKind::FreeProduct { sku } => text(issues, "sku", sku),
        RewardKind::PhysicalGift => {}
        RewardKind::Experience { location, .. } => {
            if let Some(location) = location {
                text(issues, "location", location);
            }
        }
        RewardKind::Donation { cause } => text(issues, "cause", cause),
    }
    if reward.kind.issues_coupon() {
        if let Some(min) = reward.coupon.min_spend {
            money(issues, "min_spend", min);
        }
        if reward.coupon.valid_days == 0 || reward.coupon.valid_days > VALID_DAYS_MAX {
            issues.add(
                "valid_days",
                message!(
                    "must be between {min} and {max}, got {got}",
                    min = 1,
                    max = VALID_DAYS_MAX,
                    got = reward.coupon.valid_days
                ),
            );
        }
    } else if reward.coupon.min_spend.is_some() {
        issues.add(
            "min_spend",
            message!(
                "only applies to rewards that issue coupons, not {kind}",
                kind = reward.kind.as_str()
            ),
        );
    }
}

/// A name or description for people: written (when `required`), in known languages, each
/// text within `bytes_max`.
fn words(issues: &mut Issues, key: &str, value: &Localized, required: bool, bytes_max: usize) {
    for (key, problem) in value.problems(key, required) {
        issues.add(key, problem);
    }
    for (tag, text) in value.texts() {
        if text.len() > bytes_max {
            let key = tag.map_or_else(|| key.to_owned(), |tag| format!("{key}.{tag}"));
            issues.add(key, message!("is longer than {max} bytes", max = bytes_max));
        }
    }
}

fn text(issues: &mut Issues, key: &str, value: &str) {
    if value.trim().is_empty() {
        issues.add(key, "must not be empty");
    } else if value.len() > TEXT_BYTES_MAX {
        issues.add(
            key,
            message!("is longer than {max} bytes", max = TEXT_BYTES_MAX),
        );
    }
}

/// A tier name the program does not have, with the ones it has.
pub fn unknown_tier(name: &str, tier_ids: &[String]) -> Message {
    if tier_ids.is_empty() {
        message!(
            "unknown tier `{name}`: the program has no [tiers]",
            name = name
        )
    } else {
        message!(
            "unknown tier `{name}`: the program's tiers are {known}",
            name = name,
            known = tier_ids.join(", ")
        )
    }
}
