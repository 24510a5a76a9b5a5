//! The books page on every backend, in both languages, over sales worked out by hand: a point
//! sold at ¥0.25, 80% of points expected back, monthly books. Wang Mei bought ¥1000 three
//! months ago, ¥400 two months ago and ¥120 now, and redeemed 100 points now. A finance
//! clerk reads the roll-forward, its chart and the journal download, records an estimate
//! through the form and sees recognition catch up, closes a month after the page that asks
//! first and sees it locked, with a sale arriving late posting to the open month; refusals
//! are said next to their field in Chinese with nothing kept; a manager is refused.

use super::insight::bought;
use super::pages::all_chinese;
use super::staff_pages::open_in;
use super::{App, Browser, PASSWORD, PROGRAM};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use laurel_core::books::ReportingPeriod;
use laurel_engine::{JOURNAL_COLUMNS, RedeemRewardRequest, Role, WalletAsk, WalletRequest};
use serde_json::Value;

/// The test program keeping books, taking purchases reported up to 200 days late.
fn program() -> String {
    format!(
        "{}\n[books]\npoint_price = \"0.25\"\nexpected_redemption_rate = \"0.8\"\nperiod = \"month\"\n[wallet]\n",
        PROGRAM.replace(
            "points_per_unit = \"1\"",
            "points_per_unit = \"1\"\nbackdating_days = 200"
        )
    )
}

/// The three months before the one holding now, and that one: (first instant, name).
fn months() -> Vec<(Timestamp, String)> {
    let tz = TimeZone::get("Asia/Shanghai").unwrap();
    let mut month = ReportingPeriod::Month
        .holding(&tz, Timestamp::now())
        .unwrap();
    let mut months = vec![(month.start, month.label.clone())];
    for _ in 0..3 {
        month = ReportingPeriod::Month
            .holding(&tz, month.start - SignedDuration::from_secs(1))
            .unwrap();
        months.insert(0, (month.start, month.label.clone()));
    }
    months
}

/// `days` whole days after `at`.
fn after(at: Timestamp, days: i64) -> Timestamp {
    at + SignedDuration::from_hours(24 * days)
}

/// The roll-forward as the page carries it: by period (and `total`), each figure's exact
/// amount, the rate and the marks.
async fn roll(browser: &Browser) -> Value {
    browser
        .run(
            "const out = {};\
             for (const tr of document.querySelectorAll('#books-roll tr[data-period]')) {\
               const row = { closed: tr.dataset.closed === 'true' };\
               for (const td of tr.querySelectorAll('[data-amount]')) row[td.dataset.figure] = td.dataset.amount;\
               row.rate = tr.querySelector('[data-figure=rate]').textContent;\
               const late = document.getElementById('late-' + tr.dataset.period);\
               row.late = late ? late.textContent : null;\
               out[tr.dataset.period] = row;\
             }\
             return out;",
        )
        .await
}

/// The stored value roll as the page carries it: by period (and `total`), each figure's exact
/// amount.
async fn stored(browser: &Browser) -> Value {
    browser
        .run(
            "const out = {};\
             for (const tr of document.querySelectorAll('#stored-value-roll tr[data-period]')) {\
               const row = {};\
               for (const td of tr.querySelectorAll('[data-amount]')) row[td.dataset.figure] = td.dataset.amount;\
               out[tr.dataset.period] = row;\
             }\
             return out;",
        )
        .await
}

/// Checks `figures` of the row `key` of `roll`.
fn expect(roll: &Value, key: &str, figures: &[(&str, &str)], at: &str) {
    for (figure, amount) in figures {
        assert_eq!(
            roll[key][figure].as_str(),
            Some(*amount),
            "{at} {key} {figure}: {}",
            roll[key]
        );
    }
}

/// Posts the estimate form with these values.
async fn estimate(browser: &Browser, effective_from: &str, rate: &str, note: &str) {
    browser.fill("#estimate-from", effective_from).await;
    browser.fill("#estimate-rate", rate).await;
    browser.fill("#estimate-note", note).await;
    browser.click("#estimate-submit").await;
}

/// How many entries of the audit log's newest are `action`.
async fn audited(app: &App, action: &str) -> usize {
    let log = app.engine.audit_log(20).await.unwrap();
    log.iter().filter(|e| e.action == action).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finance_reads_the_books_records_an_estimate_and_closes_a_month_in_both_languages() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let tz = TimeZone::get("Asia/Shanghai").unwrap();
    for (backend, db) in laurel_testkit::backends() {
        let app = App::start_under(db, None, &program()).await;
        let m = months();
        let [m0, m1, m2, m3] = [0, 1, 2, 3].map(|i| m[i].1.as_str());
        // ¥120 now (at start): 120 points worth 120 × 0.25 × 0.8 = ¥24, deferred
        // 120 × 24 / 144 = ¥20. Three months ago ¥1000: ¥200 of points, 1000 × 200 / 1200 =
        // ¥166.666…; two months ago ¥400: 400 × 80 / 480 = ¥66.666…, the cumulative
        // ¥233.333… rounding to 233.33, so that month defers 66.66.
        bought(&app, app.member, "b-1", "1000", after(m[0].0, 9)).await;
        bought(&app, app.member, "b-2", "400", after(m[1].0, 4)).await;
        app.engine
            .redeem_reward(RedeemRewardRequest {
                partner: None,
                member_id: app.member,
                reward_id: "five_off".into(),
                quantity: 1,
                idempotency_key: "books-coupon".into(),
            })
            .await
            .unwrap();
        for (email, role) in [
            ("finance@example.com", Role::Finance),
            ("manager@example.com", Role::Manager),
        ] {
            app.engine
                .create_staff_user(email, "Zhao Lei", role, PASSWORD)
                .await
                .unwrap();
        }

        // ¥300 paid into the member's wallet now and ¥120 of it spent: ¥180 still owed.
        for (ask, amount, key) in [
            (WalletAsk::TopUp, "300", "books-top-up"),
            (WalletAsk::Pay { partial: false }, "120", "books-pay"),
        ] {
            let request = WalletRequest {
                member_id: app.member,
                ask,
                amount: amount.parse().unwrap(),
                currency: "CNY".into(),
                idempotency_key: key.into(),
                reference: key.into(),
            };
            app.engine.wallet_move(request, "key:till01").await.unwrap();
        }

        app.sign_in(&browser, "finance@example.com").await;
        open_in(&browser, &app, "en", "/admin/dashboard").await;
        browser.click("nav a[href='/admin/books']").await;
        let at = format!("[{backend}]");
        let held = stored(&browser).await;
        expect(
            &held,
            m3,
            &[
                ("opening", "0.00"),
                ("paid_in", "300.00"),
                ("spent", "120.00"),
                ("closing", "180.00"),
            ],
            &at,
        );
        expect(&held, "total", &[("closing", "180.00")], &at);
        let figures = roll(&browser).await;
        expect(
            &figures,
            m0,
            &[
                ("opening", "0.00"),
                ("deferred", "166.67"),
                ("closing", "166.67"),
            ],
            &at,
        );
        expect(
            &figures,
            m1,
            &[
                ("opening", "166.67"),
                ("deferred", "66.66"),
                ("closing", "233.33"),
            ],
            &at,
        );
        expect(
            &figures,
            m2,
            &[
                ("deferred", "0.00"),
                ("recognised", "0.00"),
                ("closing", "233.33"),
            ],
            &at,
        );
        // Held ¥253.333… for 1520 points, 1216 expected back, 100 redeemed: recognised
        // 253.333… × 100 / 1216 = ¥20.83, owed 253.333… × 1116 / 1216 = ¥232.50.
        expect(
            &figures,
            m3,
            &[
                ("opening", "233.33"),
                ("deferred", "20.00"),
                ("reversed", "0.00"),
                ("recognised", "20.83"),
                ("breakage", "0.00"),
                ("closing", "232.50"),
                ("provision", "0.00"),
            ],
            &at,
        );
        expect(
            &figures,
            "total",
            &[
                ("opening", "0.00"),
                ("deferred", "253.33"),
                ("recognised", "20.83"),
                ("closing", "232.50"),
            ],
            &at,
        );
        assert_eq!(figures[m3]["rate"], "80%", "{at}");
        assert_eq!(
            browser
                .text(&format!("#period-{m1} [data-figure=deferred]"))
                .await,
            "CNY 66.66",
            "{at} money as the page writes it"
        );
        let chart = browser
            .run("return document.querySelector('#books-chart-title').textContent;")
            .await;
        let chart = chart.as_str().unwrap_or_default();
        assert!(
            chart.contains("CNY 253.33 deferred") && chart.contains("CNY 232.50 owed"),
            "{at} the chart is named by its figures: {chart}"
        );
        let in_force = browser.text("#in-force").await;
        assert!(
            in_force.contains("80%") && in_force.contains("program"),
            "{at} {in_force}"
        );

        let csv = browser
            .run(
                "const r = await fetch(document.querySelector('#journal-csv').href); \
                 return [r.status, r.headers.get('content-disposition'), await r.text()];",
            )
            .await;
        assert_eq!(csv[0], 200, "{at}");
        let text = csv[2].as_str().unwrap_or_default();
        assert_eq!(
            text.lines().next().map(|l| l.trim_end_matches('\r')),
            Some(JOURNAL_COLUMNS.join(",").as_str()),
            "{at} the journal's fixed columns first: {text}"
        );
        assert!(
            text.contains(&format!("{m0},")) && text.contains(",contract_liability,deferral,"),
            "{at} {text}"
        );

        // Half the points are expected back from today. The ¥120 sale was recorded before the
        // estimate, so it keeps the allocation it was made with (¥20.00 at 80%); recognition
        // catches up at once: 253.333… × 100 / 760 = ¥33.33, owed 253.333… × 660 / 760 =
        // ¥220.00.
        let today = tz.to_datetime(Timestamp::now()).date().to_string();
        estimate(
            &browser,
            &today,
            "50%",
            "一年的兑换数据显示约一半积分会被兑换",
        )
        .await;
        assert_eq!(browser.path().await, "/admin/books", "{at}");
        let notice = browser.text("#books-notice").await;
        assert!(notice.contains("Estimate recorded: 50%"), "{at} {notice}");
        let figures = roll(&browser).await;
        expect(
            &figures,
            m1,
            &[("deferred", "66.66"), ("closing", "233.33")],
            &at,
        );
        expect(
            &figures,
            m3,
            &[
                ("deferred", "20.00"),
                ("recognised", "33.33"),
                ("closing", "220.00"),
            ],
            &at,
        );
        assert_eq!(figures[m3]["rate"], "50%", "{at}");
        let in_force = browser.text("#in-force").await;
        assert!(
            in_force.contains("50%") && in_force.contains("finance@example.com"),
            "{at} {in_force}"
        );
        assert!(
            browser.text("#estimates-table").await.contains("一半积分"),
            "{at}"
        );
        assert_eq!(
            audited(&app, "books.estimate").await,
            1,
            "{at} audited once"
        );

        // Closing the month before this one, after the page that asks first.
        browser
            .run(&format!(
                "document.querySelector('#close-period').value = '{m2}'; return true;"
            ))
            .await;
        browser.click("#close-submit").await;
        assert_eq!(browser.path().await, "/admin/books/close", "{at}");
        let standing = browser.text("#close-standing").await;
        assert!(standing.contains("CNY 233.33"), "{at} {standing}");
        if backend == "sqlite" {
            browser.screenshot("books-close-en").await;
        }
        browser.click("#confirm-close").await;
        let notice = browser.text("#books-notice").await;
        assert!(
            notice.contains(&format!("Period {m2} closed")),
            "{at} {notice}"
        );
        let listed = browser.text(&format!("#close-{m2}")).await;
        assert!(listed.contains("finance@example.com"), "{at} {listed}");
        assert_eq!(audited(&app, "books.close").await, 1, "{at} audited once");
        // A sale dated two months ago arrives now: ¥100 deferring 100 × 20 / 120 = ¥16.67
        // at the 80% then, posted to the open month and marked late there.
        bought(&app, app.member, "b-late", "100", after(m[1].0, 19)).await;
        browser.go(&app.url("/admin/books")).await;
        let figures = roll(&browser).await;
        for key in [m0, m1, m2] {
            assert_eq!(figures[key]["closed"], true, "{at} {key} locked");
        }
        assert_eq!(figures[m3]["closed"], false, "{at}");
        expect(&figures, m1, &[("deferred", "66.66")], &at);
        let late = figures[m3]["late"].as_str().unwrap_or_default();
        assert!(late.contains("Deferred CNY 16.67"), "{at} {late}");
        assert!(
            browser
                .find("#closable-none")
                .await
                .is_displayed()
                .await
                .unwrap()
        );
        if backend == "sqlite" {
            browser.shots("books-en").await;
        }

        // In Chinese: what is refused is said next to its field, and nothing is kept.
        open_in(&browser, &app, "zh-CN", "/admin/books").await;
        estimate(&browser, &today, "1.5", "太高").await;
        let error = browser.text("#estimate-rate-error").await;
        assert!(error.contains("大于 0 且不超过 1"), "{at} {error}");
        all_chinese(&browser, "books, a rate refused").await;
        let inside = tz.to_datetime(after(m[2].0, 3)).date().to_string();
        estimate(&browser, &inside, "0.6", "补记上个月").await;
        let error = browser.text("#estimate-from-error").await;
        assert!(error.contains("账簿已结账至"), "{at} {error}");
        assert_eq!(app.engine.books_estimates().await.unwrap().len(), 1, "{at}");
        browser.go(&app.url("/admin/books")).await;
        assert_eq!(
            browser
                .text(&format!("#period-{m1} [data-figure=deferred]"))
                .await,
            "¥66.66",
            "{at}"
        );
        all_chinese(&browser, "books").await;
        if backend == "sqlite" {
            browser.shots("books-zh-CN").await;
        }
        browser.click("form[action='/admin/logout'] button").await;

        // The books are not a manager's: no link, the forbidden page, forms refused.
        app.sign_in(&browser, "manager@example.com").await;
        let nav = browser.text("nav").await;
        assert!(
            !nav.contains("账簿") && !nav.contains("Books"),
            "{at} {nav}"
        );
        browser.go(&app.url("/admin/books")).await;
        assert!(browser.text("h1").await.starts_with("403"), "{at}");
        let statuses = browser
            .run(&format!(
                "const csrf = document.querySelector('input[name=csrf]').value;\
                 const post = (path, body) => fetch(path, {{ method: 'POST',\
                   headers: {{ 'content-type': 'application/x-www-form-urlencoded' }},\
                   body: new URLSearchParams(body) }}).then(r => r.status);\
                 return Promise.all([\
                   fetch('/admin/books/journal.csv').then(r => r.status),\
                   post('/admin/books/estimates', [['csrf', csrf], ['effective_from', '{today}'], ['rate', '0.9'], ['note', 'x']]),\
                   post('/admin/books/close', [['csrf', csrf], ['period', '{m3}']])]);"
            ))
            .await;
        assert_eq!(statuses, serde_json::json!([403, 403, 403]), "{at}");
        assert_eq!(app.engine.books_estimates().await.unwrap().len(), 1, "{at}");
        browser.click("form[action='/admin/logout'] button").await;
        app.stop();
    }
    browser.stop().await;
}
