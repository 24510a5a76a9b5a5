//! The program file's `[referrals]`: what a referral pays and its limits.

use crate::decimal;
use laurel_core::Points;
use laurel_core::issue::Issue;
use laurel_core::referrals::ReferralPolicy;
use rust_decimal::Decimal;
use serde::Deserialize;

/// `[referrals]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ReferralsSection {
    #[serde(default)]
    referrer_points: i64,
    #[serde(default)]
    referee_points: i64,
    #[serde(default, deserialize_with = "decimal::deserialize_option")]
    min_purchase: Option<Decimal>,
    within_days: Option<u32>,
    max_per_referrer: Option<u32>,
    #[serde(default = "reverse_on_refund")]
    reverse_on_refund: bool,
}

/// A referral paid for a purchase that was then returned in full is taken back unless the
/// program says otherwise.
fn reverse_on_refund() -> bool {
    true
}

/// Turns the section into a validated policy, or every problem with its key.
pub(super) fn convert(section: ReferralsSection) -> Result<ReferralPolicy, Vec<Issue>> {
    ReferralPolicy::new(ReferralPolicy {
        referrer_points: Points(section.referrer_points),
        referee_points: Points(section.referee_points),
        min_purchase: section.min_purchase.unwrap_or_default(),
        within_days: section.within_days,
        max_per_referrer: section.max_per_referrer,
        reverse_on_refund: section.reverse_on_refund,
    })
}
