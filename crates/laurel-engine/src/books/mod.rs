//! The books (IFRS 15): the points liability and revenue read from the same ledger that moves
//! the points. A report rolls both pools forward period by period (`report.rs`); the journal
//! is its entries (`journal.rs`); estimates of the redemption rate are recorded and a period
//! closed here, each audited; `terms.rs` says the price and rate in force at an instant;
//! `range.rs` reads the dates a report is asked for.

mod journal;
mod range;
mod report;
mod terms;

pub use journal::{BooksEntry, BooksJournal, JOURNAL_COLUMNS, JournalRow, journal_csv};
pub use range::BooksRange;
pub use report::{BooksReport, EstimateInForce};
pub use terms::RateSource;

use crate::Engine;
use crate::checks;
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use jiff::{SignedDuration, Timestamp};
use laurel_core::books::Terms;
use laurel_core::books::{
    Boundary, PoolKind, ReportingPeriod, Span, Standing, check_rate, roll_periods, sample,
};
use laurel_core::issue::Issues;
use laurel_store::{AuditEntry, BooksClose, BooksEstimate, CloseRefused, LockedStanding};
use rust_decimal::Decimal;
use terms::Priced;

/// An estimate to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEstimate {
    /// When it takes effect.
    pub effective_from: Timestamp,
    /// The share of points expected to be redeemed: above 0, at most 1.
    pub rate: Decimal,
    /// Why.
    pub note: String,
}

/// Who acts on the books, as the audit log names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BooksActor {
    /// The staff account, if a staff member acts.
    pub staff_user_id: Option<i64>,
    /// How the audit log and the records name them.
    pub name: String,
}

/// The instant just before `at`: a boundary's figures are those of the period ending there,
/// under the rate in force at its last instant.
fn just_before(at: Timestamp) -> Timestamp {
    at.checked_sub(SignedDuration::from_micros(1)).unwrap_or(at)
}

impl Engine {
    /// The books from `range.from` to `range.to`, period by period.
    pub async fn books_report(&self, range: BooksRange) -> Result<BooksReport> {
        let definition = self.definition();
        let policy = definition.books_policy();
        let program = &definition.program;
        let tz = &program.time_zone;
        let digits = program.currency.minor_digits();
        let spans = policy
            .period
            .spans(tz, range.from, range.to)
            .map_err(|e| EngineError::invalid("to", ErrorCode::InvalidDate, e.to_string()))?;
        let estimates = self.store.books_estimates().await?;
        let priced = Priced::new(&self.programs.snapshot(), &estimates);
        let locked = self.store.books_locked().await?;
        let records = self.store.books_records(range.to, digits).await?;
        let flows = laurel_core::books::flows(&records, &priced);
        let mut instants: Vec<Timestamp> = spans.iter().map(|s| s.start).collect();
        instants.push(range.to);
        let samples = sample(&flows, &instants);
        let boundaries: Vec<Boundary> = instants
            .iter()
            .zip(samples)
            .map(|(&at, live)| Boundary {
                live,
                rate: priced.rate(just_before(at)),
                locked: locked
                    .binary_search_by_key(&at, |l| l.at)
                    .ok()
                    .map(|i| locked[i].pools),
            })
            .collect();
        let periods = roll_periods(&spans, &boundaries, digits);
        let whole = Span {
            label: String::new(),
            start: range.from,
            end: range.to,
            whole: false,
        };
        let ends = [boundaries[0], boundaries[boundaries.len() - 1]];
        let mut total = roll_periods(std::slice::from_ref(&whole), &ends, digits)
            .pop()
            .ok_or_else(|| EngineError::Internal("a report without its total".into()))?;
        total.late = None;
        let (rate, source) = priced.rate_at(just_before(range.to));
        Ok(BooksReport {
            range,
            currency: program.currency,
            period: policy.period,
            accounts: policy.accounts,
            total,
            periods,
            estimate: EstimateInForce {
                rate,
                source,
                effective_from: match source {
                    RateSource::Estimate(id) => estimates
                        .iter()
                        .find(|e| e.id == id)
                        .map(|e| e.effective_from),
                    RateSource::Program => None,
                },
            },
            closed_through: locked.last().map(|l| l.at),
        })
    }

    /// Every estimate recorded, in the order they take effect.
    pub async fn books_estimates(&self) -> Result<Vec<BooksEstimate>> {
        Ok(self.store.books_estimates().await?)
    }

    /// Records an estimate of the redemption rate, audited; refused in a closed period.
    pub async fn record_books_estimate(
        &self,
        estimate: NewEstimate,
        actor: &BooksActor,
    ) -> Result<BooksEstimate> {
        let mut issues = Issues::default();
        check_rate(&mut issues, "expected_redemption_rate", estimate.rate);
        if let Some(problem) = issues.into_vec().pop() {
            return Err(EngineError::invalid(
                "expected_redemption_rate",
                ErrorCode::InvalidField,
                problem.message,
            ));
        }
        let note = checks::note("note", Some(estimate.note))?.ok_or_else(|| {
            EngineError::invalid(
                "note",
                ErrorCode::MissingField,
                "say why the estimate changes",
            )
        })?;
        let now = Timestamp::now();
        let mut stored = BooksEstimate {
            id: 0,
            effective_from: checks::stored_precision(estimate.effective_from),
            rate: estimate.rate.normalize(),
            note,
            actor: actor.name.clone(),
            recorded_at: checks::stored_precision(now),
        };
        let audit = AuditEntry {
            staff_user_id: actor.staff_user_id,
            actor: actor.name.clone(),
            action: "books.estimate".into(),
            subject: "books".into(),
            before: None,
            after: Some(
                serde_json::json!({
                    "effective_from": stored.effective_from.to_string(),
                    "expected_redemption_rate": stored.rate.to_string(),
                    "note": stored.note,
                })
                .to_string(),
            ),
            at: now,
        };
        match self.store.insert_books_estimate(&stored, &audit).await? {
            Ok(id) => {
                stored.id = id;
                Ok(stored)
            }
            Err(CloseRefused::AlreadyClosed(through)) => {
                Err(EngineError::BooksPeriodClosed { through })
            }
        }
    }

    /// Every close, oldest first.
    pub async fn books_closes(&self) -> Result<Vec<BooksClose>> {
        Ok(self.store.books_closes().await?)
    }

    /// Closes the period named `label` (`2026-11`, `2026-Q4`, `2026`, as the program's
    /// period is), locking where the books stand at every period end since the last close;
    /// audited. Refused for a period not ended or one the books are closed past.
    pub async fn close_books_period(&self, label: &str, actor: &BooksActor) -> Result<BooksClose> {
        let definition = self.definition();
        let policy = definition.books_policy();
        let tz = &definition.program.time_zone;
        let span = policy.period.named(tz, label.trim()).ok_or_else(|| {
            EngineError::invalid(
                "period",
                ErrorCode::InvalidField,
                format!(
                    "not a {} of the books: {}",
                    policy.period.as_str(),
                    period_example(policy.period)
                ),
            )
        })?;
        let now = Timestamp::now();
        if span.end > now {
            return Err(EngineError::BooksPeriodNotEnded(span.label));
        }
        let closes = self.store.books_closes().await?;
        if let Some(last) = closes.last()
            && last.period_end >= span.end
        {
            return Err(EngineError::BooksPeriodClosed {
                through: last.period_end,
            });
        }
        // Every period end from the last close (or the first record) to this one is locked.
        let digits = definition.program.currency.minor_digits();
        let estimates = self.store.books_estimates().await?;
        let priced = Priced::new(&self.programs.snapshot(), &estimates);
        let records = self.store.books_records(span.end, digits).await?;
        let flows = laurel_core::books::flows(&records, &priced);
        let first = closes
            .last()
            .map(|c| c.period_end)
            .or_else(|| flows.first().map(|f| f.at))
            .unwrap_or(span.start)
            .min(span.start);
        let mut ends: Vec<Timestamp> = policy
            .period
            .spans(tz, first, span.end)
            .map_err(|e| EngineError::Internal(e.to_string()))?
            .iter()
            .map(|s| s.end)
            .filter(|end| closes.last().is_none_or(|c| *end > c.period_end))
            .collect();
        ends.dedup();
        let samples = sample(&flows, &ends);
        let standings: Vec<LockedStanding> = ends
            .iter()
            .zip(&samples)
            .map(|(&at, live)| {
                let rate = priced.rate(just_before(at));
                let standing = |kind| Standing::of(live.pool(kind), rate, digits);
                LockedStanding {
                    at,
                    rate,
                    pools: [standing(PoolKind::Sales), standing(PoolKind::Given)],
                }
            })
            .collect();
        let mut close = BooksClose {
            id: 0,
            period: span.label.clone(),
            period_start: span.start,
            period_end: span.end,
            actor: actor.name.clone(),
            closed_at: checks::stored_precision(now),
        };
        let closing = standings
            .last()
            .map(|s| s.pools[0].liability())
            .unwrap_or_default();
        let audit = AuditEntry {
            staff_user_id: actor.staff_user_id,
            actor: actor.name.clone(),
            action: "books.close".into(),
            subject: format!("books:{}", span.label),
            before: None,
            after: Some(
                serde_json::json!({
                    "period": span.label,
                    "periods_locked": standings.len(),
                    "closing_liability": closing.to_string(),
                })
                .to_string(),
            ),
            at: now,
        };
        match self.store.close_books(&close, &standings, &audit).await? {
            Ok(id) => {
                close.id = id;
                Ok(close)
            }
            Err(CloseRefused::AlreadyClosed(through)) => {
                Err(EngineError::BooksPeriodClosed { through })
            }
        }
    }
}

/// How a period of this kind is named, for a refusal.
fn period_example(period: ReportingPeriod) -> &'static str {
    match period {
        ReportingPeriod::Month => "a month is named like 2026-11",
        ReportingPeriod::Quarter => "a quarter is named like 2026-Q4",
        ReportingPeriod::Year => "a year is named like 2026",
    }
}
