//! Personal offers: the rewards and earning rules of the program ranked by how well they fit
//! one member — the categories they buy, how often they use coupons, their tier and what would
//! take them to the next, what they can afford, whether they are lapsing — each with the
//! reason it ranks where it does, as data the caller words in its own language.
//!
//! [`rank_offers`] takes the program ([`OfferProgram`]), the member's facts ([`OfferFacts`])
//! and `now`. Only what the member could take up is offered: rewards they may redeem by the
//! catalog's rules (being short of points aside: that is a reason of its own) and rules they
//! could still trigger (active today, for their tier, not used up). The weights behind a score
//! are in [`weights`], each with why it weighs what it does.

mod eligible;
mod facts;
mod rank;
mod reason;
pub mod weights;

pub use eligible::rule_open_to;
pub use facts::{CategorySpend, OfferFacts, OfferProgram, SpendFacts};
pub use rank::rank_offers;
pub use reason::OfferReason;

use crate::points::Points;

/// What an offer puts before the member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfferSubject {
    /// A reward of the catalog, with what one unit costs.
    Reward {
        /// The reward's id.
        id: String,
        /// Points one unit costs.
        cost: Points,
    },
    /// An earning rule (a bonus the member can earn).
    Rule {
        /// The rule's id.
        id: String,
    },
}

impl OfferSubject {
    /// The reward's or rule's id.
    pub fn id(&self) -> &str {
        match self {
            OfferSubject::Reward { id, .. } | OfferSubject::Rule { id } => id,
        }
    }

    /// `reward` or `rule`: the stable name of the kind.
    pub fn kind(&self) -> &'static str {
        match self {
            OfferSubject::Reward { .. } => "reward",
            OfferSubject::Rule { .. } => "rule",
        }
    }
}

/// One offer: what it is, how well it fits and the strongest reason why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    /// The reward or rule.
    pub subject: OfferSubject,
    /// How well it fits, the sum of its reasons' weights: higher ranks first.
    pub score: u32,
    /// The reason that weighed most.
    pub reason: OfferReason,
}
