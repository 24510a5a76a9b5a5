//! The commands the write path executes: one per kind of ledger change, validated before they
//! are queued.

use crate::earning::validate::{ValidEvent, ValidGuestPurchase, ValidPurchase};
use crate::members::enroll::ValidEnrollment;
use crate::refunds::validate::ValidRefund;
use crate::requests::{
    AdjustRequest, AssignTierRequest, EventRequest, MemberRef, PurchaseRequest, RedeemRequest,
    RedeemRewardRequest,
};
use crate::wallet::validate::{Closing, ValidHold, ValidIssue, ValidWallet, WalletRef};
use jiff::Timestamp;
use laurel_core::rules::Basket;
use laurel_store::{MemberId, RedemptionId};

/// A unit of work for the write path.
#[derive(Debug, Clone)]
pub(crate) enum Command {
    /// Enroll a member.
    Enroll(ValidEnrollment),
    /// Give a member enrolled before referrals existed their code.
    AssignReferralCode(MemberId),
    Purchase(ValidPurchase),
    /// A purchase by a customer who is not a member.
    GuestPurchase(ValidGuestPurchase),
    Event(ValidEvent),
    Refund(ValidRefund),
    Redeem(RedeemRequest),
    Adjust {
        request: AdjustRequest,
        actor: String,
        /// The adjuster's role, whose cap the program in force at the write decides.
        role: crate::staff::Role,
        /// The approval it carries, when a second staff member approved it: the request is
        /// approved in the transaction that writes it, or nothing is written.
        approval: Option<laurel_store::ApprovalClaim>,
    },
    Expire {
        member: MemberId,
        now: Timestamp,
    },
    Release {
        member: MemberId,
        now: Timestamp,
    },
    ReviewTier {
        member: MemberId,
        now: Timestamp,
    },
    AssignTier {
        request: AssignTierRequest,
        actor: String,
        /// The approval it carries (see `Adjust`).
        approval: Option<laurel_store::ApprovalClaim>,
    },
    RedeemReward(RedeemRewardRequest),
    /// Cancel or fulfil a redemption of `member`'s.
    CloseRedemption {
        member: MemberId,
        redemption: RedemptionId,
        closing: laurel_core::rewards::Closing,
        actor: String,
    },
    /// Use (with a basket) or release (without) a coupon of `member`'s on `order`.
    UseCoupon {
        member: MemberId,
        code: String,
        order: String,
        basket: Option<Basket>,
    },
    /// A move on a member's wallet; `actor` is recorded on it.
    Wallet {
        request: ValidWallet,
        actor: String,
    },
    /// Issue a batch of gift cards.
    IssueGiftCards {
        batch: ValidIssue,
        actor: String,
    },
    /// Activate a gift card sold.
    ActivateGiftCard {
        card: i64,
        actor: String,
    },
    /// Load a gift card's value into a member's wallet.
    LoadGiftCard {
        card: i64,
        member: i64,
        actor: String,
    },
    /// Hold wallet value at a checkout.
    Hold {
        request: ValidHold,
        actor: String,
    },
    /// Buy a membership.
    JoinMembership {
        request: crate::memberships::validate::ValidJoin,
        actor: String,
    },
    /// Renew a membership of the request's member.
    RenewMembership {
        request: crate::memberships::validate::ValidRenew,
        actor: String,
    },
    /// Cancel a membership of `member`'s, or do what the memberships job finds due.
    Membership {
        membership: i64,
        member: MemberId,
        ask: crate::memberships::validate::MembershipAsk,
        actor: String,
    },
    /// Hold a member's points at a checkout.
    HoldPoints {
        request: crate::point_holds::validate::ValidPointHold,
        actor: String,
    },
    /// Capture, void or lapse a hold of `member`'s points.
    ClosePointHold {
        hold: i64,
        member: MemberId,
        closing: crate::point_holds::validate::PointClosing,
        actor: String,
    },
    /// Make, join, approve or leave a household.
    Household {
        ask: crate::households::validate::HouseholdAsk,
    },
    /// Send points from one member to another.
    Transfer {
        request: crate::transfers::validate::ValidTransfer,
        actor: Option<String>,
    },
    /// Erase a member's personal data, forfeiting their points; for the retention policy,
    /// only if they are active and did nothing since `inactive_before`.
    Erase {
        member: MemberId,
        actor: String,
        inactive_before: Option<Timestamp>,
    },
    /// A reviewer closes a fraud case.
    ReviewFraud {
        case: i64,
        action: crate::fraud::review::ReviewAction,
        actor: String,
    },
    /// Capture, void or lapse a hold on `member`'s wallet.
    CloseHold {
        hold: i64,
        member: MemberId,
        closing: Closing,
        actor: String,
    },
}

impl Command {
    /// The member the command concerns, used to spread commands over writers so one member's
    /// commands reach one writer, batch after batch in arrival order.
    pub fn shard_key(&self) -> String {
        match self {
            Command::Enroll(e) => format!("x:{}", e.member.external_id),
            Command::AssignReferralCode(member) => format!("m:{}", member.0),
            Command::Purchase(p) => match &p.request.member {
                MemberRef::Id(id) => format!("m:{id}"),
                MemberRef::External(ext) => format!("x:{ext}"),
            },
            Command::GuestPurchase(p) => format!("g:{}:{}", p.request.channel, p.request.order_id),
            Command::Event(e) => match &e.request.member {
                MemberRef::Id(id) => format!("m:{id}"),
                MemberRef::External(ext) => format!("x:{ext}"),
            },
            Command::Refund(r) => format!("p:{}", r.request.purchase_id),
            Command::Redeem(r) => format!("m:{}", r.member_id),
            Command::Adjust { request, .. } => format!("m:{}", request.member_id),
            Command::Expire { member, .. }
            | Command::Release { member, .. }
            | Command::ReviewTier { member, .. } => format!("m:{}", member.0),
            Command::AssignTier { request, .. } => format!("m:{}", request.member_id),
            Command::RedeemReward(r) => format!("m:{}", r.member_id),
            Command::CloseRedemption { member, .. } | Command::UseCoupon { member, .. } => {
                format!("m:{}", member.0)
            }
            Command::Wallet { request, .. } => match request.wallet {
                WalletRef::Member(id) => format!("m:{id}"),
                WalletRef::GiftCard(id) => format!("g:{id}"),
            },
            Command::Hold { request, .. } => format!("m:{}", request.request.member_id),
            Command::IssueGiftCards { batch, .. } => {
                format!("gb:{}", batch.request.idempotency_key)
            }
            Command::ActivateGiftCard { card, .. } | Command::LoadGiftCard { card, .. } => {
                format!("g:{card}")
            }
            Command::CloseHold { member, .. } => format!("m:{}", member.0),
            Command::JoinMembership { request, .. } => format!("m:{}", request.request.member_id),
            Command::RenewMembership { request, .. } => format!("m:{}", request.member.0),
            Command::Membership { member, .. } => format!("m:{}", member.0),
            Command::Transfer { request, .. } => format!("m:{}", request.request.member_id),
            Command::HoldPoints { request, .. } => format!("m:{}", request.request.member_id),
            Command::Household { ask } => format!("m:{}", ask.member().0),
            Command::ClosePointHold { member, .. } => format!("m:{}", member.0),
            Command::Erase { member, .. } => format!("m:{}", member.0),
            Command::ReviewFraud { case, .. } => format!("fc:{case}"),
        }
    }

    /// The member id, when known before executing.
    pub fn member_id(&self) -> Option<MemberId> {
        match self {
            Command::Purchase(ValidPurchase {
                request:
                    PurchaseRequest {
                        member: MemberRef::Id(id),
                        ..
                    },
                ..
            }) => Some(MemberId(*id)),
            Command::Event(ValidEvent {
                request:
                    EventRequest {
                        member: MemberRef::Id(id),
                        ..
                    },
                ..
            }) => Some(MemberId(*id)),
            Command::Redeem(r) => Some(MemberId(r.member_id)),
            Command::Adjust { request, .. } => Some(MemberId(request.member_id)),
            Command::Expire { member, .. }
            | Command::Release { member, .. }
            | Command::ReviewTier { member, .. } => Some(*member),
            Command::AssignTier { request, .. } => Some(MemberId(request.member_id)),
            Command::RedeemReward(r) => Some(MemberId(r.member_id)),
            Command::AssignReferralCode(member) => Some(*member),
            Command::CloseRedemption { member, .. } | Command::UseCoupon { member, .. } => {
                Some(*member)
            }
            Command::Wallet {
                request:
                    ValidWallet {
                        wallet: WalletRef::Member(id),
                        ..
                    },
                ..
            } => Some(MemberId(*id)),
            Command::Hold { request, .. } => Some(MemberId(request.request.member_id)),
            // Locked with the batch's other members, in order: a load locks its member too.
            Command::LoadGiftCard { member, .. } => Some(MemberId(*member)),
            Command::CloseHold { member, .. } => Some(*member),
            Command::JoinMembership { request, .. } => Some(MemberId(request.request.member_id)),
            Command::RenewMembership { request, .. } => Some(request.member),
            Command::Membership { member, .. } => Some(*member),
            Command::Transfer { request, .. } => Some(MemberId(request.request.member_id)),
            Command::HoldPoints { request, .. } => Some(MemberId(request.request.member_id)),
            Command::Household { ask } => Some(ask.member()),
            Command::ClosePointHold { member, .. } => Some(*member),
            Command::Erase { member, .. } => Some(*member),
            _ => None,
        }
    }

    /// The other member a command changes, when it names one: a transfer's receiver. Locked
    /// with the batch's others, in one order, so two transfers the opposite way never wait
    /// on each other's first lock.
    pub fn other_member(&self) -> Option<&MemberRef> {
        match self {
            Command::Transfer { request, .. } => Some(&request.request.to),
            _ => None,
        }
    }

    /// The member's external id, when the command names its member by it.
    pub fn member_external_id(&self) -> Option<&str> {
        match self {
            Command::Purchase(ValidPurchase {
                request:
                    PurchaseRequest {
                        member: MemberRef::External(ext),
                        ..
                    },
                ..
            })
            | Command::Event(ValidEvent {
                request:
                    EventRequest {
                        member: MemberRef::External(ext),
                        ..
                    },
                ..
            }) => Some(ext),
            _ => None,
        }
    }
}
