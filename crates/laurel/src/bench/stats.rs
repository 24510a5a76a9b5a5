//! Latency and throughput summaries.

use serde::Serialize;
use std::time::Duration;

/// What happened to one kind of operation during the run.
#[derive(Debug, Default, Clone)]
pub struct OpRecord {
    /// Latencies of answered requests, microseconds.
    pub latencies_us: Vec<u32>,
    /// Answered as intended (2xx).
    pub ok: u64,
    /// Refused by a rule the mix expects to hit sometimes (409 insufficient points, refund
    /// of an already refunded purchase).
    pub refused: u64,
    /// Anything else: 5xx, unexpected 4xx, transport errors.
    pub errors: u64,
    /// What the errors were (status code or transport failure) and how often.
    pub error_kinds: std::collections::BTreeMap<String, u64>,
}

impl OpRecord {
    /// Adds another record's figures to this one.
    pub fn merge(&mut self, other: OpRecord) {
        self.latencies_us.extend(other.latencies_us);
        self.ok += other.ok;
        self.refused += other.refused;
        self.errors += other.errors;
        for (kind, count) in other.error_kinds {
            *self.error_kinds.entry(kind).or_default() += count;
        }
    }

    /// Counts an error of the given kind.
    pub fn error(&mut self, kind: String) {
        self.errors += 1;
        *self.error_kinds.entry(kind).or_default() += 1;
    }
}

/// A summary line of the report.
#[derive(Debug, Serialize)]
pub struct OpSummary {
    /// Operation.
    pub op: String,
    /// Requests answered.
    pub count: u64,
    /// Answered requests per second.
    pub per_second: f64,
    /// Refusals the mix expects.
    pub refused: u64,
    /// Errors.
    pub errors: u64,
    /// Latency percentiles, milliseconds.
    pub p50_ms: f64,
    /// 95th percentile.
    pub p95_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Worst.
    pub max_ms: f64,
    /// Errors by kind.
    pub error_kinds: std::collections::BTreeMap<String, u64>,
}

impl OpSummary {
    /// Summarises a record over the run's duration.
    pub fn new(op: &str, mut record: OpRecord, elapsed: Duration) -> OpSummary {
        record.latencies_us.sort_unstable();
        let error_kinds = std::mem::take(&mut record.error_kinds);
        let at = |q: f64| -> f64 {
            let l = &record.latencies_us;
            if l.is_empty() {
                return 0.0;
            }
            let index = ((l.len() as f64 - 1.0) * q).round() as usize;
            f64::from(l[index]) / 1000.0
        };
        let count = record.latencies_us.len() as u64;
        OpSummary {
            op: op.to_owned(),
            count,
            per_second: count as f64 / elapsed.as_secs_f64(),
            refused: record.refused,
            errors: record.errors,
            p50_ms: at(0.50),
            p95_ms: at(0.95),
            p99_ms: at(0.99),
            max_ms: at(1.0),
            error_kinds,
        }
    }

    /// The header of [`OpSummary::line`].
    pub fn header() -> String {
        format!(
            "{:<16} {:>9} {:>10} {:>8} {:>7} {:>8} {:>8} {:>8} {:>8}",
            "operation",
            "count",
            "per s",
            "refused",
            "errors",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "max ms"
        )
    }

    /// One aligned report line.
    pub fn line(&self) -> String {
        format!(
            "{:<16} {:>9} {:>10.0} {:>8} {:>7} {:>8.2} {:>8.2} {:>8.2} {:>8.2}",
            self.op,
            self.count,
            self.per_second,
            self.refused,
            self.errors,
            self.p50_ms,
            self.p95_ms,
            self.p99_ms,
            self.max_ms
        )
    }
}

/// The process's resident memory in MiB, where /proc tells it.
pub fn rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}
