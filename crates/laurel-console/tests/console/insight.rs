//! The Insight section and the dashboard's key KPIs over a data set made by hand, on every
//! backend: three members (two of them bought in the last 90 days, two in the 90 days before,
//! one of those again), two non-members' purchases, a reward redeemed and a tier given. Every
//! figure checked was worked out by hand below; the page, its CSV downloads and the dashboard
//! must show the same, in both languages and at both widths. A reversed period is refused next
//! to its field, and support staff may not see the section. A second data set, of members who
//! joined in past months and bought in later ones, checks purchase frequency, recency, the
//! cohort heat map and their downloads against figures worked out by hand (`spread_made`).

use super::pages::all_chinese;
use super::staff_pages::open_in;
use super::{App, Browser, PROGRAM};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use laurel_core::Channel;
use laurel_engine::{
    AssignTierRequest, EnrollRequest, GuestPurchaseRequest, MemberRef, PurchaseRequest,
    RedeemRewardRequest,
};
use std::collections::HashMap;

/// The test program taking purchases reported up to 200 days late, with a tier to give.
pub(super) fn program() -> String {
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

/// A member enrolled through `channel`, when they joined (`None` for now).
pub(super) async fn enroll(
    app: &App,
    external_id: &str,
    channel: Channel,
    enrolled_at: Option<Timestamp>,
) -> i64 {
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
            enrolled_at,
            device: None,
        })
        .await
        .unwrap()
        .id
        .0
}

/// `member` bought for `yuan` at `at`.
pub(super) async fn bought(app: &App, member: i64, order_id: &str, yuan: &str, at: Timestamp) {
    app.engine
        .purchase(PurchaseRequest {
            partner: None,
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
    backdating(app).await;
    bought(app, app.member, "a-1", "80", ago(100)).await;
    let web = enroll(app, "CUST-W", Channel::Web, None).await;
    bought(app, web, "w-1", "50", ago(120)).await;
    let till = enroll(app, "CUST-T", Channel::Pos, None).await;
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
            partner: None,
            member_id: app.member,
            reward_id: "five_off".into(),
            quantity: 1,
            idempotency_key: "coupon-1".into(),
        })
        .await
        .unwrap();
}

/// Puts [`program`] in force: purchases reported up to 200 days late.
async fn backdating(app: &App) {
    app.put_in_force(program()).await;
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
pub(super) async fn table_rows(browser: &Browser, css: &str) -> Vec<Vec<String>> {
    let rows = browser
        .run(&format!(
            "return [...document.querySelectorAll('{css} tbody tr')].map(r =>\
               [...r.children].map(c => c.textContent.trim()));"
        ))
        .await;
    serde_json::from_value(rows).unwrap()
}

/// Fetches `css`'s link from the page: (status, content type, body).
pub(super) async fn download(browser: &Browser, css: &str) -> (u16, String, String) {
    let got = browser
        .run(&format!(
            "return fetch(document.querySelector('{css}').href).then(async r =>\
               [r.status, r.headers.get('content-type'), await r.text()]);"
        ))
        .await;
    serde_json::from_value(got).unwrap()
}

/// The records of a CSV body, each as its fields (every field quoted, none with a quote; the
/// first and last may be empty).
pub(super) fn records(body: &str) -> Vec<Vec<String>> {
    body.trim_start_matches('\u{feff}')
        .lines()
        .map(|line| {
            let inside = line.strip_prefix('"').and_then(|l| l.strip_suffix('"'));
            inside
                .unwrap_or_else(|| panic!("a record of quoted fields: {line}"))
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

/// The first day of the month `back` months before this one, in the program's zone.
fn month(back: i64) -> Date {
    TimeZone::get("Asia/Shanghai")
        .unwrap()
        .to_datetime(Timestamp::now())
        .date()
        .first_of_month()
        .checked_sub(back.months())
        .unwrap()
}

/// `hour` o'clock on `day` of the month `back` months before this one, in the program's zone.
fn in_month(back: i64, day: i8, hour: i8) -> Timestamp {
    month(back)
        .with()
        .day(day)
        .build()
        .unwrap()
        .at(hour, 0, 0, 0)
        .in_tz("Asia/Shanghai")
        .unwrap()
        .timestamp()
}

/// A month as the page names it.
fn month_words(lang: &str, first: Date) -> String {
    if lang == "en" {
        first.strftime("%b %Y").to_string()
    } else {
        first.strftime("%Y年%-m月").to_string()
    }
}

/// The second data set, with M for this month. Four members joined on the 3rd of M-4: A bought
/// on the 20th of M-4, the 10th of M-3 and twice in M-1 (the 10th and 20th); B on the 25th of
/// M-4 and the 5th of M-2; C on the 15th of M-3; D never. Three joined on the 2nd of M-2: E
/// bought on the 12th of M-2 and of M-1, F on the 26th of M-1, G never. H joined now and
/// never bought; Wang Mei (the app's member) joined and bought now. Two members joined 30
/// months ago, outside every table: J bought on each of the 1st to the 11th of M-1, K on the
/// 10th of M-4. Every purchase is at noon.
///
/// The period of M-2 and M-1 then counts, by purchases in it: B and F once, A and E twice, J
/// eleven times — 3 of 5 bought more than once. By whole days from the last purchase to the
/// period's end (the start of M), whatever the months' lengths: F 2–5 (0–7), A 8–11, E
/// 16–19 and J 17–20 (8–30), B 54–57 (31–60), C 74–78 (61–90), K 107–113 (91–180); Wang Mei
/// bought after it, the others never. The cohorts: M-4's 4 members bought 2, 2, 1, 1, 0 in
/// the months 0 to 4 after joining (A's two purchases in M-1 are one buyer); M-2's 3 bought
/// 1, 2, 0; M's 2 bought 1.
async fn spread_made(app: &App) {
    backdating(app).await;
    let joined = |back, day| Some(in_month(back, day, 10));
    let mut buys: Vec<(i64, Vec<(i64, i8)>)> = Vec::new();
    for (id, back, day, purchases) in [
        ("A", 4, 3, vec![(4, 20), (3, 10), (1, 10), (1, 20)]),
        ("B", 4, 3, vec![(4, 25), (2, 5)]),
        ("C", 4, 3, vec![(3, 15)]),
        ("D", 4, 3, vec![]),
        ("E", 2, 2, vec![(2, 12), (1, 12)]),
        ("F", 2, 2, vec![(1, 26)]),
        ("G", 2, 2, vec![]),
        ("J", 30, 1, (1..=11).map(|day| (1, day)).collect()),
        ("K", 30, 1, vec![(4, 10)]),
    ] {
        let member = enroll(app, &format!("CUST-{id}"), Channel::Pos, joined(back, day)).await;
        buys.push((member, purchases));
    }
    enroll(app, "CUST-H", Channel::Pos, None).await;
    for (member, purchases) in buys {
        for (i, (back, day)) in purchases.into_iter().enumerate() {
            let order = format!("m{member}-{i}");
            bought(app, member, &order, "10", in_month(back, day, 12)).await;
        }
    }
}

/// What the period of M-2 and M-1 shows in `lang`: (frequency rows, recency rows), each
/// (bucket, members, share).
fn spread_expected(lang: &str) -> (Vec<[String; 3]>, Vec<[String; 3]>) {
    let row = |bucket: &str, members: &str, share: &str| {
        [bucket.to_owned(), members.to_owned(), share.to_owned()]
    };
    let mut frequency = vec![row("1", "2", "40.0%"), row("2", "2", "40.0%")];
    frequency.extend((3..=9).map(|n| row(&n.to_string(), "0", "0.0%")));
    let more = if lang == "en" {
        " or more"
    } else {
        " 及以上"
    };
    frequency.push(row(&format!("10{more}"), "1", "20.0%"));
    let recency = vec![
        row("0–7", "1", "14.3%"),
        row("8–30", "3", "42.9%"),
        row("31–60", "1", "14.3%"),
        row("61–90", "1", "14.3%"),
        row("91–180", "1", "14.3%"),
        row("181–365", "0", "0.0%"),
        row(&format!("366{more}"), "0", "0.0%"),
    ];
    (frequency, recency)
}

/// The heat map's rows that are not empty cohorts, over `months` months ending this one:
/// (months back, members, cells' texts from month 0 on, their shades).
fn cohorts_expected() -> Vec<(i64, &'static str, Vec<&'static str>, Vec<&'static str>)> {
    vec![
        (
            4,
            "4",
            vec!["50%", "50%", "25%", "25%", "0%"],
            vec!["heat-5", "heat-5", "heat-3", "heat-3", "heat-0"],
        ),
        (
            2,
            "3",
            vec!["33%", "67%", "0%"],
            vec!["heat-3", "heat-7", "heat-0"],
        ),
        (0, "2", vec!["50%"], vec!["heat-5"]),
    ]
}

/// The heat map's body: each row's cells as (text, class, title).
async fn heat_map(browser: &Browser) -> Vec<Vec<(String, String, String)>> {
    let rows = browser
        .run(
            "return [...document.querySelectorAll('#cohort-table tbody tr')].map(r =>\
               [...r.children].map(c => [c.textContent.trim(), c.className, c.title]));",
        )
        .await;
    serde_json::from_value(rows).unwrap()
}

/// Checks the heat map of `months` months ending this one against [`cohorts_expected`].
async fn check_heat_map(browser: &Browser, lang: &str, months: i64, at: &str) {
    let rows = heat_map(browser).await;
    assert_eq!(
        rows.len(),
        usize::try_from(months).unwrap(),
        "{at} a row a month"
    );
    for (i, row) in rows.iter().enumerate() {
        let back = months - 1 - i64::try_from(i).unwrap();
        assert_eq!(
            row[0].0,
            month_words(lang, month(back)),
            "{at} oldest first"
        );
        assert_eq!(row.len(), 2 + usize::try_from(months).unwrap(), "{at}");
        let reached = usize::try_from(back).unwrap() + 1;
        for (j, cell) in row[2..].iter().enumerate() {
            if j >= reached {
                assert_eq!(
                    (cell.0.as_str(), cell.1.as_str(), cell.2.as_str()),
                    ("", "num heat-later", ""),
                    "{at} {back} months back, month {j}: not reached yet"
                );
            }
        }
        match cohorts_expected().into_iter().find(|c| c.0 == back) {
            Some((_, members, texts, shades)) => {
                assert_eq!(row[1].0, members, "{at} {back} months back");
                let shown: Vec<&str> = row[2..2 + reached].iter().map(|c| c.0.as_str()).collect();
                assert_eq!(shown, texts, "{at} {back} months back");
                let classes: Vec<String> =
                    row[2..2 + reached].iter().map(|c| c.1.clone()).collect();
                let expected: Vec<String> = shades.iter().map(|s| format!("num {s}")).collect();
                assert_eq!(classes, expected, "{at} {back} months back");
            }
            None => {
                assert_eq!(row[1].0, "0", "{at} {back} months back: nobody joined");
                assert!(
                    row[2..2 + reached]
                        .iter()
                        .all(|c| c.0 == "–" && c.2.is_empty()),
                    "{at} {back} months back: nothing to count out of"
                );
            }
        }
    }
    // The exact figure and its working in a cell's title: M-4's cohort a month after joining.
    let cell = &rows[usize::try_from(months - 5).unwrap()][3].2;
    let (joined, bought) = (month_words(lang, month(4)), month_words(lang, month(3)));
    let title = if lang == "en" {
        format!("Joined {joined}, bought in {bought} (month 1): 50.0%, 2 of 4")
    } else {
        format!("{joined}加入，{bought}（第 1 个月）有购买：50.0%，4 人中 2 人")
    };
    assert_eq!(cell, &title, "{at}");
    let cell = &rows[usize::try_from(months - 3).unwrap()][2].2;
    assert!(cell.contains("33.3%"), "{at} {cell}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn insight_shows_purchase_frequency_recency_and_cohort_retention_worked_out_by_hand() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    // The period of the two whole months before this one.
    let (from, to) = (month(2), month(0).yesterday().unwrap());
    let period = format!("from={from}&to={to}");
    for (backend, db) in laurel_testkit::backends() {
        let app = App::start_on(db, None).await;
        spread_made(&app).await;
        app.sign_in(&browser, "admin@example.com").await;
        for lang in ["en", "zh-CN"] {
            let at = format!("[{backend}] [{lang}]");
            open_in(&browser, &app, lang, &format!("/admin/insight?{period}")).await;
            let contents = browser
                .run(
                    "return [...document.querySelectorAll('.contents a')].map(a => a.getAttribute('href'));",
                )
                .await;
            let contents: Vec<String> = serde_json::from_value(contents).unwrap();
            for id in ["#frequency", "#recency", "#cohorts"] {
                assert!(
                    contents.iter().any(|c| c == id),
                    "{at} {id} in {contents:?}"
                );
            }

            // Purchase frequency and recency, with the repeat-purchase rate beside and under
            // the KPIs.
            let (frequency, recency) = spread_expected(lang);
            let rows = |rows: Vec<Vec<String>>| -> Vec<[String; 3]> {
                rows.into_iter().map(|r| r.try_into().unwrap()).collect()
            };
            assert_eq!(
                rows(table_rows(&browser, "#frequency-chart-table").await),
                frequency,
                "{at}"
            );
            assert_eq!(
                rows(table_rows(&browser, "#recency-chart-table").await),
                recency,
                "{at}"
            );
            assert_eq!(browser.text("#repeat-purchase-rate").await, "60.0%", "{at}");
            let working = browser.text("#repeat-purchase-working").await;
            assert_eq!(
                working,
                if lang == "en" {
                    "3 of 5 members who bought"
                } else {
                    "5 位购买会员中的 3 位"
                },
                "{at}"
            );
            let beside = browser.text("#kpi-repeat-purchase").await;
            assert!(
                beside.contains("60.0%") && beside.contains(&working),
                "{at} {beside}"
            );
            let title = browser
                .run("return document.querySelector('#frequency-chart-title').textContent;")
                .await;
            let title = title.as_str().unwrap_or_default();
            assert!(
                title.contains(&format!("{}: 1", frequency[9][0]))
                    || title.contains(&format!("{}：1", frequency[9][0])),
                "{at} the drawing is named by its figures: {title}"
            );

            // The heat map: 12 months by default, then 6 and 24 by their links.
            check_heat_map(&browser, lang, 12, &format!("{at} 12 months")).await;
            assert_eq!(
                browser.text("#cohort-months a[aria-current]").await,
                if lang == "en" {
                    "12 months"
                } else {
                    "12 个月"
                },
                "{at}"
            );
            if lang == "zh-CN" {
                all_chinese(&browser, "insight: distributions and cohorts").await;
            }
            if backend == "sqlite" {
                browser.shots(&format!("insight-cohorts-{lang}")).await;
            }
            // On a phone the heat map scrolls in its own box; the page does not.
            browser.resize(super::browser::Width::Phone).await;
            let fit = browser
                .run(
                    "const box = document.querySelector('#cohorts .heat-box');\
                     return [document.documentElement.scrollWidth <= document.documentElement.clientWidth,\
                             box.scrollWidth > box.clientWidth, getComputedStyle(box).overflowX];",
                )
                .await;
            assert_eq!(
                fit,
                serde_json::json!([true, true, "auto"]),
                "{at} on a phone"
            );
            browser.resize(super::browser::Width::Desktop).await;

            browser.click("#cohort-months li:first-child a").await;
            check_heat_map(&browser, lang, 6, &format!("{at} 6 months")).await;
            let url = browser.run("return location.search;").await;
            assert_eq!(url, format!("?{period}&months=6"), "{at} the period kept");
            // Another period keeps the months, by its quick link and by the form.
            let quick = browser
                .run("return document.querySelector('.quick a').getAttribute('href');")
                .await;
            assert!(
                quick.as_str().unwrap().ends_with("&months=6"),
                "{at} {quick}"
            );
            browser.click("#period-submit").await;
            assert_eq!(
                heat_map(&browser).await.len(),
                6,
                "{at} the form keeps them"
            );
            browser.click("#cohort-months li:last-child a").await;
            check_heat_map(&browser, lang, 24, &format!("{at} 24 months")).await;
            if backend == "sqlite" {
                browser.shots(&format!("insight-cohorts-24-{lang}")).await;
            }

            // The downloads say the same.
            browser
                .go(&app.url(&format!("/admin/insight?{period}")))
                .await;
            let (status, kind, body) = download(&browser, "#frequency-csv").await;
            assert_eq!((status, kind.starts_with("text/csv")), (200, true), "{at}");
            let spread = records(&body);
            assert_eq!(
                spread.len(),
                1 + 10 + 7,
                "{at} a heading and a row per bucket"
            );
            let (frequency_name, recency_name) = if lang == "en" {
                ("Purchase frequency", "Recency")
            } else {
                ("购买频次", "距上次购买天数")
            };
            let csv_row = |name: &str, row: &[String; 3], from: &str, to: &str| {
                vec![
                    name.to_owned(),
                    row[0].clone(),
                    from.to_owned(),
                    to.to_owned(),
                    row[1].clone(),
                    row[2].trim_end_matches('%').to_owned(),
                ]
            };
            assert_eq!(
                spread[1],
                csv_row(frequency_name, &frequency[0], "1", "1"),
                "{at}"
            );
            assert_eq!(
                spread[2],
                csv_row(frequency_name, &frequency[1], "2", "2"),
                "{at}"
            );
            assert_eq!(
                spread[10],
                csv_row(frequency_name, &frequency[9], "10", ""),
                "{at}"
            );
            assert_eq!(
                spread[12],
                csv_row(recency_name, &recency[1], "8", "30"),
                "{at}"
            );
            assert_eq!(
                spread[15],
                csv_row(recency_name, &recency[4], "91", "180"),
                "{at}"
            );
            assert_eq!(
                spread[17],
                csv_row(recency_name, &recency[6], "366", ""),
                "{at}"
            );
            let (status, _, body) = download(&browser, "#cohorts-csv").await;
            assert_eq!(status, 200, "{at}");
            let cohorts = records(&body);
            assert_eq!(cohorts.len(), 1 + 12, "{at} a heading and a row per cohort");
            assert_eq!(cohorts[0].len(), 2 + 2 * 12, "{at}");
            assert_eq!(
                cohorts[0][2..4],
                if lang == "en" {
                    ["Month 0: buyers", "Month 0: retention (%)"]
                } else {
                    ["第 0 个月：购买人数", "第 0 个月：留存率（%）"]
                },
                "{at}"
            );
            let empty = |n: usize| vec![String::new(); n];
            let ym = |back: i64| month(back).strftime("%Y-%m").to_string();
            let record = |back: i64, figures: &[&str]| {
                let mut r = vec![ym(back)];
                r.extend(figures.iter().map(|f| (*f).to_owned()));
                r.extend(empty(2 + 2 * 12 - r.len()));
                r
            };
            assert_eq!(
                cohorts[8],
                record(
                    4,
                    &[
                        "4", "2", "50.0", "2", "50.0", "1", "25.0", "1", "25.0", "0", "0.0"
                    ]
                ),
                "{at} M-4"
            );
            assert_eq!(
                cohorts[10],
                record(2, &["3", "1", "33.3", "2", "66.7", "0", "0.0"]),
                "{at} M-2"
            );
            assert_eq!(
                cohorts[12],
                record(0, &["2", "1", "50.0"]),
                "{at} this month"
            );
            let mut nobody = vec!["0".to_owned()];
            nobody.extend((0..12).flat_map(|_| ["0".to_owned(), String::new()]));
            assert_eq!(
                cohorts[1][1..],
                nobody,
                "{at} nobody joined: no retention to give"
            );

            // The reference defines the rate, beside the KPIs.
            browser.go(&app.url("/admin/insight/definitions")).await;
            assert_eq!(
                browser.text("#repeat_purchase_rate").await,
                if lang == "en" {
                    "Repeat-purchase rate"
                } else {
                    "复购率"
                },
                "{at}"
            );

            // Months the table cannot show are refused in its section; the rest still shows.
            browser
                .go(&app.url(&format!("/admin/insight?{period}&months=40")))
                .await;
            let refused = browser.text("#cohort-months-error").await;
            assert!(refused.contains("36"), "{at} {refused}");
            let left = browser
                .run(
                    "return [document.querySelectorAll('#cohort-table').length,\
                             document.querySelectorAll('#kpi-table').length,\
                             document.querySelectorAll('#frequency-chart-table').length];",
                )
                .await;
            assert_eq!(left, serde_json::json!([0, 1, 1]), "{at}");
            for path in [
                format!("/admin/insight?{period}&months=40"),
                "/admin/insight/cohorts.csv?months=0".to_owned(),
                "/admin/insight/cohorts.csv?months=twelve".to_owned(),
            ] {
                let status = browser
                    .run(&format!("return fetch('{path}').then(r => r.status);"))
                    .await;
                assert_eq!(status, 400, "{at} {path}");
            }
            if lang == "zh-CN" {
                all_chinese(&browser, "insight: months refused").await;
            }
        }
        browser.click("form[action='/admin/logout'] button").await;

        // Support staff may not download them either.
        app.sign_in(&browser, "support@example.com").await;
        for path in [
            "/admin/insight/distributions.csv",
            "/admin/insight/cohorts.csv",
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
