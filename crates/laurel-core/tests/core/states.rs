//! States are stored by a stable name: each reads back as itself, and a name no state has is
//! refused with the kind of state it was read as.

use laurel_core::rewards::RedemptionState;
use laurel_core::{CouponStatus, MemberStatus, ReferralStatus};
use std::fmt::Display;
use std::str::FromStr;

fn round_trips<T: Copy + PartialEq + std::fmt::Debug + Display + FromStr>(all: &[T])
where
    T::Err: std::fmt::Debug,
{
    for state in all {
        assert_eq!(state.to_string().parse::<T>().ok(), Some(*state));
    }
}

#[test]
fn every_state_reads_back_from_its_stable_name() {
    round_trips(MemberStatus::ALL);
    round_trips(CouponStatus::ALL);
    round_trips(ReferralStatus::ALL);
    round_trips(RedemptionState::ALL);
    assert_eq!(MemberStatus::Suspended.as_str(), "suspended");
    assert_eq!(CouponStatus::Consumed.as_str(), "consumed");
    assert_eq!(ReferralStatus::Reversed.as_str(), "reversed");
}

#[test]
fn a_name_no_state_has_is_refused_naming_the_kind() {
    let refused = "frozen".parse::<MemberStatus>().unwrap_err();
    assert_eq!(refused.to_string(), "`frozen` is not a member status");
}
