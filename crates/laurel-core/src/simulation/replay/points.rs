//! A replay's refunds (points taken back in proportion, a referral's payout with a whole
//! refund) and reward redemptions (the catalog's checks, the debit, the lots it drew on).

use super::{Redeemed, Refusal, Replay, ReplayError, Watch};
use crate::Points;
use crate::ledger::{DrawnLot, LotEffect, MemberLedger, Posting};
use crate::referrals::refund_reverses_referral;
use crate::refund::{RefundAsk, RefundablePurchase, decide};
use crate::rewards::RedemptionFacts;
use crate::simulation::TransferKind;
use crate::simulation::terms::Terms;
use jiff::Timestamp;

impl Replay {
    pub(super) fn refund(
        &mut self,
        terms: Terms<'_>,
        purchase: i64,
        amount_minor: i64,
        now: Timestamp,
        watch: &mut impl Watch,
    ) -> Result<(), ReplayError> {
        let Some(&(member, index)) = self.purchases.get(&purchase) else {
            // A purchase the replay refused (too many points) has nothing to refund.
            return Ok(());
        };
        let bought = self
            .member(member)?
            .purchases
            .get(index)
            .cloned()
            .ok_or(ReplayError::UnknownPurchase(purchase))?;
        let refundable = RefundablePurchase {
            total_minor: bought.total_minor,
            refunded_minor: bought.refunded_minor,
            points_earned: Points(bought.points_earned),
            lines: &[],
        };
        let decision = match decide(&refundable, &RefundAsk::Amount(amount_minor)) {
            Ok(decision) => decision,
            Err(refusal) => {
                watch.refused(now, member, &Refusal::Refund(refusal));
                return Ok(());
            }
        };
        let mut reversed = Points::ZERO;
        if decision.points.is_positive() {
            let posting = self
                .member(member)?
                .ledger
                .reverse(bought.lot, decision.points, terms.program.clawback)
                .map_err(|error| ReplayError::Ledger { member, error })?;
            reversed = decision.points - posting.shortfall;
            self.post(member, &posting, now, watch)?;
        }
        let refunded_after = bought.refunded_minor + decision.amount_minor;
        if let Some(b) = self.member_mut(member)?.purchases.get_mut(index) {
            b.refunded_minor = refunded_after;
            b.points_reversed += reversed.get();
        }
        watch.refunded(now, member, decision.amount_minor);
        if !refund_reverses_referral(terms.referrals, bought.total_minor, refunded_after) {
            return Ok(());
        }
        let Some(paid) = self.referrals_paid.remove(&purchase) else {
            return Ok(());
        };
        if paid.points.is_positive() {
            let posting = self
                .member(paid.referrer)?
                .ledger
                .reverse(paid.lot, paid.points, terms.program.clawback)
                .map_err(|error| ReplayError::Ledger {
                    member: paid.referrer,
                    error,
                })?;
            self.post(paid.referrer, &posting, now, watch)?;
        }
        let referrer = self.member_mut(paid.referrer)?;
        referrer.referrals_made = referrer.referrals_made.saturating_sub(1);
        Ok(())
    }

    /// Points held at a checkout, as recorded: refused when the member's points no longer
    /// cover them (and its close then does nothing).
    pub(super) fn hold_points(
        &mut self,
        hold: i64,
        member: i64,
        points: i64,
        now: Timestamp,
        watch: &mut impl Watch,
    ) -> Result<(), ReplayError> {
        let ledger = &self.member(member)?.ledger;
        match ledger.hold(Points(points)) {
            Ok(posting) => {
                let drawn = ledger.drawn_by(&posting);
                self.post(member, &posting, now, watch)?;
                self.point_holds.insert(hold, (member, drawn));
                Ok(())
            }
            Err(e) => {
                watch.refused(now, member, &Refusal::Insufficient(e));
                Ok(())
            }
        }
    }

    /// A point hold's close as recorded: `captured` spent (at most what it holds), the rest
    /// given back into its lots.
    pub(super) fn close_point_hold(
        &mut self,
        hold: i64,
        captured: i64,
        now: Timestamp,
        watch: &mut impl Watch,
    ) -> Result<(), ReplayError> {
        let Some((member, drawn)) = self.point_holds.remove(&hold) else {
            return Ok(());
        };
        let held: Points = drawn.iter().map(|d| d.amount).sum();
        let captured = Points(captured).min(held);
        let left = if captured.is_positive() {
            let c = MemberLedger::capture_hold(&drawn, captured)
                .map_err(|error| ReplayError::Ledger { member, error })?;
            self.post(member, &c.posting, now, watch)?;
            c.left
        } else {
            drawn
        };
        if !left.is_empty() {
            let posting = self
                .member(member)?
                .ledger
                .release_hold(&left, now)
                .map_err(|error| ReplayError::Ledger { member, error })?;
            self.post(member, &posting, now, watch)?;
        }
        Ok(())
    }

    /// A transfer as recorded, at the fee of the program in force: refused when it allows
    /// none or the sender's points no longer cover it and its fee. A household's lending
    /// takes no fee and needs no `[transfers]`, but a program with `[households]`; a lend
    /// given back is owed whatever the program offers.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn transfer(
        &mut self,
        terms: Terms<'_>,
        from: i64,
        to: i64,
        points: i64,
        kind: TransferKind,
        now: Timestamp,
        watch: &mut impl Watch,
    ) -> Result<(), ReplayError> {
        let points = Points(points);
        let fee = match (kind, terms.transfers) {
            (TransferKind::GivenBack, _) => Points::ZERO,
            (TransferKind::Lent, _) if terms.households.is_none() => {
                watch.refused(now, to, &Refusal::HouseholdsNotOffered);
                return Ok(());
            }
            (TransferKind::Lent, _) => Points::ZERO,
            (TransferKind::Sent, Some(policy)) => policy.fee.on(points),
            (TransferKind::Sent, None) => {
                watch.refused(now, from, &Refusal::TransfersNotOffered);
                return Ok(());
            }
        };
        let sent = match self.member(from)?.ledger.send(points, fee) {
            Ok(sent) => sent,
            Err(e) => {
                watch.refused(now, from, &Refusal::Insufficient(e));
                return Ok(());
            }
        };
        let received = self
            .member(to)?
            .ledger
            .receive(&sent.carried, now)
            .map_err(|error| ReplayError::Ledger { member: to, error })?;
        if let Some(fee) = &sent.fee {
            self.post(from, fee, now, watch)?;
        }
        self.post(from, &sent.out, now, watch)?;
        self.post(to, &received, now, watch)?;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn redeem_reward(
        &mut self,
        terms: Terms<'_>,
        redemption: i64,
        member: i64,
        reward_id: &str,
        quantity: u32,
        now: Timestamp,
        watch: &mut impl Watch,
    ) -> Result<(), ReplayError> {
        let Some(reward) = terms.catalog.get(reward_id) else {
            watch.refused(now, member, &Refusal::Reward(None));
            return Ok(());
        };
        let m = self.member(member)?;
        let facts = RedemptionFacts {
            tier: m.tier.tier.clone(),
            segments: m.segments.clone(),
            redeemed_by_member: m.reward_units.get(reward_id).copied().unwrap_or(0),
            redeemed_in_all: self.reward_units.get(reward_id).copied().unwrap_or(0),
            quantity,
            now,
        };
        let cost = match reward.check_redemption(&facts) {
            Ok(cost) => cost,
            Err(refusal) => {
                watch.refused(now, member, &Refusal::Reward(Some(refusal)));
                return Ok(());
            }
        };
        let posting = match m.ledger.redeem(cost) {
            Ok(posting) => posting,
            Err(e) => {
                watch.refused(now, member, &Refusal::Insufficient(e));
                return Ok(());
            }
        };
        let drawn = drawn_lots(&m.ledger, &posting);
        self.post(member, &posting, now, watch)?;
        let units = u64::from(quantity);
        *self
            .member_mut(member)?
            .reward_units
            .entry(reward_id.to_owned())
            .or_default() += units;
        *self.reward_units.entry(reward_id.to_owned()).or_default() += units;
        self.redemptions.insert(
            redemption,
            Redeemed {
                member,
                reward_id: reward_id.to_owned(),
                quantity: units,
                drawn,
            },
        );
        Ok(())
    }
}

/// The lots a debit draws on, with what their restoring needs, read before it is applied.
fn drawn_lots(ledger: &MemberLedger, posting: &Posting) -> Vec<DrawnLot> {
    posting
        .lots
        .iter()
        .filter_map(|effect| match *effect {
            LotEffect::Draw { lot, amount } => {
                let held = ledger.lots.iter().find(|l| l.id == lot)?;
                Some(DrawnLot {
                    lot,
                    amount,
                    earned_at: held.earned_at,
                    expires_at: held.expires_at,
                })
            }
            _ => None,
        })
        .collect()
}
