//! Churn risk and value where staff see them, on every backend, in both languages and at both
//! widths: the member page's box says "not scored yet" before a refresh, then (after the daily
//! refresh over the test kit's crowd and a weekly buyer who stopped 150 days ago, given silver)
//! the segment, risk and reason in words, the probability still active, purchases expected and
//! the 12-month value; the churn-risk list, reached from Insight's contents, holds high risk
//! before medium, filters by level, links each member to their page and downloads the whole
//! filtered list as CSV; support staff may not see the list.

use super::insight::{download, enroll, program, records, table_rows};
use super::pages::all_chinese;
use super::staff_pages::open_in;
use super::{App, Browser};
use jiff::{SignedDuration, Timestamp};
use laurel_core::Channel;
use laurel_engine::{AssignTierRequest, ChurnFilter, MemberRef, PurchaseRequest};

/// `member` bought for `yuan` `days` days (fractions included) ago.
async fn bought_ago(app: &App, member: i64, order_id: &str, yuan: &str, days: f64) {
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
            occurred_at: Timestamp::now() - SignedDuration::from_secs_f64(days * 86_400.0),
        })
        .await
        .unwrap();
}

/// The crowd (the test kit's, seed 5), and "GONE-1", who bought ¥60 every week until 150 days
/// ago and holds silver; its member id.
async fn scored_crowd(app: &App) -> i64 {
    app.put_in_force(program().replace("backdating_days = 200", "backdating_days = 400"))
        .await;
    for (i, history) in laurel_testkit::crowd::crowd(5).into_iter().enumerate() {
        let m = enroll(app, &format!("crowd-{i}"), Channel::Pos, None).await;
        for (k, days) in history.into_iter().enumerate() {
            let total = laurel_testkit::crowd::spend(i, k);
            bought_ago(app, m, &format!("{m}-{k}"), &total, days).await;
        }
    }
    let gone = enroll(app, "GONE-1", Channel::Pos, None).await;
    for k in 0..20 {
        bought_ago(
            app,
            gone,
            &format!("gone-{k}"),
            "60",
            f64::from(150 + 7 * k),
        )
        .await;
    }
    app.engine
        .assign_tier(
            AssignTierRequest {
                member_id: gone,
                tier: "silver".into(),
                reason: "launch".into(),
                until: None,
            },
            "test",
        )
        .await
        .unwrap();
    gone
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn churn_risk_and_value_on_the_member_page_and_the_churn_risk_list() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    for (backend, db) in laurel_testkit::backends() {
        let app = App::start_on(db, None).await;
        app.sign_in(&browser, "admin@example.com").await;
        let member_page = format!("/admin/members/{}", app.member);
        for lang in ["en", "zh-CN"] {
            let at = format!("[{backend}] [{lang}] before a refresh");
            open_in(&browser, &app, lang, &member_page).await;
            assert_eq!(
                browser.text("#insight-not-scored").await,
                if lang == "en" {
                    "Not scored yet: the daily insight refresh has not run."
                } else {
                    "尚未评分：每日数据洞察更新还没有运行过。"
                },
                "{at}"
            );
            open_in(&browser, &app, lang, "/admin/insight/churn").await;
            assert!(browser.text("#churn-not-refreshed").await.len() > 5, "{at}");
            assert!(browser.text("#churn-none").await.len() > 5, "{at}");
        }

        let gone = scored_crowd(&app).await;
        let report = app
            .engine
            .refresh_member_insight(Timestamp::now())
            .await
            .unwrap();
        assert_eq!(report.problem, None, "[{backend}] the models fit");
        let scores = app
            .engine
            .member_insight(gone)
            .await
            .unwrap()
            .scores
            .unwrap();
        let listed = app
            .engine
            .churn_risk(ChurnFilter::AtRisk, None, 50)
            .await
            .unwrap()
            .members;
        let medium = listed
            .iter()
            .filter(|m| m.level.as_str() == "medium")
            .count();
        assert!(
            listed.len() < 50 && medium > 0,
            "[{backend}] one page with both levels"
        );
        let p_alive = format!("{:.1}%", scores.p_alive_ppm.unwrap() as f64 / 10_000.0);

        for lang in ["en", "zh-CN"] {
            let at = format!("[{backend}] [{lang}]");
            let en = lang == "en";
            // The member page's box.
            open_in(&browser, &app, lang, &format!("/admin/members/{gone}")).await;
            assert_eq!(
                browser.text("#insight-risk strong").await,
                if en { "High" } else { "高" },
                "{at}"
            );
            assert_eq!(
                browser.text("#insight-reason").await,
                if en {
                    "No purchase for 150 days; usually every 7 days"
                } else {
                    "已 150 天未购买；通常每 7 天购买一次"
                },
                "{at}"
            );
            assert_eq!(browser.text("#insight-p-alive").await, p_alive, "{at}");
            let value = browser.text("#insight-value").await;
            assert!(
                value.starts_with(if en { "CNY " } else { "¥" }),
                "{at} {value}"
            );
            let rfm = browser.text("#insight-rfm").await;
            assert!(
                rfm.contains(&scores.frequency_score.to_string()) && rfm.contains('5'),
                "{at} {rfm}"
            );
            assert!(
                !browser.text("#insight-segment").await.contains('_'),
                "{at} the segment in words"
            );
            assert!(browser.text("#insight-refreshed").await.len() > 10, "{at}");
            if lang == "zh-CN" {
                all_chinese(&browser, "member page with churn risk").await;
            }
            browser.shots(&format!("member-insight-{lang}")).await;

            // Wang Mei bought once, today: scored, at low risk.
            open_in(&browser, &app, lang, &member_page).await;
            assert_eq!(
                browser.text("#insight-reason").await,
                if en {
                    "Bought once, 0 days ago"
                } else {
                    "仅购买过一次，在 0 天前"
                },
                "{at}"
            );

            // The list, from Insight's contents.
            open_in(&browser, &app, lang, "/admin/insight").await;
            browser.click("#churn-link").await;
            assert_eq!(browser.path().await, "/admin/insight/churn", "{at}");
            let rows = table_rows(&browser, "#churn-table").await;
            assert_eq!(rows.len(), listed.len(), "{at}");
            let risks = browser
                .run("return [...document.querySelectorAll('#churn-table tbody tr')].map(r => r.dataset.risk);")
                .await;
            let risks: Vec<String> = serde_json::from_value(risks).unwrap();
            let expected: Vec<&str> = listed.iter().map(|m| m.level.as_str()).collect();
            assert_eq!(risks, expected, "{at} high first, in the engine's order");
            let row = browser
                .text(&format!("#churn-table tr[data-member='{gone}']"))
                .await;
            for shown in [
                "GONE-1",
                if en { "Silver" } else { "银卡" },
                "150",
                &p_alive,
                if en {
                    "No purchase for 150 days"
                } else {
                    "已 150 天未购买"
                },
            ] {
                assert!(row.contains(shown), "{at} {shown} in {row}");
            }
            assert!(
                browser
                    .run("return document.querySelector('#next-page') === null;")
                    .await
                    == true,
                "{at} one page"
            );
            if lang == "zh-CN" {
                all_chinese(&browser, "churn-risk list").await;
            }
            browser.shots(&format!("churn-list-{lang}")).await;

            // The whole list as CSV.
            let (status, kind, body) = download(&browser, "#churn-csv").await;
            assert_eq!(
                (status, kind.as_str()),
                (200, "text/csv; charset=utf-8"),
                "{at}"
            );
            let csv = records(&body);
            assert_eq!(
                csv.len(),
                listed.len() + 1,
                "{at} a heading and every member"
            );
            assert_eq!(csv[0][0], if en { "Member id" } else { "会员编号" }, "{at}");
            let record = csv
                .iter()
                .find(|r| r[1] == "GONE-1")
                .unwrap_or_else(|| panic!("{at} GONE-1 in {csv:?}"));
            assert_eq!(
                (
                    record[0].as_str(),
                    record[4].as_str(),
                    record[6].as_str(),
                    record[7].as_str()
                ),
                (
                    gone.to_string().as_str(),
                    if en { "High" } else { "高" },
                    "150",
                    "7"
                ),
                "{at}"
            );

            // Medium risk only, by the filter.
            browser
                .run("document.querySelector('#level').value = 'medium';")
                .await;
            browser.click("#churn-submit").await;
            let risks = browser
                .run("return [...document.querySelectorAll('#churn-table tbody tr')].map(r => r.dataset.risk);")
                .await;
            let risks: Vec<String> = serde_json::from_value(risks).unwrap();
            assert_eq!(risks, vec!["medium".to_owned(); medium], "{at}");
            let (_, _, body) = download(&browser, "#churn-csv").await;
            assert_eq!(records(&body).len(), medium + 1, "{at} the filtered list");
            // Each member links to their page.
            browser.click("#churn-table tbody tr a").await;
            assert!(browser.path().await.starts_with("/admin/members/"), "{at}");
        }
        // A place in the list that is not one.
        open_in(
            &browser,
            &app,
            "en",
            "/admin/insight/churn?level=high&after=soon",
        )
        .await;
        assert!(
            browser
                .text("main")
                .await
                .contains("start again from the first page"),
            "[{backend}]"
        );
        // Support staff work on members: the list and its download are not theirs.
        browser.go(&app.url("/admin/dashboard")).await;
        browser.click("form[action='/admin/logout'] button").await;
        app.sign_in(&browser, "support@example.com").await;
        for path in ["/admin/insight/churn", "/admin/insight/churn.csv"] {
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
