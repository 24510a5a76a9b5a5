//! Personal offers: a member's facts loaded (their spend per category over the last year,
//! coupons used, tier progress, scores, redemptions and rule usage), ranked by the core
//! (`laurel_core::offers`), each with its reason in English words beside its data.
//!
//! A member who withdrew from profiling is offered the same rewards and rules, ranked only by
//! what the program's terms already use — their points, tier and its progress, birthday,
//! first purchase, limits used — never by their behaviour: no spend per category, no coupon
//! habit, no RFM segment or churn risk, no saved segments (they are in none).

use crate::Engine;
use crate::error::{EngineError, Result};
use crate::program_file::ProgramDefinition;
use crate::tiers::measure;
use jiff::{SignedDuration, Timestamp};
use laurel_core::Localized;
use laurel_core::insight::RfmSegment;
use laurel_core::insight::clv::ChurnRiskLevel;
use laurel_core::offers::{
    Offer, OfferFacts, OfferProgram, OfferReason, OfferSubject, SpendFacts, rank_offers,
};
use laurel_core::rules::{LimitKind, MemberFacts, usage_periods};
use laurel_core::tiers::TierMetric;
use laurel_store::{Member, MemberId};

/// How far back a member's buying counts: a year, so every season is in it once.
pub const SPEND_WINDOW: SignedDuration = SignedDuration::from_hours(24 * 365);

/// The most offers one call answers.
pub const OFFERS_MAX: usize = 200;

/// An offer with what people read of it.
#[derive(Debug, Clone, PartialEq)]
pub struct OfferView {
    /// The reward or rule, its score and its reason as data.
    pub offer: Offer,
    /// The reward's or rule's name.
    pub name: Localized,
    /// The reason in English.
    pub words: String,
}

impl Engine {
    /// The rewards and rules that fit the member best at `now`, at most `limit` of them (up to
    /// [`OFFERS_MAX`]), best first.
    pub async fn offers(
        &self,
        member_id: i64,
        now: Timestamp,
        limit: usize,
    ) -> Result<Vec<OfferView>> {
        let member = self
            .store()
            .member(MemberId(member_id))
            .await?
            .ok_or_else(|| EngineError::UnknownMember(member_id.to_string()))?;
        let definition = self.definition();
        let mut facts = self.offer_facts(&definition, &member, now).await?;
        if !self.consents(member_id).await?.profiling() {
            facts = unprofiled(facts);
        }
        let program = OfferProgram {
            program: &definition.program,
            rules: &definition.rules,
            tiers: definition.tiers.as_ref(),
            catalog: &definition.catalog,
        };
        Ok(rank_offers(program, &facts, now)
            .into_iter()
            .take(limit.min(OFFERS_MAX))
            .map(|offer| OfferView {
                name: offer_name(&definition, &offer.subject),
                words: offer_reason(&definition, &offer.reason),
                offer,
            })
            .collect())
    }

    /// What offers are ranked from, read from the store.
    async fn offer_facts(
        &self,
        definition: &ProgramDefinition,
        member: &Member,
        now: Timestamp,
    ) -> Result<OfferFacts> {
        let (store, program) = (self.store(), &definition.program);
        let (spend, insight, out, mine, segments) = tokio::try_join!(
            store.member_spend(member.id, now - SPEND_WINDOW, now),
            store.member_insight(member.id),
            store.reward_units_out(),
            store.member_reward_units_all(member.id),
            store.member_segments(member.id),
        )?;
        let progress = match &definition.tiers {
            Some(policy) => {
                let window = policy.activity_window(now, &program.time_zone);
                let value = measure(store, program, policy, member.id, window).await?;
                Some(policy.progress(&member.tier, value, window))
            }
            None => None,
        };
        let units = |list: &[(String, u64)], id: &str| {
            list.iter().find(|(r, _)| r == id).map_or(0, |(_, n)| *n)
        };
        let redeemed = definition
            .catalog
            .rewards()
            .iter()
            .map(|r| (r.id.clone(), (units(&mine, &r.id), units(&out, &r.id))))
            .collect();
        Ok(OfferFacts {
            available: laurel_core::Points(member.available),
            member: MemberFacts {
                tier: member.tier.tier.clone(),
                attributes: member.profile.attributes.clone(),
                birthday: member.profile.birthday,
                first_purchase: !spend.ever_bought,
                segments,
            },
            progress,
            spend: spend.window,
            segment: insight
                .as_ref()
                .and_then(|i| i.segment.parse::<RfmSegment>().ok()),
            risk: insight
                .as_ref()
                .and_then(|i| i.risk.as_deref())
                .and_then(ChurnRiskLevel::parse),
            redeemed,
            usage: self.rule_usage_now(definition, member.id, now).await?,
        })
    }

    /// What the limited rules already granted in the day, week and month of `now` and ever.
    async fn rule_usage_now(
        &self,
        definition: &ProgramDefinition,
        member: MemberId,
        now: Timestamp,
    ) -> Result<laurel_core::rules::RuleUsage> {
        let limited = |kinds: &[LimitKind]| -> Vec<String> {
            definition
                .rules
                .in_order()
                .iter()
                .filter(|rule| kinds.iter().any(|k| rule.limits.get(*k).is_some()))
                .map(|rule| rule.id.clone())
                .collect()
        };
        let on_member = limited(&[
            LimitKind::PerMemberDay,
            LimitKind::PerMemberWeek,
            LimitKind::PerMemberMonth,
            LimitKind::PerMemberLifetime,
        ]);
        let on_campaign = limited(&[LimitKind::CampaignBudget]);
        if on_member.is_empty() && on_campaign.is_empty() {
            return Ok(laurel_core::rules::RuleUsage::new());
        }
        let periods = usage_periods(&definition.program, now)
            .map_err(|e| EngineError::Internal(e.to_string()))?;
        let mut tx = self.store().begin_read().await?;
        let usage = tx
            .rule_usage(member, &on_member, &on_campaign, &periods)
            .await?;
        tx.rollback().await?;
        Ok(usage)
    }
}

/// `facts` without what was learnt from the member's behaviour (see the module's words).
fn unprofiled(facts: OfferFacts) -> OfferFacts {
    OfferFacts {
        spend: SpendFacts::default(),
        segment: None,
        risk: None,
        member: MemberFacts {
            segments: Vec::new(),
            ..facts.member
        },
        ..facts
    }
}

/// The reward's or rule's name as the program writes it.
fn offer_name(definition: &ProgramDefinition, subject: &OfferSubject) -> Localized {
    let name = match subject {
        OfferSubject::Reward { id, .. } => definition.catalog.get(id).map(|r| &r.name),
        OfferSubject::Rule { id } => definition.rules.get(id).map(|r| &r.name),
    };
    name.cloned()
        .unwrap_or_else(|| Localized::from(subject.id()))
}

/// Why an offer fits, in English: categories and tiers by their English names.
pub fn offer_reason(definition: &ProgramDefinition, reason: &OfferReason) -> String {
    let tier_name = |id: &str| {
        definition
            .tiers
            .as_ref()
            .and_then(|p| p.tier(id))
            .map_or(id.to_owned(), |t| t.name.get("en").to_owned())
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
                .map_or(category.as_str(), |n| n.get("en"));
            format!("{share_percent}% of their spend in the last year was on {name}")
        }
        OfferReason::CanAffordNow => "enough points to redeem it now".to_owned(),
        OfferReason::PointsShort { points } => format!("{} points short", points.get()),
        OfferReason::ReachesNextTier {
            tier,
            needed,
            metric,
        } => {
            let needed = needed.normalize();
            let more = match metric {
                TierMetric::Spend => format!("{needed} {} more spend", definition.program.currency),
                TierMetric::Purchases => format!("{needed} more purchases"),
                TierMetric::PointsEarned => format!("{needed} more points earned"),
            };
            format!("{more} reaches {}", tier_name(tier))
        }
        OfferReason::WinBack => "a reason to come back after a long gap".to_owned(),
        OfferReason::TierPerk { tier } => format!("only for {} members", tier_name(tier)),
        OfferReason::UsesCoupons { share_percent } => {
            format!("used a coupon on {share_percent}% of purchases")
        }
        OfferReason::Birthday => "a birthday bonus, open now".to_owned(),
        OfferReason::OpenToYou => "open to this member".to_owned(),
    }
}
