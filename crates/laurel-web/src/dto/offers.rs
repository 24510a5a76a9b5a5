//! A member's personal offers, as `api/offers.rs` serves them.

use laurel_core::offers::{OfferReason, OfferSubject};
use laurel_engine::OfferView;
use serde::Serialize;
use utoipa::ToSchema;

/// The offers that fit a member best, best first.
#[derive(Serialize, ToSchema)]
pub struct OffersResponse {
    /// The member.
    pub member_id: i64,
    /// The offers, best first.
    pub offers: Vec<OfferBody>,
}

/// What an offer is.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OfferKind {
    /// A reward of the catalog.
    Reward,
    /// An earning rule: a bonus the member can earn.
    Rule,
}

/// One offer: a reward or rule, how well it fits and why.
#[derive(Serialize, ToSchema)]
pub struct OfferBody {
    /// A reward or a rule.
    pub kind: OfferKind,
    /// The reward's or rule's id.
    #[schema(example = "coffee_bonus")]
    pub id: String,
    /// Its name, in English (or as written).
    #[schema(example = "Coffee bonus")]
    pub name: String,
    /// Points one unit costs (rewards only).
    pub cost: Option<i64>,
    /// How well it fits: only the order means something.
    pub score: u32,
    /// The strongest reason it fits.
    pub reason: OfferReasonBody,
}

/// Why an offer fits: a stable code, English words and the figures they quote (each null
/// when the code has none).
#[derive(Serialize, ToSchema)]
pub struct OfferReasonBody {
    /// `buys_in_category`, `can_afford_now`, `points_short`, `reaches_next_tier`,
    /// `win_back`, `tier_perk`, `uses_coupons`, `birthday` or `open_to_you`.
    #[schema(example = "buys_in_category")]
    pub code: String,
    /// The reason in English.
    #[schema(example = "75% of their spend in the last year was on Coffee")]
    pub words: String,
    /// The category's code (`buys_in_category`).
    pub category: Option<String>,
    /// Whole percent of their spend (`buys_in_category`) or purchases (`uses_coupons`).
    pub share_percent: Option<u32>,
    /// Points still needed for one unit (`points_short`).
    pub points: Option<i64>,
    /// The tier: the next (`reaches_next_tier`) or theirs (`tier_perk`).
    pub tier: Option<String>,
    /// How much more of the tier metric qualifies (`reaches_next_tier`), a decimal.
    #[schema(example = "600")]
    pub needed: Option<String>,
    /// What `needed` counts: `spend` (in the program's currency), `purchases` or
    /// `points_earned`.
    pub metric: Option<String>,
}

impl OffersResponse {
    /// The response for `member_id`.
    pub fn new(member_id: i64, offers: Vec<OfferView>) -> OffersResponse {
        OffersResponse {
            member_id,
            offers: offers.into_iter().map(OfferBody::from).collect(),
        }
    }
}

impl From<OfferView> for OfferBody {
    fn from(view: OfferView) -> OfferBody {
        let offer = view.offer;
        let (kind, cost) = match &offer.subject {
            OfferSubject::Reward { cost, .. } => (OfferKind::Reward, Some(cost.get())),
            OfferSubject::Rule { .. } => (OfferKind::Rule, None),
        };
        let mut reason = OfferReasonBody {
            code: offer.reason.code().to_owned(),
            words: view.words,
            category: None,
            share_percent: None,
            points: None,
            tier: None,
            needed: None,
            metric: None,
        };
        match offer.reason {
            OfferReason::BuysInCategory {
                category,
                share_percent,
            } => {
                reason.category = Some(category);
                reason.share_percent = Some(share_percent);
            }
            OfferReason::UsesCoupons { share_percent } => {
                reason.share_percent = Some(share_percent);
            }
            OfferReason::PointsShort { points } => reason.points = Some(points.get()),
            OfferReason::ReachesNextTier {
                tier,
                needed,
                metric,
            } => {
                reason.tier = Some(tier);
                reason.needed = Some(super::decimal(needed));
                reason.metric = Some(metric.as_str().to_owned());
            }
            OfferReason::TierPerk { tier } => reason.tier = Some(tier),
            OfferReason::CanAffordNow
            | OfferReason::WinBack
            | OfferReason::Birthday
            | OfferReason::OpenToYou => {}
        }
        OfferBody {
            kind,
            id: offer.subject.id().to_owned(),
            name: view.name.fallback().to_owned(),
            cost,
            score: offer.score,
            reason,
        }
    }
}
