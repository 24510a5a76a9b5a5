//! The program file's `[[partners]]`: the coalition's other businesses and the prices their
//! points settle at; and the check that every rule and reward naming a partner names one.

use super::Words;
use crate::decimal;
use laurel_core::issue::Issue;
use laurel_core::message;
use laurel_core::partners::{PartnerSpec, Partners};
use laurel_core::rewards::Catalog;
use laurel_core::rules::RuleSet;
use rust_decimal::Decimal;
use serde::Deserialize;

/// One `[[partners]]` table.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PartnerSection {
    code: String,
    name: Words,
    #[serde(deserialize_with = "decimal::deserialize")]
    price_per_point: Decimal,
    #[serde(deserialize_with = "decimal::deserialize")]
    reimbursement_per_point: Decimal,
}

/// The sections as checked partners, or every problem with its key.
pub(super) fn convert(sections: Vec<PartnerSection>) -> Result<Partners, Vec<Issue>> {
    Partners::new(
        sections
            .into_iter()
            .map(|s| PartnerSpec {
                code: s.code,
                name: s.name.0,
                price_per_point: s.price_per_point,
                reimbursement_per_point: s.reimbursement_per_point,
            })
            .collect(),
    )
}

/// A problem for each rule and reward naming a partner the program does not have. The rules
/// are keyed by their place in the file, which their evaluation order is not: `written` gives
/// each rule id's index as written.
pub(super) fn unknown_partners(
    rules: &RuleSet,
    written: &[String],
    catalog: &Catalog,
    partners: &Partners,
) -> Vec<Issue> {
    let unknown = |key: String, code: &str| {
        let known: Vec<&str> = partners.all().iter().map(|p| p.code.as_str()).collect();
        Issue::new(
            key,
            message!(
                "no partner has the code `{code}`; the program's partners: {known}",
                code = code,
                known = if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                }
            ),
        )
    };
    let mut issues = Vec::new();
    for rule in rules.in_order() {
        if let Some(code) = rule.partner.as_deref().filter(|c| !partners.knows(c)) {
            let i = written.iter().position(|id| *id == rule.id).unwrap_or(0);
            issues.push(unknown(format!("rules[{i}].partner"), code));
        }
    }
    for (i, reward) in catalog.rewards().iter().enumerate() {
        if let Some(code) = reward.partner.as_deref().filter(|c| !partners.knows(c)) {
            issues.push(unknown(format!("rewards[{i}].partner"), code));
        }
    }
    issues.sort_by(|a, b| a.key.cmp(&b.key));
    issues
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use crate::program_file::{MINIMAL_PROGRAM, ProgramDefinition, ProgramFileError};
    use std::path::Path;

    fn parse_program(text: &str) -> Result<ProgramDefinition, ProgramFileError> {
        crate::program_file::parse_program(text, Path::new("p.toml"))
    }

    const CAFE: &str = "[[partners]]\ncode = \"cafe\"\nname = \"Corner Café\"\n\
        price_per_point = \"0.01\"\nreimbursement_per_point = \"0.008\"\n";

    #[test]
    fn partners_rules_and_rewards_are_read_with_their_partner() {
        let text = format!(
            "{MINIMAL_PROGRAM}{CAFE}[[rules]]\nid = \"cafe_earn\"\nname = \"Café points\"\n\
             partner = \"cafe\"\neffect = {{ points_per_unit = 2 }}\n\
             [[rewards]]\nid = \"cafe_latte\"\nname = \"Latte\"\ntype = \"physical_gift\"\n\
             cost = 300\npartner = \"cafe\"\n"
        );
        let d = parse_program(&text).unwrap_or_else(|e| panic!("{e:?}"));
        let cafe = d.partners.get("cafe").unwrap();
        assert_eq!(cafe.reimbursement_per_point.to_string(), "0.008");
        assert_eq!(
            d.rules.get("cafe_earn").unwrap().partner.as_deref(),
            Some("cafe")
        );
        assert_eq!(
            d.catalog.get("cafe_latte").unwrap().partner.as_deref(),
            Some("cafe")
        );
    }

    #[test]
    fn a_rule_or_reward_naming_no_partner_of_the_program_is_refused_at_its_key() {
        let text = format!(
            "{MINIMAL_PROGRAM}{CAFE}[[rules]]\nid = \"a\"\nname = \"A\"\n\
             effect = {{ fixed = 1 }}\n[[rules]]\nid = \"b\"\nname = \"B\"\npriority = 5\n\
             partner = \"bakery\"\neffect = {{ fixed = 1 }}\n\
             [[rewards]]\nid = \"r\"\nname = \"R\"\ntype = \"physical_gift\"\ncost = 1\n\
             partner = \"deli\"\n"
        );
        let problems = parse_program(&text)
            .err()
            .map(|e| e.problems)
            .unwrap_or_default();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("rewards[0].partner"), "{problems:?}");
        assert!(problems[1].contains("rules[1].partner") && problems[1].contains("cafe"));
    }

    #[test]
    fn a_partners_rule_earning_on_a_base_is_refused() {
        let text = format!(
            "{MINIMAL_PROGRAM}{CAFE}[[rules]]\nid = \"x\"\nname = \"X\"\npartner = \"cafe\"\n\
             effect = {{ multiplier = 2 }}\n"
        );
        let problems = parse_program(&text)
            .err()
            .map(|e| e.problems)
            .unwrap_or_default();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("rules[0].effect"), "{problems:?}");
    }
}
