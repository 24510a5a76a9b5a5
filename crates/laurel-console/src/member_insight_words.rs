//! A member's insight in words, in the page's language: the RFM segment, the churn-risk level
//! and its reason (the engine's `churn_reason`, worded per language), the probability still
//! active as a percentage, expected purchases and the 12-month value as money. One truth for
//! the member page's box, the churn-risk list and its download.

use crate::i18n::Locale;
use laurel_core::{Currency, Money};
use rust_decimal::Decimal;

/// An RFM segment's name by its stable name; one the console has no words for, as stored.
pub fn segment(l: Locale, name: &str) -> String {
    l.strings()
        .find(&format!("member_insight.segment_{name}"))
        .map_or_else(|| name.to_owned(), str::to_owned)
}

/// A churn-risk level's name by its stable name (`high`…); an unknown one, as stored.
pub fn risk(l: Locale, level: &str) -> String {
    l.strings()
        .find(&format!("member_insight.risk_{level}"))
        .map_or_else(|| level.to_owned(), str::to_owned)
}

/// Why a member is at the risk they are: "No purchase for 150 days; usually every 7 days",
/// or "Bought once, 120 days ago" before a second purchase.
pub fn reason(l: Locale, days_since_last: i64, usual_gap_days: Option<i64>) -> String {
    let t = l.strings();
    let days = days(l, days_since_last);
    match usual_gap_days {
        Some(1) => t.fill(
            "member_insight.reason_gap",
            &[
                ("days", &days),
                ("every", t.get("member_insight.every_day")),
            ],
        ),
        Some(gap) => t.fill(
            "member_insight.reason_gap",
            &[
                ("days", &days),
                (
                    "every",
                    &t.with("member_insight.every_days", "n", &l.integer(gap)),
                ),
            ],
        ),
        None => t.with("member_insight.reason_once", "days", &days),
    }
}

/// A number of days in words: "1 day", "30 days".
fn days(l: Locale, n: i64) -> String {
    let key = if n == 1 {
        "member_insight.one_day"
    } else {
        "member_insight.days"
    };
    l.strings().with(key, "n", &l.integer(n))
}

/// A probability stored in millionths as a percentage to one place: `8.4%`.
pub fn p_alive(l: Locale, ppm: i64) -> String {
    // Millionths of one are ten-thousandths of a hundred percent.
    l.percent(Decimal::new(ppm, 4))
}

/// Purchases expected, stored in millionths, to two places: `1.25`.
pub fn expected_purchases(l: Locale, ppm: i64) -> String {
    l.fixed(Decimal::new(ppm, 6), 2)
}

/// An amount in minor units as money in the program's currency.
pub fn money(l: Locale, minor: i64, currency: Currency) -> String {
    l.money(Money::from_minor(minor, currency))
}

#[cfg(test)]
mod tests {
    use super::*;
    use laurel_core::insight::RfmSegment;
    use laurel_core::insight::clv::ChurnRiskLevel;

    #[test]
    fn the_reason_reads_as_the_engines_in_english_and_has_chinese_words() {
        for (days, gap) in [(150, Some(7)), (1, Some(1)), (120, None), (1, None)] {
            let english = laurel_engine::churn_reason(days, gap);
            let mut expected = english.clone();
            expected.replace_range(..1, &english[..1].to_uppercase());
            assert_eq!(reason(Locale::En, days, gap), expected);
        }
        assert_eq!(
            reason(Locale::ZhCn, 150, Some(7)),
            "已 150 天未购买；通常每 7 天购买一次"
        );
        assert_eq!(reason(Locale::ZhCn, 120, None), "仅购买过一次，在 120 天前");
    }

    #[test]
    fn every_segment_and_level_has_words_in_every_language() {
        for locale in Locale::ALL {
            for s in RfmSegment::ALL {
                let key = format!("member_insight.segment_{}", s.as_str());
                assert!(locale.strings().has(&key), "{key} in {}", locale.tag());
            }
            for r in ChurnRiskLevel::ALL {
                let key = format!("member_insight.risk_{}", r.as_str());
                assert!(locale.strings().has(&key), "{key} in {}", locale.tag());
            }
        }
        assert_eq!(p_alive(Locale::En, 84_210), "8.4%");
        assert_eq!(expected_purchases(Locale::En, 1_254_999), "1.25");
    }
}
