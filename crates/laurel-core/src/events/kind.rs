//! The kinds of domain events, by their stable dotted names (`points.earned`), and a set of
//! them small enough to copy into every write batch.

use crate::ledger::PostingKind;
use crate::states;

states! {
    /// Something that happened in the program that systems outside may want to hear of.
    pub enum EventKind ("event type") {
        /// A member joined.
        MemberEnrolled = "member.enrolled",
        /// Staff suspended a member.
        MemberSuspended = "member.suspended",
        /// Staff reactivated a suspended member.
        MemberReactivated = "member.reactivated",
        /// A member's personal data was erased (their points forfeited): systems that copied
        /// it should erase theirs.
        MemberErased = "member.erased",
        /// A purchase or event earned points (pending or available).
        PointsEarned = "points.earned",
        /// Pending points became available after the return window.
        PointsReleased = "points.released",
        /// A member spent points.
        PointsRedeemed = "points.redeemed",
        /// Points reached their expiry.
        PointsExpired = "points.expired",
        /// An erased member's points were forfeited.
        PointsForfeited = "points.forfeited",
        /// Staff credited or debited points.
        PointsAdjusted = "points.adjusted",
        /// A refund took points back.
        PointsReversed = "points.reversed",
        /// A cancelled redemption gave its points back.
        PointsRestored = "points.restored",
        /// A member sent points to another member (and paid the transfer's fee).
        PointsSent = "points.sent",
        /// A member received points another member sent.
        PointsReceived = "points.received",
        /// Points were held at a checkout.
        PointsHeld = "points.held",
        /// A checkout hold's order took its points (in whole or part).
        PointsHoldCaptured = "points.hold_captured",
        /// Held points went back to the member (not captured, voided, or the hold lapsed).
        PointsHoldReleased = "points.hold_released",
        /// A member's tier changed (upgrade, review, or staff).
        TierChanged = "tier.changed",
        /// A member redeemed a reward from the catalog.
        RewardRedeemed = "reward.redeemed",
        /// A coupon was used on an order.
        CouponUsed = "coupon.used",
        /// A referrer was paid for a friend's qualifying purchase.
        ReferralPaid = "referral.paid",
        /// A new program version was stored.
        ProgramApplied = "program.applied",
        /// A letter for a member's phone: for the SMS provider subscribed to it.
        MessageSms = "message.sms",
        /// A letter for a member's app: for the push provider subscribed to it.
        MessagePush = "message.push",
        /// An automation acted on a member.
        AutomationFired = "automation.fired",
        /// A member bought a paid membership.
        MembershipStarted = "membership.started",
        /// A paid membership was renewed for its next term.
        MembershipRenewed = "membership.renewed",
        /// A paid membership was cancelled (at its term's end, or at once).
        MembershipCancelled = "membership.cancelled",
        /// A paid membership ran out unrenewed, or its renewal could not be paid.
        MembershipEnded = "membership.ended",
    }
}

states! {
    /// Where one event's delivery to one subscriber stands.
    pub enum DeliveryState ("delivery state") {
        /// Waiting for its first or next attempt.
        Pending = "pending",
        /// The subscriber answered 2xx.
        Delivered = "delivered",
        /// Retried for a day without success: dead-lettered until replayed.
        Failed = "failed",
    }
}

impl EventKind {
    /// The event a posting of `kind` is told as.
    pub fn of_posting(kind: PostingKind) -> EventKind {
        match kind {
            PostingKind::Earn => EventKind::PointsEarned,
            PostingKind::Release => EventKind::PointsReleased,
            PostingKind::Redeem => EventKind::PointsRedeemed,
            PostingKind::Expire => EventKind::PointsExpired,
            PostingKind::Forfeit => EventKind::PointsForfeited,
            PostingKind::Reverse => EventKind::PointsReversed,
            PostingKind::AdjustCredit | PostingKind::AdjustDebit => EventKind::PointsAdjusted,
            PostingKind::Restore => EventKind::PointsRestored,
            PostingKind::TransferOut | PostingKind::TransferFee => EventKind::PointsSent,
            PostingKind::TransferIn => EventKind::PointsReceived,
            PostingKind::Hold => EventKind::PointsHeld,
            PostingKind::HoldCapture => EventKind::PointsHoldCaptured,
            PostingKind::HoldRelease => EventKind::PointsHoldReleased,
        }
    }

    fn bit(self) -> u32 {
        let position = EventKind::ALL
            .iter()
            .position(|k| *k == self)
            .unwrap_or_default();
        1 << position
    }
}

/// A set of event kinds: those some subscriber listens to. The write path skips writing an
/// event nobody listens to, so a program without subscribers pays nothing for events.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EventKinds(u32);

impl EventKinds {
    /// No kind.
    pub const NONE: EventKinds = EventKinds(0);

    /// The set as bits, to keep in an atomic.
    pub fn bits(self) -> u32 {
        self.0
    }

    /// The set from [`EventKinds::bits`]; bits of no kind are dropped.
    pub fn from_bits(bits: u32) -> EventKinds {
        EventKinds(bits & EventKinds::all().0)
    }

    /// Every kind.
    pub fn all() -> EventKinds {
        EventKind::ALL.iter().copied().collect()
    }

    /// Whether `kind` is in the set.
    pub fn contains(self, kind: EventKind) -> bool {
        self.0 & kind.bit() != 0
    }

    /// The set with `kind` in it.
    pub fn with(self, kind: EventKind) -> EventKinds {
        EventKinds(self.0 | kind.bit())
    }

    /// Both sets together.
    pub fn union(self, other: EventKinds) -> EventKinds {
        EventKinds(self.0 | other.0)
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The kinds in the set, in declaration order.
    pub fn iter(self) -> impl Iterator<Item = EventKind> {
        EventKind::ALL
            .iter()
            .copied()
            .filter(move |k| self.contains(*k))
    }
}

impl FromIterator<EventKind> for EventKinds {
    fn from_iter<I: IntoIterator<Item = EventKind>>(kinds: I) -> EventKinds {
        kinds.into_iter().fold(EventKinds::NONE, EventKinds::with)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_bit_of_its_own() {
        assert!(EventKind::ALL.len() <= 32);
        let all = EventKinds::all();
        assert_eq!(all.iter().count(), EventKind::ALL.len());
        for kind in EventKind::ALL {
            let one = EventKinds::NONE.with(*kind);
            assert_eq!(one.iter().collect::<Vec<_>>(), vec![*kind]);
        }
    }

    #[test]
    fn a_set_survives_its_bits_and_drops_unknown_ones() {
        let set: EventKinds = [EventKind::PointsEarned, EventKind::TierChanged]
            .into_iter()
            .collect();
        assert_eq!(EventKinds::from_bits(set.bits()), set);
        assert_eq!(EventKinds::from_bits(u32::MAX), EventKinds::all());
        assert!(!set.contains(EventKind::PointsExpired));
    }

    #[test]
    fn every_posting_is_told_as_a_points_event() {
        for kind in PostingKind::ALL {
            assert!(EventKind::of_posting(kind).as_str().starts_with("points."));
        }
    }

    #[test]
    fn names_are_dotted_and_parse_back() {
        for kind in EventKind::ALL {
            assert_eq!(kind.as_str().parse::<EventKind>(), Ok(*kind));
            assert_eq!(kind.as_str().matches('.').count(), 1);
        }
        assert!("points.stolen".parse::<EventKind>().is_err());
    }
}
