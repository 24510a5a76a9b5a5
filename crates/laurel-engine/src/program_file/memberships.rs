//! The program file's `[[memberships]]`: plans a member pays a fee for, term by term — the
//! fee in the program's currency, the term (`month` or `year`), a trial, what cancelling
//! gives back, and the benefits (a tier, an earn multiplier, perks in words).

use super::Words;
use crate::decimal;
use crate::requests::AMOUNT_MINOR_MAX;
use laurel_core::issue::{Issue, Issues};
use laurel_core::membership::{
    CancelRefund, MembershipPlan, MembershipPlans, PlanBenefits, TermLength,
};
use laurel_core::{Currency, Money, message};
use rust_decimal::Decimal;
use serde::Deserialize;

/// `[[memberships]]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PlanSection {
    id: String,
    name: Words,
    #[serde(deserialize_with = "decimal::deserialize")]
    fee: Decimal,
    term: TermName,
    #[serde(default = "renews")]
    auto_renew: bool,
    #[serde(default)]
    trial_days: u32,
    #[serde(default)]
    cancel_refund: RefundName,
    #[serde(default)]
    tier: Option<String>,
    #[serde(default, deserialize_with = "decimal::deserialize_option")]
    earn_multiplier: Option<Decimal>,
    #[serde(default)]
    perks: Vec<Words>,
}

fn renews() -> bool {
    true
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum TermName {
    Month,
    Year,
}

#[derive(Deserialize, Clone, Copy, Default)]
#[serde(rename_all = "snake_case")]
enum RefundName {
    #[default]
    None,
    ProRata,
}

/// Turns the sections into validated plans for a program in `currency` (when it is known)
/// with tiers `tier_ids` (when they parsed: a plan's tier cannot be checked against tiers
/// that did not), or every problem with its key.
pub(super) fn convert(
    sections: Vec<PlanSection>,
    currency: Option<Currency>,
    tier_ids: Option<&[String]>,
) -> Result<MembershipPlans, Vec<Issue>> {
    let mut issues = Issues::under("");
    let plans: Vec<MembershipPlan> = sections
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let fee = currency.map_or(1, |currency| {
                match Money::new(s.fee, currency).and_then(Money::to_minor) {
                    Ok(m) if (0..=AMOUNT_MINOR_MAX).contains(&m) => m,
                    Ok(_) | Err(laurel_core::MoneyError::OutOfRange(_)) => {
                        issues.add(
                            format!("memberships[{i}].fee"),
                            message!("is out of range: {got}", got = s.fee),
                        );
                        1
                    }
                    Err(e) => {
                        issues.add(
                            format!("memberships[{i}].fee"),
                            message!("{why}", why = e.to_string()),
                        );
                        1
                    }
                }
            });
            MembershipPlan {
                id: s.id,
                name: s.name.0,
                fee,
                term: match s.term {
                    TermName::Month => TermLength::Month,
                    TermName::Year => TermLength::Year,
                },
                auto_renew: s.auto_renew,
                trial_days: s.trial_days,
                cancel_refund: match s.cancel_refund {
                    RefundName::None => CancelRefund::None,
                    RefundName::ProRata => CancelRefund::ProRata,
                },
                benefits: PlanBenefits {
                    tier: s.tier,
                    earn_multiplier: s.earn_multiplier.unwrap_or(Decimal::ONE),
                    perks: s.perks.into_iter().map(|w| w.0).collect(),
                },
            }
        })
        .collect();
    issues.result(())?;
    let tiers: Vec<String> = match tier_ids {
        Some(ids) => ids.to_vec(),
        None => plans
            .iter()
            .filter_map(|p| p.benefits.tier.clone())
            .collect(),
    };
    let tiers: Vec<&str> = tiers.iter().map(String::as_str).collect();
    MembershipPlans::new(plans, &tiers)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use crate::program_file::{MINIMAL_PROGRAM, parse_program};
    use laurel_core::membership::{CancelRefund, TermLength};
    use std::path::Path;

    #[test]
    fn plans_are_read_in_minor_units_with_their_benefits() {
        let none = parse_program(MINIMAL_PROGRAM, Path::new("p.toml")).unwrap();
        assert!(none.memberships.is_empty());
        let text = format!(
            "{MINIMAL_PROGRAM}[[memberships]]\nid = \"plus\"\n\
             name = {{ en = \"Plus\", zh-CN = \"会员\" }}\nfee = \"99.00\"\nterm = \"year\"\n\
             trial_days = 14\ncancel_refund = \"pro_rata\"\nearn_multiplier = \"2\"\n\
             perks = [\"Free delivery\"]\n"
        );
        let definition = parse_program(&text, Path::new("p.toml")).unwrap();
        let plan = definition.memberships.plan("plus").unwrap();
        assert_eq!(plan.fee, 9_900);
        assert_eq!(plan.term, TermLength::Year);
        assert!(plan.auto_renew);
        assert_eq!(plan.trial_days, 14);
        assert_eq!(plan.cancel_refund, CancelRefund::ProRata);
        assert_eq!(plan.benefits.earn_multiplier, rust_decimal::Decimal::TWO);
        assert_eq!(plan.name.get("zh-CN"), "会员");
    }

    fn keys(text: &str) -> Vec<String> {
        let Err(e) = parse_program(text, Path::new("p.toml")) else {
            panic!("refused");
        };
        e.issues.into_iter().map(|i| i.key).collect()
    }

    #[test]
    fn every_problem_of_a_plan_is_named_at_its_key() {
        let text = format!(
            "{MINIMAL_PROGRAM}[[memberships]]\nid = \"plus\"\nname = \"Plus\"\n\
             fee = \"0.001\"\nterm = \"month\"\n"
        );
        assert_eq!(keys(&text), ["memberships[0].fee"]);
        let text = format!(
            "{MINIMAL_PROGRAM}[[memberships]]\nid = \"plus\"\nname = \"\"\nfee = \"10\"\n\
             term = \"year\"\ntier = \"gold\"\n[[memberships]]\nid = \"plus\"\nname = \"P\"\n\
             fee = \"10\"\nterm = \"month\"\n"
        );
        assert_eq!(
            keys(&text),
            [
                "memberships[0].name",
                "memberships[0].tier",
                "memberships[1].id"
            ]
        );
    }
}
