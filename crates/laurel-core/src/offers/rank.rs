//! Ranking: each reward and rule the member could take up, scored by its reasons.

use super::eligible::rule_open_to;
use super::facts::{OfferFacts, OfferProgram, percent_of};
use super::reason::OfferReason;
use super::weights::*;
use super::{Offer, OfferSubject};
use crate::rewards::{RedemptionFacts, Reward};
use crate::rules::{Condition, EarningRule, Trigger};
use crate::tiers::TierMetric;
use jiff::Timestamp;
use rust_decimal::Decimal;

/// Every reward the member may redeem (points aside) and every rule they could still trigger,
/// best fit first; equal scores keep the catalog's order, rewards before rules.
pub fn rank_offers(program: OfferProgram<'_>, facts: &OfferFacts, now: Timestamp) -> Vec<Offer> {
    let rewards = program
        .catalog
        .rewards()
        .iter()
        .filter_map(|reward| reward_offer(reward, facts, now));
    let rules = program
        .rules
        .in_order()
        .iter()
        .filter(|rule| rule_open_to(rule, facts, program.program, now))
        .map(|rule| rule_offer(rule, &program, facts));
    let mut offers: Vec<Offer> = rewards.chain(rules).collect();
    // Stable: equal scores keep the order they were made in.
    offers.sort_by_key(|offer| std::cmp::Reverse(offer.score));
    offers
}

/// The offer of a reward the member may redeem by the catalog's rules; `None` when they may not.
fn reward_offer(reward: &Reward, facts: &OfferFacts, now: Timestamp) -> Option<Offer> {
    let (by_member, in_all) = facts.redeemed.get(&reward.id).copied().unwrap_or((0, 0));
    let cost = reward
        .check_redemption(&RedemptionFacts {
            tier: facts.member.tier.clone(),
            segments: facts.member.segments.clone(),
            redeemed_by_member: by_member,
            redeemed_in_all: in_all,
            quantity: 1,
            now,
        })
        .ok()?;
    let mut reasons = Vec::new();
    let short = cost.get().saturating_sub(facts.available.get());
    if short <= 0 {
        reasons.push((CAN_AFFORD_NOW, OfferReason::CanAffordNow));
        if facts.lapsing() {
            reasons.push((WIN_BACK, OfferReason::WinBack));
        }
    } else {
        let held = percent_of(facts.available.get(), cost.get());
        let weight = if held >= POINTS_SHORT_FROM_PERCENT {
            POINTS_SHORT_MAX * held / 100
        } else {
            0
        };
        reasons.push((
            weight,
            OfferReason::PointsShort {
                points: crate::Points(short),
            },
        ));
    }
    if let Some(tier) = tier_only(&reward.tiers, facts) {
        reasons.push((TIER_PERK, OfferReason::TierPerk { tier }));
    }
    let coupons = facts.spend.coupon_percent();
    if reward.kind.issues_coupon() && coupons > 0 {
        reasons.push((
            USES_COUPONS_MAX * coupons / 100,
            OfferReason::UsesCoupons {
                share_percent: coupons,
            },
        ));
    }
    Some(offer(
        OfferSubject::Reward {
            id: reward.id.clone(),
            cost,
        },
        reasons,
    ))
}

/// The offer of a rule the member could trigger.
fn rule_offer(rule: &EarningRule, program: &OfferProgram<'_>, facts: &OfferFacts) -> Offer {
    let mut reasons = Vec::new();
    for condition in &rule.conditions {
        match condition {
            Condition::CategoryIn(categories) => {
                let best = categories
                    .iter()
                    .map(|c| (facts.spend.share_percent(c), c))
                    // The first of equal shares, as the program lists them.
                    .fold(None::<(u32, &String)>, |best, (share, c)| match best {
                        Some((top, _)) if top >= share => best,
                        _ => Some((share, c)),
                    });
                if let Some((share, category)) = best.filter(|(share, _)| *share > 0) {
                    reasons.push((
                        BUYS_IN_CATEGORY_MAX * share / 100,
                        OfferReason::BuysInCategory {
                            category: category.clone(),
                            share_percent: share,
                        },
                    ));
                }
            }
            Condition::TierIn(tiers) => {
                if let Some(tier) = tier_only(tiers, facts) {
                    reasons.push((TIER_PERK, OfferReason::TierPerk { tier }));
                }
            }
            // The rule is offered only when the birthday holds today.
            Condition::Birthday(_) => reasons.push((BIRTHDAY, OfferReason::Birthday)),
            _ => {}
        }
    }
    if rule.trigger == Trigger::Purchase {
        if let Some(reason) = next_tier_near(program, facts) {
            reasons.push((REACHES_NEXT_TIER, reason));
        }
        if facts.lapsing() {
            reasons.push((WIN_BACK, OfferReason::WinBack));
        }
    }
    offer(
        OfferSubject::Rule {
            id: rule.id.clone(),
        },
        reasons,
    )
}

/// The member's tier when `tiers` names only some tiers and theirs among them.
fn tier_only(tiers: &[String], facts: &OfferFacts) -> Option<String> {
    facts
        .member
        .tier
        .clone()
        .filter(|tier| !tiers.is_empty() && tiers.contains(tier))
}

/// The next tier as a reason, when what it still takes is within the member's usual
/// [`NEXT_TIER_REACH_ORDERS`] orders.
fn next_tier_near(program: &OfferProgram<'_>, facts: &OfferFacts) -> Option<OfferReason> {
    let metric = program.tiers?.metric;
    let next = facts.progress.as_ref()?.next.as_ref()?;
    let orders = Decimal::from(NEXT_TIER_REACH_ORDERS);
    let average_order = || {
        facts
            .spend
            .average_order_minor()
            .map(|minor| Decimal::new(minor, program.program.currency.minor_digits()))
    };
    let reach = match metric {
        TierMetric::Purchases => Some(orders),
        TierMetric::Spend => average_order().map(|order| order * orders),
        TierMetric::PointsEarned => {
            average_order().map(|order| order * program.program.points_per_unit * orders)
        }
    }?;
    (next.needed > Decimal::ZERO && next.needed <= reach).then(|| OfferReason::ReachesNextTier {
        tier: next.tier.id.clone(),
        needed: next.needed,
        metric,
    })
}

/// An offer scored by its reasons, told by the one that weighed most (the first of equals).
fn offer(subject: OfferSubject, reasons: Vec<(u32, OfferReason)>) -> Offer {
    let score = OPEN_TO_YOU + reasons.iter().map(|(weight, _)| weight).sum::<u32>();
    let reason = reasons
        .into_iter()
        .fold(
            None::<(u32, OfferReason)>,
            |best, (weight, reason)| match best {
                Some((top, _)) if top >= weight => best,
                _ => Some((weight, reason)),
            },
        )
        .map_or(OfferReason::OpenToYou, |(_, reason)| reason);
    Offer {
        subject,
        score,
        reason,
    }
}
