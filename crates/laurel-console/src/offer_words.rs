//! A member's offers as pages show them (the portal's "For you" and the member page's box):
//! each offer's name and its reason in the page's language, from the engine's data.

use crate::i18n::Locale;
use laurel_core::Money;
use laurel_core::offers::{OfferReason, OfferSubject};
use laurel_core::tiers::TierMetric;
use laurel_engine::{OfferView, ProgramDefinition};

/// Offers a page lists.
pub(crate) const OFFERS_SHOWN: usize = 5;

/// One offer in words.
pub(crate) struct OfferLine {
    /// `reward` or `rule`.
    pub kind: &'static str,
    /// The reward's or rule's id.
    pub id: String,
    /// Its name in the page's language.
    pub name: String,
    /// Points one unit costs, for rewards, in the page's numbers.
    pub cost: Option<String>,
    /// The reason it fits, in the page's language.
    pub reason: String,
    /// The reason's stable code, for tests and styling.
    pub code: &'static str,
}

/// Every offer in `l`'s words.
pub(crate) fn offer_lines(
    l: Locale,
    definition: &ProgramDefinition,
    offers: Vec<OfferView>,
) -> Vec<OfferLine> {
    offers
        .into_iter()
        .map(|view| {
            let offer = view.offer;
            OfferLine {
                kind: offer.subject.kind(),
                id: offer.subject.id().to_owned(),
                name: l.text(&view.name).to_owned(),
                cost: match offer.subject {
                    OfferSubject::Reward { cost, .. } => Some(l.integer(cost.get())),
                    OfferSubject::Rule { .. } => None,
                },
                reason: reason(l, definition, &offer.reason),
                code: offer.reason.code(),
            }
        })
        .collect()
}

/// Why an offer fits, in `l`'s words: categories and tiers by their names in that language.
pub(crate) fn reason(l: Locale, definition: &ProgramDefinition, reason: &OfferReason) -> String {
    let t = l.strings();
    let tier_name = |id: &str| {
        definition
            .tiers
            .as_ref()
            .and_then(|p| p.tier(id))
            .map_or(id.to_owned(), |tier| l.text(&tier.name).to_owned())
    };
    match reason {
        OfferReason::BuysInCategory {
            category,
            share_percent,
        } => {
            let name = definition
                .names
                .categories
                .get(category)
                .map_or(category.as_str(), |n| l.text(n));
            t.fill(
                "offers.buys_in_category",
                &[("share", &share_percent.to_string()), ("category", name)],
            )
        }
        OfferReason::CanAffordNow => t.get("offers.can_afford_now").to_owned(),
        OfferReason::PointsShort { points } => {
            t.with("offers.points_short", "points", &l.integer(points.get()))
        }
        OfferReason::ReachesNextTier {
            tier,
            needed,
            metric,
        } => {
            let currency = definition.program.currency;
            let (key, amount) = match metric {
                TierMetric::Spend => (
                    "offers.reaches_by_spend",
                    Money::new(*needed, currency)
                        .map_or_else(|_| needed.normalize().to_string(), |m| l.money(m)),
                ),
                TierMetric::Purchases => (
                    "offers.reaches_by_purchases",
                    needed.normalize().to_string(),
                ),
                TierMetric::PointsEarned => {
                    ("offers.reaches_by_points", needed.normalize().to_string())
                }
            };
            t.fill(key, &[("n", &amount), ("tier", &tier_name(tier))])
        }
        OfferReason::WinBack => t.get("offers.win_back").to_owned(),
        OfferReason::TierPerk { tier } => t.with("offers.tier_perk", "tier", &tier_name(tier)),
        OfferReason::UsesCoupons { share_percent } => {
            t.with("offers.uses_coupons", "share", &share_percent.to_string())
        }
        OfferReason::Birthday => t.get("offers.birthday").to_owned(),
        OfferReason::OpenToYou => t.get("offers.open_to_you").to_owned(),
    }
}
