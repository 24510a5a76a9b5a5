//! A simulation's answer: for the program in force and for the draft, per month and in total,
//! what moved (points by kind and by rule, sales, tier moves, limits hit, refusals) and where
//! things stood (points outstanding and their money value, the tier mix), and the members
//! the draft changes most.

use jiff::Timestamp;
use laurel_core::Program;
use laurel_core::simulation::{Flows, SimMember, Stocks, Tallied};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;

/// Members listed as most affected, at most.
pub const AFFECTED_MAX: usize = 20;

/// What a draft would have done to the stored history, beside what the program did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SimulationReport {
    /// The report's first instant: the draft is in force from it.
    #[schema(value_type = String, format = DateTime)]
    pub from: Timestamp,
    /// The instant after the report's last.
    #[schema(value_type = String, format = DateTime)]
    pub to: Timestamp,
    /// The program's currency.
    pub currency: String,
    /// Happenings replayed, from the first recorded.
    pub happenings: u64,
    /// Purchases among them.
    pub purchases: u64,
    /// Seconds the replays took (the history before `from` once, the rest once per program).
    pub seconds: f64,
    /// The programs actually in force.
    pub current: ProgramOutcome,
    /// The draft.
    pub draft: ProgramOutcome,
    /// The members whose points the draft changes most, largest change first.
    pub most_affected: Vec<AffectedMember>,
    /// What the replay holds fixed or takes as given, in words, the stated ones last.
    pub assumptions: Vec<String>,
    /// The changes in behaviour stated for the draft, as asked.
    pub stated: Vec<super::StatedAssumption>,
}

/// What one program did over the report's span.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProgramOutcome {
    /// Points outstanding when the span began.
    pub opening_outstanding: i64,
    /// Each calendar month, in the program's time zone.
    pub months: Vec<PeriodFigures>,
    /// The whole span.
    pub total: PeriodFigures,
}

/// The figures of one month, or of the whole span.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PeriodFigures {
    /// `YYYY-MM`, or `total`.
    pub period: String,
    /// Members' purchases.
    pub purchases: u64,
    /// What they paid, in the currency.
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(value_type = String, example = "1234.50")]
    pub sales: Decimal,
    /// What refunds gave back.
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(value_type = String, example = "1234.50")]
    pub refunded: Decimal,
    /// Points earned.
    pub earned: i64,
    /// Points earned by each rule (`base`, rules by id, tier bonuses as `tier:<id>`,
    /// referrals as `referral`).
    pub earned_by_rule: BTreeMap<String, i64>,
    /// Points staff (and the program's gifts and automations) credited.
    pub credited: i64,
    /// Points staff debited.
    pub debited: i64,
    /// Points spent.
    pub redeemed: i64,
    /// Points of cancelled redemptions given back.
    pub restored: i64,
    /// Points expired.
    pub expired: i64,
    /// Points refunds took back.
    pub reversed: i64,
    /// Points outstanding at the end, available and pending.
    pub outstanding: i64,
    /// Their money value: the liability.
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(value_type = String, example = "1234.50")]
    pub liability: Decimal,
    /// The money value of the points earned and credited: the program's cost.
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(value_type = String, example = "1234.50")]
    pub cost: Decimal,
    /// Cost per unit of sales (cost ÷ sales), when there were sales.
    #[serde(with = "rust_decimal::serde::str_option")]
    #[schema(value_type = Option<String>, example = "0.025")]
    pub cost_per_sales: Option<Decimal>,
    /// Members who qualified for a higher tier.
    pub upgrades: u64,
    /// Members a review moved down.
    pub downgrades: u64,
    /// Tiers staff assigned.
    pub assigned: u64,
    /// Members per tier at the end.
    pub tiers: Vec<TierCount>,
    /// Grants a limit cut down.
    pub limits_hit: Vec<LimitHit>,
    /// What the history did that this program refuses, by its stable name.
    pub refused: BTreeMap<String, u64>,
}

/// Members holding a tier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TierCount {
    /// The tier's id; none for members without a tier.
    pub tier: Option<String>,
    /// How many.
    pub members: u64,
}

/// A rule's limit that cut grants down.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LimitHit {
    /// The rule.
    pub rule_id: String,
    /// The limit's stable name (`per_member_day`, `campaign_budget`…).
    pub limit: String,
    /// Grants it cut.
    pub grants: u64,
}

/// A member the draft changes, under both programs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AffectedMember {
    /// The member.
    pub member_id: i64,
    /// Points earned in the span under the program in force.
    pub earned_current: i64,
    /// Under the draft.
    pub earned_draft: i64,
    /// Available and pending points at the end under the program in force.
    pub balance_current: i64,
    /// Under the draft.
    pub balance_draft: i64,
    /// Their tier at the end under the program in force.
    pub tier_current: Option<String>,
    /// Under the draft.
    pub tier_draft: Option<String>,
}

impl ProgramOutcome {
    /// The figures of a tally, valued by `program` (the one in force at the span's end).
    pub(crate) fn of(tallied: &Tallied, program: &Program) -> ProgramOutcome {
        let months = tallied
            .months
            .iter()
            .map(|m| figures(m.month.to_string(), &m.flows, &m.closing, program))
            .collect();
        ProgramOutcome {
            opening_outstanding: tallied.opening.outstanding,
            months,
            total: figures("total".into(), &tallied.total, &tallied.closing, program),
        }
    }
}

fn figures(period: String, flows: &Flows, closing: &Stocks, program: &Program) -> PeriodFigures {
    let digits = program.currency.minor_digits();
    let money = |minor: i64| Decimal::new(minor, digits);
    let value = |points: i64| {
        program
            .value_of(laurel_core::Points(points))
            .map(|m| m.amount())
            .unwrap_or_default()
    };
    let sales = money(flows.sales_minor);
    let cost = value(flows.earned + flows.credited);
    PeriodFigures {
        period,
        purchases: flows.purchases,
        sales,
        refunded: money(flows.refunded_minor),
        earned: flows.earned,
        earned_by_rule: flows.earned_by_rule.clone(),
        credited: flows.credited,
        debited: flows.debited,
        redeemed: flows.redeemed,
        restored: flows.restored,
        expired: flows.expired,
        reversed: flows.reversed,
        outstanding: closing.outstanding,
        liability: value(closing.outstanding),
        cost,
        cost_per_sales: (sales > Decimal::ZERO).then(|| (cost / sales).round_dp(6)),
        upgrades: flows.upgrades,
        downgrades: flows.downgrades,
        assigned: flows.assigned,
        tiers: closing
            .tiers
            .iter()
            .map(|(tier, members)| TierCount {
                tier: tier.clone(),
                members: *members,
            })
            .collect(),
        limits_hit: flows
            .capped
            .iter()
            .flat_map(|(rule, limits)| {
                limits.iter().map(move |(limit, grants)| LimitHit {
                    rule_id: rule.clone(),
                    limit: limit.clone(),
                    grants: *grants,
                })
            })
            .collect(),
        refused: flows
            .refused
            .iter()
            .map(|(kind, count)| ((*kind).to_owned(), *count))
            .collect(),
    }
}

/// The members whose points the draft changes most: by the change in points earned, then in
/// the balance at the end; at most [`AFFECTED_MAX`].
pub(crate) fn most_affected(
    current: (&Tallied, &HashMap<i64, SimMember>),
    draft: (&Tallied, &HashMap<i64, SimMember>),
) -> Vec<AffectedMember> {
    let balance =
        |m: Option<&SimMember>| m.map_or(0, |m| (m.ledger.available + m.ledger.pending).get());
    let mut changed: Vec<AffectedMember> = current
        .1
        .keys()
        .map(|&id| {
            let (now, then) = (current.1.get(&id), draft.1.get(&id));
            AffectedMember {
                member_id: id,
                earned_current: current.0.earned_by_member.get(&id).copied().unwrap_or(0),
                earned_draft: draft.0.earned_by_member.get(&id).copied().unwrap_or(0),
                balance_current: balance(now),
                balance_draft: balance(then),
                tier_current: now.and_then(|m| m.tier.tier.clone()),
                tier_draft: then.and_then(|m| m.tier.tier.clone()),
            }
        })
        .filter(|a| {
            a.earned_current != a.earned_draft
                || a.balance_current != a.balance_draft
                || a.tier_current != a.tier_draft
        })
        .collect();
    let key = |a: &AffectedMember| {
        (
            std::cmp::Reverse((a.earned_draft - a.earned_current).abs()),
            std::cmp::Reverse((a.balance_draft - a.balance_current).abs()),
            a.member_id,
        )
    };
    if changed.len() > AFFECTED_MAX {
        changed.select_nth_unstable_by_key(AFFECTED_MAX, key);
        changed.truncate(AFFECTED_MAX);
    }
    changed.sort_by_key(key);
    changed
}
