//! `laurel serve`: the API server with its job schedule.

use anyhow::{Context, Result};
use laurel_engine::{AdminTwoFactor, Engine, EngineConfig, JobKind, NoticeLinks, Store};
use laurel_notify::{Delivery, HttpSender};
use laurel_web::AppState;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// Where Laurel listens, and where members reach it.
pub struct Addresses {
    /// The address to bind.
    pub listen: SocketAddr,
    /// The address links handed out use (see `--public-url`).
    pub public_url: Option<laurel_console::PublicUrl>,
}

/// What a server is started with, besides its database.
pub struct Served<'a> {
    /// The program file's text, if one was given.
    pub program: Option<&'a str>,
    /// Where it listens and is reached.
    pub at: Addresses,
    /// Seconds between scheduled job runs; 0 turns them off.
    pub job_interval_secs: u64,
    /// Where the outbox's messages go.
    pub delivery: Delivery,
    /// Printed once the port is bound.
    pub banner: Option<String>,
    /// The rate limits it applies.
    pub limits: laurel_web::limits::RateLimits,
    /// Whether admins must sign in with two factors.
    pub admin_two_factor: AdminTwoFactor,
}

/// Serves until Ctrl-C or SIGTERM.
pub async fn run(store: Store, served: Served<'_>) -> Result<()> {
    let Served {
        program,
        at,
        job_interval_secs,
        delivery,
        banner,
        limits,
        admin_two_factor,
    } = served;
    let engine = Arc::new(
        Engine::open(
            store.clone(),
            program,
            EngineConfig {
                admin_two_factor,
                ..EngineConfig::for_backend(store.backend())
            },
        )
        .await?,
    );
    let listener = TcpListener::bind(at.listen)
        .await
        .with_context(|| format!("binding {}", at.listen))?;
    let address = listener.local_addr()?;
    tracing::info!(%address, backend = ?store.backend(), "Laurel is serving");
    println!("Laurel listening on http://{address}");
    if let Some(banner) = banner {
        println!("{banner}");
    }
    // Letters link to the portal at the address members reach it by.
    let links = NoticeLinks {
        base: Some(match &at.public_url {
            Some(public) => public.to_string(),
            None => format!("http://{address}"),
        }),
    };
    let jobs = (job_interval_secs > 0).then(|| {
        tokio::spawn(schedule(
            engine.clone(),
            Duration::from_secs(job_interval_secs),
            links,
        ))
    });
    let mail = tokio::spawn(deliver(engine.clone(), delivery));
    let hooks = tokio::spawn(send_webhooks(engine.clone(), HttpSender::new()?));
    let app = laurel_web::app_limited(
        AppState {
            engine: engine.clone(),
        },
        laurel_console::router(
            engine.clone(),
            at.public_url,
            limits
                .sign_in_per_address
                .map(|rate| laurel_web::limits::per_address(rate, &limits.clients)),
        ),
        limits,
    );
    laurel_web::serve(listener, app, shutdown_signal()).await?;
    if let Some(jobs) = jobs {
        jobs.abort();
    }
    mail.abort();
    hooks.abort();
    // Everything acknowledged is already committed; this drains what is still queued.
    if let Ok(engine) = Arc::try_unwrap(engine) {
        engine.shutdown().await;
    }
    store.close().await;
    Ok(())
}

/// Runs release, expiry and tier reviews every `interval`, then the notices the program sends
/// by itself, the daily member insight refresh (scores and churn forecasts, which automations
/// may read) and its automations. All are idempotent, so an overlap with a manual `laurel jobs run` or another
/// node does no harm. Each run first picks up program versions another node sharing the
/// database applied.
async fn schedule(engine: Arc<Engine>, interval: Duration, links: NoticeLinks) {
    let mut tick = tokio::time::interval(interval);
    loop {
        tick.tick().await;
        match engine.reload_programs().await {
            Ok(true) => tracing::info!("program versions reloaded"),
            Ok(false) => {}
            Err(e) => tracing::error!(error = %e, "reloading program versions failed"),
        }
        for kind in [
            JobKind::Release,
            JobKind::Expiry,
            // Memberships before tiers: a term renewed from the wallet keeps its paid tier
            // rather than losing it to the review due at the old term's end.
            JobKind::Memberships,
            JobKind::Tiers,
            JobKind::Holds,
            JobKind::Retention,
        ] {
            match engine.run_job(kind, jiff::Timestamp::now()).await {
                Ok(report) if report.members > 0 => {
                    tracing::info!(job = ?kind, members = report.members, points = report.points.get(), "job ran")
                }
                Ok(_) => {}
                Err(e) => tracing::error!(job = ?kind, error = %e, "job failed"),
            }
        }
        match engine.send_notices(jiff::Timestamp::now(), &links).await {
            Ok(report) if report.sent + report.gifts > 0 => {
                tracing::info!(sent = report.sent, gifts = report.gifts, "notices sent")
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "sending notices failed"),
        }
        match engine
            .refresh_member_insight_daily(jiff::Timestamp::now())
            .await
        {
            Ok(Some(report)) => {
                tracing::info!(
                    members = report.members,
                    problem = report.problem.as_deref().unwrap_or("none"),
                    "member insight refreshed"
                );
                // Segments read the scores just written (churn risk, RFM), so they follow.
                match engine.refresh_segments(jiff::Timestamp::now()).await {
                    Ok(refresh) => {
                        for (segment, why) in &refresh.skipped {
                            tracing::warn!(segment, why, "segment left as it was");
                        }
                        tracing::info!(segments = refresh.members.len(), "segments refreshed");
                    }
                    Err(e) => tracing::error!(error = %e, "refreshing segments failed"),
                }
            }
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "refreshing member insight failed"),
        }
        match engine.run_automations(jiff::Timestamp::now(), &links).await {
            Ok(report) if report.acted > 0 => {
                tracing::info!(
                    acted = report.acted,
                    points = report.points,
                    sent = report.sent,
                    "automations ran"
                )
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "running automations failed"),
        }
    }
}

/// Sends what the outbox holds through `mailer` as soon as something is queued (and every
/// half minute, for messages another node queued or a failed send).
async fn deliver(engine: Arc<Engine>, mailer: Delivery) {
    loop {
        if let Err(e) = engine.deliver_outbox(&mailer).await {
            tracing::error!(error = %e, "delivering the outbox failed");
        }
        tokio::select! {
            () = engine.outbox_queued() => {},
            () = tokio::time::sleep(Duration::from_secs(30)) => {},
        }
    }
}

/// Sends webhook deliveries: new events soon after their batch commits (gathered for a moment,
/// since events come in bursts with the write path's batches), retries when they fall due.
async fn send_webhooks(engine: Arc<Engine>, sender: HttpSender) {
    loop {
        if let Err(e) = engine
            .deliver_webhooks(&sender, jiff::Timestamp::now())
            .await
        {
            tracing::error!(error = %e, "delivering webhooks failed");
        }
        tokio::select! {
            () = engine.events_committed() => {
                tokio::time::sleep(Duration::from_millis(20)).await;
            },
            () = tokio::time::sleep(Duration::from_secs(1)) => {},
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
