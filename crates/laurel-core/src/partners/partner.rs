//! `[[partners]]`: the businesses in the coalition and the prices their points settle at.

use crate::issue::{Issue, Issues};
use crate::localized::Localized;
use crate::message;
use rust_decimal::Decimal;

/// The longest partner code accepted.
pub const PARTNER_CODE_MAX: usize = 40;
/// The most decimal places a price per point may have: fractions of a minor unit are common
/// (¥0.005 a point), finer ones are a typo.
pub const PRICE_DIGITS_MAX: u32 = 6;

/// A partner as written.
#[derive(Debug, Clone, PartialEq)]
pub struct PartnerSpec {
    /// Stable code: keys, rules, rewards and statements name the partner by it.
    pub code: String,
    /// What people call the partner, per language if written so.
    pub name: Localized,
    /// What the partner pays the program for each point it issues.
    pub price_per_point: Decimal,
    /// What the program pays the partner for each point members spend there.
    pub reimbursement_per_point: Decimal,
}

/// A checked partner.
#[derive(Debug, Clone, PartialEq)]
pub struct Partner {
    /// Stable code.
    pub code: String,
    /// What people call it.
    pub name: Localized,
    /// What it pays the program per point it issues, in the program's currency.
    pub price_per_point: Decimal,
    /// What the program pays it per point burned there, in the program's currency.
    pub reimbursement_per_point: Decimal,
}

/// The program's partners, in the order written; codes unique.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Partners {
    partners: Vec<Partner>,
}

impl Partners {
    /// Checks `specs`, every problem at its key (`partners[0].price_per_point`).
    pub fn new(specs: Vec<PartnerSpec>) -> Result<Partners, Vec<Issue>> {
        let mut issues = Issues::under("");
        let mut partners: Vec<Partner> = Vec::with_capacity(specs.len());
        for (i, spec) in specs.into_iter().enumerate() {
            let key = format!("partners[{i}]");
            if !valid_code(&spec.code) {
                issues.add(
                    format!("{key}.code"),
                    message!(
                        "must be 1 to {max} lower-case letters, digits, `_` or `-`, got `{got}`",
                        max = PARTNER_CODE_MAX,
                        got = spec.code
                    ),
                );
            } else if partners.iter().any(|p| p.code == spec.code) {
                issues.add(
                    format!("{key}.code"),
                    message!("`{code}` names another partner already", code = spec.code),
                );
            }
            for (at, words) in spec.name.problems(&format!("{key}.name"), true) {
                issues.add(at, words);
            }
            for (field, price) in [
                ("price_per_point", spec.price_per_point),
                ("reimbursement_per_point", spec.reimbursement_per_point),
            ] {
                if price < Decimal::ZERO {
                    issues.add(
                        format!("{key}.{field}"),
                        message!("must not be negative, got {got}", got = price),
                    );
                } else if price.normalize().scale() > PRICE_DIGITS_MAX {
                    issues.add(
                        format!("{key}.{field}"),
                        message!(
                            "may have at most {max} decimal places, got {got}",
                            max = PRICE_DIGITS_MAX,
                            got = price
                        ),
                    );
                }
            }
            partners.push(Partner {
                code: spec.code,
                name: spec.name,
                price_per_point: spec.price_per_point.normalize(),
                reimbursement_per_point: spec.reimbursement_per_point.normalize(),
            });
        }
        issues.result(Partners { partners })
    }

    /// Every partner, in the order written.
    pub fn all(&self) -> &[Partner] {
        &self.partners
    }

    /// The partner with this code.
    pub fn get(&self, code: &str) -> Option<&Partner> {
        self.partners.iter().find(|p| p.code == code)
    }

    /// Whether a partner has this code.
    pub fn knows(&self, code: &str) -> bool {
        self.get(code).is_some()
    }

    /// True when the program has no partners.
    pub fn is_empty(&self) -> bool {
        self.partners.is_empty()
    }
}

/// A code as keys and URLs may carry it.
fn valid_code(code: &str) -> bool {
    (1..=PARTNER_CODE_MAX).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn spec(code: &str, price: &str, back: &str) -> PartnerSpec {
        PartnerSpec {
            code: code.into(),
            name: Localized::Plain("Corner Café".into()),
            price_per_point: price.parse().unwrap(),
            reimbursement_per_point: back.parse().unwrap(),
        }
    }

    #[test]
    fn partners_are_found_by_their_code() {
        let partners = Partners::new(vec![spec("cafe", "0.010", "0.008")]).unwrap();
        let cafe = partners.get("cafe").unwrap();
        assert_eq!(cafe.price_per_point.to_string(), "0.01");
        assert!(partners.knows("cafe") && !partners.knows("bakery"));
    }

    #[test]
    fn every_problem_is_reported_at_its_key() {
        let issues = Partners::new(vec![
            spec("Cafe!", "-1", "0.0000001"),
            spec("ok", "0.01", "0.01"),
            spec("ok", "0.01", "0.01"),
        ])
        .unwrap_err();
        let keys: Vec<&str> = issues.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "partners[0].code",
                "partners[0].price_per_point",
                "partners[0].reimbursement_per_point",
                "partners[2].code",
            ]
        );
    }
}
