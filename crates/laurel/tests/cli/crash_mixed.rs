//! `kill -9` during a mixed load — purchases, enrollments, redemptions, refunds, rewards,
//! coupon use, wallet top-ups and wallet payments — on both backends. After every restart the whole ledger checks out, every
//! acknowledged operation is there exactly once and every unanswered one at most once; once
//! each unanswered operation has been sent again, every operation is there exactly once.

use crate::support::{self, Server};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Kill cycles per backend.
const ROUNDS: usize = 2;
/// Concurrent clients per round.
const CLIENTS: usize = 6;
/// Operations each client sends per round at most.
const PER_CLIENT: usize = 90;
/// Members the operations are spread over.
const MEMBERS: usize = 4;
/// Longest a round may wait for its kill moment.
const ROUND_TIMEOUT: Duration = Duration::from_secs(60);
/// Longest the whole test may take per backend.
const BACKEND_TIMEOUT: Duration = Duration::from_secs(300);

/// One operation a client sent.
#[derive(Debug, Clone)]
enum Op {
    Purchase {
        member: i64,
        order: String,
        yuan: i64,
    },
    Enroll {
        external_id: String,
    },
    /// Three points, with `key` as idempotency key and reference.
    Redeem {
        member: i64,
        key: String,
    },
    /// ¥1 of an acknowledged purchase (one point back).
    Refund {
        purchase_id: i64,
        order: String,
        refund_id: String,
    },
    /// A ¥5 coupon for 50 points.
    Reward {
        member: i64,
        key: String,
    },
    UseCoupon {
        code: String,
        order: String,
    },
    /// ¥100 into the member's wallet, with `key` as idempotency key and reference.
    TopUp {
        member: i64,
        key: String,
    },
    /// ¥7 paid from the member's wallet.
    WalletPay {
        member: i64,
        key: String,
    },
}

/// What became of an operation.
#[derive(Debug)]
enum Fate {
    /// A success answer.
    Acked(Value),
    /// The connection broke (or never opened): no answer.
    Unanswered,
    /// A refusal the operation may meet (too few points, the member exists on a retry).
    Refused(String),
}

impl Op {
    /// Where it is sent and what.
    fn request(&self, occurred_at: &str) -> (String, Value) {
        match self {
            Op::Purchase {
                member,
                order,
                yuan,
            } => (
                "/api/v1/purchases".into(),
                support::purchase_body(*member, order, &format!("{yuan}.00"), occurred_at),
            ),
            Op::Enroll { external_id } => (
                "/api/v1/members".into(),
                json!({ "external_id": external_id, "channel": "pos" }),
            ),
            Op::Redeem { member, key } => (
                format!("/api/v1/members/{member}/redemptions"),
                json!({ "points": 3, "idempotency_key": key, "reference": key }),
            ),
            Op::Refund {
                purchase_id,
                refund_id,
                ..
            } => (
                format!("/api/v1/purchases/{purchase_id}/refunds"),
                json!({ "refund_id": refund_id, "amount": "1.00" }),
            ),
            Op::Reward { member, key } => (
                format!("/api/v1/members/{member}/rewards"),
                json!({ "reward_id": "five_off", "idempotency_key": key }),
            ),
            Op::UseCoupon { code, order } => (
                format!("/api/v1/coupons/{code}/consume"),
                json!({ "order_id": order, "basket": { "channel": "pos", "currency": "CNY", "total": "20.00" } }),
            ),
            Op::TopUp { member, key } => (
                format!("/api/v1/members/{member}/wallet/top-ups"),
                json!({ "amount": "100", "currency": "CNY", "idempotency_key": key, "reference": key }),
            ),
            Op::WalletPay { member, key } => (
                format!("/api/v1/members/{member}/wallet/payments"),
                json!({ "amount": "7", "currency": "CNY", "idempotency_key": key, "reference": key }),
            ),
        }
    }

    /// The refusals this operation may meet without anything being wrong.
    fn may_be_refused(&self, code: &str) -> bool {
        matches!(
            (self, code),
            (Op::Redeem { .. } | Op::Reward { .. }, "insufficient_points")
                | (Op::Enroll { .. }, "member_exists")
                | (Op::WalletPay { .. }, "insufficient_funds")
        )
    }
}

/// The program: one point per yuan, available at once, and a ¥5 coupon for 50 points.
fn program() -> String {
    let base = support::program();
    assert!(
        base.contains("pending_days = 7"),
        "the demo's return window"
    );
    base.replace("pending_days = 7", "pending_days = 0")
        + r#"
[[rewards]]
id = "five_off"
name = "¥5 off"
type = "amount_coupon"
amount = "5"
cost = 50
"#
}

/// Sends `op` to the server at `base` (its URL without a path).
async fn send(client: &reqwest::Client, base: &str, key: &str, op: &Op, occurred_at: &str) -> Fate {
    let (path, body) = op.request(occurred_at);
    let Ok(response) = client
        .post(format!("{base}{path}"))
        .bearer_auth(key)
        .json(&body)
        .send()
        .await
    else {
        return Fate::Unanswered;
    };
    let status = response.status();
    let Ok(answer) = response.json::<Value>().await else {
        return Fate::Unanswered;
    };
    if status.is_success() {
        return Fate::Acked(answer);
    }
    let code = answer["error"]["code"].as_str().unwrap_or_default();
    assert!(
        op.may_be_refused(code) && status != StatusCode::SERVICE_UNAVAILABLE,
        "{op:?} answered {status}: {answer}"
    );
    Fate::Refused(code.to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_operation_of_a_mixed_load_survives_kill_minus_nine_exactly_once() {
    for (backend, db) in laurel_testkit::backends() {
        let started = Instant::now();
        tokio::time::timeout(BACKEND_TIMEOUT, crash_cycles(backend, &db.url))
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "{backend}: the mixed kill -9 test did not finish within {BACKEND_TIMEOUT:?}"
                )
            });
        eprintln!(
            "{backend}: mixed kill -9 test took {:.1}s",
            started.elapsed().as_secs_f64()
        );
    }
}

async fn crash_cycles(backend: &str, database: &str) {
    let mut rig = support::Rig::new(database, &program(), 0);
    let key = rig.key.clone();
    let client = support::client();
    let occurred_at = support::an_hour_ago();

    let mut server = rig.start().await;
    let mut members = Vec::new();
    let mut fates: Vec<(Op, Fate)> = Vec::new();
    for i in 0..MEMBERS {
        let member = support::enroll(&client, &server, &key, &format!("mixed-{i}")).await;
        // Enough points that most redemptions and rewards go through.
        let seed = Op::Purchase {
            member,
            order: format!("mixed-seed-{i}"),
            yuan: 600,
        };
        let fate = send(&client, &server.url(""), &key, &seed, &occurred_at).await;
        assert!(
            matches!(fate, Fate::Acked(_)),
            "{backend}: seeding: {fate:?}"
        );
        fates.push((seed, fate));
        members.push(member);
    }
    let members = Arc::new(members);

    for round in 0..ROUNDS {
        let storm = storm_and_kill(
            backend,
            round,
            &mut server,
            &client,
            &key,
            &members,
            &occurred_at,
        )
        .await;
        fates.extend(storm);
        drop(server);
        server = rig.start().await;
        // Whole after every crash, not only after the last one.
        verify(backend, database, &server, &client, &key, &members, &fates).await;
    }

    // `server` is the restart after the last kill: send every unanswered operation again.
    let mut retried = 0;
    for (op, fate) in &mut fates {
        if matches!(fate, Fate::Unanswered) {
            *fate = match send(&client, &server.url(""), &key, op, &occurred_at).await {
                Fate::Unanswered => panic!("{backend}: a retry of {op:?} got no answer"),
                answered => answered,
            };
            retried += 1;
        }
    }
    verify(backend, database, &server, &client, &key, &members, &fates).await;
    let acked = fates
        .iter()
        .filter(|(_, f)| matches!(f, Fate::Acked(_)))
        .count();
    eprintln!(
        "{backend}: {} operations over {ROUNDS} kill -9 rounds, {retried} sent again, {acked} acknowledged in the end",
        fates.len()
    );
}

/// Starts the clients, kills the server at a varying moment while they send, and returns what
/// became of every operation.
async fn storm_and_kill(
    backend: &str,
    round: usize,
    server: &mut Server,
    client: &reqwest::Client,
    key: &str,
    members: &Arc<Vec<i64>>,
    occurred_at: &str,
) -> Vec<(Op, Fate)> {
    let random = support::random();
    let threshold = [40, 120][round % 2] + (random % 60) as usize;
    let extra = Duration::from_millis((random >> 8) % 25);
    let base = server.url("");
    let (fates, at) = support::storm_and_kill(
        server,
        CLIENTS,
        threshold,
        extra,
        ROUND_TIMEOUT,
        |task, storm| {
            let (client, key, members, occurred_at, base) = (
                client.clone(),
                key.to_owned(),
                members.clone(),
                occurred_at.to_owned(),
                base.clone(),
            );
            async move {
                let mut fates = Vec::new();
                // What this client may refund and use: its own acknowledged purchases and
                // coupons.
                let mut purchases: Vec<(i64, String)> = Vec::new();
                let mut coupons: Vec<String> = Vec::new();
                for i in 0..PER_CLIENT {
                    if storm.stopped() {
                        break;
                    }
                    let id = format!("r{round}-c{task}-{i}");
                    let member = members[(task + i) % members.len()];
                    let op = next_op(i, &id, member, round, task, &mut purchases, &mut coupons);
                    let fate = send(&client, &base, &key, &op, &occurred_at).await;
                    if let Fate::Acked(answer) = &fate {
                        storm.acked();
                        match &op {
                            Op::Purchase { order, .. } => purchases.push((
                                answer["purchase_id"].as_i64().expect("purchase_id"),
                                order.clone(),
                            )),
                            Op::Reward { .. } => coupons.push(
                                answer["redemption"]["coupons"][0]["code"]
                                    .as_str()
                                    .expect("a coupon code")
                                    .to_owned(),
                            ),
                            _ => {}
                        }
                    }
                    let gone = matches!(fate, Fate::Unanswered);
                    fates.push((op, fate));
                    if gone {
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
        "{backend}: mixed round {round}: killed after {at} acknowledgements; {} sent, {unanswered} unanswered",
        fates.len()
    );
    assert!(at > 0, "{backend}: round {round}: nothing acknowledged");
    fates
}

/// A client's `i`th operation: two purchases in eight, then an enrollment, a redemption, a
/// refund of one of its acknowledged purchases, a reward or the use of one of its coupons, a
/// wallet top-up and a wallet payment.
fn next_op(
    i: usize,
    id: &str,
    member: i64,
    round: usize,
    task: usize,
    purchases: &mut Vec<(i64, String)>,
    coupons: &mut Vec<String>,
) -> Op {
    let purchase = Op::Purchase {
        member,
        order: format!("mixed-{id}"),
        yuan: 20 + ((round * 997 + task * 31 + i * 7) % 50) as i64,
    };
    match i % 8 {
        0 | 1 => purchase,
        2 => Op::Enroll {
            external_id: format!("mixed-new-{id}"),
        },
        3 => Op::Redeem {
            member,
            key: format!("mixed-redeem-{id}"),
        },
        4 => match purchases.pop() {
            Some((purchase_id, order)) => Op::Refund {
                purchase_id,
                order,
                refund_id: format!("mixed-refund-{id}"),
            },
            None => purchase,
        },
        6 => Op::TopUp {
            member,
            key: format!("mixed-top-up-{id}"),
        },
        7 => Op::WalletPay {
            member,
            key: format!("mixed-pay-{id}"),
        },
        _ => match coupons.pop() {
            Some(code) => Op::UseCoupon {
                code,
                order: format!("mixed-use-{id}"),
            },
            None => Op::Reward {
                member,
                key: format!("mixed-reward-{id}"),
            },
        },
    }
}

/// Checks the database through a restarted server: the whole ledger is consistent, and every
/// operation is there as its fate says — acknowledged exactly once, unanswered at most once,
/// refused not at all.
async fn verify(
    backend: &str,
    database: &str,
    server: &Server,
    client: &reqwest::Client,
    key: &str,
    members: &[i64],
    fates: &[(Op, Fate)],
) {
    support::assert_consistent(backend, database).await;

    // Postings by (kind, reference), and reward redemptions by member.
    let mut postings: HashMap<(String, String), usize> = HashMap::new();
    let mut rewards: HashMap<i64, usize> = HashMap::new();
    for &member in members {
        for entry in support::full_ledger(client, server, key, member).await {
            let kind = entry["kind"].as_str().unwrap_or_default().to_owned();
            let reference = entry["reference"].as_str().unwrap_or_default().to_owned();
            *postings.entry((kind, reference)).or_default() += 1;
        }
        for m in full_wallet(client, server, key, member).await {
            let kind = format!("wallet:{}", m["kind"].as_str().unwrap_or_default());
            let reference = m["reference"].as_str().unwrap_or_default().to_owned();
            *postings.entry((kind, reference)).or_default() += 1;
        }
        let url = server.url(&format!("/api/v1/members/{member}/rewards?limit=200"));
        let listed = support::get_json(client, &url, key).await;
        let count = listed["redemptions"].as_array().map_or(0, Vec::len);
        rewards.insert(member, count);
    }
    let mut rewards_acked: HashMap<i64, usize> = HashMap::new();
    let mut rewards_unanswered: HashMap<i64, usize> = HashMap::new();
    for (op, fate) in fates {
        let found = match op {
            Op::Purchase { order, .. } => posted(&postings, "earn", &format!("pos:{order}")),
            Op::Redeem { key, .. } => posted(&postings, "redeem", key),
            Op::TopUp { key, .. } => posted(&postings, "wallet:top_up", key),
            Op::WalletPay { key, .. } => posted(&postings, "wallet:payment", key),
            Op::Refund {
                order, refund_id, ..
            } => posted(&postings, "reverse", &format!("{order}:{refund_id}")),
            Op::Enroll { external_id } => {
                let url = server.url(&format!("/api/v1/members?external_id={external_id}"));
                let response = client.get(url).bearer_auth(key).send().await.expect("GET");
                usize::from(response.status() == StatusCode::OK)
            }
            Op::UseCoupon { code, order } => {
                let url = server.url(&format!("/api/v1/coupons/{code}"));
                let coupon = support::get_json(client, &url, key).await;
                usize::from(coupon["order"] == format!("pos:{order}"))
            }
            Op::Reward { member, .. } => {
                let tally = match fate {
                    Fate::Acked(_) => &mut rewards_acked,
                    Fate::Unanswered => &mut rewards_unanswered,
                    Fate::Refused(_) => continue,
                };
                *tally.entry(*member).or_default() += 1;
                continue;
            }
        };
        match fate {
            // An enrollment sent again that finds its member there had been committed.
            Fate::Refused(code) if code == "member_exists" => {
                assert_eq!(found, 1, "{backend}: {op:?} ({fate:?}) is missing");
            }
            Fate::Acked(_) => assert_eq!(
                found, 1,
                "{backend}: acknowledged {op:?} found {found} times"
            ),
            Fate::Unanswered => assert!(
                found <= 1,
                "{backend}: unanswered {op:?} found {found} times"
            ),
            Fate::Refused(_) => assert_eq!(found, 0, "{backend}: refused {op:?} was applied"),
        }
    }
    for &member in members {
        let (acked, unanswered) = (
            rewards_acked.get(&member).copied().unwrap_or(0),
            rewards_unanswered.get(&member).copied().unwrap_or(0),
        );
        let count = rewards[&member];
        assert!(
            (acked..=acked + unanswered).contains(&count),
            "{backend}: member {member} has {count} reward redemptions; {acked} acknowledged, {unanswered} unanswered"
        );
    }
}

/// How many postings of `kind` carry `reference`.
fn posted(postings: &HashMap<(String, String), usize>, kind: &str, reference: &str) -> usize {
    postings
        .get(&(kind.to_owned(), reference.to_owned()))
        .copied()
        .unwrap_or(0)
}

/// Every move of a member's wallet, a page at a time.
async fn full_wallet(
    client: &reqwest::Client,
    server: &Server,
    key: &str,
    member: i64,
) -> Vec<Value> {
    let mut moves = Vec::new();
    let mut cursor = String::new();
    loop {
        let url = server.url(&format!(
            "/api/v1/members/{member}/wallet?limit=200{cursor}"
        ));
        let page = support::get_json(client, &url, key).await;
        moves.extend(page["moves"].as_array().cloned().unwrap_or_default());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => return moves,
        }
    }
}
