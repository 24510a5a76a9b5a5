//! Fraud controls: velocity rules the program file declares (`[[fraud.rules]]`), what each
//! measures of a member's (or a staff member's) recent activity, and the verdict on one
//! operation — let it through and flag it, hold the points it earns for review, refuse it, or
//! refuse it and freeze the member.

mod rule;
mod verdict;

pub use rule::{CHAIN_LONGEST, FraudAction, FraudPolicy, FraudRule, FraudRuleSpec, Measure};
pub use verdict::{Breach, Verdict};
