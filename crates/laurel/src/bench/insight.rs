//! The scale test's insight: the KPIs of the last 90 and 365 days (each beside the period
//! before) and the 90-day daily series, as the dashboard and the Insight pages ask for them,
//! one at a time; then the daily jobs once each — scoring every member who bought, and
//! working out a segment's members.

use super::stats::OpRecord;
use anyhow::Result;
use laurel_engine::Engine;
use std::time::Instant;

/// What is timed, in the order reported: (name, days).
const ASKED: [(&str, i64); 3] = [
    ("kpis_90_days", 90),
    ("kpis_365_days", 365),
    ("daily_series_90_days", 90),
];

/// Times each `samples` times.
pub async fn time(engine: &Engine, samples: usize) -> Result<Vec<(&'static str, OpRecord)>> {
    let mut records = Vec::new();
    for (name, days) in ASKED {
        let period = engine.days_to_today(days, jiff::Timestamp::now())?;
        let mut record = OpRecord::default();
        for _ in 0..samples {
            let started = Instant::now();
            if name.starts_with("kpis") {
                engine.kpis(period).await?;
            } else {
                engine.daily_series(period).await?;
            }
            record.ok += 1;
            record.latency(started.elapsed());
        }
        records.push((name, record));
    }
    Ok(records)
}

/// How long the daily jobs take once each: the member scoring (RFM, the churn and value
/// models fitted and every buyer forecast), then a segment of the year's bigger spenders saved
/// (its members worked out as it is) and every segment refreshed.
pub async fn time_daily_jobs(engine: &Engine) -> Result<()> {
    let now = jiff::Timestamp::now();
    let started = Instant::now();
    let report = engine.refresh_member_insight(now).await?;
    println!(
        "member insight refresh: {} members scored ({} not forecast; model: {}) in {:.1} s",
        report.members,
        report.unforecast,
        report.problem.as_deref().unwrap_or("fitted"),
        started.elapsed().as_secs_f64()
    );
    let spec = laurel_engine::SegmentSpec {
        id: "bench_spenders".into(),
        name: "Spent 500 or more this year".into(),
        description: None,
        conditions: vec![laurel_engine::ConditionSpec::Spend(
            laurel_engine::SpendSpec {
                days: 365,
                at_least: Some(rust_decimal::Decimal::from(500)),
                at_most: None,
            },
        )],
    };
    let started = Instant::now();
    let saved = engine.create_segment(spec, now).await?;
    println!(
        "segment saved and counted: {} members in {:.1} s",
        saved.members,
        started.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    let refresh = engine.refresh_segments(jiff::Timestamp::now()).await?;
    println!(
        "segments refreshed: {} in {:.1} s",
        refresh.members.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
