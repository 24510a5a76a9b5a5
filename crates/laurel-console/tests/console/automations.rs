//! Automations in the console as an admin and a manager use them, on every backend: with none,
//! the page explains them with an example; once a version brings a daily win-back and an
//! event's automation, each reads in words in both languages at both widths; a dry run lists
//! the one lapsing member with what they would get, links to them and writes nothing; an
//! event's dry run says whom it would act on if the event happened now; support and finance
//! are refused, and an unknown automation is not found.

use super::pages::all_chinese;
use super::staff_pages::open_in;
use super::{App, Browser, PASSWORD, PROGRAM};
use jiff::{SignedDuration, Timestamp};
use laurel_core::Channel;
use laurel_engine::{Consents, EnrollRequest, MemberRef, ProfileUpdate, PurchaseRequest, Role};

/// What the version under test adds to the test program: tiers no member reaches, a daily
/// win-back for members who have not bought for 30 days, and a thank-you when points are
/// redeemed by a tier holder.
const AUTOMATIONS: &str = r#"
[tiers]
metric = "spend"
window = "since_joining"

[[tiers.levels]]
id = "silver"
name = { en = "Silver", zh-CN = "银卡" }
threshold = "500"

[[tiers.levels]]
id = "gold"
name = { en = "Gold", zh-CN = "金卡" }
threshold = "1000"

[[automations]]
id = "win_back"
name = { en = "Win back", zh-CN = "唤回" }
trigger = "daily"
limit = "per_month"
conditions = [
  { days_since_last_purchase = { at_least = 30 } },
  { balance = { at_least = 10 } },
  { consent = "email" },
]
actions = [
  { award_points = 50, reason = "welcome back" },
  { send = { subject = { en = "We miss you", zh-CN = "我们想念您" }, text = "{{ points }} {{ points_name }}" } },
]

[[automations]]
id = "thanks"
name = { en = "Thanks for redeeming", zh-CN = "兑换致谢" }
trigger = { event = "points.redeemed" }
conditions = [ { tiers = ["gold", "silver"] } ]
actions = [ { award_points = 10, reason = "thank you" }, { webhook = true } ]
"#;

/// Applies the test program with the automations, taking purchases reported up to 60 days
/// late (so one can be 40 days old).
async fn apply_automations(app: &App) {
    let text = format!(
        "{}\n{AUTOMATIONS}",
        PROGRAM.replace(
            "points_per_unit = \"1\"",
            "points_per_unit = \"1\"\nbackdating_days = 60"
        )
    );
    app.put_in_force(text).await;
}

/// A member who agreed to e-mail and last bought 40 yuan's worth 40 days ago.
async fn lapsing_member(app: &App) -> i64 {
    let id = app
        .engine
        .enroll(EnrollRequest {
            external_id: "CUST-7".into(),
            email: Some("li.lei@example.com".into()),
            phone: None,
            name: Some("Li Lei".into()),
            birthday: None,
            channel: Channel::Pos,
            attributes: Default::default(),
            referral_code: None,
            enrolled_at: None,
            device: None,
        })
        .await
        .unwrap()
        .id
        .0;
    app.engine
        .update_profile(
            id,
            ProfileUpdate {
                name: "Li Lei".into(),
                birthday: None,
                consents: Consents::given(&["email"]),
            },
        )
        .await
        .unwrap();
    app.engine
        .purchase(PurchaseRequest {
            partner: None,
            member: MemberRef::Id(id),
            order_id: "o-lapsed".into(),
            channel: Channel::Pos,
            store: None,
            currency: "CNY".into(),
            total: "40".parse().unwrap(),
            lines: Vec::new(),
            occurred_at: Timestamp::now() - SignedDuration::from_hours(40 * 24),
        })
        .await
        .unwrap();
    id
}

/// An automation's card as (trigger, conditions, actions, limit), each as shown.
async fn card(browser: &Browser, id: &str) -> (String, String, String, String) {
    (
        browser.text(&format!("#trigger-{id}")).await,
        browser.text(&format!("#conditions-{id}")).await,
        browser.text(&format!("#actions-{id}")).await,
        browser.text(&format!("#limit-{id}")).await,
    )
}

/// Available points of `member`.
async fn available(app: &App, member: i64) -> i64 {
    app.engine.balance(member).await.unwrap().available.get()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_automation_reads_in_words_and_a_dry_run_lists_the_lapsing_member_and_writes_nothing()
{
    let Some(browser) = Browser::start().await else {
        return;
    };
    for (backend, db) in laurel_testkit::backends() {
        let app = App::start_on(db, None).await;
        app.sign_in(&browser, "admin@example.com").await;

        // None yet: what they are, with an example to copy into the program.
        for (lang, none) in [("en", "no automations"), ("zh-CN", "还没有自动化")] {
            open_in(&browser, &app, lang, "/admin/dashboard").await;
            browser.click("nav a[href='/admin/automations']").await;
            assert!(
                browser.text("#automations-none").await.contains(none),
                "[{backend}] [{lang}]"
            );
            let example = browser.text("#automations-example").await;
            assert!(
                example.contains("[[automations]]") && example.contains("award_points"),
                "[{backend}] [{lang}] {example}"
            );
            let edit = browser.find("#edit-program").await;
            assert_eq!(
                edit.attr("href").await.unwrap().as_deref(),
                Some("/admin/program#program-form"),
                "[{backend}] [{lang}] edited on the program page"
            );
            if lang == "zh-CN" {
                all_chinese(&browser, "automations, none yet").await;
            }
            browser.shots(&format!("automations-none-{lang}")).await;
        }

        apply_automations(&app).await;
        let lapsing = lapsing_member(&app).await;
        assert_eq!(available(&app, lapsing).await, 40, "[{backend}]");

        for (lang, win_back, thanks) in [
            (
                "en",
                [
                    "Every day",
                    "30 days or more since their last purchase\nhas at least 10 points\nagreed to e-mail",
                    "gives 50 points — ‘welcome back’\nwrites: ‘We miss you’",
                    "once a month per member",
                ],
                [
                    "When “Points redeemed” happens",
                    "holds Gold or Silver",
                    "gives 10 points — ‘thank you’\ntells the webhook subscribers",
                    "once per member",
                ],
            ),
            (
                "zh-CN",
                [
                    "每天",
                    "距上次消费 30 天及以上\n可用积分至少 10\n同意接收电子邮件",
                    "赠送 50 积分——“welcome back”\n发信：“我们想念您”",
                    "每位会员每月一次",
                ],
                [
                    "发生“积分兑换”时",
                    "会员等级为金卡或银卡",
                    "赠送 10 积分——“thank you”\n通知 Webhook 订阅方",
                    "每位会员仅一次",
                ],
            ),
        ] {
            open_in(&browser, &app, lang, "/admin/automations").await;
            for (id, expected) in [("win_back", win_back), ("thanks", thanks)] {
                let (trigger, conditions, actions, limit) = card(&browser, id).await;
                assert_eq!(
                    [
                        trigger.as_str(),
                        conditions.as_str(),
                        actions.as_str(),
                        limit.as_str()
                    ],
                    expected,
                    "[{backend}] [{lang}] {id}"
                );
            }
            let names = browser.text("#automations").await;
            let (first, second) = if lang == "en" {
                ("Win back", "Thanks for redeeming")
            } else {
                ("唤回", "兑换致谢")
            };
            assert!(
                names.contains(first) && names.contains(second),
                "[{backend}] [{lang}] named in the page's language: {names}"
            );
            if lang == "zh-CN" {
                all_chinese(&browser, "automations").await;
            }
            browser.shots(&format!("automations-{lang}")).await;
        }

        // The dry run of the win-back: the lapsing member only (the other bought today).
        for (lang, yes) in [("en", "Yes"), ("zh-CN", "发送")] {
            open_in(&browser, &app, lang, "/admin/automations").await;
            browser.click("#dry-run-win_back").await;
            assert_eq!(
                browser.path().await,
                "/admin/automations/win_back/dry-run",
                "[{backend}] [{lang}]"
            );
            assert_eq!(
                (
                    browser.text("#dry-run-members").await,
                    browser.text("#dry-run-points").await
                ),
                ("1".to_owned(), "50".to_owned()),
                "[{backend}] [{lang}]"
            );
            let rows = browser
                .run("return [...document.querySelectorAll('#dry-run tbody tr')].map(r => r.id);")
                .await;
            assert_eq!(
                rows,
                serde_json::json!([format!("line-{lapsing}")]),
                "[{backend}] [{lang}]"
            );
            let line = browser.text(&format!("#line-{lapsing}")).await;
            for shown in ["CUST-7", "Li Lei", "50", yes] {
                assert!(
                    line.contains(shown),
                    "[{backend}] [{lang}] `{shown}` in {line}"
                );
            }
            if lang == "zh-CN" {
                all_chinese(&browser, "a dry run").await;
            }
            browser.shots(&format!("automation-dry-run-{lang}")).await;
        }
        assert_eq!(
            (available(&app, lapsing).await, app.available().await),
            (40, 120),
            "[{backend}] a dry run gives no points"
        );
        // Nor does it record a run: one would keep the member out of the next dry run.
        browser
            .go(&app.url("/admin/automations/win_back/dry-run"))
            .await;
        assert_eq!(
            browser.text("#dry-run-members").await,
            "1",
            "[{backend}] still due"
        );
        browser
            .click(&format!(
                "#line-{lapsing} a[href='/admin/members/{lapsing}']"
            ))
            .await;
        assert_eq!(
            browser.path().await,
            format!("/admin/members/{lapsing}"),
            "[{backend}] the line links the member"
        );

        // An event's automation: whom it would act on if the event happened now — no one
        // holds a tier.
        open_in(&browser, &app, "en", "/admin/automations").await;
        browser.click("#dry-run-thanks").await;
        assert_eq!(browser.text("#dry-run-members").await, "0", "[{backend}]");
        assert!(
            !browser.text("#dry-run-nobody").await.is_empty(),
            "[{backend}]"
        );
        assert!(
            browser
                .text("#dry-run-note")
                .await
                .contains("if the event happened to them now"),
            "[{backend}]"
        );
        app.stop();
    }
    browser.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_may_dry_run_support_and_finance_are_refused_and_an_unknown_automation_is_not_found()
 {
    let Some(browser) = Browser::start().await else {
        return;
    };
    for (backend, db) in laurel_testkit::backends() {
        let app = App::start_on(db, None).await;
        apply_automations(&app).await;
        for (email, role) in [
            ("manager@example.com", Role::Manager),
            ("finance@example.com", Role::Finance),
        ] {
            app.engine
                .create_staff_user(email, "Zhao Lei", role, PASSWORD)
                .await
                .unwrap();
        }

        app.sign_in(&browser, "manager@example.com").await;
        browser.click("nav a[href='/admin/automations']").await;
        browser.click("#dry-run-win_back").await;
        assert_eq!(
            browser.text("#dry-run-members").await,
            "0",
            "[{backend}] a manager may: the one member bought today"
        );
        for lang in ["en", "zh-CN"] {
            open_in(&browser, &app, lang, "/admin/automations/nope/dry-run").await;
            assert!(
                browser.text("h1").await.starts_with("404"),
                "[{backend}] [{lang}] an unknown automation"
            );
            if lang == "zh-CN" {
                all_chinese(&browser, "an unknown automation").await;
            }
        }
        open_in(&browser, &app, "en", "/admin/dashboard").await;
        browser.click(".who button[type=submit]").await;

        for email in ["support@example.com", "finance@example.com"] {
            app.sign_in(&browser, email).await;
            assert!(
                !browser.text("nav").await.contains("Automations"),
                "[{backend}] [{email}] no link to what they may not see"
            );
            for path in ["/admin/automations", "/admin/automations/win_back/dry-run"] {
                browser.go(&app.url(path)).await;
                assert!(
                    browser.text("h1").await.starts_with("403"),
                    "[{backend}] [{email}] {path}"
                );
            }
            browser.click(".who button[type=submit]").await;
        }
        app.stop();
    }
    browser.stop().await;
}
