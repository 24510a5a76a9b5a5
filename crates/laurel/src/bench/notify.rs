//! `laurel bench --notifications`: the earn path's throughput without and with notifications
//! going out, in one run. In the B windows a webhook subscription receives every refund (about
//! 2% of the operations; `--webhook-events` for others) at a real receiver on loopback, and
//! sign-in codes are asked for at a steady rate and mailed through a real SMTP server on
//! loopback; both delivery loops run as `serve` runs them.
//! Windows alternate A, B, A, B so that a database growing through the run weighs on both
//! alike.

use super::load::{self, Mix, Op, Target};
use anyhow::{Context, Result};
use laurel_engine::{CreateWebhook, Engine, SignInLetter};
use laurel_notify::{HttpSender, SmtpMailer, SmtpUrl};
use laurel_testkit::smtp::SmtpServer;
use laurel_testkit::webhooks::WebhookReceiver;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Sign-in codes asked for per second in the B windows.
const CODES_PER_SECOND: u64 = 50;

/// What one window measured.
struct Window {
    purchases_per_second: f64,
    writes_per_second: f64,
}

/// Runs the A/B windows and prints the figures.
pub async fn run(
    engine: &Arc<Engine>,
    target: &Arc<Target>,
    connections: usize,
    seconds: u64,
    webhook_events: &[String],
) -> Result<()> {
    let smtp = SmtpServer::start().context("the SMTP server (aiosmtpd) is not installed")?;
    let receiver = WebhookReceiver::start(0).context("the Python tools are not installed")?;
    let mailer = SmtpMailer::new(&smtp.url().parse::<SmtpUrl>()?, "Bench <bench@example.com>")?;
    let sender = HttpSender::new()?;
    println!(
        "\nnotifications A/B: {seconds} s windows, A without notifications, B with a webhook for \
         {} and {CODES_PER_SECOND} sign-in e-mails a second asked for",
        webhook_events.join(", ")
    );
    let half = Duration::from_secs(seconds);
    let mut a = Vec::new();
    let mut b = Vec::new();
    let mut delivered = (0, 0);
    let mut b_time = Duration::ZERO;
    for round in 0..2 {
        a.push(window(target, connections, half).await);
        let hook = engine
            .create_webhook(CreateWebhook {
                url: receiver.url(&format!("/bench/{round}")),
                event_types: webhook_events.to_vec(),
                description: Some("bench".into()),
            })
            .await?;
        let running = Arc::new(AtomicBool::new(true));
        let hooks = tokio::spawn(webhook_loop(
            engine.clone(),
            sender.clone(),
            running.clone(),
        ));
        let mails = tokio::spawn(mail_loop(engine.clone(), mailer.clone(), running.clone()));
        let asks = tokio::spawn(ask_codes(
            engine.clone(),
            target.members.len(),
            running.clone(),
        ));
        let started = Instant::now();
        b.push(window(target, connections, half).await);
        running.store(false, Ordering::Relaxed);
        let (hooked, _) = hooks.await?;
        let mailed = mails.await?;
        asks.await?;
        // Until the last of the window's notifications went out, not just the window.
        b_time += started.elapsed();
        delivered.0 += hooked;
        delivered.1 += mailed;
        engine.delete_webhook(hook.webhook.id).await?;
    }
    let mean = |w: &[Window], f: fn(&Window) -> f64| w.iter().map(f).sum::<f64>() / w.len() as f64;
    let (a_purchases, b_purchases) = (
        mean(&a, |w| w.purchases_per_second),
        mean(&b, |w| w.purchases_per_second),
    );
    let (a_writes, b_writes) = (
        mean(&a, |w| w.writes_per_second),
        mean(&b, |w| w.writes_per_second),
    );
    let minutes = b_time.as_secs_f64() / 60.0;
    println!(
        "  A: {a_purchases:.0} purchases/s, {a_writes:.0} writes/s  (mean of 2 windows)\n  \
         B: {b_purchases:.0} purchases/s, {b_writes:.0} writes/s  ({:+.1}% purchases)",
        (b_purchases / a_purchases - 1.0) * 100.0
    );
    println!(
        "  delivered in B (from each window's start until its last notification went out): \
         {} webhooks + {} e-mails = {:.0} notifications/min (receiver got {}, SMTP server {})",
        delivered.0,
        delivered.1,
        (delivered.0 + delivered.1) as f64 / minutes,
        receiver.count(),
        smtp.messages().len()
    );
    Ok(())
}

async fn window(target: &Arc<Target>, connections: usize, duration: Duration) -> Window {
    let started = Instant::now();
    let records = load::run(target.clone(), Mix::Realistic, connections, duration).await;
    let elapsed = started.elapsed().as_secs_f64();
    let ok = |op: Op| records.get(&op).map_or(0, |r| r.ok);
    let writes: u64 = records
        .iter()
        .filter(|(op, _)| **op != Op::Balance)
        .map(|(_, r)| r.ok)
        .sum();
    Window {
        purchases_per_second: ok(Op::Purchase) as f64 / elapsed,
        writes_per_second: writes as f64 / elapsed,
    }
}

/// The webhook delivery loop as `serve` runs it, until `running` is cleared and nothing is
/// left to send; returns (delivered, attempts).
async fn webhook_loop(
    engine: Arc<Engine>,
    sender: HttpSender,
    running: Arc<AtomicBool>,
) -> (usize, usize) {
    let (mut delivered, mut attempted) = (0, 0);
    loop {
        match engine
            .deliver_webhooks(&sender, jiff::Timestamp::now())
            .await
        {
            Ok(report) => {
                delivered += report.delivered;
                attempted += report.attempted;
                if report.attempted == 0 && !running.load(Ordering::Relaxed) {
                    return (delivered, attempted);
                }
            }
            Err(e) => eprintln!("webhooks: {e}"),
        }
        tokio::select! {
            () = engine.events_committed() => tokio::time::sleep(Duration::from_millis(20)).await,
            () = tokio::time::sleep(Duration::from_millis(200)) => {},
        }
    }
}

/// The outbox's delivery loop as `serve` runs it, until `running` is cleared and the outbox
/// is empty; returns how many were sent.
async fn mail_loop(engine: Arc<Engine>, mailer: SmtpMailer, running: Arc<AtomicBool>) -> usize {
    let mut sent = 0;
    loop {
        match engine.deliver_outbox(&mailer).await {
            Ok(0) if !running.load(Ordering::Relaxed) => return sent,
            Ok(n) => sent += n,
            Err(e) => eprintln!("outbox: {e}"),
        }
        tokio::select! {
            () = engine.outbox_queued() => {},
            () = tokio::time::sleep(Duration::from_millis(200)) => {},
        }
    }
}

/// Asks for sign-in codes for the seeded members in turn, [`CODES_PER_SECOND`] a second.
async fn ask_codes(engine: Arc<Engine>, members: usize, running: Arc<AtomicBool>) {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let letter = SignInLetter {
        subject: "Your code".into(),
        body: "Your code is {code}.".into(),
    };
    let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / CODES_PER_SECOND));
    while running.load(Ordering::Relaxed) {
        tick.tick().await;
        let i = NEXT.fetch_add(1, Ordering::Relaxed) % members.max(1);
        if let Err(e) = engine
            .request_sign_in_code(&format!("bench-{i}@example.com"), &letter)
            .await
        {
            eprintln!("sign-in code: {e}");
        }
    }
}
