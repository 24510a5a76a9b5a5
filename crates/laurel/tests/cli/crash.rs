//! `kill -9` in the middle of a purchase storm: what was acknowledged is never lost, nothing is
//! ever half-applied, and a retry of an unanswered request has exactly one effect.

use crate::support::{self, Server};
use reqwest::StatusCode;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Kill cycles per backend.
const ROUNDS: usize = 3;
/// Concurrent clients per round.
const CLIENTS: usize = 6;
/// Purchases each client sends per round at most (so at most `CLIENTS * PER_CLIENT` a round).
const PER_CLIENT: usize = 60;
/// Members the purchases are spread over.
const MEMBERS: usize = 4;
/// Longest a round may wait for its kill moment.
const ROUND_TIMEOUT: Duration = Duration::from_secs(60);
/// Longest the whole test may take per backend.
const BACKEND_TIMEOUT: Duration = Duration::from_secs(300);

/// One purchase the clients sent.
#[derive(Debug, Clone)]
struct Order {
    id: String,
    member: i64,
    total: String,
    /// Points it must earn: one per whole yuan.
    points: i64,
}

/// What became of a purchase request.
#[derive(Debug)]
enum Fate {
    /// 200: committed, with this purchase id.
    Acked(i64),
    /// The connection broke (or never opened): no answer.
    Unanswered,
    /// Any other answer: never expected here.
    Refused(StatusCode, String),
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_purchases_survive_kill_minus_nine() {
    for (backend, db) in laurel_testkit::backends() {
        let started = Instant::now();
        tokio::time::timeout(BACKEND_TIMEOUT, crash_cycles(backend, &db.url))
            .await
            .unwrap_or_else(|_| {
                panic!("{backend}: the kill -9 test did not finish within {BACKEND_TIMEOUT:?}")
            });
        eprintln!(
            "{backend}: kill -9 test took {:.1}s",
            started.elapsed().as_secs_f64()
        );
    }
}

async fn crash_cycles(backend: &str, database: &str) {
    let mut rig = support::Rig::new(database, support::program(), 0);
    let key = rig.key.clone();
    let client = support::client();
    let occurred_at = support::an_hour_ago();

    let mut server = rig.start().await;
    let mut members = Vec::new();
    for i in 0..MEMBERS {
        members.push(support::enroll(&client, &server, &key, &format!("crash-{i}")).await);
    }
    let members = Arc::new(members);

    let mut fates: Vec<(Order, Fate)> = Vec::new();
    for round in 0..ROUNDS {
        fates.extend(
            storm_and_kill(
                backend,
                round,
                &mut server,
                &client,
                &key,
                &members,
                &occurred_at,
            )
            .await,
        );
        drop(server);
        // Restart on the same database: the next round's storm hits this server.
        server = rig.start().await;
        let refused: Vec<String> = fates
            .iter()
            .filter_map(|(o, f)| match f {
                Fate::Refused(status, body) => Some(format!("{}: {status} {body}", o.id)),
                _ => None,
            })
            .collect();
        assert!(
            refused.is_empty(),
            "{backend}: requests answered with something other than 200: {refused:?}"
        );
        // Consistent after every crash, not only after the last one.
        let present = verify_after_crash(backend, &server, &client, &key, &members, &fates).await;
        let unanswered = fates
            .iter()
            .filter(|(_, f)| matches!(f, Fate::Unanswered))
            .count();
        eprintln!(
            "{backend}: after round {round}: {unanswered} unanswered so far, {present} of them committed anyway"
        );
    }

    // `server` is the restart after the last kill: retry everything that got no answer.
    retry_unanswered(backend, &server, &client, &key, &occurred_at, &fates).await;
    let orders: Vec<&Order> = fates.iter().map(|(o, _)| o).collect();
    let ledgers = ledgers(&server, &client, &key, &members).await;
    let mut expected: HashMap<i64, i64> = HashMap::new();
    for order in &orders {
        *expected.entry(order.member).or_default() += order.points;
        let found = ledgers
            .earns
            .get(&format!("pos:{}", order.id))
            .map_or(0, Vec::len);
        assert_eq!(
            found, 1,
            "{backend}: order {} has {found} earn entries after the retries, not 1",
            order.id
        );
    }
    for &member in members.iter() {
        let (available, pending) = support::balance(&client, &server, &key, member).await;
        let sum = ledgers.sums[&member];
        assert_eq!(
            available + pending,
            sum,
            "{backend}: member {member}: balance {available}+{pending} ≠ ledger sum {sum}"
        );
        assert_eq!(
            (available, pending),
            ledgers.parts[&member],
            "{backend}: member {member}: (available, pending) ≠ the ledger's deltas"
        );
        assert_eq!(
            sum,
            expected.get(&member).copied().unwrap_or(0),
            "{backend}: member {member}: ledger sum ≠ points of its orders"
        );
    }
    assert_eq!(
        ledgers.earns.len(),
        orders.len(),
        "{backend}: ledger entries for orders never sent"
    );
    let acked = fates
        .iter()
        .filter(|(_, f)| matches!(f, Fate::Acked(_)))
        .count();
    eprintln!(
        "{backend}: {} purchases sent over {ROUNDS} kill -9 rounds, {acked} acknowledged",
        orders.len()
    );
}

/// Starts the clients, kills the server at a varying moment while they are sending, and returns
/// what became of every request.
async fn storm_and_kill(
    backend: &str,
    round: usize,
    server: &mut Server,
    client: &reqwest::Client,
    key: &str,
    members: &Arc<Vec<i64>>,
    occurred_at: &str,
) -> Vec<(Order, Fate)> {
    // The kill moment: after a varying number of acknowledgements, plus a few milliseconds.
    let random = support::random();
    let threshold = [20, 110, 60][round % 3] + (random % 60) as usize;
    let extra = Duration::from_millis((random >> 8) % 25);
    let url = server.url("/api/v1/purchases");
    let (fates, at) = support::storm_and_kill(
        server,
        CLIENTS,
        threshold,
        extra,
        ROUND_TIMEOUT,
        |task, storm| {
            let (client, key, members, occurred_at, url) = (
                client.clone(),
                key.to_owned(),
                members.clone(),
                occurred_at.to_owned(),
                url.clone(),
            );
            async move {
                let mut fates = Vec::new();
                for i in 0..PER_CLIENT {
                    if storm.stopped() {
                        break;
                    }
                    let n = round * 10_000 + task * 1000 + i;
                    let points = 5 + (n * 37 % 200) as i64;
                    let order = Order {
                        id: format!("crash-r{round}-c{task}-{i}"),
                        member: members[(task + i) % members.len()],
                        total: format!("{points}.{:02}", n * 13 % 100),
                        points,
                    };
                    let fate = send(&client, &url, &key, &order, &occurred_at).await;
                    if matches!(fate, Fate::Acked(_)) {
                        storm.acked();
                    }
                    let gone = matches!(fate, Fate::Unanswered);
                    fates.push((order, fate));
                    if gone {
                        // The server is gone: this client is done for the round.
                        break;
                    }
                }
                fates
            }
        },
    )
    .await;
    let unanswered = fates
        .iter()
        .filter(|(_, f)| matches!(f, Fate::Unanswered))
        .count();
    eprintln!(
        "{backend}: round {round}: killed after {at} acknowledgements (threshold {threshold}, +{extra:?}); \
         {} sent, {} unanswered",
        fates.len(),
        unanswered
    );
    assert!(
        at > 0,
        "{backend}: round {round}: no purchase was acknowledged before the kill; log:\n{}",
        support::tail(&server.log, 40)
    );
    fates
}

/// Sends one purchase and says what became of it; an answer must earn the order's points.
async fn send(
    client: &reqwest::Client,
    url: &str,
    key: &str,
    order: &Order,
    occurred_at: &str,
) -> Fate {
    let body = support::purchase_body(order.member, &order.id, &order.total, occurred_at);
    let Ok(response) = client.post(url).bearer_auth(key).json(&body).send().await else {
        return Fate::Unanswered;
    };
    let status = response.status();
    let Ok(answer) = response.json::<serde_json::Value>().await else {
        return Fate::Unanswered;
    };
    if status != StatusCode::OK {
        return Fate::Refused(status, answer.to_string());
    }
    assert_eq!(
        answer["points_earned"].as_i64(),
        Some(order.points),
        "order {}: {answer}",
        order.id
    );
    assert_eq!(
        answer["member_id"].as_i64(),
        Some(order.member),
        "order {}: {answer}",
        order.id
    );
    Fate::Acked(answer["purchase_id"].as_i64().expect("purchase_id"))
}

/// Earn entries by reference; by member, the sum of entry amounts and the sums of their
/// (available, pending) deltas.
struct Ledgers {
    earns: HashMap<String, Vec<(i64, i64)>>,
    sums: BTreeMap<i64, i64>,
    parts: BTreeMap<i64, (i64, i64)>,
}

async fn ledgers(server: &Server, client: &reqwest::Client, key: &str, members: &[i64]) -> Ledgers {
    let mut earns: HashMap<String, Vec<(i64, i64)>> = HashMap::new();
    let mut sums = BTreeMap::new();
    let mut parts = BTreeMap::new();
    for &member in members {
        let entries = support::full_ledger(client, server, key, member).await;
        let (mut sum, mut available, mut pending) = (0, 0, 0);
        for entry in entries {
            let amount = entry["amount"]
                .as_i64()
                .unwrap_or_else(|| panic!("entry without amount: {entry}"));
            let delta = |field: &str| {
                entry[field]
                    .as_i64()
                    .unwrap_or_else(|| panic!("entry without {field}: {entry}"))
            };
            let (a, p) = (delta("available_delta"), delta("pending_delta"));
            assert_eq!(
                amount,
                a + p,
                "amount ≠ available_delta + pending_delta: {entry}"
            );
            sum += amount;
            available += a;
            pending += p;
            assert_eq!(
                entry["kind"], "earn",
                "only purchases happened, yet: {entry}"
            );
            let reference = entry["reference"]
                .as_str()
                .unwrap_or_else(|| panic!("entry without reference: {entry}"));
            earns
                .entry(reference.to_owned())
                .or_default()
                .push((member, amount));
        }
        sums.insert(member, sum);
        parts.insert(member, (available, pending));
    }
    Ledgers { earns, sums, parts }
}

/// Checks the database after a crash (through a restarted server): every acknowledged order is
/// there exactly once, every unanswered one at most once and whole, no stranger entries, and
/// balances match the ledger. Returns how many unanswered orders were committed.
async fn verify_after_crash(
    backend: &str,
    server: &Server,
    client: &reqwest::Client,
    key: &str,
    members: &[i64],
    fates: &[(Order, Fate)],
) -> usize {
    let ledgers = ledgers(server, client, key, members).await;
    let mut present_unanswered = 0;
    let mut known = 0;
    for (order, fate) in fates {
        let reference = format!("pos:{}", order.id);
        let found = ledgers
            .earns
            .get(&reference)
            .map(Vec::as_slice)
            .unwrap_or_default();
        if !found.is_empty() {
            known += 1;
        }
        assert!(
            found.len() <= 1,
            "{backend}: order {} was applied {} times: {found:?}",
            order.id,
            found.len()
        );
        if let [(member, amount)] = found {
            assert_eq!(
                (*member, *amount),
                (order.member, order.points),
                "{backend}: order {}: wrong member or points",
                order.id
            );
        }
        match fate {
            Fate::Acked(_) => assert_eq!(
                found.len(),
                1,
                "{backend}: acknowledged order {} is missing after kill -9",
                order.id
            ),
            Fate::Unanswered => present_unanswered += found.len(),
            Fate::Refused(..) => {}
        }
    }
    let sent: HashSet<String> = fates.iter().map(|(o, _)| format!("pos:{}", o.id)).collect();
    let strangers: Vec<_> = ledgers
        .earns
        .keys()
        .filter(|r| !sent.contains(*r))
        .collect();
    assert!(
        strangers.is_empty(),
        "{backend}: ledger entries for orders never sent: {strangers:?}"
    );
    assert_eq!(
        known,
        ledgers.earns.len(),
        "{backend}: entries not matched to orders"
    );
    for &member in members {
        let (available, pending) = support::balance(client, server, key, member).await;
        let sum = ledgers.sums[&member];
        assert_eq!(
            available + pending,
            sum,
            "{backend}: member {member}: balance {available}+{pending} ≠ ledger sum {sum} after kill -9"
        );
        assert_eq!(
            (available, pending),
            ledgers.parts[&member],
            "{backend}: member {member}: (available, pending) ≠ the ledger's deltas after kill -9"
        );
    }
    present_unanswered
}

/// Re-sends every unanswered order (200, its points) and a sample of acknowledged ones (200,
/// the same purchase id).
async fn retry_unanswered(
    backend: &str,
    server: &Server,
    client: &reqwest::Client,
    key: &str,
    occurred_at: &str,
    fates: &[(Order, Fate)],
) {
    let url = server.url("/api/v1/purchases");
    for (i, (order, fate)) in fates.iter().enumerate() {
        let original = match fate {
            Fate::Unanswered => None,
            Fate::Acked(id) if i % 10 == 0 => Some(*id),
            _ => continue,
        };
        let body = support::purchase_body(order.member, &order.id, &order.total, occurred_at);
        let response = client
            .post(&url)
            .bearer_auth(key)
            .json(&body)
            .send()
            .await
            .expect("retrying a purchase");
        let status = response.status();
        let answer: serde_json::Value = response.json().await.expect("purchase answer is JSON");
        assert_eq!(
            status,
            StatusCode::OK,
            "{backend}: retry of order {}: {answer}",
            order.id
        );
        assert_eq!(
            answer["points_earned"].as_i64(),
            Some(order.points),
            "{backend}: retry of order {}: {answer}",
            order.id
        );
        if let Some(id) = original {
            assert_eq!(
                answer["purchase_id"].as_i64(),
                Some(id),
                "{backend}: retry of acknowledged order {}: {answer}",
                order.id
            );
        }
    }
}
