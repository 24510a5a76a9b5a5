//! Program-wide figures for the console: totals with their money value, and the daily series
//! (`daily.rs`).

mod daily;

pub use daily::{DAILY_DAYS_MAX, DayActivity};

use crate::Engine;
use crate::error::{EngineError, Result};
use jiff::Timestamp;
use laurel_core::{Money, Points};
use laurel_store::ProgramTotals;

/// The dashboard's figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dashboard {
    /// Counts and points.
    pub totals: ProgramTotals,
    /// What the outstanding points are worth: the program's liability.
    pub outstanding_value: Money,
    /// Points redeemed per point issued in the period, in percent (none when nothing was issued).
    pub redemption_rate: Option<u32>,
}

impl Engine {
    /// Totals since `since` (new members, points issued, redeemed, expired), members active
    /// in the last 30 and 90 days, and the outstanding points with their money value.
    pub async fn dashboard(&self, since: Timestamp) -> Result<Dashboard> {
        let totals = self.store.program_totals(since, Timestamp::now()).await?;
        let program = &self.definition().program;
        let outstanding_value = program
            .value_of(Points(totals.outstanding))
            .map_err(|e| EngineError::Internal(e.to_string()))?;
        let redemption_rate = (totals.issued > 0).then(|| {
            u32::try_from(totals.redeemed.max(0) * 100 / totals.issued).unwrap_or(u32::MAX)
        });
        Ok(Dashboard {
            totals,
            outstanding_value,
            redemption_rate,
        })
    }
}
