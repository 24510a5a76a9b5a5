//! The JSON shape of the KPIs of a period, beside the period before.

use super::money;
use laurel_core::Currency;
use laurel_core::insight::{
    Cohort, Distributions, FREQUENCY_POOLED_FROM, KpiId, KpiValue, Period, PeriodFacts,
    RECENCY_BUCKETS,
};
use laurel_engine::{KpiReport, MemberInsight, churn_reason, days_since};
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;

/// The days a period spans, both included, in the program's time zone.
#[derive(Serialize, ToSchema)]
pub struct PeriodBody {
    /// Its first day.
    #[schema(format = Date, example = "2026-09-01")]
    pub from: String,
    /// Its last day.
    #[schema(format = Date, example = "2026-11-29")]
    pub to: String,
    /// How many days.
    pub days: i64,
}

impl From<Period> for PeriodBody {
    fn from(p: Period) -> PeriodBody {
        PeriodBody {
            from: p.from.to_string(),
            to: p.to.to_string(),
            days: p.days(),
        }
    }
}

/// A rate's working: what was counted, out of what.
#[derive(Serialize, ToSchema)]
pub struct RateBody {
    /// What is counted.
    pub part: i64,
    /// What it is counted out of.
    pub whole: i64,
}

/// One KPI in the period and the period before.
#[derive(Serialize, ToSchema)]
pub struct KpiLineBody {
    /// Its stable name.
    #[schema(example = "engagement_rate")]
    pub id: String,
    /// What it counts.
    pub definition: String,
    /// count, points, money (in `currency`), percent, mean, percent_difference, table (see
    /// the breakdowns) or not_measured.
    #[schema(example = "percent")]
    pub kind: String,
    /// Its value in the period, as a decimal string; null when there is nothing to work it
    /// out from (a rate out of nothing), for a table, or when not measured.
    #[schema(example = "20.0")]
    pub value: Option<String>,
    /// Its value in the period before.
    pub previous: Option<String>,
    /// How it moved: a rate in percentage points (`+5.0 pp`), anything else in percent
    /// (`-12.5%`); null when either value is missing or the period before had none of it.
    #[schema(example = "+5.0 pp")]
    pub change: Option<String>,
    /// A rate's working in the period.
    pub working: Option<RateBody>,
    /// A rate's working in the period before.
    pub previous_working: Option<RateBody>,
}

/// Members enrolled through a channel.
#[derive(Serialize, ToSchema)]
pub struct ChannelCountBody {
    /// The channel.
    pub channel: String,
    /// Members.
    pub members: i64,
}

/// A reward's redemptions.
#[derive(Serialize, ToSchema)]
pub struct RewardCountBody {
    /// The reward's id.
    pub reward_id: String,
    /// Redemptions not cancelled.
    pub redemptions: i64,
    /// Units they took.
    pub quantity: i64,
    /// Points they cost.
    pub points: i64,
}

/// Members holding a tier.
#[derive(Serialize, ToSchema)]
pub struct TierCountBody {
    /// The tier's id; null for members without one.
    pub tier: Option<String>,
    /// Members.
    pub members: i64,
}

/// Changes from one tier to another.
#[derive(Serialize, ToSchema)]
pub struct TierMoveBody {
    /// From (null: no tier).
    pub from: Option<String>,
    /// To (null: no tier).
    pub to: Option<String>,
    /// Times.
    pub moves: i64,
}

/// The KPIs of a period beside those of the period of as many days before it, with the
/// breakdowns behind the table KPIs. Everything is counted when it happened.
#[derive(Serialize, ToSchema)]
pub struct KpiReportResponse {
    /// The program's currency, which money figures are in.
    #[schema(example = "CNY")]
    pub currency: String,
    /// The program's time zone, whose days the periods are.
    #[schema(example = "Asia/Shanghai")]
    pub time_zone: String,
    /// The period asked for.
    pub period: PeriodBody,
    /// The period just before it.
    pub previous_period: PeriodBody,
    /// Every KPI, in a stable order.
    pub kpis: Vec<KpiLineBody>,
    /// `enrollments` by channel, in the period.
    pub enrollments_by_channel: Vec<ChannelCountBody>,
    /// `reward_popularity`: rewards redeemed in the period, most first.
    pub reward_popularity: Vec<RewardCountBody>,
    /// `tier_distribution`: members per tier now.
    pub tier_distribution: Vec<TierCountBody>,
    /// `tier_movement`: changes of tier in the period, most first.
    pub tier_movement: Vec<TierMoveBody>,
}

impl KpiReportResponse {
    /// The report, with money in `currency` and days in `time_zone`.
    pub fn new(report: KpiReport, currency: String, time_zone: String) -> KpiReportResponse {
        let (now, before) = (&report.current, &report.previous);
        let kpis = KpiId::ALL
            .iter()
            .map(|&id| {
                let value = id.value(&now.facts, &now.kpis);
                let previous = id.value(&before.facts, &before.kpis);
                KpiLineBody {
                    id: id.as_str().to_owned(),
                    definition: id.definition().to_owned(),
                    kind: value.kind().to_owned(),
                    value: value.plain(),
                    previous: previous.plain(),
                    change: value.change_from(&previous).map(|c| c.plain()),
                    working: working(&value),
                    previous_working: working(&previous),
                }
            })
            .collect();
        let facts: &PeriodFacts = &now.facts;
        KpiReportResponse {
            currency,
            time_zone,
            period: now.period.into(),
            previous_period: before.period.into(),
            kpis,
            enrollments_by_channel: facts
                .enrolled
                .iter()
                .map(|(channel, members)| ChannelCountBody {
                    channel: channel.clone(),
                    members: *members,
                })
                .collect(),
            reward_popularity: facts
                .rewards
                .iter()
                .map(|r| RewardCountBody {
                    reward_id: r.reward.clone(),
                    redemptions: r.redemptions,
                    quantity: r.quantity,
                    points: r.points,
                })
                .collect(),
            tier_distribution: facts
                .tiers
                .iter()
                .map(|t| TierCountBody {
                    tier: t.tier.clone(),
                    members: t.members,
                })
                .collect(),
            tier_movement: facts
                .tier_moves
                .iter()
                .map(|m| TierMoveBody {
                    from: m.from.clone(),
                    to: m.to.clone(),
                    moves: m.moves,
                })
                .collect(),
        }
    }
}

fn working(value: &KpiValue) -> Option<RateBody> {
    match value {
        KpiValue::Share(r) | KpiValue::Mean(r) => Some(RateBody {
            part: r.part,
            whole: r.whole,
        }),
        _ => None,
    }
}

/// Members in one bucket of a distribution.
#[derive(Serialize, ToSchema)]
pub struct BucketBody {
    /// The bucket's lower end, included.
    pub from: i64,
    /// Its upper end, included; null for the last, open bucket.
    pub to: Option<i64>,
    /// Members in it.
    pub members: i64,
}

/// How purchases spread over members in a period.
#[derive(Serialize, ToSchema)]
pub struct DistributionsResponse {
    /// The period.
    pub period: PeriodBody,
    /// Members who bought in the period by how many purchases they made (1, 2, … and a last
    /// bucket pooling 10 and more).
    pub frequency: Vec<BucketBody>,
    /// Members by whole days from their last purchase before the period's end to its end
    /// (0–7, 8–30, 31–60, 61–90, 91–180, 181–365, more); members who never bought are not
    /// counted.
    pub recency: Vec<BucketBody>,
    /// Members who bought more than once in the period, in percent of those who bought; null
    /// when nobody bought.
    pub repeat_purchase_rate: Option<String>,
    /// Its working.
    pub repeat_purchase_working: RateBody,
}

impl DistributionsResponse {
    /// The distributions of `period`.
    pub fn new(period: Period, d: &Distributions) -> DistributionsResponse {
        let frequency = d
            .frequency
            .iter()
            .zip(1..)
            .map(|(&members, n)| BucketBody {
                from: n,
                to: (n < FREQUENCY_POOLED_FROM).then_some(n),
                members,
            })
            .collect();
        let starts = std::iter::once(0).chain(RECENCY_BUCKETS.iter().map(|end| end + 1));
        let ends = RECENCY_BUCKETS.iter().copied().map(Some).chain([None]);
        let recency = starts
            .zip(ends)
            .zip(&d.recency)
            .map(|((from, to), &members)| BucketBody { from, to, members })
            .collect();
        let repeat = d.repeat_purchase();
        DistributionsResponse {
            period: period.into(),
            frequency,
            recency,
            repeat_purchase_rate: repeat.percent().map(|p| p.to_string()),
            repeat_purchase_working: RateBody {
                part: repeat.part,
                whole: repeat.whole,
            },
        }
    }
}

/// The members who joined in one month, and how many of them bought in each month after.
#[derive(Serialize, ToSchema)]
pub struct CohortBody {
    /// The month they joined (its first day).
    #[schema(format = Date, example = "2026-09-01")]
    pub month: String,
    /// How many joined.
    pub members: i64,
    /// Of them, how many bought in the month they joined (first), the month after, and so on
    /// up to this month.
    pub buyers: Vec<i64>,
    /// The same in percent of `members` (one place); null for an empty cohort.
    pub retention: Vec<Option<String>>,
}

/// Retention by monthly cohort, oldest cohort first.
#[derive(Serialize, ToSchema)]
pub struct CohortsResponse {
    /// The cohorts.
    pub cohorts: Vec<CohortBody>,
}

impl From<Vec<Cohort>> for CohortsResponse {
    fn from(cohorts: Vec<Cohort>) -> CohortsResponse {
        CohortsResponse {
            cohorts: cohorts
                .into_iter()
                .map(|c| CohortBody {
                    month: c.month.to_string(),
                    members: c.members,
                    retention: (0..c.buyers.len())
                        .map(|i| {
                            c.retention(i)
                                .and_then(|r| r.percent())
                                .map(|p| p.to_string())
                        })
                        .collect(),
                    buyers: c.buyers,
                })
                .collect(),
        }
    }
}

/// A member's RFM scores.
#[derive(Serialize, ToSchema)]
pub struct RfmBody {
    /// How recently they bought, 1–5 (5: the most recent fifth of members who bought).
    pub recency: i64,
    /// How often, 1–5.
    pub frequency: i64,
    /// How much, 1–5.
    pub monetary: i64,
    /// The named segment: champions, loyal, promising, at_risk, cant_lose, hibernating or lost.
    #[schema(example = "loyal")]
    pub segment: String,
}

/// A member's churn risk and its reason.
#[derive(Serialize, ToSchema)]
pub struct ChurnBody {
    /// The probability they are still active (0–1, six places).
    #[schema(example = "0.934210")]
    pub p_alive: String,
    /// low (p_alive ≥ 0.7), medium or high (below 0.3).
    #[schema(example = "low")]
    pub risk: String,
    /// The reason in words: how long since they last bought against their usual gap.
    #[schema(example = "no purchase for 74 days; usually every 12")]
    pub reason: String,
}

/// What the last insight refresh worked out for a member: their history in figures, RFM
/// scores and segment, churn risk, and what they are expected to buy and be worth.
#[derive(Serialize, ToSchema)]
pub struct MemberInsightResponse {
    /// The member.
    pub member_id: i64,
    /// When the refresh that scored them ran; null when none has scored them (no purchases
    /// by then, or no refresh yet) — the other fields are then null too.
    pub refreshed_at: Option<String>,
    /// Their purchases.
    pub purchases: Option<i64>,
    /// What they paid, after refunds, in the program's currency.
    pub spend: Option<String>,
    /// Their first purchase.
    pub first_purchase_at: Option<String>,
    /// Their last purchase.
    pub last_purchase_at: Option<String>,
    /// Whole days from their last purchase to now.
    pub days_since_last_purchase: Option<i64>,
    /// Their usual days between purchases; null before a second purchase.
    pub usual_gap_days: Option<i64>,
    /// RFM scores and segment.
    pub rfm: Option<RfmBody>,
    /// Churn risk; null when no model could be fitted (too little history).
    pub churn: Option<ChurnBody>,
    /// Purchases (days with one) expected in the next 90 days, two places.
    pub expected_purchases_90d: Option<String>,
    /// Expected spend over the next 12 months, in the program's currency, undiscounted.
    pub value_12m: Option<String>,
    /// The fitted models behind the forecast (BG/NBD and Gamma-Gamma parameters, their
    /// log-likelihood and the members fitted on), or why none could be fitted.
    #[schema(value_type = Option<Object>)]
    pub model: Option<serde_json::Value>,
}

impl MemberInsightResponse {
    /// The response for `member_id`, money in `currency`, days counted to `now`.
    pub fn new(
        member_id: i64,
        insight: MemberInsight,
        currency: Currency,
        now: jiff::Timestamp,
    ) -> MemberInsightResponse {
        let money = |minor: i64| money(minor, currency);
        let model = insight
            .refresh
            .as_ref()
            .map(|r| match (&r.model, &r.problem) {
                (Some(model), _) => serde_json::from_str(model).unwrap_or(serde_json::Value::Null),
                (None, problem) => serde_json::json!({ "problem": problem }),
            });
        let Some(s) = insight.scores else {
            return MemberInsightResponse {
                member_id,
                refreshed_at: None,
                purchases: None,
                spend: None,
                first_purchase_at: None,
                last_purchase_at: None,
                days_since_last_purchase: None,
                usual_gap_days: None,
                rfm: None,
                churn: None,
                expected_purchases_90d: None,
                value_12m: None,
                model,
            };
        };
        let days = days_since(now, s.last_purchase_at);
        let churn = s
            .p_alive_ppm
            .zip(s.risk.clone())
            .map(|(ppm, risk)| ChurnBody {
                p_alive: probability(ppm),
                risk,
                reason: churn_reason(days, s.usual_gap_days),
            });
        MemberInsightResponse {
            member_id,
            refreshed_at: Some(s.refreshed_at.to_string()),
            purchases: Some(s.purchases),
            spend: Some(money(s.spend_minor)),
            first_purchase_at: Some(s.first_purchase_at.to_string()),
            last_purchase_at: Some(s.last_purchase_at.to_string()),
            days_since_last_purchase: Some(days),
            usual_gap_days: s.usual_gap_days,
            rfm: Some(RfmBody {
                recency: s.recency_score,
                frequency: s.frequency_score,
                monetary: s.monetary_score,
                segment: s.segment,
            }),
            churn,
            expected_purchases_90d: s
                .expected_purchases_ppm
                .map(|ppm| super::decimal(Decimal::new(ppm, 6).round_dp(2))),
            value_12m: s.value_12m_minor.map(money),
            model,
        }
    }
}

/// A probability stored in millionths, 0–1.
pub(crate) fn probability(ppm: i64) -> String {
    super::decimal(Decimal::new(ppm, 6))
}
