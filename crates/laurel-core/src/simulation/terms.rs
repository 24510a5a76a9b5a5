//! The program a replay decides by at each instant: the versions actually in force, or a
//! draft in force from some instant on.

use crate::Program;
use crate::referrals::ReferralPolicy;
use crate::rewards::Catalog;
use crate::rules::RuleSet;
use crate::tiers::TierPolicy;
use jiff::Timestamp;

/// The parts of one program version a replay decides by.
#[derive(Debug, Clone, Copy)]
pub struct Terms<'a> {
    /// The program (currency, rounding, time zone, points' schedule and value).
    pub program: &'a Program,
    /// Earning rules.
    pub rules: &'a RuleSet,
    /// Tiers, if any.
    pub tiers: Option<&'a TierPolicy>,
    /// Rewards.
    pub catalog: &'a Catalog,
    /// Referrals, if offered.
    pub referrals: Option<&'a ReferralPolicy>,
    /// Paid membership plans.
    pub memberships: &'a crate::membership::MembershipPlans,
    /// Members' transfers, if allowed.
    pub transfers: Option<&'a crate::transfers::TransferPolicy>,
    /// Households, if offered.
    pub households: Option<&'a crate::households::HouseholdPolicy>,
}

/// The program in force at any instant.
pub trait Versions {
    /// The terms in force at `at`.
    fn at(&self, at: Timestamp) -> Terms<'_>;
}
