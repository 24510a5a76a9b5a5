//! The drafting form of a tier: its fields (all named `tier_…`) read as the core's tier, and a
//! tier written back into them to edit it. Perks are typed one a line.

use crate::draft_form::{Reader, Writer};
use crate::form_fields::Fields;
use crate::i18n::Locale;
use crate::messages::Problem;
use laurel_core::tiers::{Tier, TierBenefits};
use rust_decimal::Decimal;

/// The start of every field's name.
pub(crate) const PREFIX: &str = "tier_";

/// The tier the form says, or every field that could not be read.
pub(crate) fn read(fields: &Fields, l: Locale) -> Result<Tier, Vec<Problem>> {
    let mut r = Reader::new(fields, PREFIX, l);
    let threshold = r.required("threshold", "draft.not_decimal");
    let defaults = TierBenefits::default();
    let benefits = TierBenefits {
        earn_multiplier: r
            .optional("multiplier", "draft.not_decimal")
            .unwrap_or(defaults.earn_multiplier),
        discount_percent: r
            .optional("discount", "draft.not_decimal")
            .unwrap_or(defaults.discount_percent),
        perks: r.list("perks"),
    };
    let tier = Tier {
        id: r.text("id").to_owned(),
        name: r.words("name").unwrap_or_else(|| String::new().into()),
        threshold,
        benefits,
    };
    r.finish(tier)
}

/// The form's fields holding `tier`, loaded from the one with the id `editing`.
pub(crate) fn fields_of(tier: &Tier, editing: &str) -> Fields {
    let mut w = Writer::new(PREFIX);
    w.put("editing", editing);
    w.put("id", &tier.id);
    w.words("name", &tier.name);
    w.put("threshold", tier.threshold.normalize());
    let b = &tier.benefits;
    if b.earn_multiplier != Decimal::ONE {
        w.put("multiplier", b.earn_multiplier.normalize());
    }
    if !b.discount_percent.is_zero() {
        w.put("discount", b.discount_percent.normalize());
    }
    w.put("perks", b.perks.join("\n"));
    w.done()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn a_tier_written_into_the_form_reads_back_as_itself() {
        let tier = Tier {
            id: "gold".into(),
            name: laurel_core::Localized::PerLanguage(BTreeMap::from([
                ("en".to_owned(), "Gold".to_owned()),
                ("zh-CN".to_owned(), "金卡".to_owned()),
            ])),
            threshold: "1000".parse().unwrap(),
            benefits: TierBenefits {
                earn_multiplier: "1.5".parse().unwrap(),
                discount_percent: "5".parse().unwrap(),
                perks: vec!["free upsize".into(), "lounge".into()],
            },
        };
        assert_eq!(read(&fields_of(&tier, "gold"), Locale::En), Ok(tier));
    }
}
