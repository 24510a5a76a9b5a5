//! `laurel simulate`: the stored history replayed through a draft program beside the versions
//! in force — a table for people, CSV for spreadsheets, JSON (the API's shape) for scripts —
//! with a progress bar (rate and ETA) on a terminal while it replays.

use crate::cli::Database;
use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use laurel_engine::{
    Engine, EngineConfig, PeriodFigures, Simulation, SimulationProgress, SimulationReport,
    StatedAssumption,
};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// What `simulate` is asked.
#[derive(Args)]
pub struct SimulateArgs {
    #[command(flatten)]
    database: Database,
    /// The draft program file (TOML): checked as `laurel program check` checks it, then
    /// replayed beside the versions stored in the database.
    #[arg(long)]
    program: PathBuf,
    /// When the draft takes effect and the report begins: a day (YYYY-MM-DD, in the
    /// program's time zone) or an RFC 3339 instant; default the first thing recorded.
    #[arg(long)]
    from: Option<String>,
    /// The report's last day (included) or the instant it ends; default now.
    #[arg(long)]
    to: Option<String>,
    /// A change in behaviour the draft brings, applied to its replay only and listed in the
    /// report: `visits=5` (members buy 5% more often), `visits:gold=5` (members in the tier
    /// `gold`), `redemptions=20` (members redeem 20% more points); below zero for less.
    /// Repeatable.
    #[arg(long = "assume", value_parser = assumption)]
    assumptions: Vec<StatedAssumption>,
    /// table (for people), csv or json (the API's shape).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// `visits[:tier]=percent` or `redemptions=percent`.
fn assumption(text: &str) -> Result<StatedAssumption, String> {
    let (what, percent) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}`: expected visits=5, visits:gold=5 or redemptions=20"))?;
    let percent = percent
        .parse()
        .map_err(|_| format!("`{text}`: `{percent}` is not a percentage"))?;
    match what.split_once(':') {
        None if what == "visits" => Ok(StatedAssumption::Visits {
            tier: None,
            percent,
        }),
        Some(("visits", tier)) => Ok(StatedAssumption::Visits {
            tier: Some(tier.to_owned()),
            percent,
        }),
        None if what == "redemptions" => Ok(StatedAssumption::Redemptions { percent }),
        _ => Err(format!(
            "`{text}`: expected visits=5, visits:gold=5 or redemptions=20"
        )),
    }
}

/// How the report is written.
#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Csv,
    Json,
}

/// An end of the span as given: a local day or an instant.
enum When {
    Day(Date),
    Instant(Timestamp),
}

impl When {
    fn parse(flag: &str, text: &str) -> Result<When> {
        if let Ok(day) = text.parse::<Date>() {
            return Ok(When::Day(day));
        }
        text.parse::<Timestamp>()
            .map(When::Instant)
            .with_context(|| {
                format!("--{flag} `{text}` is neither a day (YYYY-MM-DD) nor an RFC 3339 instant")
            })
    }

    /// The instant it stands for in `tz`: a day's start, or the next day's when it ends a
    /// span (the day is included).
    fn instant(&self, tz: &TimeZone, end: bool) -> Result<Timestamp> {
        match self {
            When::Instant(at) => Ok(*at),
            When::Day(day) => {
                let day = if end { day.tomorrow()? } else { *day };
                laurel_core::rules::start_of_day(day, tz)
                    .with_context(|| format!("{day} has no start in the program's time zone"))
            }
        }
    }
}

/// Runs `simulate`, writing the report to standard output.
pub async fn run(args: SimulateArgs) -> Result<()> {
    let draft = match crate::program_text(&args.program)? {
        Some(text) => text,
        // Its problems were printed as `program check` prints them.
        None => std::process::exit(1),
    };
    let store = crate::open(&args.database.url()?).await?;
    let engine = Engine::open(
        store.clone(),
        None,
        EngineConfig::for_backend(store.backend()),
    )
    .await
    .context("the database holds no program version to compare the draft with")?;
    let result = simulate(&engine, &args, draft).await;
    engine.shutdown().await;
    let report = result?;
    eprintln!(
        "replayed {} things that happened ({} purchases) in {:.2} s",
        report.happenings, report.purchases, report.seconds
    );
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Table => write_table(&mut out, &report)?,
        Format::Csv => write_csv(&mut out, &report)?,
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        }
    }
    Ok(())
}

async fn simulate(engine: &Engine, args: &SimulateArgs, draft: String) -> Result<SimulationReport> {
    let tz = engine.definition().program.time_zone.clone();
    let from = args
        .from
        .as_deref()
        .map(|t| When::parse("from", t)?.instant(&tz, false))
        .transpose()?;
    let to = args
        .to
        .as_deref()
        .map(|t| When::parse("to", t)?.instant(&tz, true))
        .transpose()?;
    let progress = Arc::new(SimulationProgress::default());
    let shown = show_progress(progress.clone());
    let request = Simulation {
        draft,
        from,
        to,
        assumptions: args.assumptions.clone(),
    };
    let report = engine.simulate(request, progress).await;
    shown.abort();
    Ok(report?)
}

/// How often the bar (or, off a terminal, a plain line) is refreshed.
const BAR_EVERY: Duration = Duration::from_millis(200);
const LINE_EVERY: Duration = Duration::from_secs(5);

/// Shows the replay's progress on stderr until aborted: a bar with rate and ETA on a
/// terminal, a plain line every few seconds otherwise.
fn show_progress(progress: Arc<SimulationProgress>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let terminal = std::io::stderr().is_terminal();
        let bar = terminal.then(|| {
            crate::progress::bar(
                0,
                "{elapsed_precise} [{wide_bar}] {percent:>3}% {human_pos}/{human_len} replayed, {per_sec} ETA {eta}",
            )
        });
        let every = if terminal { BAR_EVERY } else { LINE_EVERY };
        loop {
            tokio::time::sleep(every).await;
            let (done, total) = (
                progress.done.load(Ordering::Relaxed),
                progress.total.load(Ordering::Relaxed),
            );
            match &bar {
                Some(bar) => {
                    bar.set_length(total);
                    bar.set_position(done);
                }
                None if total > 0 => eprintln!("replayed {done} of {total}"),
                None => {}
            }
        }
    })
}

/// The figures a row shows, by name, for a period of one program.
fn columns(f: &PeriodFigures) -> [(&'static str, String); 14] {
    [
        ("purchases", f.purchases.to_string()),
        ("sales", f.sales.to_string()),
        ("earned", f.earned.to_string()),
        ("redeemed", f.redeemed.to_string()),
        ("expired", f.expired.to_string()),
        ("reversed", f.reversed.to_string()),
        ("credited", f.credited.to_string()),
        ("outstanding", f.outstanding.to_string()),
        ("liability", f.liability.to_string()),
        ("cost", f.cost.to_string()),
        (
            "cost_per_sales",
            f.cost_per_sales
                .map_or_else(|| "-".into(), |c| c.to_string()),
        ),
        ("upgrades", f.upgrades.to_string()),
        ("downgrades", f.downgrades.to_string()),
        ("refused", f.refused.values().sum::<u64>().to_string()),
    ]
}

/// Every period of both programs, the program's name first.
fn periods(report: &SimulationReport) -> Vec<(&'static str, &PeriodFigures)> {
    [("current", &report.current), ("draft", &report.draft)]
        .into_iter()
        .flat_map(|(name, outcome)| {
            outcome
                .months
                .iter()
                .chain(std::iter::once(&outcome.total))
                .map(move |f| (name, f))
        })
        .collect()
}

fn write_csv(out: &mut impl Write, report: &SimulationReport) -> Result<()> {
    let mut csv = csv::Writer::from_writer(out);
    let mut header = vec!["program".to_owned(), "period".to_owned()];
    header.extend(
        columns(&report.current.total)
            .iter()
            .map(|(name, _)| (*name).to_owned()),
    );
    csv.write_record(&header)?;
    for (program, f) in periods(report) {
        let mut row = vec![program.to_owned(), f.period.clone()];
        row.extend(columns(f).into_iter().map(|(_, v)| v));
        csv.write_record(&row)?;
    }
    csv.flush()?;
    Ok(())
}

fn write_table(out: &mut impl Write, report: &SimulationReport) -> Result<()> {
    writeln!(
        out,
        "Simulation from {} to {} ({}): current program beside the draft",
        report.from, report.to, report.currency
    )?;
    let header: Vec<String> = ["program", "period"]
        .into_iter()
        .map(str::to_owned)
        .chain(
            columns(&report.current.total)
                .iter()
                .map(|(n, _)| (*n).to_owned()),
        )
        .collect();
    let rows: Vec<Vec<String>> = periods(report)
        .into_iter()
        .map(|(program, f)| {
            [program.to_owned(), f.period.clone()]
                .into_iter()
                .chain(columns(f).into_iter().map(|(_, v)| v))
                .collect()
        })
        .collect();
    crate::table::write_aligned(out, &header, &rows, 2)?;
    writeln!(out)?;
    writeln!(out, "Points earned by rule (current → draft):")?;
    let (now, then) = (&report.current.total, &report.draft.total);
    let rules: std::collections::BTreeSet<&String> = now
        .earned_by_rule
        .keys()
        .chain(then.earned_by_rule.keys())
        .collect();
    for rule in rules {
        let a = now.earned_by_rule.get(rule).copied().unwrap_or(0);
        let b = then.earned_by_rule.get(rule).copied().unwrap_or(0);
        writeln!(out, "  {rule}: {a} → {b}")?;
    }
    for (name, f) in [("current", now), ("draft", then)] {
        for hit in &f.limits_hit {
            writeln!(
                out,
                "Limit hit ({name}): {} {} cut {} grant(s)",
                hit.rule_id, hit.limit, hit.grants
            )?;
        }
        for (refusal, count) in &f.refused {
            writeln!(out, "Refused ({name}): {refusal} × {count}")?;
        }
    }
    if !report.most_affected.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "Members most affected (earned current → draft, balance current → draft, tier):"
        )?;
        for m in &report.most_affected {
            writeln!(
                out,
                "  member {}: {} → {}, {} → {}, {} → {}",
                m.member_id,
                m.earned_current,
                m.earned_draft,
                m.balance_current,
                m.balance_draft,
                m.tier_current.as_deref().unwrap_or("-"),
                m.tier_draft.as_deref().unwrap_or("-"),
            )?;
        }
    }
    writeln!(out)?;
    writeln!(out, "Assumptions:")?;
    for a in &report.assumptions {
        writeln!(out, "  - {a}")?;
    }
    Ok(())
}
