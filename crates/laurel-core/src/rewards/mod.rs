//! The rewards catalog: what members can spend points on, who may redeem what and how much
//! of it is left, and the coupons some rewards issue.
//!
//! [`Catalog::new`] validates rewards as written; [`Reward::check_redemption`] decides whether a
//! member may redeem one now (tier, validity window, stock, per-member limit); [`Coupon`]
//! decides what a coupon is worth for a basket ([`Coupon::discount_for`]); [`decide_close`]
//! whether a redemption may be fulfilled or cancelled. The points
//! themselves are debited and restored by the ledger ([`crate::ledger`]).

mod catalog;
mod coupon;
mod lifecycle;
mod redeem;
mod validate;

pub use catalog::{Catalog, CouponTerms, Reward, RewardKind};
pub use coupon::{Coupon, CouponRefusal, CouponStanding, CouponState};
pub use lifecycle::{Closable, CloseRefusal, Closing, RedemptionState, decide_close};
pub use redeem::{QUANTITY_MAX, RedemptionFacts, RewardRefusal};
pub use validate::unknown_tier;
