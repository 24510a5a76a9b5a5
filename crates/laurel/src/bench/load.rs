//! The load: concurrent HTTP clients running a realistic mix until a deadline.

use super::stats::OpRecord;
use rand::RngExt;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The operations of the mix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Op {
    /// A new purchase with 1–5 lines.
    Purchase,
    /// The same purchase sent again (a retry): must replay, not double-earn.
    PurchaseRetry,
    /// A balance read.
    Balance,
    /// A redemption of a few points.
    Redemption,
    /// A full refund of an earlier purchase.
    Refund,
    /// Malformed, oversized or hostile input: must get a 4xx, never a 5xx.
    Hostile,
}

/// Which mix of operations to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mix {
    /// Purchases, retries, reads, redemptions, refunds and a little hostile input.
    Realistic,
    /// Balance reads only (the scale test).
    BalanceReads,
}

impl Op {
    /// Name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Op::Purchase => "purchase",
            Op::PurchaseRetry => "purchase retry",
            Op::Balance => "balance read",
            Op::Redemption => "redemption",
            Op::Refund => "refund",
            Op::Hostile => "hostile input",
        }
    }

    /// Picks an operation from a roll in 0..1000: in the realistic mix purchases most of the
    /// time, ~10% redemptions, ~2% refunds, ~1% hostile input.
    fn pick(mix: Mix, roll: u32) -> Op {
        if mix == Mix::BalanceReads {
            return Op::Balance;
        }
        match roll {
            0..=669 => Op::Purchase,
            670..=719 => Op::PurchaseRetry,
            720..=869 => Op::Balance,
            870..=969 => Op::Redemption,
            970..=989 => Op::Refund,
            _ => Op::Hostile,
        }
    }
}

/// Where and how to send the load.
pub struct Target {
    /// Base URL of the server.
    pub base: String,
    /// POS API key.
    pub key: String,
    /// Member ids to spread the load over.
    pub members: Vec<i64>,
}

/// What one client remembers to build retries, redemptions and refunds from.
#[derive(Default)]
struct Memory {
    /// (order body, member) of recent purchases.
    recent_orders: Vec<(Value, i64)>,
    /// Purchases that can still be refunded.
    refundable: Vec<i64>,
}

const SKUS: &[(&str, &str, &str)] = &[
    ("LATTE-L", "coffee", "32.00"),
    ("AMERICANO-M", "coffee", "24.00"),
    ("CROISSANT", "bakery", "18.50"),
    ("BEANS-250G", "retail", "88.00"),
    ("MUG", "merch", "68.00"),
];
const MEMORY_MAX: usize = 256;

/// Runs `connections` clients until `duration` has passed; returns what each op did.
pub async fn run(
    target: Arc<Target>,
    mix: Mix,
    connections: usize,
    duration: Duration,
) -> BTreeMap<Op, OpRecord> {
    let client = Client::builder()
        .pool_max_idle_per_host(connections)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap_or_default();
    let started = Instant::now();
    let deadline = started + duration;
    let orders = Arc::new(AtomicU64::new(0));
    let progress = tokio::spawn(report_progress(orders.clone(), started, deadline));
    let tasks: Vec<_> = (0..connections)
        .map(|_| {
            tokio::spawn(client_loop(
                client.clone(),
                target.clone(),
                mix,
                orders.clone(),
                deadline,
            ))
        })
        .collect();
    let mut all: BTreeMap<Op, OpRecord> = BTreeMap::new();
    for task in tasks {
        if let Ok(records) = task.await {
            for (op, record) in records {
                all.entry(op).or_default().merge(record);
            }
        }
    }
    progress.abort();
    all
}

/// How often a long run says how it is going.
const PROGRESS_EVERY: Duration = Duration::from_secs(30);

/// Prints, every [`PROGRESS_EVERY`], the orders sent so far and the process's resident memory,
/// so a long run shows whether memory stays flat.
async fn report_progress(orders: Arc<AtomicU64>, started: Instant, deadline: Instant) {
    let mut tick =
        tokio::time::interval_at(tokio::time::Instant::now() + PROGRESS_EVERY, PROGRESS_EVERY);
    while Instant::now() + PROGRESS_EVERY <= deadline {
        tick.tick().await;
        let rss = super::stats::rss_mib().map_or_else(|| "?".into(), |m| format!("{m:.0}"));
        println!(
            "  {:>4.0} s: {} orders and redemptions sent, RSS {rss} MiB",
            started.elapsed().as_secs_f64(),
            orders.load(Ordering::Relaxed)
        );
    }
}

async fn client_loop(
    client: Client,
    target: Arc<Target>,
    mix: Mix,
    orders: Arc<AtomicU64>,
    deadline: Instant,
) -> BTreeMap<Op, OpRecord> {
    let mut records: BTreeMap<Op, OpRecord> = BTreeMap::new();
    let mut memory = Memory::default();
    while Instant::now() < deadline {
        let (op, roll, member_roll, lines_roll) = {
            let mut rng = rand::rng();
            (
                Op::pick(mix, rng.random_range(0..1000)),
                rng.random_range(0..usize::MAX),
                rng.random_range(0..target.members.len()),
                rng.random_range(1..=5),
            )
        };
        let op = match op {
            Op::PurchaseRetry if memory.recent_orders.is_empty() => Op::Purchase,
            Op::Redemption if memory.recent_orders.is_empty() => Op::Purchase,
            Op::Refund if memory.refundable.is_empty() => Op::Purchase,
            other => other,
        };
        let started = Instant::now();
        let (status, body) = match op {
            Op::Purchase => {
                let member = target.members[member_roll];
                let order = orders.fetch_add(1, Ordering::Relaxed);
                let body = purchase_body(member, order, lines_roll);
                let answer = send(
                    &client,
                    &target,
                    reqwest::Method::POST,
                    "/api/v1/purchases".into(),
                    Some(&body),
                )
                .await;
                if memory.recent_orders.len() >= MEMORY_MAX {
                    memory.recent_orders.swap_remove(roll % MEMORY_MAX);
                }
                memory.recent_orders.push((body, member));
                answer
            }
            Op::PurchaseRetry => {
                let (body, _) = &memory.recent_orders[roll % memory.recent_orders.len()];
                send(
                    &client,
                    &target,
                    reqwest::Method::POST,
                    "/api/v1/purchases".into(),
                    Some(body),
                )
                .await
            }
            Op::Balance => {
                let member = target.members[member_roll];
                send(
                    &client,
                    &target,
                    reqwest::Method::GET,
                    format!("/api/v1/members/{member}/balance"),
                    None,
                )
                .await
            }
            Op::Redemption => {
                let (_, member) = memory.recent_orders[roll % memory.recent_orders.len()];
                let order = orders.fetch_add(1, Ordering::Relaxed);
                let body = json!({ "points": 10, "idempotency_key": format!("bench-redeem-{order}"), "reference": "bench" });
                send(
                    &client,
                    &target,
                    reqwest::Method::POST,
                    format!("/api/v1/members/{member}/redemptions"),
                    Some(&body),
                )
                .await
            }
            Op::Hostile => hostile(&client, &target, roll).await,
            Op::Refund => {
                let purchase = memory
                    .refundable
                    .swap_remove(roll % memory.refundable.len());
                let body = json!({ "refund_id": "bench-refund" });
                send(
                    &client,
                    &target,
                    reqwest::Method::POST,
                    format!("/api/v1/purchases/{purchase}/refunds"),
                    Some(&body),
                )
                .await
            }
        };
        let elapsed = started.elapsed();
        let record = records.entry(op).or_default();
        match status {
            Some(s) if s.is_success() => {
                record.ok += 1;
                record.latency(elapsed);
                if op == Op::Purchase
                    && let Some(id) = body.as_ref().and_then(|b| b["purchase_id"].as_i64())
                    && memory.refundable.len() < MEMORY_MAX
                {
                    memory.refundable.push(id);
                }
            }
            Some(s) if op == Op::Hostile && s.is_client_error() => {
                record.ok += 1;
                record.latency(elapsed);
            }
            Some(StatusCode::CONFLICT) if matches!(op, Op::Redemption | Op::Refund) => {
                record.refused += 1;
                record.latency(elapsed);
            }
            Some(s) => {
                record.error(format!(
                    "HTTP {}: {}",
                    s.as_u16(),
                    body.as_ref()
                        .map_or(String::new(), |b| b["error"]["code"].to_string())
                ));
                record.latency(elapsed);
            }
            None => record.error(
                body.as_ref()
                    .and_then(|b| b.as_str().map(str::to_owned))
                    .unwrap_or_else(|| "transport".into()),
            ),
        }
    }
    records
}

/// Sends one of several kinds of bad request; the server must refuse each with a 4xx.
async fn hostile(
    client: &Client,
    target: &Target,
    roll: usize,
) -> (Option<StatusCode>, Option<Value>) {
    let url = format!("{}/api/v1/purchases", target.base);
    let request = match roll % 5 {
        0 => client
            .post(&url)
            .header("content-type", "application/json")
            .body("{\"member_id\": 1, \"order_id\": "),
        1 => client
            .post(&url)
            .header("content-type", "application/json")
            .body(format!("{{\"pad\": \"{}\"}}", "x".repeat(400 * 1024))),
        2 => client
            .post(&url)
            .json(&json!({ "member_id": "one", "order_id": 7, "total": [] })),
        3 => client.post(&url).json(&json!({
            "member_id": 1, "order_id": "hostile", "channel": "pos", "currency": "CNY",
            "total": "-1e30", "occurred_at": "yesterday"
        })),
        _ => client.get(format!(
            "{}/api/v1/members/%27%20OR%201=1--/balance",
            target.base
        )),
    };
    // `Connection: close`: a server that refuses a body without reading it closes the
    // connection, and a pooled connection closed under the client would fail the next request
    // sent on it — a client artefact that would be miscounted as a server error.
    match request
        .bearer_auth(&target.key)
        .header("connection", "close")
        .send()
        .await
    {
        Ok(response) => (Some(response.status()), None),
        Err(e) => (None, Some(Value::String(format!("transport: {e}")))),
    }
}

fn purchase_body(member: i64, order: u64, lines: usize) -> Value {
    let lines: Vec<Value> = (0..lines)
        .map(|i| {
            let (sku, category, price) = SKUS[(order as usize + i) % SKUS.len()];
            json!({ "sku": sku, "category": category, "quantity": 1, "unit_price": price })
        })
        .collect();
    let total: rust_decimal::Decimal = lines
        .iter()
        .filter_map(|l| {
            l["unit_price"]
                .as_str()
                .and_then(|p| p.parse::<rust_decimal::Decimal>().ok())
        })
        .sum();
    json!({
        "member_id": member,
        "order_id": format!("bench-{order}"),
        "channel": "pos",
        "store": "BENCH-1",
        "currency": "CNY",
        "total": total.to_string(),
        "lines": lines,
        "occurred_at": jiff::Timestamp::now().to_string(),
    })
}

async fn send(
    client: &Client,
    target: &Target,
    method: reqwest::Method,
    path: String,
    body: Option<&Value>,
) -> (Option<StatusCode>, Option<Value>) {
    let mut request = client
        .request(method, format!("{}{path}", target.base))
        .bearer_auth(&target.key);
    if let Some(body) = body {
        request = request.json(body);
    }
    match request.send().await {
        Ok(response) => {
            let status = response.status();
            (Some(status), response.json::<Value>().await.ok())
        }
        Err(e) => (None, Some(Value::String(format!("transport: {e}")))),
    }
}
