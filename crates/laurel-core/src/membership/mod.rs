//! Paid membership: plans a member pays a fee for, term by term, for benefits that hold exactly
//! over the terms paid — a tier held whatever the tier metric says, an earn multiplier, and
//! perks in words.
//!
//! A [`Membership`] runs one [`Term`] at a time. While it is `active` it renews at the end of
//! each term (from the member's wallet, or when the business's billing calls); `ending` runs
//! to the end of the term it is in and stops; `ended` gives nothing. A first term may be a
//! free trial. Cancelling at once ends the term at that instant, with a pro-rata refund where
//! the plan gives one. In the books a term's fee is revenue earned evenly over the term.

mod lifecycle;
mod plan;
mod term;

pub use lifecycle::{
    EndReason, LAPSE_AFTER_DAYS, Membership, MembershipRefusal, MembershipState, PayWith,
    RENEWAL_OPENS_DAYS, Renewal, When,
};
pub use plan::{
    CancelRefund, MEMBERSHIP_RULE_PREFIX, MembershipPlan, MembershipPlans, PlanBenefits, TermLength,
};
pub use term::Term;
