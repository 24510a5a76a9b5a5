//! An earn's grants in words, in the page's language: each recorded grant's sentence written
//! from its stored basis (rule or tier name, effect, spend, base, points, the limit that
//! capped it), never the English sentence the API answers. The staff member page and the
//! portal's history both show them.

use crate::i18n::Locale;
use laurel_core::rules::{Effect, GrantBasis, LimitKind};
use laurel_engine::ProgramDefinition;
use laurel_engine::StoredGrant;
use rust_decimal::Decimal;

/// One recorded grant as a sentence in `l`'s language; a rule or tier `definition` still has
/// is named as it names it in that language, one it no longer has by the name kept.
pub(crate) fn grant(l: Locale, definition: &ProgramDefinition, g: &StoredGrant) -> String {
    let t = l.strings();
    let program = &definition.program;
    let points = l.integer(g.points.get());
    let money = |amount: Decimal| l.amount(amount, program.currency);
    let currency = l.currency_unit(program.currency);
    let sentence = match g.basis(program.currency.minor_digits()) {
        Some(GrantBasis::Base { rate, spend }) => t.fill(
            "grant.base",
            &[
                ("rate", &rate.normalize().to_string()),
                ("currency", currency),
                ("spend", &money(spend)),
                ("points", &points),
            ],
        ),
        Some(GrantBasis::Rule {
            name,
            effect,
            spend,
            base,
        }) => {
            let on = spend.map_or_else(String::new, |s| t.with("grant.on", "spend", &money(s)));
            let what = match effect {
                Effect::PointsPerUnit(rate) => {
                    t.fill(
                        "grant.rate",
                        &[
                            ("rate", &rate.normalize().to_string()),
                            ("currency", currency),
                        ],
                    ) + &on
                }
                Effect::Fixed(n) => t.with("grant.fixed", "n", &l.integer(n.get())),
                Effect::Multiplier(m) => {
                    t.with("grant.multiplier", "m", &m.normalize().to_string()) + &on
                }
                Effect::PercentBonus(p) => {
                    let base = base.map_or_else(String::new, |b| l.integer(b.get()));
                    t.fill(
                        "grant.percent",
                        &[("p", &p.normalize().to_string()), ("base", &base)],
                    ) + &on
                }
            };
            let name = definition
                .rules
                .get(&g.rule_id)
                .map_or(name.as_str(), |rule| l.text(&rule.name));
            t.fill(
                "grant.rule",
                &[("name", name), ("what", &what), ("points", &points)],
            )
        }
        Some(GrantBasis::Tier {
            name,
            multiplier,
            base,
        }) => t.fill(
            "grant.tier",
            &[
                (
                    "name",
                    tier_name(l, definition, &g.rule_id).unwrap_or(&name),
                ),
                ("m", &multiplier.normalize().to_string()),
                ("base", &l.integer(base.get())),
                ("points", &points),
            ],
        ),
        Some(GrantBasis::Membership {
            name,
            multiplier,
            base,
        }) => t.fill(
            "grant.membership",
            &[
                (
                    "name",
                    plan_name(l, definition, &g.rule_id).unwrap_or(&name),
                ),
                ("m", &multiplier.normalize().to_string()),
                ("base", &l.integer(base.get())),
                ("points", &points),
            ],
        ),
        Some(GrantBasis::ReferralWelcome) => t.with("grant.referral_welcome", "points", &points),
        Some(GrantBasis::ReferralBonus { referee }) => t.fill(
            "grant.referral_bonus",
            &[("referee", &referee), ("points", &points)],
        ),
        None => t.fill(
            "grant.unknown",
            &[("rule", &g.rule_id), ("points", &points)],
        ),
    };
    match g.capped_by {
        Some(kind) => sentence + &t.with("grant.capped", "limit", t.get(limit_key(kind))),
        None => sentence,
    }
}

/// The name in `l`'s language of the tier whose bonus `rule_id` (`tier:gold`) is.
/// The plan's name in the page's language, when the program still offers it.
fn plan_name<'a>(l: Locale, definition: &'a ProgramDefinition, rule_id: &str) -> Option<&'a str> {
    let id = rule_id.strip_prefix(laurel_core::membership::MEMBERSHIP_RULE_PREFIX)?;
    Some(l.text(&definition.memberships.plan(id)?.name))
}

fn tier_name<'a>(l: Locale, definition: &'a ProgramDefinition, rule_id: &str) -> Option<&'a str> {
    let id = laurel_core::tiers::tier_of_rule_id(rule_id)?;
    let tier = definition
        .tiers
        .as_ref()?
        .tiers()
        .iter()
        .find(|t| t.id == id)?;
    Some(l.text(&tier.name))
}

fn limit_key(kind: LimitKind) -> &'static str {
    match kind {
        LimitKind::PerTransaction => "grant.per_transaction",
        LimitKind::PerMemberDay => "grant.per_member_day",
        LimitKind::PerMemberWeek => "grant.per_member_week",
        LimitKind::PerMemberMonth => "grant.per_member_month",
        LimitKind::PerMemberLifetime => "grant.per_member_lifetime",
        LimitKind::CampaignBudget => "grant.campaign_budget",
    }
}
