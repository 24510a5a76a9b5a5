//! What a replay is fed: everything that happened to the program, each at the instant Laurel
//! recorded it (the instant its decision was made at), in the order it was decided.

use crate::rules::{Basket, Event};
use jiff::Timestamp;
use jiff::civil::Date;
use std::collections::BTreeMap;

/// Something that happened, at the instant it was recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct Happening {
    /// When Laurel recorded it: the instant it was decided at.
    pub at: Timestamp,
    /// What happened.
    pub what: What,
}

/// A scheduled job a replay runs for every member at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Job {
    /// Lots past their expiry expire.
    Expiry,
    /// Pending lots past their return window become available.
    Release,
    /// Due tier reviews are held.
    Tiers,
}

/// Why points moved from one member to another, which decides what a replay asks of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferKind {
    /// A member sent them: at the `[transfers]` fee, refused without `[transfers]`.
    Sent,
    /// A household lent them toward a member's spending: no fee, refused without
    /// `[households]`.
    Lent,
    /// A lend given back when the reward it paid for was cancelled: owed whatever the
    /// program offers.
    GivenBack,
}

/// What happened. Members, purchases and redemptions are named by their stored ids.
#[derive(Debug, Clone, PartialEq)]
pub enum What {
    /// A member joined.
    Enrolled {
        /// The member.
        member: i64,
        /// When they joined (in the past for a member brought from elsewhere).
        enrolled_at: Timestamp,
        /// Their birthday.
        birthday: Option<Date>,
        /// Their profile attributes.
        attributes: BTreeMap<String, String>,
        /// The saved segments they are in (as of the last refresh: segments keep no history).
        segments: Vec<String>,
        /// The member who referred them.
        referred_by: Option<i64>,
    },
    /// A member bought.
    Purchased {
        /// The purchase.
        purchase: i64,
        /// The buyer.
        member: i64,
        /// When it happened.
        occurred_at: Timestamp,
        /// The basket as rules see it.
        basket: Basket,
        /// Its total, minor units.
        total_minor: i64,
    },
    /// Part or all of a purchase was refunded.
    Refunded {
        /// The purchase.
        purchase: i64,
        /// Amount given back, minor units.
        amount_minor: i64,
    },
    /// A member's custom event.
    Event {
        /// Whose.
        member: i64,
        /// When it happened.
        occurred_at: Timestamp,
        /// The event as rules see it.
        event: Event,
    },
    /// A member spent points (not on a catalog reward).
    Redeemed {
        /// Whose.
        member: i64,
        /// Points spent.
        points: i64,
    },
    /// Staff (or the program's birthday gift or an automation) credited (above zero) or
    /// debited (below zero) points.
    Adjusted {
        /// Whose.
        member: i64,
        /// Points, signed.
        points: i64,
    },
    /// A member redeemed a catalog reward.
    RewardRedeemed {
        /// The redemption.
        redemption: i64,
        /// Whose.
        member: i64,
        /// The reward.
        reward_id: String,
        /// Units.
        quantity: u32,
    },
    /// A member sent points to another (the fee is the program's in force), or a household
    /// lent a member points toward their spending (no fee).
    Transferred {
        /// Who sent.
        from: i64,
        /// Who received.
        to: i64,
        /// Points sent.
        points: i64,
        /// Sent, lent by a household, or a lend given back.
        kind: TransferKind,
    },
    /// A member's points were held at a checkout.
    PointsHeld {
        /// The hold.
        hold: i64,
        /// Whose.
        member: i64,
        /// Points held.
        points: i64,
    },
    /// A point hold was captured (`captured` of it) and the rest given back; nothing
    /// captured when voided or lapsed.
    PointHoldClosed {
        /// The hold.
        hold: i64,
        /// Points its order took.
        captured: i64,
    },
    /// A redemption was cancelled and its points given back.
    RedemptionCancelled {
        /// The redemption.
        redemption: i64,
    },
    /// Staff assigned a tier.
    TierAssigned {
        /// Whose.
        member: i64,
        /// The tier.
        tier: String,
        /// The reason given.
        reason: String,
        /// Until when.
        until: Option<Timestamp>,
    },
    /// A paid membership's term began or was cut short: `plan` is in force until `until`
    /// (none once `until` has passed).
    MembershipSet {
        /// Whose.
        member: i64,
        /// The plan in force from now, if one is.
        plan: Option<String>,
        /// When the membership began.
        from: Timestamp,
        /// When the term's benefits end.
        until: Timestamp,
    },
    /// A scheduled job ran for every member.
    JobRan {
        /// Which.
        job: Job,
        /// The instant it acted as of.
        as_of: Timestamp,
    },
}

impl What {
    /// Where a command of this kind stands in a batch of the write path: those that read the
    /// ledger ran before those that only append to it. Among those, the write path keeps
    /// arrival order; a replay puts enrollments first, as a member's own purchase cannot
    /// have come before their enrollment.
    pub fn batch_order(&self) -> u8 {
        match self {
            What::Enrolled { .. } => 1,
            What::Purchased { .. } | What::Event { .. } => 2,
            _ => 0,
        }
    }
}
