//! A segment's conditions in words, in the page's language: those an automation shares read
//! as the automations page reads them, spend as money in the program's currency, churn-risk
//! levels and RFM segments by their names.

use crate::automation_words;
use crate::i18n::Locale;
use laurel_core::Money;
use laurel_core::segments::SegmentCondition;
use laurel_engine::ProgramDefinition;

/// One condition: "spent at least ¥500.00 in the last 365 days", "city is “Shanghai”".
pub(crate) fn condition(
    l: Locale,
    definition: &ProgramDefinition,
    condition: &SegmentCondition,
) -> String {
    let t = l.strings();
    let days = |n: i64| l.integer(n);
    match condition {
        SegmentCondition::Member(c) => automation_words::condition(l, definition, c),
        SegmentCondition::Spend { days: d, range } => {
            let currency = definition.program.currency;
            automation_words::ranged_as(l, "segments.spend", *range, |minor| {
                l.money(Money::from_minor(minor, currency))
            })
            .replace("{days}", &days(*d))
        }
        SegmentCondition::Purchases { days: d, range } => {
            automation_words::ranged(l, "segments.purchases", *range).replace("{days}", &days(*d))
        }
        SegmentCondition::Attribute { key, value } => {
            t.fill("segments.attribute", &[("key", key), ("value", value)])
        }
        SegmentCondition::ChurnRisk(levels) => {
            let names: Vec<String> = levels
                .iter()
                .map(|level| {
                    t.get(&format!("segments.risk_{}", level.as_str()))
                        .to_owned()
                })
                .collect();
            t.with(
                "segments.churn_risk",
                "list",
                &names.join(t.get("automations.or")),
            )
        }
        SegmentCondition::Rfm(segments) => {
            let names: Vec<String> = segments
                .iter()
                .map(|s| t.get(&format!("segments.rfm_{}", s.as_str())).to_owned())
                .collect();
            t.with("segments.rfm", "list", &names.join(t.get("automations.or")))
        }
    }
}
