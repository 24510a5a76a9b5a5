//! The Laurel binary: `serve`, `demo`, `migrate`, `keys create`, `jobs run`, `import`,
//! `report kpis`, `simulate`, `books`, `program check`, and `bench` when built with the `bench` feature (a production build has no
//! benchmark: neither its raw-limit writes nor the throwaway PostgreSQL it can start).

#[cfg(feature = "bench")]
mod bench;
mod books;
mod cli;
mod demo;
mod import;
mod keys;
mod progress;
mod report;
mod serve;
mod simulate;
mod table;

use anyhow::{Context, Result};
use clap::Parser;
use cli::{Cli, Command, JobsCommand, KeysCommand, ProgramCommand, UsersCommand};
use laurel_engine::{AdminTwoFactor, Engine, EngineConfig, JobKind, Store, WriteProfile};

/// mimalloc instead of glibc's allocator: under load glibc's malloc and free took 14% of the
/// CPU, much of it consolidating freed chunks on the writer's thread.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    // One line saying what failed and why, each cause after a colon: an operator reads it,
    // so no backtrace and no debug formatting.
    match run(Cli::parse().command).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("laurel: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> Result<()> {
    match command {
        Command::Serve {
            database,
            program,
            listen,
            job_interval_secs,
            public_url,
            require_admin_two_factor,
            mail,
            limits,
        } => {
            let program = program.read()?;
            let delivery = mail.delivery()?;
            let store = open(&database.url()?).await?;
            let at = serve::Addresses { listen, public_url };
            let served = serve::Served {
                program: program.as_deref(),
                at,
                job_interval_secs,
                delivery,
                banner: None,
                limits: limits.rates(),
                admin_two_factor: if require_admin_two_factor {
                    AdminTwoFactor::Required
                } else {
                    AdminTwoFactor::Optional
                },
            };
            serve::run(store, served).await
        }
        Command::Demo { listen, dir } => demo::run(listen, &dir).await,
        Command::Migrate { database } => {
            let store = Store::connect(&database.url()?)
                .await
                .context("connecting to the database")?;
            let applied = store.migrate().await.context("migrating")?;
            println!("applied {applied} migration(s)");
            Ok(())
        }
        Command::Keys {
            command:
                KeysCommand::Create {
                    database,
                    scope,
                    name,
                    expiry,
                },
        } => {
            let store = open(&database.url()?).await?;
            keys::create(&store, &scope, &name, &expiry).await
        }
        Command::Users {
            command:
                UsersCommand::Create {
                    database,
                    email,
                    name,
                    role,
                },
        } => {
            let role: laurel_engine::Role = role.parse()?;
            let (password, generated) = match std::env::var("LAUREL_PASSWORD") {
                Ok(given) => (given, false),
                Err(_) => (laurel_engine::random_token()[..20].to_owned(), true),
            };
            let store = open(&database.url()?).await?;
            let account =
                laurel_engine::create_staff_user(&store, &email, &name, role, &password).await?;
            println!("created {} ({})", account.email, account.role);
            if generated {
                println!("password: {password}");
                eprintln!("Give this password to its owner now: it is not shown again.");
            }
            Ok(())
        }
        Command::Program {
            command: ProgramCommand::Check { file },
        } => check_program(&file),
        Command::Import { command } => import::run(command).await,
        Command::Report { command } => report::run(command).await,
        Command::Simulate(args) => simulate::run(args).await,
        Command::Books { command } => books::run(command).await,
        #[cfg(feature = "bench")]
        Command::Bench(args) => bench::run(args).await,
        Command::Jobs {
            command:
                JobsCommand::Run {
                    job,
                    now,
                    database,
                    program,
                },
        } => {
            let kind: JobKind = job.parse().map_err(anyhow::Error::msg)?;
            let now = match now {
                Some(text) => text
                    .parse()
                    .with_context(|| format!("--now `{text}` is not an RFC 3339 instant"))?,
                None => jiff::Timestamp::now(),
            };
            let program = program.read()?;
            let store = open(&database.url()?).await?;
            let engine = Engine::open(
                store.clone(),
                program.as_deref(),
                EngineConfig::for_backend(store.backend()),
            )
            .await?;
            let report = engine.run_job(kind, now).await?;
            engine.shutdown().await;
            println!(
                "{job}: {} member(s), {} point(s) moved",
                report.members, report.points
            );
            Ok(())
        }
    }
}

/// Connects and brings the schema up to date.
pub(crate) async fn open(url: &str) -> Result<Store> {
    open_with(url, WriteProfile::Serving).await
}

/// [`open`], with the write path's connections set up for `profile`.
pub(crate) async fn open_with(url: &str, profile: WriteProfile) -> Result<Store> {
    let store = Store::connect_with(url, profile)
        .await
        .context("connecting to the database")?;
    store.migrate().await.context("migrating the database")?;
    Ok(store)
}

/// `laurel program check FILE`: every problem on its own line, or what the program defines.
fn check_program(file: &std::path::Path) -> Result<()> {
    match laurel_engine::program_file::load_program(file) {
        Ok(definition) => {
            let tiers = definition.tiers.as_ref().map_or(0, |t| t.tiers().len());
            println!(
                "{}: ok — \"{}\", {} earning rule(s), {} tier(s), {} reward(s), {} membership plan(s), {} partner(s), {} declared event kind(s)",
                file.display(),
                definition.program.name,
                definition.rules.in_order().len(),
                tiers,
                definition.catalog.rewards().len(),
                definition.memberships.all().len(),
                definition.partners.all().len(),
                definition.declared_events.len()
            );
            Ok(())
        }
        Err(e) => {
            print_problems(file, &e);
            // A verdict, not a failure of the command: no error chain to print.
            std::process::exit(1)
        }
    }
}

/// A program file's text when it is valid; otherwise `None`, its problems printed as
/// `laurel program check` prints them.
pub(crate) fn program_text(file: &std::path::Path) -> Result<Option<String>> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("{}: cannot read the file", file.display()))?;
    match laurel_engine::program_file::parse_program(&text, file) {
        Ok(_) => Ok(Some(text)),
        Err(e) => {
            print_problems(file, &e);
            Ok(None)
        }
    }
}

/// Every problem of a program file, `file:line:` as compilers write it so editors jump to
/// the line, then their count.
fn print_problems(file: &std::path::Path, e: &laurel_engine::program_file::ProgramFileError) {
    for issue in &e.issues {
        match issue.line {
            Some(line) => println!("{}:{line}: {issue}", file.display()),
            None => println!("{}: {issue}", file.display()),
        }
    }
    eprintln!("{} problem(s) in {}", e.problems.len(), file.display());
}
