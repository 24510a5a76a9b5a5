//! Insight: the KPIs of a period, beside those of the period just before, counted when things
//! happened (`laurel-core`'s `insight` defines each; the store counts the facts).

mod breakdowns;
mod churn;
mod members;
mod offers;

pub use churn::{AtRisk, BadChurnKey, ChurnFilter, ChurnKey, ChurnPage};
pub use members::{
    FIT_MEMBERS_MAX, MemberInsight, REFRESH_EVERY, RefreshReport, churn_reason, days_since,
};
pub use offers::{OFFERS_MAX, OfferView, SPEND_WINDOW, offer_reason};

use crate::Engine;
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use laurel_core::insight::{Kpis, Period, PeriodError, PeriodFacts};

/// The KPIs of a period and of the one before, of as many days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KpiReport {
    /// The period asked for.
    pub current: PeriodKpis,
    /// The period just before it.
    pub previous: PeriodKpis,
}

/// One period's facts and the KPIs worked out from them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodKpis {
    /// Its days.
    pub period: Period,
    /// What was counted.
    pub facts: PeriodFacts,
    /// What follows from it.
    pub kpis: Kpis,
}

impl Engine {
    /// The KPIs of `period` (whole days in the program's time zone) and of the period of as
    /// many days before it, valued by the program in force now.
    pub async fn kpis(&self, period: Period) -> Result<KpiReport> {
        let previous = period.previous().map_err(period_error)?;
        // Independent reads: at once, on the pool's connections.
        let (current, previous) =
            tokio::try_join!(self.period_kpis(period), self.period_kpis(previous))?;
        Ok(KpiReport { current, previous })
    }

    /// The `days` days ending today in the program's time zone (at least one).
    pub fn days_to_today(&self, days: i64, now: jiff::Timestamp) -> Result<Period> {
        let today = self.definition().program.time_zone.to_datetime(now).date();
        Period::ending(today, days).map_err(period_error)
    }

    async fn period_kpis(&self, period: Period) -> Result<PeriodKpis> {
        let definition = self.definition();
        let program = &definition.program;
        let bounds = period.bounds(&program.time_zone).map_err(period_error)?;
        let facts = self.store.period_facts(&bounds).await?;
        let kpis = Kpis::new(&facts, program).map_err(|e| EngineError::Internal(e.to_string()))?;
        Ok(PeriodKpis {
            period,
            facts,
            kpis,
        })
    }
}

/// A period that cannot be counted, as the caller's error.
pub fn period_error(e: PeriodError) -> EngineError {
    let field = match e {
        PeriodError::Reversed => "to",
        PeriodError::TooLong | PeriodError::OutOfRange => "from",
    };
    EngineError::invalid(field, ErrorCode::InvalidDate, e.to_string())
}
