//! A redemption's life: donations are given at once, gifts and coupons stay open; an open
//! redemption may be fulfilled (not a coupon reward) or cancelled (not once a coupon was used).

use crate::fixtures::dec;
use laurel_core::rewards::{
    Closable, CloseRefusal, Closing, RedemptionState, RewardKind, decide_close,
};

const OPEN_GIFT: Closable<'static> = Closable {
    state: RedemptionState::Issued,
    issued_coupons: false,
    used_on: None,
};

#[test]
fn a_donation_is_given_at_once_and_everything_else_starts_open() {
    let donation = RewardKind::Donation {
        cause: "trees".into(),
    };
    assert_eq!(donation.state_when_redeemed(), RedemptionState::Fulfilled);
    assert_eq!(
        RewardKind::PhysicalGift.state_when_redeemed(),
        RedemptionState::Issued
    );
    let coupon = RewardKind::AmountCoupon { amount: dec("10") };
    assert_eq!(coupon.state_when_redeemed(), RedemptionState::Issued);
}

#[test]
fn an_open_gift_may_be_fulfilled_or_cancelled_and_a_repeat_changes_nothing() {
    assert_eq!(decide_close(OPEN_GIFT, Closing::Fulfil), Ok(true));
    assert_eq!(decide_close(OPEN_GIFT, Closing::Cancel), Ok(true));
    let fulfilled = Closable {
        state: RedemptionState::Fulfilled,
        ..OPEN_GIFT
    };
    assert_eq!(decide_close(fulfilled, Closing::Fulfil), Ok(false));
    assert_eq!(
        decide_close(fulfilled, Closing::Cancel),
        Err(CloseRefusal::AlreadyClosed(RedemptionState::Fulfilled))
    );
}

#[test]
fn a_coupon_reward_is_never_fulfilled_and_cannot_be_cancelled_once_a_coupon_was_used() {
    let coupons = Closable {
        issued_coupons: true,
        ..OPEN_GIFT
    };
    assert_eq!(
        decide_close(coupons, Closing::Fulfil),
        Err(CloseRefusal::NotFulfillable)
    );
    assert_eq!(decide_close(coupons, Closing::Cancel), Ok(true));
    let used = Closable {
        used_on: Some("pos:A-1"),
        ..coupons
    };
    assert_eq!(
        decide_close(used, Closing::Cancel),
        Err(CloseRefusal::CouponUsed("pos:A-1".into()))
    );
}

#[test]
fn states_are_stored_by_a_stable_name() {
    for state in [
        RedemptionState::Issued,
        RedemptionState::Fulfilled,
        RedemptionState::Cancelled,
    ] {
        assert_eq!(state.as_str().parse(), Ok(state));
    }
    assert!("lost".parse::<RedemptionState>().is_err());
}
