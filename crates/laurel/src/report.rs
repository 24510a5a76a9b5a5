//! `laurel report kpis`: the KPIs of a period beside the period before, as a table for people,
//! CSV for spreadsheets or JSON (the API's shape) for scripts.

use crate::cli::{Database, ProgramFile};
use anyhow::{Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use jiff::civil::Date;
use laurel_core::insight::{KpiId, Period};
use laurel_engine::{Engine, EngineConfig, KpiReport};
use laurel_web::dto::KpiReportResponse;
use std::io::Write;

/// Report commands.
#[derive(Subcommand)]
pub enum ReportCommand {
    /// The KPIs of a period (whole days in the program's time zone, both included; default
    /// the 90 days ending today) beside those of the period of as many days before it.
    Kpis(KpisArgs),
}

/// What `report kpis` is asked.
#[derive(Args)]
pub struct KpisArgs {
    #[command(flatten)]
    database: Database,
    #[command(flatten)]
    program: ProgramFile,
    /// The first day (YYYY-MM-DD); default 89 days before --to.
    #[arg(long)]
    from: Option<Date>,
    /// The last day, included (YYYY-MM-DD); default today.
    #[arg(long)]
    to: Option<Date>,
    /// table (for people), csv or json (the API's shape).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// How the report is written.
#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Csv,
    Json,
}

/// Days a period spans when only its end is given.
const DEFAULT_DAYS: i64 = 90;

/// Runs a report command, writing to standard output.
pub async fn run(command: ReportCommand) -> Result<()> {
    let ReportCommand::Kpis(args) = command;
    let program = args.program.read()?;
    let store = crate::open(&args.database.url()?).await?;
    let engine = Engine::open(
        store.clone(),
        program.as_deref(),
        EngineConfig::for_backend(store.backend()),
    )
    .await?;
    let result = report(&engine, &args).await;
    engine.shutdown().await;
    let (report, currency, zone) = result?;
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Table => write_table(&mut out, &report)?,
        Format::Csv => write_csv(&mut out, &report)?,
        Format::Json => {
            let body = KpiReportResponse::new(report, currency, zone);
            serde_json::to_writer_pretty(&mut out, &body)?;
            writeln!(out)?;
        }
    }
    Ok(())
}

/// The report asked for, with the program's currency and time zone.
async fn report(engine: &Engine, args: &KpisArgs) -> Result<(KpiReport, String, String)> {
    let to = match args.to {
        Some(to) => to,
        None => engine.days_to_today(1, jiff::Timestamp::now())?.to,
    };
    let period = match args.from {
        Some(from) => Period::new(from, to),
        None => Period::ending(to, DEFAULT_DAYS),
    }
    .context("--from and --to")?;
    let report = engine.kpis(period).await?;
    let program = &engine.definition().program;
    Ok((
        report,
        program.currency.to_string(),
        program.time_zone.iana_name().unwrap_or("UTC").to_owned(),
    ))
}

/// One row per KPI: (name, this period, the period before, change).
fn rows(report: &KpiReport) -> Vec<[String; 4]> {
    let (now, before) = (&report.current, &report.previous);
    KpiId::ALL
        .iter()
        .map(|&id| {
            let value = id.value(&now.facts, &now.kpis);
            let previous = id.value(&before.facts, &before.kpis);
            let shown = |v: &laurel_core::insight::KpiValue| match v {
                laurel_core::insight::KpiValue::Table => "(table)".to_owned(),
                laurel_core::insight::KpiValue::NotMeasured => "not measured".to_owned(),
                v => v.plain().unwrap_or_else(|| "-".to_owned()),
            };
            [
                id.as_str().to_owned(),
                shown(&value),
                shown(&previous),
                value
                    .change_from(&previous)
                    .map_or_else(|| "-".to_owned(), |c| c.plain()),
            ]
        })
        .collect()
}

fn write_table(out: &mut impl Write, report: &KpiReport) -> Result<()> {
    let (now, before) = (report.current.period, report.previous.period);
    let header = [
        "kpi".to_owned(),
        format!("{} – {}", now.from, now.to),
        format!("{} – {}", before.from, before.to),
        "change".to_owned(),
    ];
    let rows: Vec<Vec<String>> = rows(report).into_iter().map(Vec::from).collect();
    crate::table::write_aligned(out, &header, &rows, 1)?;
    write_breakdowns(out, report)
}

/// The tables behind the table KPIs, each under its KPI's name.
fn write_breakdowns(out: &mut impl Write, report: &KpiReport) -> Result<()> {
    let facts = &report.current.facts;
    let none = |tier: &Option<String>| tier.clone().unwrap_or_else(|| "(none)".to_owned());
    let sections: [(&str, Vec<String>); 4] = [
        (
            "enrollments by channel",
            facts
                .enrolled
                .iter()
                .map(|(channel, n)| format!("{channel}: {n}"))
                .collect(),
        ),
        (
            KpiId::RewardPopularity.as_str(),
            facts
                .rewards
                .iter()
                .map(|r| {
                    format!(
                        "{}: {} redemption(s), {} unit(s), {} point(s)",
                        r.reward, r.redemptions, r.quantity, r.points
                    )
                })
                .collect(),
        ),
        (
            KpiId::TierDistribution.as_str(),
            facts
                .tiers
                .iter()
                .map(|t| format!("{}: {}", none(&t.tier), t.members))
                .collect(),
        ),
        (
            KpiId::TierMovement.as_str(),
            facts
                .tier_moves
                .iter()
                .map(|m| format!("{} -> {}: {}", none(&m.from), none(&m.to), m.moves))
                .collect(),
        ),
    ];
    for (title, lines) in sections {
        writeln!(out, "\n{title}")?;
        if lines.is_empty() {
            writeln!(out, "  -")?;
        }
        for line in lines {
            writeln!(out, "  {line}")?;
        }
    }
    Ok(())
}

fn write_csv(out: &mut impl Write, report: &KpiReport) -> Result<()> {
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(["kpi", "current", "previous", "change", "definition"])?;
    for (row, id) in rows(report).into_iter().zip(KpiId::ALL) {
        let [name, current, previous, change] = row;
        csv.write_record([name.as_str(), &current, &previous, &change, id.definition()])?;
    }
    csv.flush()?;
    Ok(())
}
