//! `laurel books`: the points liability roll-forward of a range (a table for people, CSV,
//! or JSON in the API's shape), its journal entries for a finance system (CSV or JSON), and
//! recording an estimate or closing a period from the command line.

use crate::cli::{Database, ProgramFile};
use anyhow::Result;
use clap::{Args, Subcommand, ValueEnum};
use laurel_core::books::{MembershipFeesRoll, PeriodBooks, Roll};
use laurel_engine::{BooksActor, BooksJournal, BooksReport, Engine, EngineConfig, NewEstimate};
use laurel_web::dto::{BooksJournalResponse, BooksReportResponse};
use std::io::Write;

/// Books commands.
#[derive(Subcommand)]
pub enum BooksCommand {
    /// The liability roll-forward of a range, period by period: the contract liability for
    /// points earned with sales, the provision for points given and the value held in wallets.
    Report(RangeArgs<ReportFormat>),
    /// The journal entries of a range, for a finance system to import.
    Journal(RangeArgs<JournalFormat>),
    /// Record an estimate of the share of points that will be redeemed.
    Estimate(EstimateArgs),
    /// Close a period: lock where the books stand at its end.
    Close(CloseArgs),
}

/// Where the books are and which program they follow.
#[derive(Args)]
pub struct Books {
    #[command(flatten)]
    database: Database,
    #[command(flatten)]
    program: ProgramFile,
}

/// A range and a format.
#[derive(Args)]
pub struct RangeArgs<F: ValueEnum + Clone + Send + Sync + 'static> {
    #[command(flatten)]
    books: Books,
    /// The first day (YYYY-MM-DD, in the program's time zone) or instant (RFC 3339);
    /// default the start of the reporting period holding --to.
    #[arg(long)]
    from: Option<String>,
    /// The last day, included, or the instant after the last one counted; default now.
    #[arg(long)]
    to: Option<String>,
    /// How to write it.
    #[arg(long, value_enum)]
    format: Option<F>,
}

/// How a report is written.
#[derive(Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    /// A table for people (the default).
    Table,
    /// One row per period.
    Csv,
    /// The API's shape.
    Json,
}

/// How a journal is written.
#[derive(Clone, Copy, ValueEnum)]
pub enum JournalFormat {
    /// One entry per row, as `GET /api/v1/admin/books/journal?format=csv` (the default).
    Csv,
    /// The API's shape.
    Json,
}

/// An estimate to record.
#[derive(Args)]
pub struct EstimateArgs {
    #[command(flatten)]
    books: Books,
    /// When it takes effect: a day (from its start) or an RFC 3339 instant.
    #[arg(long)]
    from: String,
    /// The share of points expected to be redeemed, above 0 and at most 1.
    #[arg(long)]
    rate: rust_decimal::Decimal,
    /// Why the estimate changes.
    #[arg(long)]
    note: String,
}

/// A period to close.
#[derive(Args)]
pub struct CloseArgs {
    #[command(flatten)]
    books: Books,
    /// The period: 2026-11 (month), 2026-Q4 (quarter) or 2026 (year), as the program's
    /// reporting period is.
    period: String,
}

/// Who the command line acts as in the audit log.
fn actor() -> BooksActor {
    let user = std::env::var("USER").unwrap_or_else(|_| "unknown".to_owned());
    BooksActor {
        staff_user_id: None,
        name: format!("cli:{user}"),
    }
}

impl Books {
    async fn engine(&self) -> Result<Engine> {
        let program = self.program.read()?;
        let store = crate::open(&self.database.url()?).await?;
        Ok(Engine::open(
            store.clone(),
            program.as_deref(),
            EngineConfig::for_backend(store.backend()),
        )
        .await?)
    }
}

/// Runs a books command, writing to standard output.
pub async fn run(command: BooksCommand) -> Result<()> {
    let books = match &command {
        BooksCommand::Report(a) => &a.books,
        BooksCommand::Journal(a) => &a.books,
        BooksCommand::Estimate(a) => &a.books,
        BooksCommand::Close(a) => &a.books,
    };
    let engine = books.engine().await?;
    let result = answer(&engine, &command).await;
    engine.shutdown().await;
    let text = result?;
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(())
}

/// What the command writes.
async fn answer(engine: &Engine, command: &BooksCommand) -> Result<String> {
    let tz = engine.definition().program.time_zone.clone();
    Ok(match command {
        BooksCommand::Report(a) => {
            let range = engine.books_range(a.from.as_deref(), a.to.as_deref())?;
            let report = engine.books_report(range).await?;
            match a.format.unwrap_or(ReportFormat::Table) {
                ReportFormat::Table => table(&report)?,
                ReportFormat::Csv => csv(&report)?,
                ReportFormat::Json => {
                    serde_json::to_string_pretty(&BooksReportResponse::new(&report, &tz))? + "\n"
                }
            }
        }
        BooksCommand::Journal(a) => {
            let range = engine.books_range(a.from.as_deref(), a.to.as_deref())?;
            let journal = BooksJournal::of(engine.books_report(range).await?);
            let body = BooksJournalResponse::new(&journal, &tz);
            match a.format.unwrap_or(JournalFormat::Csv) {
                JournalFormat::Csv => body.to_csv()?,
                JournalFormat::Json => serde_json::to_string_pretty(&body)? + "\n",
            }
        }
        BooksCommand::Estimate(a) => {
            let estimate = NewEstimate {
                effective_from: engine.books_instant("--from", &a.from)?,
                rate: a.rate,
                note: a.note.clone(),
            };
            let e = engine.record_books_estimate(estimate, &actor()).await?;
            format!(
                "estimate {}: {} of points expected to be redeemed from {}\n",
                e.id, e.rate, e.effective_from
            )
        }
        BooksCommand::Close(a) => {
            let c = engine.close_books_period(&a.period, &actor()).await?;
            format!(
                "closed {}: the books are locked up to {}\n",
                c.period, c.period_end
            )
        }
    })
}

/// The columns of a report's rows: the contract liability's roll, then the provision's, then
/// the value held in wallets and gift cards and the deferred membership fees at the period's
/// end.
const COLUMNS: [&str; 14] = [
    "period",
    "closed",
    "opening",
    "deferred",
    "reversed",
    "recognised",
    "breakage",
    "closing",
    "provision",
    "settled",
    "released",
    "rate",
    "stored_value",
    "memberships",
];

fn row(label: &str, p: &PeriodBooks, memberships: &MembershipFeesRoll) -> Vec<String> {
    let s: &Roll = &p.sales;
    let g: &Roll = &p.given;
    let closed = if p.closed { "closed" } else { "" };
    [label, closed]
        .into_iter()
        .map(str::to_owned)
        .chain(
            [
                s.opening,
                s.put_in,
                s.reversed,
                s.recognised,
                s.breakage,
                s.closing,
                g.closing,
                g.recognised,
                g.breakage,
                p.rate,
                p.stored_value.closing,
                memberships.closing,
            ]
            .iter()
            .map(|d| d.normalize().to_string()),
        )
        .collect()
}

fn rows(report: &BooksReport) -> Vec<Vec<String>> {
    report
        .periods
        .iter()
        .zip(&report.memberships)
        .map(|(p, m)| row(&p.span.label, p, m))
        .chain(std::iter::once(row(
            "total",
            &report.total,
            &report.total_memberships,
        )))
        .collect()
}

fn table(report: &BooksReport) -> Result<String> {
    let mut out = Vec::new();
    writeln!(
        out,
        "Books from {} to {} ({}): the contract liability for points earned with sales, then \
         the provision for points given, then the value held in wallets and gift cards and the \
         membership fees deferred",
        report.range.from, report.range.to, report.currency
    )?;
    let header: Vec<String> = COLUMNS.iter().map(|c| (*c).to_owned()).collect();
    crate::table::write_aligned(&mut out, &header, &rows(report), 2)?;
    writeln!(
        out,
        "\nExpected redemption rate at the end: {}{}",
        report.estimate.rate.normalize(),
        report
            .estimate
            .effective_from
            .map(|at| format!(" (an estimate in force from {at})"))
            .unwrap_or_else(|| " (the program's [books])".to_owned())
    )?;
    if let Some(through) = report.closed_through {
        writeln!(out, "Closed up to {through}.")?;
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

fn csv(report: &BooksReport) -> Result<String> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(COLUMNS)?;
    for r in rows(report) {
        out.write_record(&r)?;
    }
    Ok(String::from_utf8_lossy(&out.into_inner().map_err(|e| e.into_error())?).into_owned())
}
