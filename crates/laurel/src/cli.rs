//! Command-line interface.

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Laurel: a self-hostable customer loyalty engine.
#[derive(Parser)]
#[command(version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Where the data lives.
#[derive(Args, Clone)]
pub struct Database {
    /// Database: a SQLite file path (created if missing), sqlite://PATH, or postgres://USER@HOST/DB.
    #[arg(long, env = "LAUREL_DATABASE", default_value = "laurel.db")]
    pub database: String,
}

impl Database {
    /// The URL sqlx understands. A SQLite file is created when missing, whether given as a
    /// bare path or as `sqlite://PATH`; a missing folder is refused in one line that names it
    /// (a typo in a path should not silently make folders).
    pub fn url(&self) -> anyhow::Result<String> {
        let d = &self.database;
        if d.starts_with("postgres://") || d.starts_with("postgresql://") {
            return Ok(d.clone());
        }
        let rest = d
            .strip_prefix("sqlite://")
            .or_else(|| d.strip_prefix("sqlite:"))
            .unwrap_or(d);
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        if path.is_empty() {
            anyhow::bail!("--database `{d}` names no file");
        }
        if path != ":memory:" {
            let folder = std::path::Path::new(path)
                .parent()
                .filter(|p| !p.as_os_str().is_empty());
            if let Some(folder) = folder
                && !folder.is_dir()
            {
                anyhow::bail!(
                    "cannot create the database file `{path}`: the folder `{}` does not exist",
                    folder.display()
                );
            }
        }
        let mode = if query.split('&').any(|p| p.starts_with("mode=")) {
            String::new()
        } else {
            "mode=rwc".to_owned()
        };
        let query = [query, mode.as_str()]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("&");
        Ok(format!("sqlite://{path}?{query}"))
    }
}

/// The program definition.
#[derive(Args, Clone)]
pub struct ProgramFile {
    /// Program definition file (TOML); see crates/laurel/demo/program.toml for an example.
    /// Stored as a new program version when it changed since it was last read. Without it,
    /// the versions already in the database are used.
    #[arg(long, env = "LAUREL_PROGRAM")]
    pub program: Option<PathBuf>,
}

impl ProgramFile {
    /// The file's text, validated (every problem named with the file), if a file was given.
    pub fn read(&self) -> anyhow::Result<Option<String>> {
        let Some(path) = &self.program else {
            return Ok(None);
        };
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("{}: cannot read the file: {e}", path.display()))?;
        laurel_engine::program_file::parse_program(&text, path)?;
        Ok(Some(text))
    }
}

/// Where the outbox's e-mail (members' sign-in codes among it) goes.
#[derive(Args)]
pub struct Mail {
    /// The SMTP server e-mail goes through: smtp://host:port (no encryption: a local relay
    /// only), smtp+starttls://user@host (port 587) or smtps://user@host (port 465); user and
    /// password percent-encoded, or the password in LAUREL_SMTP_PASSWORD. Without it, messages
    /// are written to the log.
    #[arg(long, env = "LAUREL_SMTP_URL", requires = "mail_from")]
    smtp_url: Option<laurel_notify::SmtpUrl>,
    /// The sender of that e-mail: `club@example.com` or `Coffee Club <club@example.com>`.
    #[arg(long, env = "LAUREL_MAIL_FROM", requires = "smtp_url")]
    mail_from: Option<String>,
}

impl Mail {
    /// The mailer these settings ask for (within the server's runtime: an SMTP mailer keeps
    /// its connections there).
    pub fn delivery(self) -> Result<laurel_notify::Delivery> {
        let (Some(url), Some(from)) = (self.smtp_url, self.mail_from) else {
            return Ok(laurel_notify::Delivery::Log(laurel_engine::LogMailer));
        };
        let url = url.password_if_missing(std::env::var("LAUREL_SMTP_PASSWORD").ok());
        tracing::info!(smtp = %url, from = %from, "e-mail goes through SMTP");
        let mailer = laurel_notify::SmtpMailer::new(&url, &from)
            .with_context(|| format!("--smtp-url {url} with --mail-from {from}"))?;
        Ok(laurel_notify::Delivery::Smtp(mailer))
    }
}

/// The commands.
#[derive(Subcommand)]
pub enum Command {
    /// Run the API server: migrates the database, then serves /api/v1, /healthz and /metrics,
    /// and runs the expiry, release, tier-review, hold-release, membership and retention jobs
    /// on a schedule.
    Serve {
        #[command(flatten)]
        database: Database,
        #[command(flatten)]
        program: ProgramFile,
        /// Address to listen on.
        #[arg(long, env = "LAUREL_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Seconds between scheduled job runs (expiry, pending release, tier reviews); 0 turns
        /// them off.
        #[arg(long, default_value_t = 60)]
        job_interval_secs: u64,
        /// The address members reach Laurel at (e.g. https://loyalty.example.com), for the
        /// links pages hand out, such as a member's referral link; without it, the address a
        /// request arrived on.
        #[arg(long, env = "LAUREL_PUBLIC_URL")]
        public_url: Option<laurel_console::PublicUrl>,
        /// Admins must sign in to the console with a code from an authenticator app as well as
        /// their password: an admin without two-factor sign-in sets it up right after the
        /// password, and reaches no page until they have.
        #[arg(long, env = "LAUREL_REQUIRE_ADMIN_TWO_FACTOR")]
        require_admin_two_factor: bool,
        #[command(flatten)]
        mail: Mail,
        #[command(flatten)]
        limits: Limits,
    },
    /// Start a fresh demo: a coffee chain's program, members with history, and API keys, on an
    /// embedded database in ./laurel-demo, then serve it.
    Demo {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Folder for the demo database and program (recreated each time).
        #[arg(long, default_value = "laurel-demo")]
        dir: PathBuf,
    },
    /// Apply pending database migrations and exit.
    Migrate {
        #[command(flatten)]
        database: Database,
    },
    /// Manage API keys.
    Keys {
        /// What to do with keys.
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Manage staff accounts for the console at /admin.
    Users {
        /// What to do with staff accounts.
        #[command(subcommand)]
        command: UsersCommand,
    },
    /// Run scheduled jobs by hand.
    Jobs {
        /// Which job.
        #[command(subcommand)]
        command: JobsCommand,
    },
    /// Import history (members, purchases) from CSV or JSON Lines files.
    Import {
        /// What to import.
        #[command(subcommand)]
        command: crate::import::ImportCommand,
    },
    /// What if: replay the stored history through a draft program beside the versions in
    /// force, writing nothing, and report both per month and in total.
    Simulate(crate::simulate::SimulateArgs),
    /// The books (IFRS 15): the points liability roll-forward, journal entries, estimates
    /// of the redemption rate, period closes.
    Books {
        /// What to do.
        #[command(subcommand)]
        command: crate::books::BooksCommand,
    },
    /// Reports: the KPIs of a period.
    Report {
        /// Which report.
        #[command(subcommand)]
        command: crate::report::ReportCommand,
    },
    /// Work with program files.
    Program {
        /// What to do.
        #[command(subcommand)]
        command: ProgramCommand,
    },
    /// Measure Laurel over HTTP against the database's own commit rate, on a fresh database.
    #[cfg(feature = "bench")]
    Bench(crate::bench::BenchArgs),
}

/// Program file commands.
#[derive(Subcommand)]
pub enum ProgramCommand {
    /// Validate a program file: prints every problem with the key (or line) it concerns and
    /// exits non-zero, or a summary of what the program defines.
    Check {
        /// The program file (TOML).
        file: PathBuf,
    },
}

/// Key commands.
#[derive(Subcommand)]
pub enum KeysCommand {
    /// Create an API key and print it once; only its hash is stored.
    Create {
        #[command(flatten)]
        database: Database,
        /// admin (everything, incl. adjustments) or pos (tills and shops: no adjustments).
        #[arg(long)]
        scope: String,
        /// A label to recognise the key by.
        #[arg(long, default_value = "api key")]
        name: String,
        /// When the key expires (none: never).
        #[command(flatten)]
        expiry: KeyExpiry,
    },
}

/// When a new key expires: from now, or at an instant; never when neither is given.
#[derive(Args)]
#[group(multiple = false)]
pub struct KeyExpiry {
    /// Expire the key this long from now: days (`90d`) or hours (`12h`).
    #[arg(long, value_parser = crate::keys::parse_expires_in)]
    pub expires_in: Option<jiff::SignedDuration>,
    /// Expire the key at this instant (RFC 3339, such as 2027-03-01T00:00:00Z).
    #[arg(long)]
    pub expires_at: Option<jiff::Timestamp>,
}

/// Staff account commands.
#[derive(Subcommand)]
pub enum UsersCommand {
    /// Create a staff account. The password is read from LAUREL_PASSWORD; without it one is
    /// generated and printed once.
    Create {
        #[command(flatten)]
        database: Database,
        /// Sign-in email.
        #[arg(long)]
        email: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// admin (everything), manager (program, members, rewards, reports), support (members
        /// and adjustments up to a limit) or finance (reports, read-only).
        #[arg(long)]
        role: String,
    },
}

/// Job commands.
#[derive(Subcommand)]
pub enum JobsCommand {
    /// Run `expiry` (expire due points) or `release` (release pending points whose return
    /// window closed) once, as of now or of --now. Running it twice changes nothing the second time.
    Run {
        /// expiry, release, tiers, holds (wallet and point holds past their expiry),
        /// memberships or retention (erase members inactive past `[privacy] retention_days`).
        job: String,
        /// The instant to run as of (RFC 3339, e.g. 2027-01-01T00:00:00Z); default now.
        #[arg(long)]
        now: Option<String>,
        #[command(flatten)]
        database: Database,
        #[command(flatten)]
        program: ProgramFile,
    },
}

#[cfg(test)]
mod tests {
    use super::Database;

    fn url(database: &str) -> Result<String, String> {
        Database {
            database: database.into(),
        }
        .url()
        .map_err(|e| e.to_string())
    }

    #[test]
    fn a_sqlite_file_is_created_however_it_is_named() {
        assert_eq!(url("laurel.db"), Ok("sqlite://laurel.db?mode=rwc".into()));
        assert_eq!(
            url("sqlite://laurel.db"),
            Ok("sqlite://laurel.db?mode=rwc".into())
        );
        assert_eq!(
            url("sqlite:laurel.db?cache=shared"),
            Ok("sqlite://laurel.db?cache=shared&mode=rwc".into())
        );
        assert_eq!(
            url("sqlite://laurel.db?mode=ro"),
            Ok("sqlite://laurel.db?mode=ro".into())
        );
        assert_eq!(
            url("postgres://laurel@db/laurel"),
            Ok("postgres://laurel@db/laurel".into())
        );
    }

    #[test]
    fn a_missing_folder_is_named_in_one_line() {
        assert_eq!(
            url("sqlite:///no/such/folder/laurel.db"),
            Err("cannot create the database file `/no/such/folder/laurel.db`: the folder `/no/such/folder` does not exist".into())
        );
        assert!(url("no-such-folder-here/laurel.db").is_err());
        assert!(url("sqlite://").is_err());
    }
}

/// Rate limits: past them a caller is answered 429 `rate_limited` with `Retry-After`.
#[derive(Args, Debug, Clone)]
pub struct Limits {
    /// API calls one API key may make a second (and as many at once); 0 for no limit.
    #[arg(long, env = "LAUREL_API_RATE", default_value_t = 0)]
    pub api_rate: u32,
    /// Console sign-ins and portal sign-in codes asked for or given, per client address a
    /// minute (and as many at once); 0 (the default) for no limit. Behind a proxy, name it
    /// with --trusted-proxy, or every client shares the proxy's address and one client could
    /// keep everyone from signing in. (Accounts are locked after wrong passwords and codes
    /// take few guesses either way.)
    #[arg(long, env = "LAUREL_SIGN_IN_RATE", default_value_t = 0)]
    pub sign_in_rate: u32,
    /// A proxy (an address, or a range such as 10.0.0.0/8) trusted to name the client in
    /// X-Forwarded-For, for the limits per client address; repeat it, or separate with commas.
    /// Anyone else's X-Forwarded-For is ignored.
    #[arg(
        long = "trusted-proxy",
        env = "LAUREL_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_parser = laurel_web::limits::parse_range
    )]
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

impl Limits {
    /// The limits as the server applies them.
    pub fn rates(self) -> laurel_web::limits::RateLimits {
        use laurel_web::limits::Rate;
        laurel_web::limits::RateLimits {
            api_per_key: (self.api_rate > 0).then(|| Rate::per_second(self.api_rate)),
            sign_in_per_address: (self.sign_in_rate > 0)
                .then(|| Rate::per_minute(self.sign_in_rate)),
            clients: laurel_web::limits::ClientAddress::trusting(self.trusted_proxies),
        }
    }
}
