//! Every page, stylesheet and script of the console and the portal is served with the
//! security headers: no inline script runs, no site frames a page, no referrer is sent.

use super::App;

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
    let three = laurel_web::limits::Rate::per_minute(3);
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
