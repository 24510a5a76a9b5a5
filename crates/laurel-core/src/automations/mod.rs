//! Automations: what the program does by itself when something happens or every day — a
//! trigger, conditions on the member, actions, and how often one member may be acted on.
//! `automation.rs` the model and its checks, `facts.rs` a member as conditions see them,
//! `period.rs` the limit's periods.

pub mod automation;
pub mod facts;
pub mod period;

pub use automation::{AUTOMATIONS_MAX, Action, Automation, AutomationTrigger, MemberCondition};
pub use facts::MemberFacts;
pub use period::Limit;
