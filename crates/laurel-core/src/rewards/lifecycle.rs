//! A redemption's life: the state it starts in, and whether it may be fulfilled or cancelled.

use super::catalog::RewardKind;

crate::states! {
    /// Where a redemption stands.
    pub enum RedemptionState ("redemption state") {
        /// Redeemed; coupons unused or a gift not yet handed over.
        Issued = "issued",
        /// Handed over by staff, or given the moment it was redeemed (a donation).
        Fulfilled = "fulfilled",
        /// Cancelled: its points were returned.
        Cancelled = "cancelled",
    }
}

impl RewardKind {
    /// The state a redemption of this kind starts in: open while there is something left to
    /// hand over or use (a gift, an experience, coupons); a donation is given at once.
    pub fn state_when_redeemed(&self) -> RedemptionState {
        if self.needs_fulfilment() || self.issues_coupon() {
            RedemptionState::Issued
        } else {
            RedemptionState::Fulfilled
        }
    }
}

/// What staff do to an open redemption.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closing {
    /// Mark it handed over.
    Fulfil,
    /// Take it back: points restored, stock returned, coupons cancelled.
    Cancel,
}

impl Closing {
    /// The state it leaves the redemption in.
    pub fn target(self) -> RedemptionState {
        match self {
            Closing::Fulfil => RedemptionState::Fulfilled,
            Closing::Cancel => RedemptionState::Cancelled,
        }
    }
}

/// A redemption as closing it sees it.
#[derive(Debug, Clone, Copy)]
pub struct Closable<'a> {
    /// Where it stands.
    pub state: RedemptionState,
    /// Whether it issued coupons (a coupon reward is used at a till, not fulfilled).
    pub issued_coupons: bool,
    /// The order one of its coupons was used on, if any was.
    pub used_on: Option<&'a str>,
}

/// Why a redemption cannot be closed so.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CloseRefusal {
    /// It was already closed the other way.
    #[error("the redemption is already {0}")]
    AlreadyClosed(RedemptionState),
    /// A coupon reward is used by consuming its coupons, not fulfilled.
    #[error("a coupon reward is used by consuming its coupons, not fulfilled")]
    NotFulfillable,
    /// One of its coupons was used, on this order: it cannot be taken back.
    #[error("a coupon of it was used on order {0}")]
    CouponUsed(String),
}

/// Whether `closing` changes the redemption: `Ok(false)` when it is already so (a repeat
/// answers as the first time), `Ok(true)` when it is to be done.
pub fn decide_close(redemption: Closable<'_>, closing: Closing) -> Result<bool, CloseRefusal> {
    if redemption.state == closing.target() {
        return Ok(false);
    }
    if redemption.state != RedemptionState::Issued {
        return Err(CloseRefusal::AlreadyClosed(redemption.state));
    }
    match closing {
        Closing::Fulfil if redemption.issued_coupons => Err(CloseRefusal::NotFulfillable),
        Closing::Cancel if redemption.used_on.is_some() => Err(CloseRefusal::CouponUsed(
            redemption.used_on.unwrap_or_default().to_owned(),
        )),
        _ => Ok(true),
    }
}
