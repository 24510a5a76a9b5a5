//! What a command answered, as the write path hands it back to the `Engine` call that queued it.

use crate::outcomes::{
    EventOutcome, GuestPurchaseOutcome, PostingOutcome, PurchaseOutcome, RefundOutcome,
};
use crate::rewards::views::{CouponUseOutcome, RedemptionOutcome};
use crate::wallet::views::{
    GiftCardLoad, GiftCardView, HoldOutcome, IssuedGiftCards, WalletOutcome,
};
use laurel_core::Points;
use laurel_store::Member;

/// What a command answered.
#[derive(Debug, Clone)]
pub(crate) enum Outcome {
    Enrolled(Member),
    Purchase(PurchaseOutcome),
    GuestPurchase(GuestPurchaseOutcome),
    Event(EventOutcome),
    Refund(RefundOutcome),
    Posting(PostingOutcome),
    Job(Points),
    /// Tier reviews: how many changed the member's tier.
    Reviewed(u64),
    /// A manual tier assignment was stored.
    TierAssigned,
    /// A reward redeemed, cancelled or fulfilled.
    Redemption(RedemptionOutcome),
    /// A coupon used or released.
    CouponUse(CouponUseOutcome),
    /// A wallet move.
    Wallet(WalletOutcome),
    /// Gift cards issued.
    GiftCards(IssuedGiftCards),
    /// A gift card activated.
    GiftCard(GiftCardView),
    /// A gift card's value loaded into a member's wallet.
    GiftCardLoad(GiftCardLoad),
    /// A hold placed, captured, voided or lapsed.
    Hold(HoldOutcome),
    /// A membership bought, renewed, cancelled or acted on by its job (`None`: nothing due).
    Membership(Option<crate::memberships::views::MembershipOutcome>),
    Transfer(crate::transfers::views::TransferOutcome),
    PointHold(crate::point_holds::views::PointHoldOutcome),
    Household(Option<crate::households::views::HouseholdView>),
    /// A member erased (`None`: the retention policy's erasure found them active again).
    Erased(Option<crate::privacy::views::ErasureOutcome>),
    /// A fraud case closed.
    FraudCase(crate::fraud::views::FraudCaseView),
}
