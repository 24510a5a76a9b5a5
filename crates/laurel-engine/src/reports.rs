//! Program-wide figures for the console: member counts, the points members hold rolled forward
//! over a period with their money value, and the daily series (`daily.rs`).

mod daily;

pub use daily::{DAILY_DAYS_MAX, DayActivity};

use crate::Engine;
use crate::error::{EngineError, Result};
use jiff::Timestamp;
use laurel_core::ledger::{Held, Line, RollForward};
use laurel_core::{Money, Points};
use laurel_store::ProgramTotals;

/// The dashboard's figures for a period that ends now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dashboard {
    /// Member counts.
    pub totals: ProgramTotals,
    /// The points members hold, from the period's start to now, as the ledger records them.
    pub points: RollForward,
    /// What the points members hold now are worth: the program's liability.
    pub liability: Liability,
    /// Points redeemed per point issued in the period, in percent (none when nothing was issued).
    pub redemption_rate: Option<u32>,
}

/// The money value of the points members hold, pending and available apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Liability {
    /// Of the spendable points.
    pub available: Money,
    /// Of the points still in the return window (a refund may yet take them back).
    pub pending: Money,
    /// Of both.
    pub total: Money,
}

impl Engine {
    /// The period from `since` to now: members enrolled since then and active in the last 30
    /// and 90 days, the points members hold rolled forward from the ledger, and their value.
    pub async fn dashboard(&self, since: Timestamp) -> Result<Dashboard> {
        // Each a scan of its own index: at once, so the page waits for the longest.
        let (totals, points) = tokio::try_join!(
            self.store.program_totals(since, Timestamp::now()),
            self.store.points_roll_forward(since)
        )?;
        let liability = self.liability(points.closing)?;
        let issued = points.line(Line::Issued).total().get();
        let redeemed = -points.line(Line::Redeemed).total().get();
        let redemption_rate =
            (issued > 0).then(|| u32::try_from(redeemed.max(0) * 100 / issued).unwrap_or(u32::MAX));
        Ok(Dashboard {
            totals,
            points,
            liability,
            redemption_rate,
        })
    }

    /// What `held` is worth in the program's currency.
    fn liability(&self, held: Held) -> Result<Liability> {
        let program = &self.definition().program;
        let value = |points: Points| {
            program
                .value_of(points)
                .map_err(|e| EngineError::Internal(e.to_string()))
        };
        Ok(Liability {
            available: value(held.available)?,
            pending: value(held.pending)?,
            total: value(held.total())?,
        })
    }
}
