//! The KPIs in words, in the page's language: each one's name and definition (`[kpi]`, keyed by
//! `KpiId::as_str`), its figure in a period and its change as the locale writes them (a dash
//! where there is nothing to count out of, never a zero), and the rows and tiles the Insight
//! page, its download and the dashboard show.

use crate::i18n::Locale;
use laurel_core::insight::{KpiChange, KpiId, KpiValue, Rate};
use laurel_engine::{KpiReport, PeriodKpis};

/// What is shown where a figure has nothing to be counted out of.
pub const DASH: &str = "–";

/// A KPI's name.
pub fn name(l: Locale, kpi: KpiId) -> String {
    l.strings()
        .get(&format!("kpi.{}.name", kpi.as_str()))
        .to_owned()
}

/// A KPI's definition: the core's, translated.
pub fn definition(l: Locale, kpi: KpiId) -> String {
    l.strings()
        .get(&format!("kpi.{}.definition", kpi.as_str()))
        .to_owned()
}

/// A KPI's value as the page shows it.
pub fn figure(l: Locale, value: &KpiValue) -> String {
    let t = l.strings();
    let or_dash = |shown: Option<String>| shown.unwrap_or_else(|| DASH.to_owned());
    match value {
        KpiValue::Count(n) | KpiValue::Points(n) => l.integer(*n),
        KpiValue::Share(rate) => share(l, *rate),
        KpiValue::Mean(rate) => or_dash(rate.ratio(2).map(|r| l.fixed(r, 2))),
        KpiValue::Money(money) => or_dash(money.map(|m| l.money(m))),
        // A difference: signed, so that more and less read apart.
        KpiValue::Percent(percent) => or_dash(percent.map(|p| l.signed_percent(p))),
        KpiValue::Table => t.get("insight.see_table").to_owned(),
        KpiValue::NotMeasured => t.get("insight.not_measured").to_owned(),
    }
}

/// A share in percent to one place (`66.7%`), or a dash when there is nothing to count out of.
pub fn share(l: Locale, rate: Rate) -> String {
    rate.percent()
        .map_or_else(|| DASH.to_owned(), |p| l.percent(p))
}

/// The value of `kpi` in the period `p`.
fn value(kpi: KpiId, p: &PeriodKpis) -> KpiValue {
    kpi.value(&p.facts, &p.kpis)
}

/// A change (the core's) as the page shows it: `+12.5%`, `-2.1 pp`, or a dash.
pub fn change(l: Locale, change: Option<KpiChange>) -> String {
    match change {
        Some(KpiChange::PercentagePoints(points)) => l.strings().with(
            "insight.percentage_points",
            "change",
            &l.signed_fixed(points, 1),
        ),
        other => change_figure(l, other),
    }
}

/// A change as a spreadsheet reads it: `+12.5%` in percent, a bare `-2.1` in percentage points
/// (the download's heading says so), or a dash.
pub fn change_figure(l: Locale, change: Option<KpiChange>) -> String {
    match change {
        Some(KpiChange::Percent(percent)) => l.signed_percent(percent),
        Some(KpiChange::PercentagePoints(points)) => l.signed_fixed(points, 1),
        None => DASH.to_owned(),
    }
}

/// Where the Insight page shows a KPI's table, by its element id: the breakdowns, and the
/// channels members enrolled through.
pub fn breakdown_anchor(kpi: KpiId) -> Option<&'static str> {
    match kpi {
        KpiId::Enrollments => Some("channels"),
        KpiId::RewardPopularity => Some("rewards"),
        KpiId::TierDistribution => Some("tiers"),
        KpiId::TierMovement => Some("tier-moves"),
        _ => None,
    }
}

/// One KPI over the period and the one before.
pub struct KpiRow {
    /// Its stable name, which the page carries (`kpi-{id}`) for links and tests.
    pub id: &'static str,
    /// Its name.
    pub name: String,
    /// Its definition.
    pub definition: String,
    /// In the period.
    pub current: String,
    /// In the period before.
    pub previous: String,
    /// The change, as the page shows it.
    pub change: String,
    /// The change, as the download writes it.
    pub change_figure: String,
    /// Where on the page its table is, if it has one.
    pub table: Option<&'static str>,
}

/// Every KPI of `report`, in the order of [`KpiId::ALL`].
pub fn rows(l: Locale, report: &KpiReport) -> Vec<KpiRow> {
    KpiId::ALL
        .into_iter()
        .map(|kpi| row(l, kpi, report))
        .collect()
}

/// One KPI of `report`.
pub fn row(l: Locale, kpi: KpiId, report: &KpiReport) -> KpiRow {
    let now = value(kpi, &report.current);
    let before = value(kpi, &report.previous);
    let moved = now.change_from(&before);
    // What only a table shows, or nothing measures, has no figure of its own before.
    let previous = match before {
        KpiValue::Table | KpiValue::NotMeasured => DASH.to_owned(),
        before => figure(l, &before),
    };
    KpiRow {
        id: kpi.as_str(),
        name: name(l, kpi),
        definition: definition(l, kpi),
        current: figure(l, &now),
        previous,
        change: change(l, moved),
        change_figure: change_figure(l, moved),
        table: breakdown_anchor(kpi),
    }
}

/// A KPI as a dashboard tile: its row, and the figures shown beside it.
pub struct KpiTile {
    /// The KPI.
    pub row: KpiRow,
    /// Beside members' average order value, non-members' and the spend lift between them:
    /// "Non-members: ¥112.00".
    pub beside: Vec<String>,
}

/// The tiles of `kpis` in `report`.
pub fn tiles(l: Locale, report: &KpiReport, kpis: &[KpiId]) -> Vec<KpiTile> {
    let t = l.strings();
    kpis.iter()
        .map(|&kpi| {
            let beside = if kpi == KpiId::MemberOrderValue {
                let shown = |kpi| figure(l, &value(kpi, &report.current));
                vec![
                    t.with(
                        "insight.beside_guests",
                        "value",
                        &shown(KpiId::GuestOrderValue),
                    ),
                    t.fill(
                        "insight.beside",
                        &[
                            ("name", &name(l, KpiId::MemberSpendLift)),
                            ("value", &shown(KpiId::MemberSpendLift)),
                        ],
                    ),
                ]
            } else {
                Vec::new()
            };
            KpiTile {
                row: row(l, kpi, report),
                beside,
            }
        })
        .collect()
}

/// A sales channel's name (`pos`…); one the console has no words for, as stored.
pub fn channel(l: Locale, name: &str) -> String {
    l.strings()
        .find(&format!("insight.channel_{name}"))
        .map_or_else(|| name.to_owned(), str::to_owned)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use laurel_core::Channel;
    use rust_decimal::Decimal;

    #[test]
    fn every_kpi_has_a_name_and_a_definition_in_every_language() {
        for kpi in KpiId::ALL {
            for locale in Locale::ALL {
                for part in ["name", "definition"] {
                    let key = format!("kpi.{}.{part}", kpi.as_str());
                    assert!(
                        locale.strings().has(&key),
                        "no {part} for `{}` in {}",
                        kpi.as_str(),
                        locale.tag()
                    );
                }
            }
        }
    }

    #[test]
    fn the_english_definitions_are_the_cores_word_for_word() {
        for kpi in KpiId::ALL {
            assert_eq!(
                definition(Locale::En, kpi),
                kpi.definition(),
                "{}",
                kpi.as_str()
            );
        }
    }

    #[test]
    fn every_channel_has_words_in_both_languages() {
        for c in Channel::ALL {
            for locale in Locale::ALL {
                assert!(
                    locale
                        .strings()
                        .has(&format!("insight.channel_{}", c.as_str())),
                    "{} in {}",
                    c.as_str(),
                    locale.tag()
                );
            }
        }
        assert_eq!(
            channel(Locale::En, "kiosk"),
            "kiosk",
            "an unknown one as stored"
        );
    }

    #[test]
    fn figures_read_per_locale_and_nothing_to_count_out_of_is_a_dash() {
        let dec = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(
            figure(Locale::En, &KpiValue::Share(Rate::new(2, 3))),
            "66.7%"
        );
        assert_eq!(figure(Locale::En, &KpiValue::Share(Rate::new(0, 0))), DASH);
        assert_eq!(figure(Locale::En, &KpiValue::Mean(Rate::new(3, 2))), "1.50");
        assert_eq!(
            figure(Locale::En, &KpiValue::Percent(Some(dec("-25.0")))),
            "-25.0%"
        );
        assert_eq!(figure(Locale::ZhCn, &KpiValue::Points(12_345)), "12,345");
        let share = |part, whole| KpiValue::Share(Rate::new(part, whole));
        let moved = share(100, 420).change_from(&share(0, 130));
        assert_eq!(change(Locale::En, moved), "+23.8 pp");
        assert_eq!(change_figure(Locale::En, moved), "+23.8");
        let fell = share(1, 4).change_from(&share(53, 200));
        assert_eq!(change(Locale::ZhCn, fell), "-1.5 个百分点");
        let grew = KpiValue::Points(420).change_from(&KpiValue::Points(130));
        assert_eq!(change(Locale::En, grew), "+223.1%");
        let from_nothing = KpiValue::Points(100).change_from(&KpiValue::Points(0));
        assert_eq!(change(Locale::En, from_nothing), DASH);
    }
}
