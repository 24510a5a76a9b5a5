//! What the books take as given at each instant: a point's price under the program version
//! in force then, and the expected redemption rate — the latest estimate recorded in force,
//! or before any, the version's `[books]` rate.

use crate::programs::Timeline;
use jiff::Timestamp;
use laurel_core::books::Terms;
use laurel_store::BooksEstimate;
use rust_decimal::Decimal;

/// Where an expected redemption rate comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateSource {
    /// The `[books]` of the program version in force (or its default).
    Program,
    /// An estimate recorded: its id.
    Estimate(i64),
}

/// The price and rate of each program version, and the estimates, by when they take effect.
pub(crate) struct Priced {
    /// Each version's (in force from, point price, rate).
    versions: Vec<(Timestamp, Decimal, Decimal)>,
    /// Each estimate's (in force from, rate, id, recorded at), by when it takes effect.
    estimates: Vec<(Timestamp, Decimal, i64, Timestamp)>,
}

impl Priced {
    /// The terms of `timeline` with `estimates` (in the order they take effect).
    pub fn new(timeline: &Timeline, estimates: &[BooksEstimate]) -> Priced {
        Priced {
            versions: timeline
                .versions()
                .iter()
                .map(|v| {
                    let policy = v.definition.books_policy();
                    (
                        v.effective_from,
                        policy.point_price,
                        policy.expected_redemption_rate,
                    )
                })
                .collect(),
            estimates: estimates
                .iter()
                .map(|e| (e.effective_from, e.rate, e.id, e.recorded_at))
                .collect(),
        }
    }

    fn version(&self, at: Timestamp) -> (Timestamp, Decimal, Decimal) {
        // An instant before the first version is decided under the first, as the ledger was.
        let after = self.versions.partition_point(|v| v.0 <= at);
        self.versions[after.saturating_sub(1).min(self.versions.len() - 1)]
    }

    /// The rate in force at `at` as the estimates recorded by `known` said it, and where it
    /// comes from.
    pub fn rate_at(&self, at: Timestamp, known: Timestamp) -> (Decimal, RateSource) {
        let after = self.estimates.partition_point(|e| e.0 <= at);
        match self.estimates[..after].iter().rev().find(|e| e.3 <= known) {
            Some(&(_, rate, id, _)) => (rate, RateSource::Estimate(id)),
            None => (self.version(at).2, RateSource::Program),
        }
    }

    /// The id of the last estimate recorded, if any.
    pub fn last_estimate(&self) -> Option<i64> {
        self.estimates.iter().map(|e| e.2).max()
    }
}

impl Terms for Priced {
    fn point_price(&self, at: Timestamp) -> Decimal {
        self.version(at).1
    }

    fn rate_known(&self, at: Timestamp, known: Timestamp) -> Decimal {
        self.rate_at(at, known).0
    }
}
