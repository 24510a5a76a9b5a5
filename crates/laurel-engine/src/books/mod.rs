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
use jiff::Timestamp;
use laurel_core::books::Terms;
use laurel_core::books::{
    Boundary, FeeFlows, FeeTerm, MembershipFeesRoll, PoolKind, ReportingPeriod, Span, Standing,
    StoredValueRoll, WalletFlows, check_rate, just_before, roll_periods, sample,
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
pub type BooksActor = crate::Actor;

/// Where a close left the books at `at`: the standings it locked there; zero before the
/// first instant any close locked (nothing had taken effect then when it closed); none
/// elsewhere (an instant inside an open period, or inside a closed one but not at a
/// boundary: figures there are as the ledger stands now).
fn locked_at(locked: &[LockedStanding], at: Timestamp) -> Option<(Decimal, [Standing; 2])> {
    match locked.binary_search_by_key(&at, |l| l.at) {
        Ok(i) => Some((locked[i].rate, locked[i].pools)),
        Err(0) if !locked.is_empty() => Some((locked[0].rate, [Standing::default(); 2])),
        Err(_) => None,
    }
}

/// How many times a close works its figures out again when estimates keep arriving.
const CLOSE_ATTEMPTS: usize = 5;

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
            .map(|(&at, live)| {
                let kept = locked_at(&locked, at);
                Boundary {
                    live,
                    rate: kept.map_or_else(|| priced.rate(just_before(at)), |k| k.0),
                    locked: kept.map(|k| k.1),
                }
            })
            .collect();
        let mut periods = roll_periods(&spans, &boundaries, digits);
        let opening = self.store.wallet_value_before(range.from).await?;
        // The periods tile the range: their flows together are the whole range's.
        let mut held = opening;
        let mut whole_flows = WalletFlows::default();
        for period in &mut periods {
            let flows = self
                .store
                .wallet_flows(period.span.start, period.span.end)
                .await?;
            period.stored_value = StoredValueRoll::of(held, &flows, digits);
            held += flows.net();
            whole_flows = whole_flows.then(&flows);
        }
        // Membership fees: every term that cost a fee, read once, rolled period by period.
        let terms: Vec<FeeTerm> = self
            .store
            .fee_terms()
            .await?
            .into_iter()
            .map(|t| FeeTerm {
                refunded_at: t.cancelled_at.filter(|_| t.term.refund > 0),
                term: t.term,
                paid_at: t.paid_at,
                id: t.membership,
            })
            .collect();
        // The first period starts where the range does: its opening is the whole's.
        let fees_opening = FeeFlows::deferred_at(&terms, range.from);
        let mut whole_fees = FeeFlows::default();
        let memberships: Vec<MembershipFeesRoll> = periods
            .iter()
            .map(|period| {
                let span = &period.span;
                let flows = FeeFlows::between(&terms, Some(span.start), span.end);
                let opening = FeeFlows::deferred_at(&terms, span.start);
                whole_fees = whole_fees.then(&flows);
                MembershipFeesRoll::of(opening, &flows, digits)
            })
            .collect();
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
        total.stored_value = StoredValueRoll::of(opening, &whole_flows, digits);
        total.postings = periods
            .iter()
            .filter_map(|p| p.postings)
            .reduce(|(a, b), (c, d)| (a.min(c), b.max(d)));
        let (rate, source) = priced.rate_at(just_before(range.to), Timestamp::MAX);
        Ok(BooksReport {
            range,
            currency: program.currency,
            period: policy.period,
            accounts: policy.accounts,
            total,
            periods,
            total_memberships: MembershipFeesRoll::of(fees_opening, &whole_fees, digits),
            memberships,
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
            Err(CloseRefused::EstimatesChanged) => Err(EngineError::Internal(
                "an estimate was refused as stale, which only a close can be".into(),
            )),
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
        for _ in 0..CLOSE_ATTEMPTS {
            let closes = self.store.books_closes().await?;
            if let Some(last) = closes.last()
                && last.period_end >= span.end
            {
                return Err(EngineError::BooksPeriodClosed {
                    through: last.period_end,
                });
            }
            let estimates = self.store.books_estimates().await?;
            let priced = Priced::new(&self.programs.snapshot(), &estimates);
            let standings = self
                .standings_through(&definition, &priced, closes.last(), &span)
                .await?;
            let mut close = BooksClose {
                id: 0,
                period: span.label.clone(),
                period_start: span.start,
                period_end: span.end,
                actor: actor.name.clone(),
                closed_at: checks::stored_precision(now),
            };
            let [sales, given] = standings.last().map(|s| s.pools).unwrap_or_default();
            let audit = AuditEntry {
                staff_user_id: actor.staff_user_id,
                actor: actor.name.clone(),
                action: "books.close".into(),
                subject: format!("books:{}", span.label),
                before: None,
                after: Some(
                    serde_json::json!({
                        "period": span.label,
                        "boundaries_locked": standings.len(),
                        "closing_liability": sales.liability().to_string(),
                        "closing_provision": given.liability().to_string(),
                    })
                    .to_string(),
                ),
                at: now,
            };
            let seen = priced.last_estimate();
            match self
                .store
                .close_books(&close, &standings, seen, &audit)
                .await?
            {
                Ok(id) => {
                    close.id = id;
                    return Ok(close);
                }
                Err(CloseRefused::AlreadyClosed(through)) => {
                    return Err(EngineError::BooksPeriodClosed { through });
                }
                // An estimate arrived while the figures were worked out: work them out again.
                Err(CloseRefused::EstimatesChanged) => continue,
            }
        }
        Err(EngineError::Internal(format!(
            "closing {}: estimates kept arriving through {CLOSE_ATTEMPTS} attempts",
            span.label
        )))
    }

    /// Where the books stand at every month end from the last close (or the start of the
    /// month of the first record) to the end of `span`: what a close of `span` locks. Month
    /// ends, whatever the reporting period, so that a program changing its period later
    /// still finds every boundary of a closed stretch locked.
    async fn standings_through(
        &self,
        definition: &crate::ProgramDefinition,
        priced: &Priced,
        last: Option<&BooksClose>,
        span: &Span,
    ) -> Result<Vec<LockedStanding>> {
        let tz = &definition.program.time_zone;
        let digits = definition.program.currency.minor_digits();
        let records = self.store.books_records(span.end, digits).await?;
        let flows = laurel_core::books::flows(&records, priced);
        let internal = |e: jiff::Error| EngineError::Internal(e.to_string());
        let mut ends: Vec<Timestamp> = Vec::new();
        let first = match last {
            Some(close) => close.period_end,
            None => {
                // The start of the month of the first record: zero then, and locked so.
                let first = flows.first().map_or(span.start, |f| f.at).min(span.start);
                let start = ReportingPeriod::Month
                    .holding(tz, first)
                    .map_err(internal)?
                    .start;
                ends.push(start);
                start
            }
        };
        ends.extend(
            ReportingPeriod::Month
                .spans(tz, first, span.end)
                .map_err(internal)?
                .iter()
                .map(|s| s.end),
        );
        let samples = sample(&flows, &ends);
        Ok(ends
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
            .collect())
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
