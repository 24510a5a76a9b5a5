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
