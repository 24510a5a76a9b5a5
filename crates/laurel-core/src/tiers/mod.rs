//! Tiers: status levels (Silver, Gold…) a member qualifies for by a metric over a window.
//!
//! A [`TierPolicySpec`] is what a program file says; [`TierPolicy::new`] validates it. The
//! policy then decides, from a member's [`TierStatus`] and the value of the qualifying metric
//! the caller measured over the window the policy names ([`TierPolicy::activity_window`],
//! [`TierPolicy::review_window`]):
//! - after each activity ([`TierPolicy::after_activity`]): an upgrade as soon as the member
//!   qualifies for a higher tier; never a downgrade;
//! - at a review ([`TierPolicy::review`], when [`TierStatus::review_at`] is due): a member
//!   who no longer qualifies gets a grace period to requalify, then goes down at most
//!   `max_steps_down` tiers; manual assignments hold until their end date;
//! - on an admin's assignment ([`TierPolicy::assign`]).
//!
//! Every change comes out as a [`TierChange`] for the history. Benefits ([`TierBenefits`])
//! are the earn multiplier on the base earn ([`TierPolicy::bonus_grant`]), a checkout discount
//! ([`TierPolicy::discount_for`], after any coupon), and named perks.

mod decide;
mod discount;
mod policy;
mod progress;
mod reviews;
mod window;

pub use decide::{
    ManualTier, PaidTier, TIER_RULE_PREFIX, TierChange, TierChangeReason, TierDecision, TierStatus,
    tier_of_rule_id, tier_rule_id,
};
pub use discount::tier_discount;
pub use policy::{
    Tier, TierBenefits, TierIssue, TierMetric, TierPolicy, TierPolicySpec, TierWindow,
};
pub use progress::{NextTier, TierProgress};
pub use reviews::{REVIEWS_PER_RUN_MAX, ReviewRun};
pub use window::Window;
