//! Earning rules: what a purchase or a custom event earns beyond the base rate, and why.
//!
//! A program declares [`EarningRule`]s; [`RuleSet::new`] validates them (every problem with
//! its key) and orders them for evaluation. [`evaluate`] takes the validated set and an
//! [`EarnContext`] — the purchase basket or event, facts about the member, the instant, and
//! how much of each rule's limits the member and the campaign have already used — and returns
//! an [`Earning`]: one [`Grant`] per rule that granted (the base earn first), each with a
//! sentence a cashier or member can read, written by [`explain`] from the grant's
//! [`GrantBasis`] — the data kept with the grant so it can be told again in any language.
//!
//! How rules combine:
//! - Purchases always earn the base rate on their total, as the grant [`BASE_RULE_ID`].
//! - Rules are evaluated by priority, highest first; equal priorities keep declaration order.
//! - A rule *takes effect* when its trigger matches, all its conditions hold and it grants
//!   at least one point after its limits.
//! - A [`Stacking::Exclusive`] rule that takes effect stops every rule after it.
//! - Of the rules sharing an [`Stacking::ExclusiveGroup`], only the first to take effect grants.
//! - A multiplier `m` grants `(m − 1) ×` the base earn of its matching spend, so that base
//!   plus rule make `m ×` base; a percentage bonus grants that share of the same base.
//!
//! Usage is the caller's to load: [`usage_periods`] says which local day, ISO week and month
//! an instant falls in (with their bounds as instants), and [`RuleUsage`] carries the points
//! each rule already granted in them.

mod basis;
pub(crate) mod calendar;
mod condition;
mod context;
mod effect;
mod evaluate;
pub(crate) mod explain;
mod limits;
mod rule;
mod validate;

pub use basis::{BasisParts, GrantBasis};
pub use calendar::{IsoWeek, Period, Periods, YearMonth, start_of_day, usage_periods};
pub use condition::{BirthdayWindow, Condition, TimeWindow};
pub use context::{Activity, Basket, EarnContext, Event, Line, MemberFacts};
pub use effect::Effect;
pub use evaluate::{Earning, Grant, evaluate};
pub use explain::explain;
pub use limits::{LimitKind, Limits, RuleUsage, UsageTotals};
pub use rule::{
    BASE_RULE_ID, EarningRule, LimitedRules, RuleSet, STANDARD_EVENT_KINDS, Stacking, Trigger,
};
pub use validate::{RuleIssue, validate_rules};
