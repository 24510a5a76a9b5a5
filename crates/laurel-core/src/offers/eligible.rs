//! Whether a member could still trigger a rule: the conditions that can be judged of the
//! member and the day, and the limits their usage already reached.

use super::facts::OfferFacts;
use crate::Program;
use crate::rules::calendar::{LocalMoment, is_birthday, is_birthday_month, is_birthday_week};
use crate::rules::{BirthdayWindow, Condition, EarningRule, LimitKind};
use jiff::Timestamp;

/// True when the member could trigger `rule` from `now` on: its dates include today, their
/// tier, attributes, birthday and first purchase meet it, and no limit of theirs or the
/// campaign's is used up for the period `now` falls in. Conditions on a basket, a time of day
/// or a weekday are left to the purchase: any purchase may meet them.
pub fn rule_open_to(
    rule: &EarningRule,
    facts: &OfferFacts,
    program: &Program,
    now: Timestamp,
) -> bool {
    let today = LocalMoment::new(now, &program.time_zone).date;
    let member = &facts.member;
    let conditions_hold = rule.conditions.iter().all(|condition| match condition {
        Condition::DateRange { from, to } => *from <= today && today <= *to,
        Condition::TierIn(tiers) => member.tier.as_ref().is_some_and(|t| tiers.contains(t)),
        Condition::MemberAttribute { key, value } => member.attributes.get(key) == Some(value),
        Condition::SegmentIn(ids) => member.segments.iter().any(|s| ids.contains(s)),
        Condition::FirstPurchase => member.first_purchase,
        Condition::Birthday(window) => birthday_holds(*window, member.birthday, today),
        _ => true,
    });
    let used = facts.usage.of(&rule.id);
    let used_up = LimitKind::ALL
        .into_iter()
        .filter(|kind| *kind != LimitKind::PerTransaction)
        .any(|kind| {
            rule.limits
                .remaining(kind, &used)
                .is_some_and(|left| !left.is_positive())
        });
    conditions_hold && !used_up
}

/// Whether today is in the member's birthday window.
pub(crate) fn birthday_holds(
    window: BirthdayWindow,
    birthday: Option<jiff::civil::Date>,
    today: jiff::civil::Date,
) -> bool {
    birthday.is_some_and(|birthday| match window {
        BirthdayWindow::Day => is_birthday(today, birthday),
        BirthdayWindow::Week => is_birthday_week(today, birthday),
        BirthdayWindow::Month => is_birthday_month(today, birthday),
    })
}
