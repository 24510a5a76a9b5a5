//! Conditions a rule needs to apply, and the lines they select.

use super::calendar::{LocalMoment, is_birthday, is_birthday_month, is_birthday_week};
use super::context::{Activity, Line, MemberFacts};
use crate::channel::Channel;
use jiff::civil::{Date, Time, Weekday};
use rust_decimal::Decimal;

/// One condition of a rule. A rule applies only when all of its conditions hold.
///
/// Line conditions ([`Condition::filters_lines`]) also select which lines the rule applies
/// to: a line must meet every line condition, the rule's spend is the sum of those lines'
/// amounts, and the rule does not apply when no line matches.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// The purchase was made on one of these channels.
    ChannelIn(Vec<Channel>),
    /// The purchase was made at one of these stores.
    StoreIn(Vec<String>),
    /// Line filter: the line's SKU is one of these.
    SkuIn(Vec<String>),
    /// Line filter: the line's category is one of these.
    CategoryIn(Vec<String>),
    /// Line filter: the line has this attribute with this value.
    LineAttribute {
        /// Attribute name.
        key: String,
        /// Required value, compared exactly.
        value: String,
    },
    /// The spend the rule applies to (matching lines, or the total) is at least this much.
    MinimumSpend(Decimal),
    /// The local day of the week is one of these.
    DayOfWeek(Vec<Weekday>),
    /// The local time falls in this window.
    TimeOfDay(TimeWindow),
    /// The local date is in this range, both ends included (a campaign's dates).
    DateRange {
        /// First day of the range.
        from: Date,
        /// Last day of the range.
        to: Date,
    },
    /// The member's tier is one of these.
    TierIn(Vec<String>),
    /// The member has this profile attribute with this value.
    MemberAttribute {
        /// Attribute name.
        key: String,
        /// Required value, compared exactly.
        value: String,
    },
    /// The member is in one of these saved segments (their ids), as of its last refresh.
    SegmentIn(Vec<String>),
    /// The purchase is the member's first.
    FirstPurchase,
    /// The member's birthday falls in this window around the local date.
    Birthday(BirthdayWindow),
    /// The event has this attribute with this value.
    EventAttribute {
        /// Attribute name.
        key: String,
        /// Required value, compared exactly.
        value: String,
    },
}

/// A daily time window from `from` (included) to `to` (excluded), in the program's time zone.
///
/// When `to` is earlier than `from` the window crosses midnight: it opens in the evening and
/// closes the next morning, and that morning still belongs to the day the window opened on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeWindow {
    /// Opening time, included.
    pub from: Time,
    /// Closing time, excluded.
    pub to: Time,
    /// The days on which the window opens; `None` means every day.
    pub days: Option<Vec<Weekday>>,
}

impl TimeWindow {
    /// A window open every day.
    pub fn daily(from: Time, to: Time) -> TimeWindow {
        TimeWindow {
            from,
            to,
            days: None,
        }
    }

    /// The same window, opening only on these days.
    pub fn on(mut self, days: impl IntoIterator<Item = Weekday>) -> TimeWindow {
        self.days = Some(days.into_iter().collect());
        self
    }

    /// True when the window crosses midnight.
    pub fn crosses_midnight(&self) -> bool {
        self.to < self.from
    }

    /// True when local `time` on local `date` is inside the window.
    pub fn contains(&self, date: Date, time: Time) -> bool {
        let opens_on = |day: Weekday| self.days.as_ref().is_none_or(|days| days.contains(&day));
        if self.crosses_midnight() {
            (time >= self.from && opens_on(date.weekday()))
                || (time < self.to && opens_on(date.weekday().previous()))
        } else {
            self.from <= time && time < self.to && opens_on(date.weekday())
        }
    }
}

/// How close to the member's birthday the activity must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BirthdayWindow {
    /// On the birthday itself (29 February is celebrated on the 28th in common years).
    Day,
    /// In the ISO week (Monday to Sunday) that contains the birthday.
    Week,
    /// In the birth month.
    Month,
}

/// What conditions are checked against, beyond the rule itself.
pub(crate) struct Situation<'a> {
    /// The purchase or event.
    pub activity: &'a Activity,
    /// The member.
    pub member: &'a MemberFacts,
    /// The activity's local date and time.
    pub local: LocalMoment,
    /// The spend the rule applies to, for purchases.
    pub spend: Option<Decimal>,
}

impl Condition {
    /// The condition's key in a program file, as validation issues name it.
    pub fn key(&self) -> &'static str {
        match self {
            Condition::ChannelIn(_) => "channels",
            Condition::StoreIn(_) => "stores",
            Condition::SkuIn(_) => "skus",
            Condition::CategoryIn(_) => "categories",
            Condition::LineAttribute { .. } => "line_attribute",
            Condition::MinimumSpend(_) => "minimum_spend",
            Condition::DayOfWeek(_) => "days_of_week",
            Condition::TimeOfDay(_) => "time_of_day",
            Condition::DateRange { .. } => "dates",
            Condition::TierIn(_) => "tiers",
            Condition::MemberAttribute { .. } => "member_attribute",
            Condition::SegmentIn(_) => "segments",
            Condition::FirstPurchase => "first_purchase",
            Condition::Birthday(_) => "birthday",
            Condition::EventAttribute { .. } => "event_attribute",
        }
    }

    /// True for conditions on basket lines, which select the lines a rule applies to.
    pub fn filters_lines(&self) -> bool {
        matches!(
            self,
            Condition::SkuIn(_) | Condition::CategoryIn(_) | Condition::LineAttribute { .. }
        )
    }

    /// True for conditions only a purchase can meet.
    pub fn needs_purchase(&self) -> bool {
        self.filters_lines()
            || matches!(
                self,
                Condition::ChannelIn(_)
                    | Condition::StoreIn(_)
                    | Condition::MinimumSpend(_)
                    | Condition::FirstPurchase
            )
    }

    /// True for conditions only an event can meet.
    pub fn needs_event(&self) -> bool {
        matches!(self, Condition::EventAttribute { .. })
    }

    /// True when `line` meets this condition; conditions that are not line filters pass every line.
    pub fn selects(&self, line: &Line) -> bool {
        match self {
            Condition::SkuIn(skus) => skus.contains(&line.sku),
            Condition::CategoryIn(categories) => line
                .category
                .as_ref()
                .is_some_and(|c| categories.contains(c)),
            Condition::LineAttribute { key, value } => line.attributes.get(key) == Some(value),
            _ => true,
        }
    }

    /// True when the condition holds in `situation`; line filters are applied beforehand.
    pub(crate) fn holds(&self, situation: &Situation<'_>) -> bool {
        let basket = match situation.activity {
            Activity::Purchase(basket) => Some(basket),
            Activity::Event(_) => None,
        };
        let local = situation.local;
        let member = situation.member;
        match self {
            Condition::ChannelIn(channels) => basket.is_some_and(|b| channels.contains(&b.channel)),
            Condition::StoreIn(stores) => {
                basket.is_some_and(|b| b.store.as_ref().is_some_and(|s| stores.contains(s)))
            }
            // The lines were selected before conditions are checked: a purchase reaching here has some.
            Condition::SkuIn(_) | Condition::CategoryIn(_) | Condition::LineAttribute { .. } => {
                basket.is_some()
            }
            Condition::MinimumSpend(minimum) => situation.spend.is_some_and(|s| s >= *minimum),
            Condition::DayOfWeek(days) => days.contains(&local.weekday()),
            Condition::TimeOfDay(window) => window.contains(local.date, local.time),
            Condition::DateRange { from, to } => *from <= local.date && local.date <= *to,
            Condition::TierIn(tiers) => member.tier.as_ref().is_some_and(|t| tiers.contains(t)),
            Condition::MemberAttribute { key, value } => member.attributes.get(key) == Some(value),
            Condition::SegmentIn(segments) => member.segments.iter().any(|s| segments.contains(s)),
            Condition::FirstPurchase => basket.is_some() && member.first_purchase,
            Condition::Birthday(window) => member.birthday.is_some_and(|birthday| match window {
                BirthdayWindow::Day => is_birthday(local.date, birthday),
                BirthdayWindow::Week => is_birthday_week(local.date, birthday),
                BirthdayWindow::Month => is_birthday_month(local.date, birthday),
            }),
            Condition::EventAttribute { key, value } => match situation.activity {
                Activity::Event(event) => event.attributes.get(key) == Some(value),
                Activity::Purchase(_) => false,
            },
        }
    }
}
