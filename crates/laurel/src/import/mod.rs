//! `laurel import`: history backfill from CSV or JSON Lines through the engine, so imported
//! rows obey the same validation and core rules as the API.
//!
//! One job per module: `source` reads rows without holding the file in memory, `rows` turns a
//! row into an engine request (naming the column that is wrong), `drive` keeps a bounded window
//! of requests in flight so the write path can group-commit (the engine says which purchases
//! it replayed, i.e. were already imported), `rejects` writes refused rows aside, `progress`
//! and `summary` report.

mod drive;
mod feed;
mod progress;
mod rejects;
mod rows;
mod source;
mod summary;

use crate::cli::{Database, ProgramFile};
use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use laurel_engine::{Engine, EngineConfig, WriteProfile};
use rows::Kind;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// What to import.
#[derive(Subcommand)]
pub enum ImportCommand {
    /// Enroll members: external_id (required), email, phone, name, birthday (YYYY-MM-DD),
    /// channel (pos, web, app or partner; default web), enrolled_at (when they joined: RFC 3339,
    /// or YYYY-MM-DD for the start of that day in the program's time zone; default now). A
    /// member already enrolled is skipped.
    Members(ImportArgs),
    /// Record purchases and earn their points: external_id (the member's), order_id, channel,
    /// store (optional), currency, total, occurred_at (RFC 3339); JSON Lines rows may carry
    /// lines [{sku, category, quantity, unit_price}]. An order already recorded is skipped.
    Purchases(ImportArgs),
}

/// Where to import from and into.
#[derive(Args)]
pub struct ImportArgs {
    /// The file: .csv (header row, then one row per record) or .jsonl / .ndjson (one JSON
    /// object per line).
    file: PathBuf,
    #[command(flatten)]
    database: Database,
    #[command(flatten)]
    program: ProgramFile,
    /// Where refused rows go, with line number, error code and message; default FILE.rejects.csv
    /// beside the input. Replaced on every run.
    #[arg(long)]
    rejects: Option<PathBuf>,
    /// Rows in flight at once: enough for the write path to fill its (bulk-sized) batches,
    /// few enough to keep memory bounded.
    #[arg(long, default_value_t = drive::WINDOW_DEFAULT, value_parser = clap::value_parser!(u32).range(1..=65_536))]
    window: u32,
}

/// Runs an import.
pub async fn run(command: ImportCommand) -> Result<()> {
    let (kind, args) = match command {
        ImportCommand::Members(args) => (Kind::Members, args),
        ImportCommand::Purchases(args) => (Kind::Purchases, args),
    };
    let started = Instant::now();
    // The file first: a wrong path should fail before anything touches the database.
    let reader = source::Reader::open(&args.file)?;
    let total_bytes = reader.len();
    let rejects_path = args
        .rejects
        .clone()
        .unwrap_or_else(|| default_rejects(&args.file));
    if same_file(&rejects_path, &args.file) {
        bail!(
            "the reject file {} is the input file; choose another with --rejects",
            rejects_path.display()
        );
    }
    let feed = feed::open(kind, reader)?;
    if !feed.ignored.is_empty() {
        eprintln!(
            "ignoring column(s) {} of {}: not among the {} columns",
            feed.ignored.join(", "),
            args.file.display(),
            kind.noun()
        );
    }

    let program = args.program.read()?;
    let store = crate::open_with(&args.database.url()?, WriteProfile::Bulk).await?;
    // Only now, with file, program and database known good, is the last run's reject file
    // replaced.
    let mut rejects = rejects::Rejects::new(rejects_path)?;
    let engine = Arc::new(
        Engine::open(
            store.clone(),
            program.as_deref(),
            EngineConfig::bulk(store.backend()),
        )
        .await?,
    );
    // Plain dates in the file are days of the program's calendar.
    let rows = feed.start(engine.definition().program.time_zone.clone())?;
    let mut progress = progress::Progress::new(total_bytes, started);
    let outcome = drive::drive(
        drive::Drive {
            engine: engine.clone(),
            window: args.window as usize,
        },
        rows,
        &mut rejects,
        &mut progress,
    )
    .await;
    progress.finish();
    if let Ok(engine) = Arc::try_unwrap(engine) {
        engine.shutdown().await;
    }
    store.close().await;
    let reject_file = rejects.finish()?;

    let (tally, stop) = match outcome {
        Ok(tally) => (tally, None),
        Err(stopped) => (stopped.tally, Some(stopped.reason)),
    };
    let report = summary::Summary {
        kind,
        file: &args.file,
        tally,
        elapsed: started.elapsed(),
        reject_file: reject_file.as_deref(),
        complete: stop.is_none(),
    };
    println!("{report}");
    match stop {
        None => Ok(()),
        Some(reason) => Err(anyhow::Error::new(reason)
            .context("the import stopped early; run the same command again to resume")),
    }
}

/// `FILE.rejects.csv` beside the input.
fn default_rejects(file: &Path) -> PathBuf {
    let mut name = file.file_name().unwrap_or_default().to_owned();
    name.push(".rejects.csv");
    file.with_file_name(name)
}

/// Whether two paths name the same existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
