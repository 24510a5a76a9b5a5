//! Latency and throughput summaries.

use hdrhistogram::Histogram;
use serde::Serialize;
use std::time::Duration;

/// What happened to one kind of operation during the run.
#[derive(Debug, Clone)]
pub struct OpRecord {
    /// Latencies of answered requests, microseconds, to two significant digits: a histogram
    /// of fixed size, so the load generator's memory does not grow with the run (its process
    /// is the server's, whose memory the soak watches).
    latencies_us: Histogram<u64>,
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

/// The longest latency the histogram tells apart; longer ones count as this. Figures read
/// back are within 1% (two significant digits), rounded up.
const LATENCY_US_MAX: u64 = 600_000_000;

impl Default for OpRecord {
    #[allow(clippy::expect_used)]
    fn default() -> OpRecord {
        OpRecord {
            latencies_us: Histogram::new_with_bounds(1, LATENCY_US_MAX, 2)
                .expect("constant bounds that hdrhistogram accepts"),
            ok: 0,
            refused: 0,
            errors: 0,
            error_kinds: Default::default(),
        }
    }
}

impl OpRecord {
    /// Records an answered request's latency.
    pub fn latency(&mut self, elapsed: Duration) {
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        self.latencies_us
            .saturating_record(micros.clamp(1, LATENCY_US_MAX));
    }

    /// Adds another record's figures to this one.
    pub fn merge(&mut self, other: OpRecord) {
        // Both have the same bounds, so adding cannot fail.
        let _ = self.latencies_us.add(&other.latencies_us);
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
        let error_kinds = std::mem::take(&mut record.error_kinds);
        let l = &record.latencies_us;
        let at = |q: f64| -> f64 {
            if l.is_empty() {
                return 0.0;
            }
            l.value_at_quantile(q) as f64 / 1000.0
        };
        let count = l.len();
        OpSummary {
            op: op.to_owned(),
            count,
            per_second: count as f64 / elapsed.as_secs_f64(),
            refused: record.refused,
            errors: record.errors,
            p50_ms: at(0.50),
            p95_ms: at(0.95),
            p99_ms: at(0.99),
            max_ms: l.max() as f64 / 1000.0,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn close(got: f64, want: f64) -> bool {
        (got - want).abs() <= want * 0.01
    }

    #[test]
    fn percentiles_of_merged_records_are_within_a_percent_and_count_every_request() {
        let (mut odd, mut even) = (OpRecord::default(), OpRecord::default());
        for ms in 1..=100_u64 {
            let record = if ms % 2 == 1 { &mut odd } else { &mut even };
            record.latency(Duration::from_millis(ms));
        }
        odd.merge(even);
        let summary = OpSummary::new("purchase", odd, Duration::from_secs(10));
        assert_eq!(summary.count, 100);
        assert!(close(summary.per_second, 10.0));
        assert!(close(summary.p50_ms, 50.0), "{}", summary.p50_ms);
        assert!(close(summary.p99_ms, 99.0), "{}", summary.p99_ms);
        assert!(close(summary.max_ms, 100.0), "{}", summary.max_ms);
    }

    #[test]
    fn a_record_of_nothing_summarises_to_zeros() {
        let summary = OpSummary::new("refund", OpRecord::default(), Duration::from_secs(1));
        assert_eq!(
            (summary.count, summary.p99_ms, summary.max_ms),
            (0, 0.0, 0.0)
        );
    }
}
