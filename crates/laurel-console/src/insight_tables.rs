//! The Insight page's breakdowns, each the table of one KPI: enrollments by channel (this
//! period and the one before), reward popularity, members per tier now (in the program's tier
//! order) and tier movement from one tier to another — names in the page's language.

use crate::i18n::Locale;
use crate::insight_words::{self, breakdown_anchor};
use crate::program_words::{reward_name, tier_name};
use crate::table::Table;
use laurel_core::insight::{KpiId, Rate, TierCount};
use laurel_engine::{KpiReport, ProgramDefinition};
use std::collections::BTreeSet;

/// What makes a breakdown's table `{id}-table` from a report.
type Builder = fn(Locale, &KpiReport, &ProgramDefinition, &str) -> Table;

/// The KPIs shown as tables, in the page's order, with what makes each.
const BREAKDOWNS: [(KpiId, Builder); 4] = [
    (KpiId::Enrollments, channels),
    (KpiId::RewardPopularity, rewards),
    (KpiId::TierDistribution, tiers),
    (KpiId::TierMovement, moves),
];

/// A section of the page showing one KPI's table.
pub struct Breakdown {
    /// The section's element id, which the KPI table's row links to.
    pub id: &'static str,
    /// Its heading.
    pub heading: String,
    /// The KPI's definition, under the heading.
    pub definition: String,
    /// The table; none when there is nothing to show.
    pub table: Option<Table>,
}

/// Every breakdown of `report`.
pub fn breakdowns(l: Locale, report: &KpiReport, program: &ProgramDefinition) -> Vec<Breakdown> {
    BREAKDOWNS
        .into_iter()
        .map(|(kpi, build)| {
            let id = breakdown_anchor(kpi).unwrap_or(kpi.as_str());
            let table = build(l, report, program, id);
            Breakdown {
                id,
                heading: l.strings().get(&format!("insight.heading_{id}")).to_owned(),
                definition: insight_words::definition(l, kpi),
                table: (!table.rows.is_empty()).then_some(table),
            }
        })
        .collect()
}

/// A table `{id}-table` headed by the keys `labels` (in `[insight]`).
fn headed(l: Locale, id: &str, labels: &[&str]) -> Table {
    let t = l.strings();
    Table::of_figures(
        &format!("{id}-table"),
        labels
            .iter()
            .map(|key| t.get(&format!("insight.{key}")).to_owned())
            .collect(),
    )
}

/// Members enrolled per channel, this period and the one before.
fn channels(l: Locale, report: &KpiReport, _: &ProgramDefinition, id: &str) -> Table {
    let (now, before) = (
        &report.current.facts.enrolled,
        &report.previous.facts.enrolled,
    );
    let mut table = headed(l, id, &["channel", "this_period", "previous_period"]);
    let names: BTreeSet<&String> = now.keys().chain(before.keys()).collect();
    table.rows = names
        .into_iter()
        .map(|name| {
            let count = |map: &std::collections::BTreeMap<String, i64>| {
                l.integer(map.get(name).copied().unwrap_or(0))
            };
            vec![insight_words::channel(l, name), count(now), count(before)]
        })
        .collect();
    table
}

/// Each reward's redemptions, units and points in the period, most redeemed first.
fn rewards(l: Locale, report: &KpiReport, program: &ProgramDefinition, id: &str) -> Table {
    let mut table = headed(l, id, &["reward", "redemptions", "units", "points"]);
    table.rows = report
        .current
        .facts
        .rewards
        .iter()
        .map(|r| {
            vec![
                reward_name(l, program, &r.reward, &r.reward),
                l.integer(r.redemptions),
                l.integer(r.quantity),
                l.integer(r.points),
            ]
        })
        .collect();
    table
}

/// Members per tier now and their share of all members: no tier first, then the program's
/// tiers from the lowest (a tier no longer in the program after them).
fn tiers(l: Locale, report: &KpiReport, program: &ProgramDefinition, id: &str) -> Table {
    let order = |tier: &Option<String>| {
        let known = program.tiers.as_ref().and_then(|policy| {
            tier.as_ref()
                .and_then(|id| policy.tiers().iter().position(|t| &t.id == id))
        });
        (tier.is_some(), known.unwrap_or(usize::MAX), tier.clone())
    };
    let mut counts: Vec<&TierCount> = report.current.facts.tiers.iter().collect();
    counts.sort_by_key(|c| order(&c.tier));
    let all: i64 = counts.iter().map(|c| c.members).sum();
    let mut table = headed(l, id, &["tier", "members", "share"]);
    table.rows = counts
        .into_iter()
        .map(|c| {
            vec![
                tier(l, program, c.tier.as_deref()),
                l.integer(c.members),
                insight_words::share(l, Rate::new(c.members, all)),
            ]
        })
        .collect();
    table
}

/// Changes of tier in the period, from → to, most frequent first.
fn moves(l: Locale, report: &KpiReport, program: &ProgramDefinition, id: &str) -> Table {
    let t = l.strings();
    let mut table = headed(l, id, &["move", "changes"]);
    table.rows = report
        .current
        .facts
        .tier_moves
        .iter()
        .map(|m| {
            let from = tier(l, program, m.from.as_deref());
            let to = tier(l, program, m.to.as_deref());
            vec![
                t.fill("insight.move_from_to", &[("from", &from), ("to", &to)]),
                l.integer(m.moves),
            ]
        })
        .collect();
    table
}

/// A tier's name, or the words for none.
fn tier(l: Locale, program: &ProgramDefinition, id: Option<&str>) -> String {
    id.map_or_else(
        || l.strings().get("insight.no_tier").to_owned(),
        |id| tier_name(l, program, id),
    )
}
