//! What the Insight pages show beyond the KPIs: how purchases spread over members in a period,
//! and retention by monthly cohort. Each reads a period's purchases member by member, so they
//! are asked apart from the KPIs (which the dashboard shows) and cost more at scale.

use crate::Engine;
use crate::error::{EngineError, Result};
use crate::insight::period_error;
use jiff::Timestamp;
use laurel_core::insight::{Cohort, Distributions, Period, cohorts, months_ending};

impl Engine {
    /// How many purchases the members who bought in `period` made, and how long before its
    /// end members last bought.
    pub async fn distributions(&self, period: Period) -> Result<Distributions> {
        let tz = self.definition().program.time_zone.clone();
        let bounds = period.bounds(&tz).map_err(period_error)?;
        let per_member = self
            .store
            .purchases_per_member(bounds.from, bounds.to)
            .await?;
        let since_last = self.store.days_since_last_purchase(bounds.to).await?;
        Ok(Distributions::new(per_member, since_last))
    }

    /// Retention by monthly cohort over the `months` calendar months (at most
    /// `COHORT_MONTHS_MAX`) ending with this one, oldest first.
    pub async fn cohorts(&self, months: u32, now: Timestamp) -> Result<Vec<Cohort>> {
        let tz = self.definition().program.time_zone.clone();
        let months = months_ending(&tz, now, months)
            .map_err(|e| EngineError::Internal(format!("the cohorts' months: {e}")))?;
        let (joined, bought) = self.store.cohort_counts(&months).await?;
        Ok(cohorts(&months, joined, bought))
    }
}
