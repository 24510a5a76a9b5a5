//! The load: concurrent HTTP clients running a realistic mix until a deadline.

use super::stats::OpRecord;
use rand::RngExt;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use reqwest::{Client, StatusCode, Url};
use serde::Deserialize;
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
    /// Money paid into a member's wallet.
    TopUp,
    /// An order paid from a wallet (what it holds, when that is less).
    WalletPayment,
    /// Wallet value held at a checkout, then captured in part.
    HoldCapture,
}

/// Which mix of operations to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mix {
    /// Purchases, retries, reads, redemptions, refunds and a little hostile input.
    Realistic,
    /// Balance reads only (the scale test).
    BalanceReads,
    /// Stored value: top-ups, wallet payments and checkout holds captured.
    Wallets,
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
            Op::TopUp => "wallet top-up",
            Op::WalletPayment => "wallet payment",
            Op::HoldCapture => "hold + capture",
        }
    }

    /// Picks an operation from a roll in 0..1000: in the realistic mix purchases most of the
    /// time, ~10% redemptions, ~2% refunds, ~1% hostile input.
    fn pick(mix: Mix, roll: u32) -> Op {
        match mix {
            Mix::BalanceReads => return Op::Balance,
            Mix::Wallets => {
                return match roll {
                    0..=199 => Op::TopUp,
                    200..=799 => Op::WalletPayment,
                    _ => Op::HoldCapture,
                };
            }
            Mix::Realistic => {}
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
    /// (order body as sent, member) of recent purchases.
    recent_orders: Vec<(Vec<u8>, i64)>,
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

/// The first order number of the next run.
static NEXT_ORDER: AtomicU64 = AtomicU64::new(0);

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
    // Order ids and redemption keys go on from the last run's: a later run (the
    // notifications windows) would otherwise repeat them and be answered as retries.
    let orders = Arc::new(AtomicU64::new(NEXT_ORDER.load(Ordering::Relaxed)));
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
    NEXT_ORDER.store(orders.load(Ordering::Relaxed), Ordering::Relaxed);
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
    let Ok(sender) = Sender::new(client, &target) else {
        records
            .entry(Op::Purchase)
            .or_default()
            .error("the bench's address or key is not valid in a request".into());
        return records;
    };
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
        let answer = match op {
            Op::Purchase => {
                let member = target.members[member_roll];
                let order = orders.fetch_add(1, Ordering::Relaxed);
                let body = purchase_body(member, order, lines_roll);
                let answer = sender
                    .send(reqwest::Method::POST, sender.purchases.clone(), Some(&body))
                    .await;
                if memory.recent_orders.len() >= MEMORY_MAX {
                    memory.recent_orders.swap_remove(roll % MEMORY_MAX);
                }
                memory.recent_orders.push((body, member));
                answer
            }
            Op::PurchaseRetry => {
                let (body, _) = &memory.recent_orders[roll % memory.recent_orders.len()];
                sender
                    .send(reqwest::Method::POST, sender.purchases.clone(), Some(body))
                    .await
            }
            Op::Balance => {
                let member = target.members[member_roll];
                let url = sender.at(&format!("/api/v1/members/{member}/balance"));
                sender.send(reqwest::Method::GET, url, None).await
            }
            Op::Redemption => {
                let (_, member) = memory.recent_orders[roll % memory.recent_orders.len()];
                let order = orders.fetch_add(1, Ordering::Relaxed);
                let body = json!({ "points": 10, "idempotency_key": format!("bench-redeem-{order}"), "reference": "bench" });
                let url = sender.at(&format!("/api/v1/members/{member}/redemptions"));
                sender
                    .send(
                        reqwest::Method::POST,
                        url,
                        Some(body.to_string().as_bytes()),
                    )
                    .await
            }
            Op::Hostile => hostile(&sender.client, &target, roll).await,
            Op::TopUp | Op::WalletPayment => {
                let member = target.members[member_roll];
                let n = orders.fetch_add(1, Ordering::Relaxed);
                let (path, amount, partial) = match op {
                    Op::TopUp => ("top-ups", "200", false),
                    _ => ("payments", "35.50", true),
                };
                let mut body = json!({ "amount": amount, "currency": "CNY", "idempotency_key": format!("bench-wallet-{n}"), "reference": format!("bench-{n}") });
                if partial {
                    body["partial"] = json!(true);
                }
                let url = sender.at(&format!("/api/v1/members/{member}/wallet/{path}"));
                sender
                    .send(
                        reqwest::Method::POST,
                        url,
                        Some(body.to_string().as_bytes()),
                    )
                    .await
            }
            Op::HoldCapture => {
                let member = target.members[member_roll];
                let n = orders.fetch_add(1, Ordering::Relaxed);
                let body = json!({ "amount": "30", "currency": "CNY", "idempotency_key": format!("bench-hold-{n}"), "reference": format!("bench-{n}") });
                let url = sender.at(&format!("/api/v1/members/{member}/holds"));
                let held = sender
                    .send(
                        reqwest::Method::POST,
                        url,
                        Some(body.to_string().as_bytes()),
                    )
                    .await;
                match held.hold_id {
                    Some(hold) => {
                        let url = sender.at(&format!("/api/v1/holds/{hold}/capture"));
                        let body = br#"{"amount": "25", "currency": "CNY"}"#;
                        sender.send(reqwest::Method::POST, url, Some(body)).await
                    }
                    None => held,
                }
            }
            Op::Refund => {
                let purchase = memory
                    .refundable
                    .swap_remove(roll % memory.refundable.len());
                let url = sender.at(&format!("/api/v1/purchases/{purchase}/refunds"));
                let body = br#"{"refund_id": "bench-refund"}"#;
                sender.send(reqwest::Method::POST, url, Some(body)).await
            }
        };
        let elapsed = started.elapsed();
        let record = records.entry(op).or_default();
        match answer.status {
            Some(s) if s.is_success() => {
                record.ok += 1;
                record.latency(elapsed);
                if op == Op::Purchase
                    && let Some(id) = answer.purchase_id
                    && memory.refundable.len() < MEMORY_MAX
                {
                    memory.refundable.push(id);
                }
            }
            Some(s) if op == Op::Hostile && s.is_client_error() => {
                record.ok += 1;
                record.latency(elapsed);
            }
            Some(StatusCode::CONFLICT)
                if matches!(
                    op,
                    Op::Redemption | Op::Refund | Op::WalletPayment | Op::HoldCapture
                ) =>
            {
                record.refused += 1;
                record.latency(elapsed);
            }
            Some(s) => {
                record.error(format!("HTTP {}: {}", s.as_u16(), answer.detail));
                record.latency(elapsed);
            }
            None => record.error(answer.detail),
        }
    }
    records
}

/// Sends one of several kinds of bad request; the server must refuse each with a 4xx.
async fn hostile(client: &Client, target: &Target, roll: usize) -> Answer {
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
        Ok(response) => Answer::status(response.status()),
        Err(e) => Answer::transport(&e),
    }
}

fn purchase_body(member: i64, order: u64, lines: usize) -> Vec<u8> {
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
    .to_string()
    .into_bytes()
}

/// What the load reads of an answer: its status, the purchase it recorded, and what went
/// wrong (the error code, or why no answer came). Only those fields are parsed: the load runs
/// on the server's cores, and building a whole JSON tree per answer was a tenth of its time.
struct Answer {
    status: Option<StatusCode>,
    purchase_id: Option<i64>,
    /// A placed hold's id.
    hold_id: Option<i64>,
    detail: String,
}

/// The fields of an answer's body that the load reads.
#[derive(Deserialize, Default)]
struct Body {
    purchase_id: Option<i64>,
    hold: Option<HoldField>,
    error: Option<Problem>,
}

/// A placed hold, as its answer names it.
#[derive(Deserialize)]
struct HoldField {
    hold_id: i64,
}

/// An error body's code.
#[derive(Deserialize)]
struct Problem {
    code: String,
}

impl Answer {
    fn status(status: StatusCode) -> Answer {
        Answer {
            status: Some(status),
            purchase_id: None,
            hold_id: None,
            detail: String::new(),
        }
    }

    fn transport(e: &reqwest::Error) -> Answer {
        Answer {
            status: None,
            purchase_id: None,
            hold_id: None,
            detail: format!("transport: {e}"),
        }
    }
}

/// One client's means of sending: the parts of every request built once.
struct Sender {
    client: Client,
    base: Url,
    purchases: Url,
    auth: HeaderValue,
}

impl Sender {
    fn new(client: Client, target: &Target) -> anyhow::Result<Sender> {
        let base = Url::parse(&target.base)?;
        Ok(Sender {
            client,
            purchases: base.join("/api/v1/purchases")?,
            base,
            auth: HeaderValue::from_str(&format!("Bearer {}", target.key))?,
        })
    }

    /// The URL of a path on the server.
    fn at(&self, path: &str) -> Url {
        let mut url = self.base.clone();
        url.set_path(path);
        url
    }

    async fn send(&self, method: reqwest::Method, url: Url, body: Option<&[u8]>) -> Answer {
        let mut request = self
            .client
            .request(method, url)
            .header(AUTHORIZATION, self.auth.clone());
        if let Some(body) = body {
            request = request
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(body.to_vec());
        }
        let response = match request.send().await {
            Ok(response) => response,
            Err(e) => return Answer::transport(&e),
        };
        let status = response.status();
        let body = match response.bytes().await {
            Ok(bytes) => serde_json::from_slice::<Body>(&bytes).unwrap_or_default(),
            Err(e) => return Answer::transport(&e),
        };
        Answer {
            status: Some(status),
            purchase_id: body.purchase_id,
            hold_id: body.hold.map(|h| h.hold_id),
            detail: body.error.map(|p| p.code).unwrap_or_default(),
        }
    }
}
