//! The scale test's insight: the KPIs of the last 90 and 365 days (each beside the period
//! before) and the 90-day daily series, as the dashboard and the Insight pages ask for them,
//! one at a time.

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
