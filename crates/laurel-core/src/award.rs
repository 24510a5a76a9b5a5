//! What one purchase or event is awarded in all: the rules' grants (the base earn first), the
//! tier's bonus on the base, a referral's welcome, within the most one command may move.

use crate::earn::EarnError;
use crate::points::POINTS_MAX;
use crate::program::Program;
use crate::referrals::ReferralPolicy;
use crate::rules::{BASE_RULE_ID, EarnContext, Earning, RuleSet, evaluate};
use crate::tiers::TierPolicy;

/// The parts of a program an award is decided by.
#[derive(Debug, Clone, Copy)]
pub struct AwardTerms<'a> {
    /// The program (base rate, rounding, time zone).
    pub program: &'a Program,
    /// Its earning rules.
    pub rules: &'a RuleSet,
    /// Its tiers, whose multiplier adds a bonus on the base earn.
    pub tiers: Option<&'a TierPolicy>,
    /// The paid membership plan in force for the member at the activity, whose multiplier
    /// adds a bonus on the base earn too.
    pub membership: Option<&'a crate::membership::MembershipPlan>,
}

/// What the activity in `context` earns under `terms`. `referral` is the referral policy when
/// this purchase pays out the buyer's referral (whether it does is the caller's to find out):
/// its welcome grant comes last. Out of range when the total passes [`POINTS_MAX`].
pub fn award(
    terms: AwardTerms<'_>,
    context: &EarnContext,
    referral: Option<&ReferralPolicy>,
) -> Result<Earning, EarnError> {
    let mut earning = evaluate(terms.program, terms.rules, context)?;
    if let Some(policy) = terms.tiers {
        let base = earning.points_of(BASE_RULE_ID);
        let tier = context.member.tier.as_deref();
        if let Some(grant) = policy.bonus_grant(tier, base, terms.program.rounding)? {
            earning.total += grant.points;
            earning.grants.push(grant);
        }
    }
    if let Some(plan) = terms.membership {
        let base = earning.points_of(BASE_RULE_ID);
        if let Some(grant) = plan.bonus_grant(base, terms.program.rounding)? {
            earning.total += grant.points;
            earning.grants.push(grant);
        }
    }
    if let Some(grant) = referral.and_then(ReferralPolicy::referee_grant) {
        earning.total += grant.points;
        earning.grants.push(grant);
    }
    if earning.total.get() > POINTS_MAX {
        return Err(EarnError::OutOfRange);
    }
    Ok(earning)
}
