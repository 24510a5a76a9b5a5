//! What a rule is evaluated against: the purchase or event, the member, the instant, the usage.

use super::limits::RuleUsage;
use crate::channel::Channel;
use jiff::Timestamp;
use jiff::civil::Date;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Everything [`evaluate`](super::evaluate) needs to decide one earning.
#[derive(Debug, Clone, PartialEq)]
pub struct EarnContext {
    /// The purchase or event that earns.
    pub activity: Activity,
    /// What is known about the member at that moment.
    pub member: MemberFacts,
    /// When it happened; calendar conditions read it in the program's time zone.
    pub occurred_at: Timestamp,
    /// Points each rule already granted in the periods `occurred_at` falls in.
    pub usage: RuleUsage,
}

impl EarnContext {
    /// A context for `activity` at `occurred_at`, with no usage so far.
    pub fn new(activity: Activity, member: MemberFacts, occurred_at: Timestamp) -> EarnContext {
        EarnContext {
            activity,
            member,
            occurred_at,
            usage: RuleUsage::default(),
        }
    }

    /// The same context with this usage.
    pub fn with_usage(mut self, usage: RuleUsage) -> EarnContext {
        self.usage = usage;
        self
    }
}

/// The instance of a trigger: a purchase basket or a custom event.
#[derive(Debug, Clone, PartialEq)]
pub enum Activity {
    /// A purchase.
    Purchase(Basket),
    /// A custom event.
    Event(Event),
}

impl Activity {
    /// The coalition partner it happened at: a purchase's; events are the program's own.
    pub fn partner(&self) -> Option<&str> {
        match self {
            Activity::Purchase(basket) => basket.partner.as_deref(),
            Activity::Event(_) => None,
        }
    }
}

/// A purchase as rules see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Basket {
    /// Where it was made.
    pub channel: Channel,
    /// The store, when the channel has stores.
    pub store: Option<String>,
    /// Total paid: what the base rate applies to.
    pub total: Decimal,
    /// The lines, possibly none; their amounts are what line conditions select.
    pub lines: Vec<Line>,
    /// The coalition partner it was made at; `None` at the program's own.
    pub partner: Option<String>,
}

impl Basket {
    /// A basket with this total and no store or lines.
    pub fn new(channel: Channel, total: Decimal) -> Basket {
        Basket {
            channel,
            store: None,
            total,
            lines: Vec::new(),
            partner: None,
        }
    }

    /// The same basket, bought at this coalition partner.
    pub fn at_partner(mut self, partner: impl Into<String>) -> Basket {
        self.partner = Some(partner.into());
        self
    }

    /// The same basket at this store.
    pub fn at_store(mut self, store: impl Into<String>) -> Basket {
        self.store = Some(store.into());
        self
    }

    /// The same basket with one more line.
    pub fn with_line(mut self, line: Line) -> Basket {
        self.lines.push(line);
        self
    }
}

/// One basket line.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Product code.
    pub sku: String,
    /// Product category.
    pub category: Option<String>,
    /// Product attributes (`origin = "yunnan"`), compared exactly.
    pub attributes: BTreeMap<String, String>,
    /// Units.
    pub quantity: i64,
    /// Price of one unit.
    pub unit_price: Decimal,
    /// What the line cost, net of line discounts: the spend line conditions select.
    pub amount: Decimal,
}

impl Line {
    /// A line of `quantity` units at `unit_price`, costing their product.
    pub fn new(sku: impl Into<String>, quantity: i64, unit_price: Decimal) -> Line {
        Line {
            sku: sku.into(),
            category: None,
            attributes: BTreeMap::new(),
            quantity,
            unit_price,
            // Saturating: an absurd product must not panic while building a basket.
            amount: unit_price.saturating_mul(Decimal::from(quantity)),
        }
    }

    /// The same line in this category.
    pub fn in_category(mut self, category: impl Into<String>) -> Line {
        self.category = Some(category.into());
        self
    }

    /// The same line with one more attribute.
    pub fn with_attribute(mut self, key: impl Into<String>, value: impl Into<String>) -> Line {
        self.attributes.insert(key.into(), value.into());
        self
    }
}

/// A custom event a member did (wrote a review, installed the app…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Its kind, as declared by the program.
    pub kind: String,
    /// Its attributes (`rating = "5"`), compared exactly.
    pub attributes: BTreeMap<String, String>,
}

impl Event {
    /// An event of this kind with no attributes.
    pub fn new(kind: impl Into<String>) -> Event {
        Event {
            kind: kind.into(),
            attributes: BTreeMap::new(),
        }
    }

    /// The same event with one more attribute.
    pub fn with_attribute(mut self, key: impl Into<String>, value: impl Into<String>) -> Event {
        self.attributes.insert(key.into(), value.into());
        self
    }
}

/// What rules may know about the member when the activity happened.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MemberFacts {
    /// Current tier, if any.
    pub tier: Option<String>,
    /// Profile attributes (`segment = "student"`), compared exactly.
    pub attributes: BTreeMap<String, String>,
    /// Date of birth, if known.
    pub birthday: Option<Date>,
    /// True when this purchase is the member's first (no earlier purchase exists).
    pub first_purchase: bool,
    /// The saved segments the member is in, as of each segment's last refresh (read only
    /// when a rule asks).
    pub segments: Vec<String>,
}
