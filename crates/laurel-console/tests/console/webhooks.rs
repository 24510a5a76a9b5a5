//! Webhooks in the console as an admin uses them, on every backend: a real receiver
//! subscribed through the form, its secret shown once (what arrives verifies with it), a
//! delivery that failed for a day shown in the log in both languages at both widths, only the
//! failures when asked, replayed and delivered; a refusal named next to its field in Chinese;
//! deleting after a confirmation; the log fifty lines a page; other roles refused.

use super::pages::all_chinese;
use super::staff_pages::open_in;
use super::{App, Browser, PASSWORD};
use jiff::{SignedDuration, Timestamp};
use laurel_engine::{
    AdjustRequest, CreateWebhook, DeliveryReport, Engine, Role, Sent, WebhookRequest, WebhookSender,
};
use laurel_notify::HttpSender;
use laurel_testkit::webhooks::WebhookReceiver;

/// Credits the member `points` as staff elsewhere would: one `points.adjusted` event.
async fn credit(app: &App, points: i64, key: &str) {
    app.engine
        .adjust(
            AdjustRequest {
                member_id: app.member,
                points,
                reason: "goodwill".into(),
                note: None,
                idempotency_key: key.into(),
            },
            "staff:admin@example.com",
        )
        .await
        .unwrap();
}

/// Sends what is due at `at` over HTTP.
async fn deliver(engine: &Engine, at: Timestamp) -> DeliveryReport {
    engine
        .deliver_webhooks(&HttpSender::new().unwrap(), at)
        .await
        .unwrap()
}

/// Sends what is due every seven hours from now until a delivery is given up on (a day of
/// retries is five attempts that far apart); returns when that was.
async fn until_given_up(engine: &Engine) -> Timestamp {
    let mut at = Timestamp::now();
    for _ in 0..10 {
        if deliver(engine, at).await.gave_up == 1 {
            return at;
        }
        at += SignedDuration::from_hours(7);
    }
    panic!("a delivery failing for a day is given up on");
}

/// Fills in the subscription form with `url`, ticks `events` and sends it.
async fn subscribe(browser: &Browser, url: &str, events: &[&str], description: &str) {
    browser.fill("#webhook-url", url).await;
    for event in events {
        browser
            .tick(&format!("#event-{}", event.replace('.', "-")))
            .await;
    }
    browser.fill("#webhook-description", description).await;
    browser.click("#webhook-submit").await;
}

/// One line of the delivery log: its delivery id, its text, its attempts, whether it is
/// marked failed and its background colour.
#[derive(Debug, serde::Deserialize)]
struct Line {
    id: i64,
    text: String,
    attempts: String,
    failed: bool,
    background: String,
}

/// The delivery log's lines, top to bottom.
async fn log_lines(browser: &Browser) -> Vec<Line> {
    let lines = browser
        .run(
            "return [...document.querySelectorAll('#deliveries tbody tr')].map(r => ({\
               id: Number(r.id.replace('delivery-', '')), text: r.innerText,\
               attempts: r.querySelector('td.num').innerText,\
               failed: r.classList.contains('failed'),\
               background: getComputedStyle(r.querySelector('td')).backgroundColor }));",
        )
        .await;
    serde_json::from_value(lines).unwrap()
}

/// The page's visible text.
async fn page_text(browser: &Browser) -> String {
    let text = browser.run("return document.body.innerText;").await;
    text.as_str().unwrap_or_default().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_subscribes_a_receiver_sees_a_day_of_failures_in_the_log_and_replays_it_delivered()
{
    let Some(browser) = Browser::start().await else {
        return;
    };
    for (backend, db) in laurel_testkit::backends() {
        // Down for a day of retries (five attempts), then up.
        let Some(receiver) = WebhookReceiver::start(5) else {
            break;
        };
        let app = App::start_on(db, None).await;
        app.sign_in(&browser, "admin@example.com").await;
        open_in(&browser, &app, "en", "/admin/dashboard").await;
        browser.click("nav a[href='/admin/webhooks']").await;
        assert!(
            browser
                .text("#webhooks-none")
                .await
                .contains("No subscriptions"),
            "[{backend}]"
        );

        let url = receiver.url("/hooks/laurel");
        subscribe(
            &browser,
            &url,
            &["points.adjusted", "member.enrolled"],
            "the shop's CRM",
        )
        .await;
        let secret = browser.text("#new-secret").await;
        assert!(secret.starts_with("whsec_"), "[{backend}] {secret}");
        let verify = browser.text("#verify").await;
        for header in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
            assert!(
                verify.contains(header),
                "[{backend}] how to check `{header}`"
            );
        }
        browser.screenshot("webhook-created").await;
        browser.click("#webhooks-back").await;
        let list = browser.text("#webhooks").await;
        for shown in [
            url.as_str(),
            "Points adjusted",
            "Member enrolled",
            "the shop's CRM",
        ] {
            assert!(list.contains(shown), "[{backend}] `{shown}` in {list}");
        }
        assert!(
            !page_text(&browser).await.contains(&secret),
            "[{backend}] the list never shows the secret"
        );
        let audit = app.engine.audit_log(10).await.unwrap();
        assert_eq!(audit[0].action, "webhook.create", "[{backend}]");
        let after = audit[0].after.clone().unwrap();
        assert!(
            after.contains(&url) && !after.contains(&secret),
            "[{backend}] the address is audited, the secret is not: {after}"
        );

        // The first credit fails for a day; the second, made after, goes through at once.
        let hook = app.engine.webhooks().await.unwrap()[0].id;
        credit(&app, 10, "first").await;
        let given_up = until_given_up(&app.engine).await;
        credit(&app, 20, "second").await;
        let report = deliver(&app.engine, given_up + SignedDuration::from_hours(1)).await;
        assert_eq!(report.delivered, 1, "[{backend}] the receiver is up again");

        let log = format!("/admin/webhooks/{hook}");
        for (lang, failed, delivered, adjusted) in [
            ("en", "Failed", "Delivered", "Points adjusted"),
            ("zh-CN", "失败", "已送达", "积分调整"),
        ] {
            open_in(&browser, &app, lang, &log).await;
            let lines = log_lines(&browser).await;
            assert_eq!(lines.len(), 2, "[{backend}] [{lang}] {lines:?}");
            let (newest, oldest) = (&lines[0], &lines[1]);
            assert!(
                newest.text.contains(delivered) && newest.text.contains("204") && !newest.failed,
                "[{backend}] [{lang}] newest first, delivered: {newest:?}"
            );
            for shown in [failed, adjusted, "evt_", "503"] {
                assert!(
                    oldest.text.contains(shown),
                    "[{backend}] [{lang}] `{shown}` in the failed line: {oldest:?}"
                );
            }
            assert_eq!(
                oldest.attempts, "5",
                "[{backend}] [{lang}] a day of attempts"
            );
            assert!(
                oldest.failed && oldest.background != newest.background,
                "[{backend}] [{lang}] the failed line stands out: {lines:?}"
            );
            if lang == "zh-CN" {
                all_chinese(&browser, "the delivery log").await;
            }
            browser.shots(&format!("webhook-log-{lang}")).await;

            browser.click("#show-failing").await;
            let failing = log_lines(&browser).await;
            assert_eq!(
                failing.iter().map(|l| l.id).collect::<Vec<_>>(),
                [oldest.id],
                "[{backend}] [{lang}] failures only"
            );
            if lang == "zh-CN" {
                all_chinese(&browser, "the delivery log's failures").await;
            }
        }

        // Replayed, the failed delivery is queued, then delivered.
        let failed = log_lines(&browser).await.remove(0);
        open_in(&browser, &app, "en", &format!("{log}?show=failing")).await;
        browser.click(&format!("#replay-{}", failed.id)).await;
        assert!(
            browser
                .text("#webhook-notice")
                .await
                .contains("queued to be sent again"),
            "[{backend}]"
        );
        assert_eq!(
            deliver(&app.engine, Timestamp::now()).await.delivered,
            1,
            "[{backend}] the replay went through"
        );
        browser.go(&app.url(&log)).await;
        let lines = log_lines(&browser).await;
        assert!(
            lines
                .iter()
                .all(|l| l.text.contains("Delivered") && !l.failed),
            "[{backend}] both delivered: {lines:?}"
        );
        browser.click("#show-failing").await;
        assert!(
            !browser.text("#deliveries-none").await.is_empty(),
            "[{backend}] no failures left"
        );

        let got = receiver.verified(&secret);
        assert_eq!(
            got.iter().map(|r| r.status).collect::<Vec<_>>(),
            [503, 503, 503, 503, 503, 204, 204],
            "[{backend}] a day of failures, the second credit, the replay"
        );
        assert!(
            failed.text.contains(&got[0].id) && got[6].id == got[0].id,
            "[{backend}] the log names the event the receiver got, and the replay keeps its id"
        );
        let audit = app.engine.audit_log(1).await.unwrap();
        assert_eq!(audit[0].action, "webhook.replay", "[{backend}]");
        app.stop();
    }
    browser.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_subscription_is_named_next_to_its_field_in_chinese_and_deleting_asks_first() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    for (backend, db) in laurel_testkit::backends() {
        let app = App::start_on(db, None).await;
        app.sign_in(&browser, "admin@example.com").await;
        open_in(&browser, &app, "zh-CN", "/admin/webhooks").await;

        subscribe(
            &browser,
            "ftp://files.example.com/in",
            &["points.earned"],
            "",
        )
        .await;
        let refused = browser.text("#webhook-url-error").await;
        assert!(
            refused.contains("http://") && refused.contains("请输入"),
            "[{backend}] the address is refused next to it, in Chinese: {refused}"
        );
        all_chinese(&browser, "a webhook address refused").await;
        let kept = browser
            .run(
                "return [document.querySelector('#webhook-url').value,\
                   document.querySelector('#event-points-earned').checked];",
            )
            .await;
        assert_eq!(
            kept,
            serde_json::json!(["ftp://files.example.com/in", true]),
            "[{backend}] what was typed and ticked is kept"
        );

        // Unticking the only event type: refused next to the event types.
        subscribe(
            &browser,
            "https://crm.example.com/laurel",
            &["points.earned"],
            "",
        )
        .await;
        assert_eq!(
            browser.text("#webhook-events-error").await,
            "请至少选择一个事件。",
            "[{backend}]"
        );
        all_chinese(&browser, "a webhook without event types").await;
        assert!(
            app.engine.webhooks().await.unwrap().is_empty(),
            "[{backend}] nothing subscribed"
        );

        subscribe(
            &browser,
            "https://crm.example.com/laurel",
            &["tier.changed"],
            "",
        )
        .await;
        all_chinese(&browser, "a webhook just subscribed").await;
        browser.click("#webhooks-back").await;
        let hook = app.engine.webhooks().await.unwrap()[0].id;
        assert!(browser.text("#webhooks").await.contains("等级变更"));

        // Delete asks first; keeping it changes nothing.
        browser.click(&format!("#delete-{hook}")).await;
        all_chinese(&browser, "deleting a webhook").await;
        assert!(
            browser
                .text("main")
                .await
                .contains("https://crm.example.com/laurel"),
            "[{backend}] the page names what is deleted"
        );
        browser.click("#keep").await;
        assert_eq!(app.engine.webhooks().await.unwrap().len(), 1, "[{backend}]");
        browser.click(&format!("#delete-{hook}")).await;
        browser.click("#confirm-delete").await;
        assert!(
            browser
                .text("#webhooks-notice")
                .await
                .contains(&hook.to_string()),
            "[{backend}]"
        );
        assert!(!browser.text("#webhooks-none").await.is_empty());
        assert!(
            app.engine.webhooks().await.unwrap().is_empty(),
            "[{backend}] deleted"
        );
        let audit = app.engine.audit_log(10).await.unwrap();
        let actions: Vec<&str> = audit.iter().map(|a| a.action.as_str()).collect();
        assert_eq!(
            actions[..2],
            ["webhook.delete", "webhook.create"],
            "[{backend}]"
        );
        browser.go(&app.url("/admin/audit")).await;
        let newest = browser.text("#audit tbody tr").await;
        assert!(
            newest.contains("删除 Webhook 订阅") && newest.contains("等级变更"),
            "[{backend}] the audit log tells it in words: {newest}"
        );

        browser
            .go(&app.url(&format!("/admin/webhooks/{hook}")))
            .await;
        assert!(
            browser.text("h1").await.starts_with("404"),
            "[{backend}] a deleted subscription's log is not found"
        );
        app.stop();
    }
    browser.stop().await;
}

/// A receiver that always answers 204, without a network: for logs many lines long.
struct AlwaysUp;

impl WebhookSender for AlwaysUp {
    fn send(&self, _: &WebhookRequest<'_>) -> impl Future<Output = Sent> + Send {
        std::future::ready(Sent::Answered(204))
    }
}

/// Subscribes the shop's CRM to adjustments; returns the subscription's id.
async fn crm_hears_of_adjustments(app: &App) -> i64 {
    app.engine
        .create_webhook(CreateWebhook {
            url: "https://crm.example.com/laurel".into(),
            event_types: vec!["points.adjusted".into()],
            description: None,
        })
        .await
        .unwrap()
        .webhook
        .id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_delivery_log_shows_fifty_lines_a_page_newest_first() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    for (backend, db) in laurel_testkit::backends() {
        let app = App::start_on(db, None).await;
        let hook = crm_hears_of_adjustments(&app).await;
        for i in 0..55 {
            credit(&app, 1, &format!("credit-{i}")).await;
        }
        let report = app
            .engine
            .deliver_webhooks(&AlwaysUp, Timestamp::now())
            .await
            .unwrap();
        assert_eq!(report.delivered, 55, "[{backend}]");
        let newest = app.engine.webhook_deliveries(hook, None, 1).await.unwrap()[0].id;

        app.sign_in(&browser, "admin@example.com").await;
        open_in(&browser, &app, "en", &format!("/admin/webhooks/{hook}")).await;
        let first = log_lines(&browser).await;
        assert_eq!(first.len(), 50, "[{backend}]");
        assert_eq!(first[0].id, newest, "[{backend}] newest first");
        assert!(
            first.windows(2).all(|w| w[0].id > w[1].id),
            "[{backend}] each line older than the one above"
        );
        browser.click("#next-page").await;
        let second = log_lines(&browser).await;
        assert_eq!(second.len(), 5, "[{backend}]");
        assert!(second[0].id < first[49].id, "[{backend}]");
        browser.click("#first-page").await;
        assert_eq!(log_lines(&browser).await[0].id, newest, "[{backend}]");
        app.stop();
    }
    browser.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_and_a_finance_clerk_are_refused_the_webhook_pages_and_forms() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    for (backend, db) in laurel_testkit::backends() {
        let app = App::start_on(db, None).await;
        let hook = crm_hears_of_adjustments(&app).await;
        for (email, role) in [
            ("manager@example.com", Role::Manager),
            ("finance@example.com", Role::Finance),
        ] {
            app.engine
                .create_staff_user(email, "Zhao Lei", role, PASSWORD)
                .await
                .unwrap();
            app.sign_in(&browser, email).await;
            assert!(
                !browser.text("nav").await.contains("Webhooks"),
                "[{backend}] [{role}] no link to what they may not see"
            );
            for path in [
                "/admin/webhooks".to_owned(),
                format!("/admin/webhooks/{hook}"),
                format!("/admin/webhooks/{hook}/delete"),
            ] {
                browser.go(&app.url(&path)).await;
                assert!(
                    browser.text("h1").await.starts_with("403"),
                    "[{backend}] [{role}] {path}"
                );
            }
            // Their own session's token does not make a form theirs to send.
            let statuses = browser
                .run(&format!(
                    "const csrf = document.querySelector('input[name=csrf]').value;\
                     const post = (path, body) => fetch(path, {{ method: 'POST',\
                       headers: {{ 'content-type': 'application/x-www-form-urlencoded' }},\
                       body: new URLSearchParams(body) }}).then(r => r.status);\
                     return Promise.all([\
                       post('/admin/webhooks', [['csrf', csrf], ['url', 'https://evil.example.com/'], ['event_types', 'points.earned']]),\
                       post('/admin/webhooks/{hook}/delete', [['csrf', csrf]])]);"
                ))
                .await;
            assert_eq!(
                statuses,
                serde_json::json!([403, 403]),
                "[{backend}] [{role}]"
            );
            let hooks = app.engine.webhooks().await.unwrap();
            assert_eq!(
                hooks.iter().map(|h| h.id).collect::<Vec<_>>(),
                [hook],
                "[{backend}] [{role}] nothing subscribed or deleted"
            );
            browser.click(".who button[type=submit]").await;
        }
        app.stop();
    }
    browser.stop().await;
}
