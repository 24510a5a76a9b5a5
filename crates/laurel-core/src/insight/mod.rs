//! Insight: what the program does, in the figures a loyalty manager lives by. The store counts
//! the facts of a period (`PeriodFacts`, counted when things happened: a purchase's
//! `occurred_at`, a member's enrollment); this turns them into the KPIs (`Kpis`), each defined
//! once (`KpiId::definition`) so the README, the console's tooltips and the API say the same.

pub mod clv;
mod cohort;
mod distribution;
mod facts;
mod kpis;
mod period;
mod rate;
mod rfm;
mod value;

pub use cohort::{COHORT_MONTHS_MAX, Cohort, Month, cohorts, months_ending};
pub use distribution::{Distributions, FREQUENCY_POOLED_FROM, RECENCY_BUCKETS};
pub use facts::{PeriodFacts, PointsMoved, RewardCount, Sales, TierCount, TierMove};
pub use kpis::{KpiId, Kpis};
pub use period::{PERIOD_DAYS_MAX, Period, PeriodBounds, PeriodError};
pub use rate::Rate;
pub use rfm::{RfmInput, RfmScores, RfmSegment, quintiles, scores};
pub use value::{KpiChange, KpiValue};
