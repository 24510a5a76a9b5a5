//! Rate limits over HTTP: past its limit an API key is answered 429 `rate_limited` with a
//! `Retry-After`, while another key goes on; the limit grows back with time; a burst is
//! counted and the figures printed.

use crate::common::{PROGRAM, read, spawn_app_limited};
use laurel_testkit::backends;
use laurel_web::limits::{Rate, RateLimits};
use reqwest::Method;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_past_its_limit_is_answered_429_with_retry_after_and_other_keys_go_on() {
    let (name, db) = backends().swap_remove(0);
    // Ten a ten-second span: one grows back a second, so a burst sees exactly ten pass
    // however slowly a busy machine sends it.
    let limits = RateLimits {
        api_per_key: Some(Rate {
            count: 10,
            per: Duration::from_secs(10),
        }),
        sign_in_per_address: None,
        clients: Default::default(),
    };
    let app = spawn_app_limited(&db, PROGRAM, limits).await;
    // A burst of 50 calls at once: the first 10 pass, the rest are refused until the
    // allowance grows back.
    let started = Instant::now();
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let request = app
            .client
            .get(app.url("/api/v1/rewards"))
            .bearer_auth(&app.pos_key);
        calls.spawn(read(request));
    }
    let answers = calls.join_all().await;
    let took = started.elapsed();
    let passed = answers.iter().filter(|a| a.status == 200).count();
    let refused: Vec<_> = answers.iter().filter(|a| a.status == 429).collect();
    println!(
        "[{name}] a burst of 50 calls at 10 a 10 s: {passed} passed, {} refused in {:.0} ms",
        refused.len(),
        took.as_secs_f64() * 1000.0
    );
    assert!(
        (10..=10 + took.as_secs() as usize + 1).contains(&passed),
        "[{name}] {passed} passed in {took:?}"
    );
    assert_eq!(passed + refused.len(), 50, "[{name}] nothing else");
    let first = refused[0];
    let retry: u64 = first.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (1..=2).contains(&retry),
        "[{name}] Retry-After {retry}: a second grows one back"
    );
    first.error(429, "rate_limited");

    // Another key is counted on its own.
    app.get_admin("/api/v1/rewards").await.ok(200);
    // And the key's allowance grows back.
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    app.send(Method::GET, "/api/v1/rewards", Some(&app.pos_key), None)
        .await
        .ok(200);
    app.teardown().await;
}
