//! Executing one command inside the write path's transaction: each kind goes to its feature.

use crate::earning::execute as earning;
use crate::error::Result;
use crate::jobs::execute as jobs;
use crate::jobs::execute::Job;
use crate::members::enroll;
use crate::memberships::execute as memberships;
use crate::point_holds::execute as point_holds;
use crate::points::execute as points;
use crate::referrals::execute as referrals;
use crate::refunds::execute as refunds;
use crate::rewards::execute as rewards;
use crate::tiers::execute as tiers;
use crate::transfers::execute as transfers;
use crate::wallet::execute as wallet;
use crate::wallet::gift_cards::execute as gift_cards;
use crate::wallet::holds::execute as holds;
use crate::write::command::Command;
use crate::write::context::Context;
use crate::write::outcome::Outcome;
use laurel_store::Tx;

/// Executes `command` under `ctx` in `tx`.
pub(crate) async fn execute(tx: &mut Tx, ctx: &Context<'_>, command: &Command) -> Result<Outcome> {
    match command {
        Command::Enroll(e) => enroll::execute(tx, ctx, e).await.map(Outcome::Enrolled),
        Command::AssignReferralCode(member) => referrals::assign_code(tx, *member)
            .await
            .map(Outcome::Enrolled),
        Command::Purchase(p) => earning::purchase(tx, ctx, p).await.map(Outcome::Purchase),
        Command::GuestPurchase(p) => crate::earning::guest::guest_purchase(tx, ctx, p)
            .await
            .map(Outcome::GuestPurchase),
        Command::Event(e) => earning::event(tx, ctx, e).await.map(Outcome::Event),
        Command::Refund(r) => refunds::refund(tx, ctx, r).await.map(Outcome::Refund),
        Command::Redeem(r) => points::redeem(tx, ctx, r).await.map(Outcome::Posting),
        Command::Adjust {
            request,
            actor,
            role,
            approval,
        } => points::adjust(tx, ctx, request, actor, *role, approval.as_ref())
            .await
            .map(Outcome::Posting),
        Command::Expire { member, now } => jobs::scheduled(tx, ctx, *member, *now, Job::Expire)
            .await
            .map(Outcome::Job),
        Command::Release { member, now } => jobs::scheduled(tx, ctx, *member, *now, Job::Release)
            .await
            .map(Outcome::Job),
        Command::ReviewTier { member, now } => tiers::review(tx, ctx, *member, *now)
            .await
            .map(Outcome::Reviewed),
        Command::AssignTier {
            request,
            actor,
            approval,
        } => tiers::assign(tx, ctx, request, actor, approval.as_ref())
            .await
            .map(|()| Outcome::TierAssigned),
        Command::RedeemReward(r) => rewards::redeem(tx, ctx, r).await.map(Outcome::Redemption),
        Command::CloseRedemption {
            member,
            redemption,
            closing,
            actor,
        } => rewards::close(tx, ctx, *member, *redemption, *closing, actor)
            .await
            .map(Outcome::Redemption),
        Command::UseCoupon {
            member,
            code,
            order,
            basket,
        } => rewards::use_coupon(tx, ctx, *member, code, order, basket.as_ref())
            .await
            .map(Outcome::CouponUse),
        Command::Wallet { request, actor } => wallet::wallet(tx, ctx, request, actor)
            .await
            .map(Outcome::Wallet),
        Command::IssueGiftCards { batch, actor } => gift_cards::issue(tx, ctx, batch, actor)
            .await
            .map(Outcome::GiftCards),
        Command::ActivateGiftCard { card, actor } => gift_cards::activate(tx, ctx, *card, actor)
            .await
            .map(Outcome::GiftCard),
        Command::LoadGiftCard {
            card,
            member,
            actor,
        } => gift_cards::load(tx, ctx, *card, *member, actor)
            .await
            .map(Outcome::GiftCardLoad),
        Command::Hold { request, actor } => holds::place(tx, ctx, request, actor)
            .await
            .map(Outcome::Hold),
        Command::CloseHold {
            hold,
            member,
            closing,
            actor,
        } => holds::close(tx, ctx, *hold, *member, *closing, actor)
            .await
            .map(Outcome::Hold),
        Command::JoinMembership { request, actor } => memberships::join(tx, ctx, request, actor)
            .await
            .map(|m| Outcome::Membership(Some(m))),
        Command::RenewMembership { request, actor } => memberships::renew(tx, ctx, request, actor)
            .await
            .map(|m| Outcome::Membership(Some(m))),
        Command::Membership {
            membership,
            member,
            ask,
            actor,
        } => memberships::act(tx, ctx, *membership, *member, *ask, actor)
            .await
            .map(Outcome::Membership),
        Command::Household { ask } => crate::households::execute::act(tx, ctx, ask)
            .await
            .map(Outcome::Household),
        Command::HoldPoints { request, actor } => point_holds::place(tx, ctx, request, actor)
            .await
            .map(Outcome::PointHold),
        Command::ClosePointHold {
            hold,
            member,
            closing,
            actor,
        } => point_holds::close(tx, ctx, *hold, *member, *closing, actor)
            .await
            .map(Outcome::PointHold),
        Command::Transfer { request, actor } => transfers::send(tx, ctx, request, actor.as_deref())
            .await
            .map(Outcome::Transfer),
        Command::Erase {
            member,
            actor,
            inactive_before,
        } => crate::privacy::erase::erase(tx, ctx, *member, actor, *inactive_before)
            .await
            .map(Outcome::Erased),
        Command::ReviewFraud {
            case,
            action,
            actor,
        } => crate::fraud::review::review(tx, ctx, *case, *action, actor)
            .await
            .map(Outcome::FraudCase),
    }
}
