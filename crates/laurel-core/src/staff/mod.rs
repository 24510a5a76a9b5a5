//! Staff: the roles and what each may do, how many points one adjustment by each may move, and
//! which operations a second staff member must approve.

mod adjust;
mod approval;
mod role;

pub use adjust::{AdjustPolicy, OverCap, SUPPORT_ADJUST_MAX_DEFAULT};
pub use approval::{
    ApprovalKind, ApprovalPolicy, ApprovalState, Decision, DecisionRefusal, Waiting, may_decide,
};
pub use role::{Permission, Role, UnknownRole};
