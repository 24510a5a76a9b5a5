//! Staff: the roles and what each may do, and how many points one adjustment by each may move.

mod adjust;
mod role;

pub use adjust::{AdjustPolicy, OverCap, SUPPORT_ADJUST_MAX_DEFAULT};
pub use role::{Permission, Role, UnknownRole};
