//! The Insight section and the dashboard's key KPIs over a data set made by hand, on every
//! backend: three members (two of them bought in the last 90 days, two in the 90 days before,
//! one of those again), two non-members' purchases, a reward redeemed and a tier given. Every
//! figure checked was worked out by hand below; the page, its CSV downloads and the dashboard
//! must show the same, in both languages and at both widths. A reversed period is refused next
//! to its field, and support staff may not see the section.

use super::pages::all_chinese;
use super::staff_pages::open_in;
use super::{App, Browser, PROGRAM};
use jiff::{SignedDuration, Timestamp};
use laurel_core::Channel;
use laurel_engine::{
    ApplyProgram, AssignTierRequest, EnrollRequest, GuestPurchaseRequest, MemberRef,
    PurchaseRequest, RedeemRewardRequest,
};
use std::collections::HashMap;

/// The test program taking purchases reported up to 200 days late, with a tier to give.
fn program() -> String {
    format!(
        "{}\n[tiers]\nmetric = \"spend\"\nwindow = \"since_joining\"\n\n[[tiers.levels]]\nid = \"silver\"\nname = {{ en = \"Silver\", zh-CN = \"银卡\" }}\nthreshold = \"1000\"\n",
        PROGRAM.replace(
            "points_per_unit = \"1\"",
            "points_per_unit = \"1\"\nbackdating_days = 200"
        )
    )
}

/// `days` whole days before now.
fn ago(days: i64) -> Timestamp {
    Timestamp::now() - SignedDuration::from_hours(24 * days)
}

/// A member enrolled now through `channel`.
async fn enroll(app: &App, external_id: &str, channel: Channel) -> i64 {
    app.engine
        .enroll(EnrollRequest {
            external_id: external_id.into(),
            email: None,
            phone: None,
            name: None,
            birthday: None,
            channel,
            attributes: Default::default(),
            referral_code: None,
            enrolled_at: None,
        })
        .await
        .unwrap()
        .id
        .0
}

/// `member` bought for `yuan` at `at`.
async fn bought(app: &App, member: i64, order_id: &str, yuan: &str, at: Timestamp) {
    app.engine
        .purchase(PurchaseRequest {
            member: MemberRef::Id(member),
            order_id: order_id.into(),
            channel: Channel::Pos,
            store: None,
            currency: "CNY".into(),
            total: yuan.parse().unwrap(),
            lines: Vec::new(),
            occurred_at: at,
        })
        .await
        .unwrap();
}

/// Purchases of customers who are not members, for `yuan` each, at `at`.
async fn guests_bought(app: &App, yuan: &[&str], at: Timestamp) {
    for (i, total) in yuan.iter().enumerate() {
        app.engine
            .guest_purchase(GuestPurchaseRequest {
                order_id: format!("guest-{i}"),
                channel: Channel::Pos,
                store: None,
                currency: "CNY".into(),
                total: total.parse().unwrap(),
                lines: Vec::new(),
                occurred_at: at,
            })
            .await
            .unwrap();
    }
}

/// The data set. Wang Mei (the app's member, at the till) bought ¥120 today and ¥80 100 days
/// ago; a web member ¥50 120 days ago; a till member ¥100 20 days and ¥200 10 days ago, and
/// was given silver. Two non-members spent ¥100 and ¥124 five days ago. Wang Mei redeemed
/// the ¥5 coupon (100 points) today.
async fn hand_made(app: &App) {
    app.engine
        .apply_program(
            ApplyProgram {
                text: program(),
                effective_from: None,
                note: None,
                dry_run: false,
            },
            "test",
        )
        .await
        .unwrap();
    bought(app, app.member, "a-1", "80", ago(100)).await;
    let web = enroll(app, "CUST-W", Channel::Web).await;
    bought(app, web, "w-1", "50", ago(120)).await;
    let till = enroll(app, "CUST-T", Channel::Pos).await;
    bought(app, till, "t-1", "100", ago(20)).await;
    bought(app, till, "t-2", "200", ago(10)).await;
    app.engine
        .assign_tier(
            AssignTierRequest {
                member_id: till,
                tier: "silver".into(),
                reason: "launch".into(),
                until: None,
            },
            "test",
        )
        .await
        .unwrap();
    guests_bought(app, &["100", "124"], ago(5)).await;
    app.engine
        .redeem_reward(RedeemRewardRequest {
            member_id: app.member,
            reward_id: "five_off".into(),
            quantity: 1,
            idempotency_key: "coupon-1".into(),
        })
        .await
        .unwrap();
}

/// The figures of the last 90 days and the 90 before, by hand, in the page's words:
/// (KPI, this period, previous period, change).
fn expected(lang: &str) -> Vec<(&'static str, String, String, String)> {
    let money = |yuan: &str| {
        if lang == "en" {
            format!("CNY {yuan}")
        } else {
            format!("¥{yuan}")
        }
    };
    let pp = |n: &str| {
        if lang == "en" {
            format!("{n} pp")
        } else {
            format!("{n} 个百分点")
        }
    };
    let table = if lang == "en" {
        "See the table"
    } else {
        "见下表"
    }
    .to_owned();
    let row = |kpi, now: &str, before: &str, change: &str| {
        (kpi, now.to_owned(), before.to_owned(), change.to_owned())
    };
    vec![
        // Three members joined, all now (none before): no change to give.
        row("enrollments", "3", "0", "–"),
        row("active_30", "2", "1", "+100.0%"),
        row("buyers", "2", "2", "0.0%"),
        row("first_time_buyers", "1", "2", "-50.0%"),
        // 2 of the 3 members bought; before, no member had joined yet.
        row("engagement_rate", "66.7%", "–", "–"),
        // Of the 2 who bought before, Wang Mei came back.
        row("retention_rate", "50.0%", "–", "–"),
        row("churn_rate", "50.0%", "–", "–"),
        row("purchase_frequency", "1.50", "1.00", "+50.0%"),
        // ¥420 over 3 purchases against ¥130 over 2.
        (
            "member_order_value",
            money("140.00"),
            money("65.00"),
            "+115.4%".into(),
        ),
        ("guest_order_value", money("112.00"), "–".into(), "–".into()),
        // ¥140 against ¥112.
        row("member_spend_lift", "+25.0%", "–", "–"),
        (
            "net_sales",
            money("420.00"),
            money("130.00"),
            "+223.1%".into(),
        ),
        row("points_issued", "420", "130", "+223.1%"),
        row("points_redeemed", "100", "0", "–"),
        // 100 of 420 against none of 130.
        (
            "redemption_rate",
            "23.8%".into(),
            "0.0%".into(),
            pp("+23.8"),
        ),
        // 450 held now; 130 at the end of the period before.
        row("outstanding_points", "450", "130", "+246.2%"),
        (
            "outstanding_value",
            money("4.50"),
            money("1.30"),
            "+246.2%".into(),
        ),
        ("program_cost", "1.0%".into(), "1.0%".into(), pp("0.0")),
        // Shown in their own tables.
        ("reward_popularity", table.clone(), "–".into(), "–".into()),
        ("tier_movement", table, "–".into(), "–".into()),
        row("referral_conversion", "–", "–", "–"),
    ]
}

/// The KPI table's rows: id → [this period, previous period, change].
async fn kpi_table(browser: &Browser) -> HashMap<String, [String; 3]> {
    let rows = browser
        .run(
            "return Object.fromEntries([...document.querySelectorAll('#kpi-table tr[data-kpi]')].map(r =>\
               [r.dataset.kpi, ['current', 'previous', 'change'].map(c => r.querySelector(`[data-cell=${c}]`).innerText.trim())]));",
        )
        .await;
    serde_json::from_value(rows).unwrap()
}

/// A table's body rows, each as its cells' texts.
async fn table_rows(browser: &Browser, css: &str) -> Vec<Vec<String>> {
    let rows = browser
        .run(&format!(
            "return [...document.querySelectorAll('{css} tbody tr')].map(r =>\
               [...r.children].map(c => c.textContent.trim()));"
        ))
        .await;
    serde_json::from_value(rows).unwrap()
}

/// Fetches `css`'s link from the page: (status, content type, body).
async fn download(browser: &Browser, css: &str) -> (u16, String, String) {
    let got = browser
        .run(&format!(
            "return fetch(document.querySelector('{css}').href).then(async r =>\
               [r.status, r.headers.get('content-type'), await r.text()]);"
        ))
        .await;
    serde_json::from_value(got).unwrap()
}

/// The records of a CSV body, each as its fields (every field quoted, none with a quote).
fn records(body: &str) -> Vec<Vec<String>> {
    body.trim_start_matches('\u{feff}')
        .lines()
        .map(|line| {
            line.trim_matches('"')
                .split("\",\"")
                .map(str::to_owned)
                .collect()
        })
        .collect()
}

/// The day `days` before today in the program's zone, as ISO.
fn day(days: i64) -> String {
    let today = jiff::tz::TimeZone::get("Asia/Shanghai")
        .unwrap()
        .to_datetime(Timestamp::now())
        .date();
    today
        .checked_sub(jiff::Span::new().days(days))
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn insight_shows_the_figures_worked_out_by_hand_in_its_table_downloads_and_the_dashboard() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    for (backend, db) in laurel_testkit::backends() {
        let app = App::start_on(db, None).await;
        hand_made(&app).await;
        app.sign_in(&browser, "admin@example.com").await;
        for lang in ["en", "zh-CN"] {
            let at = format!("[{backend}] [{lang}]");
            // The dashboard's key KPIs, each linking to its row in Insight.
            open_in(&browser, &app, lang, "/admin/dashboard").await;
            let tiles = browser
                .run(
                    "return Object.fromEntries([...document.querySelectorAll('#kpi-tiles [data-kpi]')].map(t =>\
                       [t.dataset.kpi, [t.querySelector('.value').innerText, t.querySelector('.change').innerText,\
                        t.querySelector('a').getAttribute('href'), t.querySelector('a').title]]));",
                )
                .await;
            let tiles: HashMap<String, [String; 4]> = serde_json::from_value(tiles).unwrap();
            let money = if lang == "en" { "CNY " } else { "¥" };
            assert_eq!(tiles["engagement_rate"][0], "66.7%", "{at}");
            assert_eq!(tiles["churn_rate"][0], "50.0%", "{at}");
            assert_eq!(tiles["redemption_rate"][0], "23.8%", "{at}");
            assert!(
                tiles["redemption_rate"][1].contains("+23.8"),
                "{at} {tiles:?}"
            );
            assert_eq!(
                tiles["member_order_value"][0],
                format!("{money}140.00"),
                "{at}"
            );
            assert!(tiles["member_order_value"][1].contains("+115.4%"), "{at}");
            let beside = browser.text("[data-kpi=member_order_value] a").await;
            assert!(
                beside.contains(&format!("{money}112.00")) && beside.contains("+25.0%"),
                "{at} non-members' and the spend lift beside members': {beside}"
            );
            for (kpi, [_, _, href, title]) in &tiles {
                assert_eq!(href, &format!("/admin/insight#kpi-{kpi}"), "{at}");
                assert!(title.len() > 10, "{at} {kpi}: its definition as tooltip");
            }
            if lang == "zh-CN" {
                all_chinese(&browser, "dashboard with key KPIs").await;
            }

            // Insight, by the navigation: the last 90 days by default.
            browser.click("nav a[href='/admin/insight']").await;
            assert_eq!(browser.path().await, "/admin/insight", "{at}");
            let table = kpi_table(&browser).await;
            assert_eq!(table.len(), 26, "{at} every KPI");
            for (kpi, now, before, change) in expected(lang) {
                assert_eq!(
                    table[kpi],
                    [now.clone(), before.clone(), change.clone()],
                    "{at} {kpi}"
                );
            }
            let nps = &table["net_promoter_score"];
            assert_eq!(
                nps[0],
                if lang == "en" {
                    "Not measured"
                } else {
                    "未计量"
                },
                "{at}"
            );
            // Each name unfolds its definition, without a script.
            browser.tick("#kpi-churn_rate summary").await;
            let definition = browser.text("#kpi-churn_rate details p").await;
            assert!(
                definition.contains(if lang == "en" {
                    "100% less the retention rate"
                } else {
                    "100% 减去留存率"
                }),
                "{at} {definition}"
            );
            assert_eq!(
                table_rows(&browser, "#channels-table").await,
                if lang == "en" {
                    [["Till (POS)", "2", "0"], ["Web shop", "1", "0"]]
                } else {
                    [["门店收银（POS）", "2", "0"], ["网店", "1", "0"]]
                },
                "{at}"
            );
            assert_eq!(
                table_rows(&browser, "#rewards-table").await,
                [["¥5 off", "1", "1", "100"]],
                "{at}"
            );
            let (none, silver) = if lang == "en" {
                ("No tier", "Silver")
            } else {
                ("无等级", "银卡")
            };
            assert_eq!(
                table_rows(&browser, "#tiers-table").await,
                [[none, "2", "66.7%"], [silver, "1", "33.3%"]],
                "{at}"
            );
            assert_eq!(
                table_rows(&browser, "#tier-moves-table").await,
                [[format!("{none} → {silver}"), "1".to_owned()]],
                "{at}"
            );
            // The charts' figures as tables, a row a day.
            let sales = table_rows(&browser, "#sales-chart-table").await;
            assert_eq!(sales.len(), 90, "{at}");
            assert_eq!(
                sales[84][1..],
                [format!("{money}0.00"), format!("{money}224.00")],
                "{at} five days ago"
            );
            assert_eq!(
                sales[89][1..],
                [format!("{money}120.00"), format!("{money}0.00")],
                "{at} today"
            );
            let points = table_rows(&browser, "#points-moved-chart-table").await;
            assert_eq!(
                points[89][1..],
                ["120", "100", "0"],
                "{at} today: issued, redeemed, expired"
            );
            if lang == "zh-CN" {
                all_chinese(&browser, "insight").await;
            }
            if backend == "sqlite" {
                browser.shots(&format!("insight-{lang}")).await;
            }

            // The downloads say the same.
            let (status, kind, body) = download(&browser, "#kpis-csv").await;
            assert_eq!((status, kind.starts_with("text/csv")), (200, true), "{at}");
            let kpis = records(&body);
            assert_eq!(kpis.len(), 1 + 26, "{at} a heading and a row per KPI");
            for (kpi, now, before, change) in expected(lang) {
                let record = kpis.iter().find(|r| r[0] == kpi).unwrap();
                // Percentage points are a bare number there, the heading says so.
                let change = change.replace(" pp", "").replace(" 个百分点", "");
                assert_eq!(record[3..], [now, before, change], "{at} {kpi} in the CSV");
                assert!(
                    record[2].ends_with(['.', '。']),
                    "{at} {kpi}: its definition"
                );
            }
            let (status, _, body) = download(&browser, "#sales-chart-csv").await;
            assert_eq!(status, 200, "{at}");
            let daily = records(&body);
            assert_eq!(daily.len(), 1 + 90, "{at} a heading and a row per day");
            let on = |days: i64| daily.iter().find(|r| r[0] == day(days)).unwrap().clone();
            assert_eq!(
                on(0)[1..],
                ["120", "100", "0", "3", "1", "120.00", "0", "0.00"],
                "{at} today"
            );
            assert_eq!(
                on(10)[1..],
                ["200", "0", "0", "0", "1", "200.00", "0", "0.00"],
                "{at}"
            );
            assert_eq!(
                on(5)[1..],
                ["0", "0", "0", "0", "0", "0.00", "2", "224.00"],
                "{at}"
            );

            // A period by its quick link, and the KPI reference.
            browser.click(".quick a[href*='from=']").await;
            assert_eq!(
                kpi_table(&browser).await["active_30"][0],
                "2",
                "{at} the last 30 days"
            );
            browser.click("#definitions-link").await;
            let definitions = browser.text("#definitions").await;
            assert!(
                definitions.contains(if lang == "en" {
                    "Breakage rate"
                } else {
                    "积分沉淀率"
                }),
                "{at}"
            );
            if lang == "zh-CN" {
                all_chinese(&browser, "KPI definitions").await;
            }
            if backend == "sqlite" {
                browser.shots(&format!("insight-definitions-{lang}")).await;
            }

            // A reversed period is refused next to its last day, with the form to correct it.
            browser.go(&app.url("/admin/insight")).await;
            browser
                .run(&format!(
                    "document.querySelector('#period-from').value = '{}';\
                     document.querySelector('#period-to').value = '{}'; return true;",
                    day(1),
                    day(2)
                ))
                .await;
            browser.click("#period-submit").await;
            let error = browser.text("#period-to-error").await;
            assert!(
                error.contains(if lang == "en" {
                    "comes before the first"
                } else {
                    "早于"
                }),
                "{at} {error}"
            );
            let tables = browser
                .run("return document.querySelectorAll('#kpi-table').length;")
                .await;
            assert_eq!(tables, 0, "{at} no figures for a period that is not one");
            let status = browser
                .run("return fetch(location.href).then(r => r.status);")
                .await;
            assert_eq!(status, 400, "{at} refused, not failed");
            let csv = browser
                .run(&format!(
                    "return fetch('/admin/insight/kpis.csv?from={}&to={}').then(r => r.status);",
                    day(1),
                    day(2)
                ))
                .await;
            assert_eq!(csv, 400, "{at} the download refuses it too");
            if lang == "zh-CN" {
                all_chinese(&browser, "insight, reversed period").await;
            }
            if backend == "sqlite" {
                browser.shots(&format!("insight-refused-{lang}")).await;
            }
        }
        browser.click("form[action='/admin/logout'] button").await;

        // Support staff work on members: neither the section nor its downloads are theirs.
        app.sign_in(&browser, "support@example.com").await;
        let nav = browser.text("nav").await;
        assert!(
            !nav.contains("Insight") && !nav.contains("数据洞察"),
            "[{backend}] {nav}"
        );
        for path in [
            "/admin/insight",
            "/admin/insight/definitions",
            "/admin/insight/daily.csv",
        ] {
            let status = browser
                .run(&format!("return fetch('{path}').then(r => r.status);"))
                .await;
            assert_eq!(status, 403, "[{backend}] {path}");
        }
        browser.click("form[action='/admin/logout'] button").await;
        app.stop();
    }
    browser.stop().await;
}
