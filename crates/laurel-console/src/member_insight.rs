//! The member page's insight box: what the last daily refresh worked out for the member (RFM
//! scores and segment, the probability still active, purchases expected in 90 days, the
//! 12-month value, the churn risk with its reason) in the page's words, or why there is
//! nothing yet.

use crate::i18n::Locale;
use crate::member_insight_words as words;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use laurel_core::Currency;
use laurel_engine::{Engine, EngineError, MemberInsight};

/// The box as the page shows it.
pub struct InsightBox {
    /// The figures, when the member is scored.
    pub scored: Option<Scored>,
    /// Why not, when not: no refresh yet, or no purchase by the last.
    pub not_scored: String,
    /// When the refresh ran, in words; empty before the first.
    pub refreshed: String,
}

/// A scored member's figures in words.
pub struct Scored {
    /// "Recency 4, frequency 5, monetary 3 (out of 5)".
    pub rfm: String,
    /// The segment's name.
    pub segment: String,
    /// The forecast, when a model could be fitted.
    pub forecast: Option<Forecast>,
}

/// The churn and value model's forecast in words.
pub struct Forecast {
    /// The probability still active, as a percentage.
    pub p_alive: String,
    /// Purchases expected in the next 90 days.
    pub expected: String,
    /// Value over the next 12 months, as money.
    pub value: String,
    /// The risk level's stable name (the page's class and tests) and its name.
    pub risk_id: String,
    /// The level's name.
    pub risk: String,
    /// Why, in words.
    pub reason: String,
}

/// The member's box, from the engine.
pub async fn read(
    engine: &Engine,
    l: Locale,
    tz: &TimeZone,
    member: i64,
) -> Result<InsightBox, EngineError> {
    let insight = engine.member_insight(member).await?;
    let currency = engine.definition().program.currency;
    Ok(insight_box(l, tz, currency, insight, Timestamp::now()))
}

/// The box for `insight`, days counted to `now`.
fn insight_box(
    l: Locale,
    tz: &TimeZone,
    currency: Currency,
    insight: MemberInsight,
    now: Timestamp,
) -> InsightBox {
    let t = l.strings();
    let refreshed = insight.refresh.as_ref().map_or_else(String::new, |r| {
        t.with(
            "member_insight.refreshed",
            "when",
            &l.date_time(r.refreshed_at, tz),
        )
    });
    let not_scored = t
        .get(if insight.refresh.is_some() {
            "member_insight.not_scored_no_purchase"
        } else {
            "member_insight.not_scored_no_refresh"
        })
        .to_owned();
    let scored = insight.scores.map(|s| {
        let days = laurel_engine::days_since(now, s.last_purchase_at);
        let forecast = match (
            s.p_alive_ppm,
            s.expected_purchases_ppm,
            s.value_12m_minor,
            s.risk,
        ) {
            (Some(p_alive), Some(expected), Some(value), Some(risk)) => Some(Forecast {
                p_alive: words::p_alive(l, p_alive),
                expected: words::expected_purchases(l, expected),
                value: words::money(l, value, currency),
                risk: words::risk(l, &risk),
                risk_id: risk,
                reason: words::reason(l, days, s.usual_gap_days),
            }),
            _ => None,
        };
        Scored {
            rfm: t.fill(
                "member_insight.rfm_scores",
                &[
                    ("r", &s.recency_score.to_string()),
                    ("f", &s.frequency_score.to_string()),
                    ("m", &s.monetary_score.to_string()),
                ],
            ),
            segment: words::segment(l, &s.segment),
            forecast,
        }
    });
    InsightBox {
        scored,
        not_scored,
        refreshed,
    }
}
