//! Every page, stylesheet and script of the console and the portal is served with the
//! security headers: no inline script runs, no site frames a page, no referrer is sent; and
//! sign-ins are limited per client address, told by a trusted proxy when there is one.

use super::App;
use laurel_web::limits::{ClientAddress, IpNet, Rate, parse_range, per_address};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_and_asset_carries_the_security_headers() {
    let app = App::start().await;
    let client = reqwest::Client::new();
    for path in [
        "/admin/login",
        "/portal/login",
        "/admin/static/console.css",
        "/portal/static/share.js",
        "/admin/no-such-page",
    ] {
        let answer = client
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        for (header, value) in laurel_web::headers::SECURITY_HEADERS {
            assert_eq!(
                answer.headers().get(&header).and_then(|v| v.to_str().ok()),
                Some(value),
                "{header} on {path} ({})",
                answer.status()
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_ins_and_codes_past_the_limit_per_address_are_answered_429_with_retry_after() {
    let three = per_address(Rate::per_minute(3), &ClientAddress::default());
    let app = App::start_limited(laurel_testkit::sqlite(), None, super::PROGRAM, Some(three)).await;
    let client = reqwest::Client::new();
    let post = |path: &str| {
        client
            .post(format!("{}{path}", app.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("email=mei%40example.com&password=guess")
            .send()
    };
    // The console's sign-in and the portal's codes share one count per address.
    for path in ["/admin/login", "/portal/login", "/portal/code"] {
        let answer = post(path).await.unwrap();
        assert_ne!(answer.status(), 429, "{path}: within the limit");
    }
    let refused = post("/admin/login").await.unwrap();
    assert_eq!(refused.status(), 429);
    let retry: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    let body = refused.text().await.unwrap();
    assert!(body.contains("rate_limited"), "{body}");
    // Pages are read as before.
    let page = client
        .get(format!("{}/portal/login", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_sign_in_limit() {
    let on =
        |proxies: Vec<IpNet>| per_address(Rate::per_minute(2), &ClientAddress::trusting(proxies));
    let sign_in = |app: &App, client: &'static str| {
        reqwest::Client::new()
            .post(format!("{}/admin/login", app.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-forwarded-for", client)
            .body("email=mei%40example.com&password=guess")
            .send()
    };
    let proxied = on(vec![parse_range("127.0.0.1").unwrap()]);
    let app = App::start_limited(
        laurel_testkit::sqlite(),
        None,
        super::PROGRAM,
        Some(proxied),
    )
    .await;
    for _ in 0..2 {
        let answer = sign_in(&app, "203.0.113.5").await.unwrap();
        assert_ne!(answer.status(), 429);
    }
    assert_eq!(
        sign_in(&app, "203.0.113.5").await.unwrap().status(),
        429,
        "its own limit"
    );
    assert_ne!(
        sign_in(&app, "203.0.113.6").await.unwrap().status(),
        429,
        "another client behind the same proxy goes on"
    );

    // Not trusted, the header is no word: a client cannot name itself anew each time.
    let direct = App::start_limited(
        laurel_testkit::sqlite(),
        None,
        super::PROGRAM,
        Some(on(vec![])),
    )
    .await;
    for client in ["198.51.100.1", "198.51.100.2"] {
        assert_ne!(sign_in(&direct, client).await.unwrap().status(), 429);
    }
    assert_eq!(
        sign_in(&direct, "198.51.100.3").await.unwrap().status(),
        429
    );
}
