//! Households: members who pool their points. `[households]` says how (`HouseholdPolicy`: one
//! pooled balance every member spends from, or the owner paying for the others) and how many
//! may share one; `pool.rs` whose points a debit may draw on and how much of each.

mod policy;
mod pool;

pub use policy::{HouseholdMode, HouseholdPolicy, HouseholdSpec, JoinRefusal};
pub use pool::{Lender, lenders, shares};
