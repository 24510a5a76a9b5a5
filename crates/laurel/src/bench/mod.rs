//! `laurel bench`: Laurel over HTTP against the database's own commit rate, in one run.
//!
//! 1. a fresh database (SQLite file by default; PostgreSQL by URL or a throwaway durable
//!    cluster), N members enrolled through the engine;
//! 2. the API served in-process on loopback and driven by C concurrent clients for T seconds
//!    with a realistic mix (see `load.rs`);
//! 3. the raw limit: the same rows committed with plain SQL, 1, 100 and 1000 per transaction;
//! 4. a report (text and JSON), and the ledger consistency check: a run that corrupts data fails.

mod books;
mod insight;
mod load;
mod notify;
mod pages;
mod simulation;
mod stats;

use anyhow::{Context, Result, bail};
use clap::Args;
use laurel_core::Channel;
use laurel_engine::{Engine, EngineConfig, EnrollRequest, Scope, Store};
use laurel_web::AppState;
use load::{Mix, Op, Target};
use serde::Serialize;
use stats::{OpRecord, OpSummary, rss_mib};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

/// Benchmark settings.
#[derive(Args)]
pub struct BenchArgs {
    /// Database: a fresh SQLite file when absent; `postgres://…` (an empty database) to use
    /// one; `postgres-throwaway` to start a durable throwaway PostgreSQL cluster.
    #[arg(long)]
    database: Option<String>,
    /// Members enrolled before the load.
    #[arg(long, default_value_t = 100_000)]
    members: u32,
    /// Concurrent HTTP connections.
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// Seconds of load.
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    /// Events per raw-limit measurement (per batch size).
    #[arg(long, default_value_t = 20_000)]
    raw_events: u64,
    /// Scale test: members to add with set-based SQL after the load (0 skips the scale test).
    #[arg(long, default_value_t = 0)]
    scale_members: i64,
    /// Scale test: purchases to add over two years, each with its earn posting (two ledger
    /// entries), and a non-member's purchase for every tenth.
    #[arg(long, default_value_t = 5_000_000)]
    scale_postings: i64,
    /// Also write the report as JSON here.
    #[arg(long)]
    json: Option<PathBuf>,
    /// After the load, the earn path's throughput without and with notifications going out
    /// (webhooks and e-mail to loopback servers; needs the Python tools, see the README).
    #[arg(long)]
    notifications: bool,
    /// The event types the notifications run's webhook subscribes to (refunds by default:
    /// about the target's rate; add `points.redeemed` for five times as many).
    #[arg(long, value_delimiter = ',', default_value = "points.reversed")]
    webhook_events: Vec<String>,
    /// Judge every purchase and redemption by fraud rules (`FRAUD_RULES`: high enough that
    /// the load breaches none), to measure what the rules' reads cost.
    #[arg(long)]
    fraud_rules: bool,
}

/// Fraud rules on every measure purchases and redemptions are judged by, each reading the
/// member's recent activity; none is breached by the bench's load.
const FRAUD_RULES: &str = r#"
[[fraud.rules]]
id = "earning-burst"
measure = "points_earned"
max = 1000000
window = "24h"
action = "hold"

[[fraud.rules]]
id = "purchase-burst"
measure = "purchases"
max = 100000
window = "1h"
action = "flag"

[[fraud.rules]]
id = "spend-burst"
measure = "spend"
max = "100000000"
window = "24h"
action = "flag"

[[fraud.rules]]
id = "takeover"
measure = "redemptions"
max = 100000
window = "1h"
action = "freeze"
"#;

/// The bench program: the base rate and three rules (one with a daily limit per member, so
/// each purchase reads the member's usage), no return window so redemptions find points, a
/// year's expiry; wallets with a top-up bonus.
const PROGRAM: &str = r#"
[program]
name = "Bench"
currency = "CNY"
time_zone = "Asia/Shanghai"
[earn]
points_per_unit = "1"
[points]
value = "0.01"
pending_days = 0
expiry = { policy = "months_after_earning", months = 12 }

[wallet]
top_up_min = "10"

[[wallet.bonuses]]
from = "500"
value = "50"

[[rules]]
id = "coffee_bonus"
name = "Coffee bonus"
effect = { points_per_unit = "1" }
conditions = [ { categories = ["coffee"] } ]
limits = { per_member_day = 200 }

[[rules]]
id = "big_basket"
name = "Big basket"
effect = { fixed = 50 }
conditions = [ { minimum_spend = "150.00" } ]

[[rules]]
id = "weekend_double"
name = "Weekend double"
effect = { multiplier = "2" }
conditions = [ { days_of_week = ["sat", "sun"] } ]
"#;

/// Enrollments kept in flight while seeding, so the write path batches them.
const SEED_WINDOW: usize = 1024;

#[derive(Serialize)]
struct Report {
    backend: String,
    durability: String,
    members: u32,
    connections: usize,
    seconds: f64,
    seed_members_per_second: f64,
    operations: Vec<OpSummary>,
    writes_per_second: f64,
    raw_events_per_second: Vec<(u64, f64)>,
    laurel_over_raw_batched: Option<f64>,
    rss_mib_before_load: Option<f64>,
    rss_mib_after_load: Option<f64>,
    postings: i64,
    consistent: bool,
}

/// Runs the benchmark.
pub async fn run(args: BenchArgs) -> Result<()> {
    let scratch = scratch_dir()?;
    let (url, _pg) = database(&args, scratch.path())?;
    let store = crate::open(&url).await?;
    let backend = store.backend();
    let durability = match backend {
        laurel_engine::Backend::Sqlite => "WAL, synchronous=FULL",
        laurel_engine::Backend::Postgres => "fsync=on, synchronous_commit=on",
    };
    println!(
        "Laurel bench: {backend:?} ({durability}), {} members, {} connections, {} s",
        args.members, args.connections, args.seconds
    );
    let program = if args.fraud_rules {
        println!(
            "fraud rules: on ({} rules)",
            FRAUD_RULES.matches("[[fraud.rules]]").count()
        );
        format!("{PROGRAM}{FRAUD_RULES}")
    } else {
        PROGRAM.to_owned()
    };
    let engine = Arc::new(
        Engine::open(
            store.clone(),
            Some(&program),
            EngineConfig::for_backend(backend),
        )
        .await?,
    );

    let seeding = Instant::now();
    let members = seed(&engine, args.members).await?;
    let seed_rate = f64::from(args.members) / seeding.elapsed().as_secs_f64();
    println!(
        "seeded {} members in {:.1} s ({seed_rate:.0}/s)",
        members.len(),
        seeding.elapsed().as_secs_f64()
    );

    let key = laurel_engine::create_key(&store, "bench", Scope::Pos).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(laurel_web::serve(
        listener,
        // The console too: the scale test times its member pages.
        laurel_web::app_with(
            AppState {
                engine: engine.clone(),
            },
            laurel_console::router(engine.clone(), None, None),
        ),
        async move {
            let _ = stopped.await;
        },
    ));

    let rss_before = rss_mib();
    let target = Arc::new(Target { base, key, members });
    let started = Instant::now();
    let records = load::run(
        target.clone(),
        Mix::Realistic,
        args.connections,
        Duration::from_secs(args.seconds),
    )
    .await;
    let elapsed = started.elapsed();
    let rss_after = rss_mib();

    let mut operations = Vec::new();
    let mut all = OpRecord::default();
    let mut writes = 0_u64;
    for (op, record) in records {
        if op != Op::Balance {
            writes += record.ok;
        }
        all.merge(record.clone());
        operations.push(OpSummary::new(op.name(), record, elapsed));
    }
    operations.push(OpSummary::new("all", all, elapsed));
    let writes_per_second = writes as f64 / elapsed.as_secs_f64();

    println!("\n{}", OpSummary::header());
    for summary in &operations {
        println!("{}", summary.line());
    }
    if let Some(all) = operations.last() {
        for (kind, count) in &all.error_kinds {
            println!("  error: {count} × {kind}");
        }
    }
    println!(
        "writes committed: {writes_per_second:.0}/s (purchases, retries, redemptions, refunds)"
    );

    // Stored value: top-ups, payments and checkout holds, for a few seconds.
    let started = Instant::now();
    let wallets = load::run(
        target.clone(),
        Mix::Wallets,
        args.connections,
        Duration::from_secs(args.seconds.div_ceil(2)),
    )
    .await;
    let elapsed = started.elapsed();
    println!(
        "
stored value (top-ups, payments from wallets, holds captured at checkout):"
    );
    println!("{}", OpSummary::header());
    for (op, record) in wallets {
        println!("{}", OpSummary::new(op.name(), record, elapsed).line());
    }

    if args.notifications {
        // Before the raw limit, whose rows would weigh on these windows and not the first.
        let events = &args.webhook_events;
        notify::run(&engine, &target, args.connections, args.seconds, events).await?;
    }
    let report_consistency = store.check_consistency().await?;
    let raw = raw_limit(&store, &target.members, args.raw_events).await?;
    let batched = raw
        .iter()
        .find(|(size, _)| *size == 100)
        .map(|(_, rate)| *rate);
    let purchases = operations
        .iter()
        .find(|s| s.op == Op::Purchase.name())
        .map_or(0.0, |s| s.per_second);
    let ratio = batched.map(|raw| purchases / raw);
    println!("\nraw limit (the rows of one purchase, plain SQL through the same driver):");
    for (size, rate) in &raw {
        println!("  {size:>5} per transaction: {rate:>8.0} events/s");
    }
    if let Some(ratio) = ratio {
        println!(
            "Laurel purchases / raw at 100 per transaction: {:.0}%",
            ratio * 100.0
        );
    }
    if let (Some(before), Some(after)) = (rss_before, rss_after) {
        println!("server process RSS: {before:.0} MiB before the load, {after:.0} MiB after");
    }
    let consistent = report_consistency.is_consistent();
    println!(
        "ledger consistency after the load: {} ({} postings)",
        if consistent { "ok" } else { "BROKEN" },
        report_consistency.postings
    );

    let report = Report {
        backend: format!("{backend:?}"),
        durability: durability.into(),
        members: args.members,
        connections: args.connections,
        seconds: elapsed.as_secs_f64(),
        seed_members_per_second: seed_rate,
        operations,
        writes_per_second,
        raw_events_per_second: raw,
        laurel_over_raw_batched: ratio,
        rss_mib_before_load: rss_before,
        rss_mib_after_load: rss_after,
        postings: report_consistency.postings,
        consistent,
    };
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_string_pretty(&report)?)
            .with_context(|| format!("writing {}", path.display()))?;
        println!("report written to {}", path.display());
    }
    if args.scale_members > 0 {
        scale(&store, &engine, &target, &args).await?;
    }
    let _ = stop.send(());
    let _ = server.await;
    if let Ok(engine) = Arc::try_unwrap(engine) {
        engine.shutdown().await;
    }
    if !consistent {
        bail!("the ledger is inconsistent after the load: {report_consistency:?}");
    }
    Ok(())
}

/// The scale test: fill to millions of members and purchases, then time balance reads,
/// console pages and insight.
async fn scale(
    store: &Store,
    engine: &Engine,
    target: &Arc<Target>,
    args: &BenchArgs,
) -> Result<()> {
    let filling = Instant::now();
    let first = laurel_engine::rawbench::fill_scale(
        store,
        args.scale_members,
        args.scale_postings,
        jiff::Timestamp::now(),
    )
    .await?;
    let bytes = laurel_engine::rawbench::database_bytes(store).await?;
    let postings = store.check_consistency().await?;
    println!(
        "\nscale: added {} members and {} postings ({} entries) in {:.0} s; ledger {}; database {:.0} MiB, {:.0} MiB per million entries",
        args.scale_members,
        args.scale_postings,
        2 * args.scale_postings,
        filling.elapsed().as_secs_f64(),
        if postings.is_consistent() {
            "consistent"
        } else {
            "BROKEN"
        },
        bytes as f64 / 1_048_576.0,
        bytes as f64 / 1_048_576.0 / (2.0 * postings.postings as f64 / 1_000_000.0),
    );
    let readers = Arc::new(Target {
        base: target.base.clone(),
        key: target.key.clone(),
        members: (first..first + args.scale_members).collect(),
    });
    let started = Instant::now();
    let records = load::run(
        readers,
        Mix::BalanceReads,
        args.connections,
        Duration::from_secs(args.seconds),
    )
    .await;
    let elapsed = started.elapsed();
    println!("{}", OpSummary::header());
    for (op, record) in records {
        println!("{}", OpSummary::new(op.name(), record, elapsed).line());
    }
    let members: Vec<i64> = (first..first + args.scale_members).collect();
    let started = Instant::now();
    let pages = pages::time(engine, &target.base, &members, PAGE_SAMPLES).await?;
    let elapsed = started.elapsed();
    println!("\nconsole pages at this scale, one request at a time (staff signed in):");
    println!("{}", OpSummary::header());
    for (page, record) in pages {
        println!("{}", OpSummary::new(page, record, elapsed).line());
    }
    let started = Instant::now();
    let asked = insight::time(engine, INSIGHT_SAMPLES).await?;
    let elapsed = started.elapsed();
    println!(
        "\ninsight at this scale ({} purchases over {} days), one at a time:",
        args.scale_postings,
        laurel_engine::rawbench::SCALE_HISTORY_DAYS
    );
    println!("{}", OpSummary::header());
    for (what, record) in asked {
        println!("{}", OpSummary::new(what, record, elapsed).line());
    }
    println!("\nthe daily jobs at this scale, once each:");
    insight::time_daily_jobs(engine).await?;
    println!("\nwhat if, at this scale:");
    simulation::time(engine).await?;
    println!("\nthe books, at this scale:");
    books::time(engine).await?;
    Ok(())
}

/// Times each insight read is asked in the scale test.
const INSIGHT_SAMPLES: usize = 10;

/// Requests per console page in the scale test.
const PAGE_SAMPLES: usize = 200;

/// A scratch directory for the SQLite database, removed when the run ends: a benchmark's
/// gigabytes must not pile up in the temporary directory run after run.
fn scratch_dir() -> Result<tempfile::TempDir> {
    Ok(tempfile::Builder::new().prefix("laurel-bench-").tempdir()?)
}

/// The database URL to use, and what keeps a throwaway cluster alive.
fn database(
    args: &BenchArgs,
    scratch: &std::path::Path,
) -> Result<(String, Option<laurel_testkit::TestDb>)> {
    match args.database.as_deref() {
        None => Ok((
            format!("sqlite://{}?mode=rwc", scratch.join("bench.db").display()),
            None,
        )),
        Some("postgres-throwaway") => {
            let db = laurel_testkit::durable_postgres()
                .context("PostgreSQL 15 is not installed (apt-get install postgresql-15)")?;
            Ok((db.url.clone(), Some(db)))
        }
        Some(url) => Ok((url.to_owned(), None)),
    }
}

/// Enrolls `count` members through the engine, many in flight at once.
async fn seed(engine: &Arc<Engine>, count: u32) -> Result<Vec<i64>> {
    let mut ids = Vec::with_capacity(count as usize);
    let mut inflight = JoinSet::new();
    for i in 0..count {
        if inflight.len() >= SEED_WINDOW
            && let Some(done) = inflight.join_next().await
        {
            ids.push(done??);
        }
        let engine = engine.clone();
        inflight.spawn(async move {
            let request = EnrollRequest {
                external_id: format!("bench-{i}"),
                // An address, so the notifications run can mail sign-in codes.
                email: Some(format!("bench-{i}@example.com")),
                phone: None,
                name: None,
                birthday: None,
                channel: Channel::Pos,
                attributes: Default::default(),
                referral_code: None,
                enrolled_at: None,
                device: None,
            };
            engine
                .enroll(request)
                .await
                .map(|m| m.id.0)
                .map_err(anyhow::Error::from)
        });
    }
    while let Some(done) = inflight.join_next().await {
        ids.push(done??);
    }
    Ok(ids)
}

/// The raw commit rate of the same rows at 1, 100 and 1000 events per transaction, spread
/// over the load's members (the same working set), on a thread that may block (the raw
/// writes use the write path's connection).
async fn raw_limit(store: &Store, members: &[i64], events: u64) -> Result<Vec<(u64, f64)>> {
    let (store, members) = (store.clone(), members.to_vec());
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || runtime.block_on(raw_rates(&store, &members, events)))
        .await?
}

async fn raw_rates(store: &Store, members: &[i64], events: u64) -> Result<Vec<(u64, f64)>> {
    let mut rates = Vec::new();
    for per_transaction in [1_u64, 100, 1000] {
        // One event per transaction is slow on purpose (a sync per event): measure fewer.
        let events = if per_transaction == 1 {
            events.min(2_000)
        } else {
            events
        };
        let took = laurel_engine::rawbench::commit_raw_purchases(
            store,
            members,
            events,
            per_transaction,
            &format!("b{per_transaction}"),
        )
        .await?;
        rates.push((per_transaction, events as f64 / took.as_secs_f64()));
    }
    Ok(rates)
}
