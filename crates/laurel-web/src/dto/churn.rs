//! The JSON shape of the churn-risk list.

use super::insight::probability;
use super::money;
use laurel_core::Currency;
use laurel_engine::{AtRisk, ChurnPage, churn_reason, days_since};
use serde::Serialize;
use utoipa::ToSchema;

/// A member at risk of having lapsed, as the last refresh scored them.
#[derive(Serialize, ToSchema)]
pub struct AtRiskBody {
    /// The member.
    pub member_id: i64,
    /// Their external id.
    pub external_id: String,
    /// Their name, if given.
    pub name: Option<String>,
    /// The tier they hold (its id), if any.
    pub tier: Option<String>,
    /// high (p_alive below 0.3) or medium (below 0.7).
    #[schema(example = "high")]
    pub risk: String,
    /// The probability they are still active (0–1, six places).
    #[schema(example = "0.08421")]
    pub p_alive: String,
    /// Their purchases.
    pub purchases: i64,
    /// Their last purchase.
    pub last_purchase_at: String,
    /// Whole days from their last purchase to now.
    pub days_since_last_purchase: i64,
    /// Their usual days between purchases; null before a second purchase.
    pub usual_gap_days: Option<i64>,
    /// Expected spend over the next 12 months, in the program's currency: the value at stake.
    #[schema(example = "182.5")]
    pub value_12m: String,
    /// The reason in words: how long since they last bought against their usual gap.
    #[schema(example = "no purchase for 150 days; usually every 7 days")]
    pub reason: String,
}

/// A page of the churn-risk list: high risk first, then medium, within a level the least
/// likely still active first.
#[derive(Serialize, ToSchema)]
pub struct ChurnListResponse {
    /// The members on this page.
    pub members: Vec<AtRiskBody>,
    /// `after` for the next page; null on the last.
    #[schema(example = "high.84210.1042")]
    pub next: Option<String>,
    /// When the refresh the list comes from ran; null before the first (the list is then
    /// empty).
    pub refreshed_at: Option<String>,
    /// The currency of `value_12m`.
    #[schema(example = "CNY")]
    pub currency: String,
}

impl ChurnListResponse {
    /// The response for `page`, money in `currency`, days counted to `now`.
    pub fn new(page: ChurnPage, currency: Currency, now: jiff::Timestamp) -> ChurnListResponse {
        let body = |AtRisk { level, member: m }: AtRisk| {
            let days = days_since(now, m.last_purchase_at);
            AtRiskBody {
                member_id: m.member.0,
                external_id: m.external_id,
                name: m.name,
                tier: m.tier,
                risk: level.as_str().to_owned(),
                p_alive: probability(m.p_alive_ppm),
                purchases: m.purchases,
                last_purchase_at: m.last_purchase_at.to_string(),
                days_since_last_purchase: days,
                usual_gap_days: m.usual_gap_days,
                value_12m: money(m.value_12m_minor, currency),
                reason: churn_reason(days, m.usual_gap_days),
            }
        };
        ChurnListResponse {
            members: page.members.into_iter().map(body).collect(),
            next: page.next.map(|k| k.to_string()),
            refreshed_at: page.refreshed_at.map(|t| t.to_string()),
            currency: currency.code().to_owned(),
        }
    }
}
