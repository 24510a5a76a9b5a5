//! Insight per member: the refresh that scores every member who bought (RFM and its named
//! segment; the probability they are still active, their purchases ahead and 12-month value
//! from BG/NBD and Gamma-Gamma fitted on the program's own history), and what it says of one.
//!
//! The refresh reads purchases a window of member ids at a time, fits on a sample of at most
//! [`FIT_MEMBERS_MAX`] members (the fit's cost grows with distinct histories; a sample of that
//! size pins the parameters well — see the core's validation) and writes a chunk of members
//! per short transaction, so purchases are never held up for long.

use crate::Engine;
use crate::error::{EngineError, Result};
use jiff::Timestamp;
use laurel_core::insight::clv::{
    BgNbd, ClvModel, CustomerSummary, Fit, Forecast, GammaGamma, Purchase,
};
use laurel_core::insight::{RfmInput, scores};
use laurel_store::{HISTORY_WINDOW, InsightRefresh, MemberId, MemberInsightRow};

/// Most members the models are fitted on: an even sample of them beyond that.
pub const FIT_MEMBERS_MAX: usize = 100_000;

/// How often the schedule refreshes: once a day, as members' days since their last purchase
/// move by one a day.
pub const REFRESH_EVERY: jiff::SignedDuration = jiff::SignedDuration::from_hours(24);

/// What a refresh did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshReport {
    /// Members scored (those who have bought).
    pub members: usize,
    /// Why no churn and value model could be fitted, if none was: the scores stand alone.
    pub problem: Option<String>,
    /// Members the fitted model could not forecast (their figures beyond what its series
    /// can sum): scored, with no forecast.
    pub unforecast: usize,
}

/// What the last refresh says of a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberInsight {
    /// Their scores and forecast; none if they had not bought by the last refresh.
    pub scores: Option<MemberInsightRow>,
    /// The last refresh (its models), if one ran.
    pub refresh: Option<InsightRefresh>,
}

/// A member's history as the refresh reads it.
struct Scored {
    member: MemberId,
    summary: CustomerSummary,
    purchases: i64,
    spend_minor: i64,
    first: Timestamp,
    last: Timestamp,
}

impl Engine {
    /// Scores every member who bought as of `now` and records the models fitted.
    pub async fn refresh_member_insight(&self, now: Timestamp) -> Result<RefreshReport> {
        let tz = self.definition().program.time_zone.clone();
        let last_id = self.store.last_member_id().await?;
        // Scoring a member is profiling: those who withdrew from it are left out (and the
        // rows of an earlier refresh dropped with the rest).
        let withdrawn = self.store.members_withdrawn_from(crate::PROFILING).await?;
        let mut members = Vec::new();
        let mut after = 0;
        while after < last_id {
            for (member, history) in self.store.purchase_histories(after).await? {
                if withdrawn.binary_search(&member).is_ok() {
                    continue;
                }
                let purchases: Vec<Purchase> = history
                    .iter()
                    .map(|&(at, amount_minor)| Purchase { at, amount_minor })
                    .collect();
                let Some(summary) = CustomerSummary::from_purchases(&purchases, now, &tz) else {
                    continue;
                };
                let (Some(first), Some(last)) = (history.first(), history.last()) else {
                    continue;
                };
                members.push(Scored {
                    member,
                    summary,
                    purchases: i64::try_from(history.len()).unwrap_or(i64::MAX),
                    spend_minor: history.iter().map(|(_, paid)| paid).sum(),
                    first: first.0,
                    last: last.0,
                });
            }
            after += HISTORY_WINDOW;
        }
        // Fitting and forecasting a million members is seconds of arithmetic: off the async
        // threads.
        let (rows, model, problem, unforecast) =
            tokio::task::spawn_blocking(move || score(&members, now))
                .await
                .map_err(|e| EngineError::Internal(format!("the insight refresh: {e}")))?;
        self.store.write_member_insight(&rows, now).await?;
        self.store
            .record_refresh(&InsightRefresh {
                refreshed_at: now,
                members: i64::try_from(rows.len()).unwrap_or(i64::MAX),
                model,
                problem: problem.clone(),
            })
            .await?;
        Ok(RefreshReport {
            members: rows.len(),
            problem,
            unforecast,
        })
    }

    /// Refreshes when the last refresh is a day old or none ran; `None` when it was not due.
    /// Idempotent: two nodes refreshing at once write the same rows.
    pub async fn refresh_member_insight_daily(
        &self,
        now: Timestamp,
    ) -> Result<Option<RefreshReport>> {
        let last = self.store.latest_refresh().await?;
        if last.is_some_and(|r| now.duration_since(r.refreshed_at) < REFRESH_EVERY) {
            return Ok(None);
        }
        self.refresh_member_insight(now).await.map(Some)
    }

    /// What the last refresh says of the member; no scores once they withdrew from profiling
    /// (the next refresh drops them).
    pub async fn member_insight(&self, member_id: i64) -> Result<MemberInsight> {
        if self.store.member(MemberId(member_id)).await?.is_none() {
            return Err(EngineError::UnknownMember(member_id.to_string()));
        }
        let (scores, refresh, consents) = tokio::try_join!(
            async { Ok(self.store.member_insight(MemberId(member_id)).await?) },
            async { Ok(self.store.latest_refresh().await?) },
            self.consents(member_id),
        )?;
        let scores = scores.filter(|_| consents.profiling());
        Ok(MemberInsight { scores, refresh })
    }
}

/// Whole days from `at` to `now` (none for a time ahead): how long ago a member last bought,
/// as the reason and the pages count it.
pub fn days_since(now: Timestamp, at: Timestamp) -> i64 {
    now.duration_since(at).as_secs().max(0) / 86_400
}

/// A member's churn risk in words, in English: how long since they last bought against their
/// usual gap, or that they bought once (the model holds a one-time buyer as active).
pub fn churn_reason(days_since_last: i64, usual_gap_days: Option<i64>) -> String {
    let days = |n: i64| {
        if n == 1 {
            "1 day".to_owned()
        } else {
            format!("{n} days")
        }
    };
    match usual_gap_days {
        Some(gap) => format!(
            "no purchase for {}; usually every {}",
            days(days_since_last),
            if gap == 1 {
                "day".to_owned()
            } else {
                days(gap)
            }
        ),
        None => format!("bought once, {} ago", days(days_since_last)),
    }
}

/// What scoring worked out: every member's row, the fitted models as JSON, why none was
/// fitted, and how many members the model could not forecast.
type Scoring = (Vec<MemberInsightRow>, Option<String>, Option<String>, usize);

/// Every member's row, the fitted models as JSON, why none was fitted, and how many members
/// the model could not forecast.
fn score(members: &[Scored], now: Timestamp) -> Scoring {
    let rfm = scores(
        &members
            .iter()
            .map(|m| RfmInput {
                days_since_last: m.summary.days_since_last_purchase() as i64,
                purchases: m.purchases,
                spend_minor: m.spend_minor,
            })
            .collect::<Vec<_>>(),
    );
    let (model, problem) = match fit(members) {
        Ok((model, json)) => (Some(model), (Some(json), None)),
        Err(problem) => (None, (None, Some(problem))),
    };
    let mut unforecast = 0;
    let rows = members
        .iter()
        .zip(rfm)
        .map(|(m, rfm)| {
            let forecast: Option<Forecast> = model.and_then(|model| {
                model
                    .forecast(&m.summary)
                    .inspect_err(|e| {
                        if unforecast == 0 {
                            tracing::warn!(member = m.member.0, error = %e, "no forecast");
                        }
                        unforecast += 1;
                    })
                    .ok()
            });
            MemberInsightRow {
                member: m.member,
                purchases: m.purchases,
                spend_minor: m.spend_minor,
                first_purchase_at: m.first,
                last_purchase_at: m.last,
                recency_score: i64::from(rfm.recency),
                frequency_score: i64::from(rfm.frequency),
                monetary_score: i64::from(rfm.monetary),
                segment: rfm.segment().as_str().to_owned(),
                p_alive_ppm: forecast.map(|f| millionths(f.p_alive)),
                expected_purchases_ppm: forecast.map(|f| millionths(f.expected_purchases_90d)),
                value_12m_minor: forecast.map(|f| f.value_12m),
                risk: forecast.map(|f| f.risk.level.as_str().to_owned()),
                usual_gap_days: m.summary.usual_gap_days().map(|d| d.round() as i64),
                refreshed_at: now,
            }
        })
        .collect();
    (rows, problem.0, problem.1, unforecast)
}

/// The two models fitted on an even sample of the members, with their working as JSON; or
/// why they could not be.
fn fit(members: &[Scored]) -> std::result::Result<(ClvModel, String), String> {
    let step = members.len().div_ceil(FIT_MEMBERS_MAX).max(1);
    let sample: Vec<CustomerSummary> = members.iter().step_by(step).map(|m| m.summary).collect();
    let purchases: Fit<BgNbd> = BgNbd::fit(&sample).map_err(|e| e.to_string())?;
    let spend: Fit<GammaGamma> = GammaGamma::fit(&sample).map_err(|e| e.to_string())?;
    let (p, s) = (purchases.model, spend.model);
    let json = serde_json::json!({
        "bg_nbd": {
            "r": p.r(), "alpha": p.alpha(), "a": p.a(), "b": p.b(),
            "log_likelihood": purchases.log_likelihood, "members": purchases.members,
        },
        "gamma_gamma": {
            "p": s.p(), "q": s.q(), "v": s.v(),
            "log_likelihood": spend.log_likelihood, "members": spend.members,
        },
        "sampled_every": step,
    });
    Ok((
        ClvModel {
            purchases: p,
            spend: s,
        },
        json.to_string(),
    ))
}

/// A non-negative figure in millionths, rounded.
fn millionths(value: f64) -> i64 {
    (value * 1_000_000.0).round() as i64
}
