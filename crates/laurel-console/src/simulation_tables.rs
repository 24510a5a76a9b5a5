//! A simulation's report as the tables of its page, each figure of the program in force
//! beside the draft's: in total (with the change), month by month, points by rule, the tier
//! mix at the end, limits hit and the members the draft changes most.

use crate::i18n::Locale;
use crate::simulation::clamp;
use crate::table::Table;
use laurel_core::Currency;
use laurel_engine::{PeriodFigures, SimulationReport};
use rust_decimal::Decimal;
use std::collections::BTreeSet;

/// Every table of the page, by its id.
pub(crate) fn all(l: Locale, report: &SimulationReport, currency: Currency) -> Vec<Table> {
    vec![
        totals(l, report, currency),
        months(l, report, currency),
        rules(l, report),
        tiers(l, report),
        limits(l, report),
        affected(l, report),
    ]
}

/// Labels from the `simulation` strings.
fn labels(l: Locale, keys: &[&str]) -> Vec<String> {
    keys.iter()
        .map(|k| l.strings().get(&format!("simulation.{k}")).to_owned())
        .collect()
}

/// A figure of both programs in words, and the change: (in force, draft, change).
enum Figure {
    Count(i64, i64),
    Money(Decimal, Decimal),
    Rate(Option<Decimal>, Option<Decimal>),
}

impl Figure {
    fn cells(&self, l: Locale, currency: Currency) -> [String; 3] {
        match *self {
            Figure::Count(a, b) => [l.integer(a), l.integer(b), l.signed(b - a)],
            Figure::Money(a, b) => [
                l.amount(a, currency),
                l.amount(b, currency),
                l.signed_fixed(b - a, currency.minor_digits()),
            ],
            Figure::Rate(a, b) => {
                let shown = |r: Option<Decimal>| {
                    r.map_or_else(
                        || "–".to_owned(),
                        |r| l.percent_to(r * Decimal::ONE_HUNDRED, 2),
                    )
                };
                let change = match (a, b) {
                    (Some(a), Some(b)) => {
                        format!("{}%", l.signed_fixed((b - a) * Decimal::ONE_HUNDRED, 2))
                    }
                    _ => "–".to_owned(),
                };
                [shown(a), shown(b), change]
            }
        }
    }
}

/// The figures of one period of both programs, by their string key.
fn figures(a: &PeriodFigures, b: &PeriodFigures) -> Vec<(&'static str, Figure)> {
    let count = |f: fn(&PeriodFigures) -> i64| Figure::Count(f(a), f(b));
    vec![
        ("purchases", count(|f| clamp(f.purchases))),
        ("sales", Figure::Money(a.sales, b.sales)),
        ("earned", count(|f| f.earned)),
        ("credited", count(|f| f.credited)),
        ("redeemed", count(|f| f.redeemed)),
        ("restored", count(|f| f.restored)),
        ("expired", count(|f| f.expired)),
        ("reversed", count(|f| f.reversed)),
        ("debited", count(|f| f.debited)),
        ("outstanding", count(|f| f.outstanding)),
        ("liability", Figure::Money(a.liability, b.liability)),
        ("cost", Figure::Money(a.cost, b.cost)),
        (
            "cost_per_sales",
            Figure::Rate(a.cost_per_sales, b.cost_per_sales),
        ),
        ("upgrades", count(|f| clamp(f.upgrades))),
        ("downgrades", count(|f| clamp(f.downgrades))),
        ("assigned", count(|f| clamp(f.assigned))),
    ]
}

fn totals(l: Locale, report: &SimulationReport, currency: Currency) -> Table {
    let mut table = Table::of_figures(
        "simulation-totals",
        labels(l, &["figure", "in_force", "draft", "change"]),
    );
    let t = l.strings();
    for (key, figure) in figures(&report.current.total, &report.draft.total) {
        let [a, b, change] = figure.cells(l, currency);
        table.rows.push(vec![
            t.get(&format!("simulation.figure_{key}")).to_owned(),
            a,
            b,
            change,
        ]);
    }
    table
}

fn months(l: Locale, report: &SimulationReport, currency: Currency) -> Table {
    let mut table = Table::of_figures(
        "simulation-months",
        labels(
            l,
            &[
                "month",
                "earned_in_force",
                "earned_draft",
                "redeemed_in_force",
                "redeemed_draft",
                "expired_in_force",
                "expired_draft",
                "liability_in_force",
                "liability_draft",
            ],
        ),
    );
    // Both programs count the same months; a month only one has is shown with nothing moved.
    let periods: BTreeSet<&str> = report
        .current
        .months
        .iter()
        .chain(&report.draft.months)
        .map(|m| m.period.as_str())
        .collect();
    for period in periods {
        let of = |months: &[PeriodFigures]| months.iter().find(|m| m.period == period).cloned();
        let (Some(a), Some(b)) = (of(&report.current.months), of(&report.draft.months)) else {
            continue;
        };
        table.rows.push(vec![
            period.to_owned(),
            l.integer(a.earned),
            l.integer(b.earned),
            l.integer(a.redeemed),
            l.integer(b.redeemed),
            l.integer(a.expired),
            l.integer(b.expired),
            l.amount(a.liability, currency),
            l.amount(b.liability, currency),
        ]);
    }
    table
}

fn rules(l: Locale, report: &SimulationReport) -> Table {
    let mut table = Table::of_figures(
        "simulation-rules",
        labels(l, &["rule", "in_force", "draft", "change"]),
    );
    let (a, b) = (
        &report.current.total.earned_by_rule,
        &report.draft.total.earned_by_rule,
    );
    let ids: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    for id in ids {
        let (x, y) = (
            a.get(id).copied().unwrap_or(0),
            b.get(id).copied().unwrap_or(0),
        );
        table.rows.push(vec![
            id.clone(),
            l.integer(x),
            l.integer(y),
            l.signed(y - x),
        ]);
    }
    table
}

fn tiers(l: Locale, report: &SimulationReport) -> Table {
    let mut table = Table::of_figures(
        "simulation-tiers",
        labels(l, &["tier", "in_force", "draft", "change"]),
    );
    let count = |counts: &[laurel_engine::TierCount], tier: &Option<String>| {
        counts
            .iter()
            .find(|c| &c.tier == tier)
            .map_or(0, |c| clamp(c.members))
    };
    let (a, b) = (&report.current.total.tiers, &report.draft.total.tiers);
    let held: BTreeSet<&Option<String>> = a.iter().chain(b).map(|c| &c.tier).collect();
    for tier in held {
        let (x, y) = (count(a, tier), count(b, tier));
        let name = tier
            .clone()
            .unwrap_or_else(|| l.strings().get("simulation.no_tier").to_owned());
        table
            .rows
            .push(vec![name, l.integer(x), l.integer(y), l.signed(y - x)]);
    }
    table
}

fn limits(l: Locale, report: &SimulationReport) -> Table {
    let mut table = Table::of_figures(
        "simulation-limits",
        labels(l, &["limit", "in_force", "draft"]),
    );
    let (a, b) = (
        &report.current.total.limits_hit,
        &report.draft.total.limits_hit,
    );
    let hit: BTreeSet<(&str, &str)> = a
        .iter()
        .chain(b)
        .map(|h| (h.rule_id.as_str(), h.limit.as_str()))
        .collect();
    let grants = |hits: &[laurel_engine::LimitHit], rule: &str, limit: &str| {
        hits.iter()
            .find(|h| h.rule_id == rule && h.limit == limit)
            .map_or(0, |h| clamp(h.grants))
    };
    for (rule, limit) in hit {
        let limit_words = l.strings().get(&format!("grant.{limit}")).to_owned();
        table.rows.push(vec![
            format!("{rule} · {limit_words}"),
            l.integer(grants(a, rule, limit)),
            l.integer(grants(b, rule, limit)),
        ]);
    }
    table
}

fn affected(l: Locale, report: &SimulationReport) -> Table {
    let mut table = Table::of_figures(
        "simulation-affected",
        labels(
            l,
            &[
                "member",
                "earned_in_force",
                "earned_draft",
                "balance_in_force",
                "balance_draft",
                "tier_in_force",
                "tier_draft",
            ],
        ),
    );
    let tier = |t: &Option<String>| t.clone().unwrap_or_else(|| "–".to_owned());
    for m in &report.most_affected {
        table.rows.push(vec![
            m.member_id.to_string(),
            l.integer(m.earned_current),
            l.integer(m.earned_draft),
            l.integer(m.balance_current),
            l.integer(m.balance_draft),
            tier(&m.tier_current),
            tier(&m.tier_draft),
        ]);
    }
    table
}
