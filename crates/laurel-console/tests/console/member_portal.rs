//! The portal as a member on a phone uses it, in English and in Chinese, at a desktop's and a
//! phone's width: the member card a till scans, sharing the referral link, coupons grouped
//! by where they stand, history in words, a sign-in lockout that says until when, the data
//! page, and a report's reply thread.

use super::pages::all_chinese;
use super::{App, Browser};

/// The portal's languages, each page is tried in.
const LANGUAGES: [&str; 2] = ["en", "zh-CN"];

impl App {
    /// Opens the portal's `path` with the page's language switched to `lang`.
    pub(crate) async fn portal_in(&self, browser: &Browser, lang: &str, path: &str) {
        browser
            .go(&self.url(&format!("/portal/lang?to={lang}&back={path}")))
            .await;
        if lang == "zh-CN" {
            all_chinese(browser, path).await;
        }
    }
}

/// How many elements `css` selects.
async fn count(browser: &Browser, css: &str) -> u64 {
    browser
        .run(&format!(
            "return document.querySelectorAll('{css}').length;"
        ))
        .await
        .as_u64()
        .unwrap_or(0)
}

/// Waits up to five seconds for `css` to show `expected` (a script's answer comes after the
/// click that asked for it) and fails the test if it never does.
async fn shows(browser: &Browser, css: &str, expected: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let text = browser.text(css).await;
        if text.contains(expected) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "`{css}` shows `{text}`, not `{expected}`"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// The width on screen of `css`, in CSS pixels.
async fn width(browser: &Browser, css: &str) -> f64 {
    browser
        .run(&format!(
            "return document.querySelector('{css}').getBoundingClientRect().width;"
        ))
        .await
        .as_f64()
        .unwrap_or(0.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_home_shows_the_member_card_a_till_scans_as_qr_code_and_barcode() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    app.member_signs_in(&browser).await;
    for lang in LANGUAGES {
        app.portal_in(&browser, lang, "/portal").await;
        assert_eq!(
            browser.text("#member-code").await,
            "CUST-42",
            "[{lang}] the id the POS API takes as external_id"
        );
        assert_eq!(count(&browser, ".member-card svg.qr path").await, 1);
        assert!(
            count(&browser, ".member-card svg.barcode rect").await > 20,
            "[{lang}] a barcode of bars"
        );
        browser.shots(&format!("portal-card-{lang}")).await;
        browser.resize(super::browser::Width::Phone).await;
        let modules = browser
            .run("return document.querySelector('svg.barcode').viewBox.baseVal.width;")
            .await
            .as_f64()
            .unwrap_or(f64::MAX);
        let bar = width(&browser, "svg.barcode").await / modules;
        assert!(
            bar >= 2.0,
            "[{lang}] on a phone the narrowest bar is {bar:.2} px: too thin to scan"
        );
        assert!(width(&browser, ".member-card svg.qr").await >= 200.0);
        browser.resize(super::browser::Width::Desktop).await;
    }
    browser.stop().await;
    app.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_referral_link_is_shown_as_text_and_offered_to_copy_and_to_share() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    app.member_signs_in(&browser).await;
    for (lang, copied, shared) in [
        ("en", "Link copied", "Shared"),
        ("zh-CN", "链接已复制", "已分享"),
    ] {
        app.portal_in(&browser, lang, "/portal/refer").await;
        let link = browser.text("#share-link").await;
        let code = browser.text("#referral-code").await;
        assert_eq!(link, app.url(&format!("/portal/join?code={code}")));
        let title = browser.run("return document.title;").await;
        assert!(
            !title.as_str().unwrap_or_default().contains('<'),
            "the title (which sharing sends) is words, not markup: {title}"
        );
        browser.shots(&format!("portal-refer-{lang}")).await;

        // Where the browser has no share sheet (as on a desktop), sharing copies the link.
        browser
            .run(
                "window.__copied = null; navigator.share = undefined;\
                 navigator.clipboard.writeText = (t) => { window.__copied = t; return Promise.resolve(); };\
                 return true;",
            )
            .await;
        browser.tick("#share").await;
        shows(&browser, "#share-status", copied).await;
        assert_eq!(browser.run("return window.__copied;").await, link.as_str());
        browser.run("window.__copied = null; return true;").await;
        browser.tick("#copy-link").await;
        assert_eq!(browser.run("return window.__copied;").await, link.as_str());

        // Where it has one (as on a phone), sharing hands it the link.
        browser
            .run(
                "navigator.share = (d) => { window.__shared = d; return Promise.resolve(); }; return true;",
            )
            .await;
        browser.tick("#share").await;
        shows(&browser, "#share-status", shared).await;
        assert_eq!(
            browser.run("return window.__shared.url;").await,
            link.as_str()
        );
        browser.shots(&format!("portal-refer-shared-{lang}")).await;
    }
    browser.stop().await;
    app.stop();
}

/// Redeems the test program's `five_off` for the member; returns the redemption's id and its
/// coupon's code.
async fn redeem_five_off(app: &App, key: &str) -> (i64, String) {
    let done = app
        .engine
        .redeem_reward(laurel_engine::RedeemRewardRequest {
            partner: None,
            member_id: app.member,
            reward_id: "five_off".into(),
            quantity: 1,
            idempotency_key: key.into(),
        })
        .await
        .unwrap();
    let r = done.redemption;
    (r.redemption_id, r.coupons[0].code.clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coupons_are_grouped_by_where_they_stand_and_an_empty_group_is_not_shown() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    super::buy(&app.engine, app.member, "o-2", "300").await;
    let (_, ready) = redeem_five_off(&app, "k-ready").await;
    let (_, used) = redeem_five_off(&app, "k-used").await;
    let (cancelled, _) = redeem_five_off(&app, "k-cancelled").await;
    app.engine
        .consume_coupon(laurel_engine::ConsumeCouponRequest {
            code: used.clone(),
            order_id: "A-1".into(),
            checkout: laurel_engine::CheckoutRequest {
                channel: laurel_core::Channel::Pos,
                store: None,
                currency: "CNY".into(),
                total: rust_decimal::Decimal::new(2000, 2),
                lines: Vec::new(),
            },
        })
        .await
        .unwrap();
    app.engine
        .cancel_redemption(cancelled, "staff:admin@example.com")
        .await
        .unwrap();
    app.member_signs_in(&browser).await;
    for (lang, headings) in [
        ("en", ["Ready to use", "Used", "Cancelled"]),
        ("zh-CN", ["可使用", "已使用", "已取消"]),
    ] {
        app.portal_in(&browser, lang, "/portal/coupons").await;
        let shown = browser
            .run("return [...document.querySelectorAll('#redemptions section.group')].map(s => s.id);")
            .await;
        assert_eq!(
            shown,
            serde_json::json!(["group-ready", "group-used", "group-cancelled"]),
            "[{lang}] ready first, and no expired group: none expired"
        );
        for (group, heading) in ["ready", "used", "cancelled"].iter().zip(headings) {
            let h = browser.text(&format!("#group-{group}-h")).await;
            assert!(h.starts_with(heading) && h.contains("(1)"), "[{lang}] {h}");
        }
        assert!(browser.text("#group-ready").await.contains(&ready));
        let expires = if lang == "en" {
            "Valid until"
        } else {
            "有效期至"
        };
        for group in ["ready", "used", "cancelled"] {
            let text = browser.text(&format!("#group-{group}")).await;
            assert!(
                text.contains(expires),
                "[{lang}] each shows its expiry: {text}"
            );
        }
        browser.shots(&format!("portal-coupons-{lang}")).await;
    }
    browser.stop().await;
    app.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_says_where_a_purchase_was_what_was_redeemed_and_which_friend_joined() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    let engine = &app.engine;
    engine
        .purchase(laurel_engine::PurchaseRequest {
            partner: None,
            member: laurel_engine::MemberRef::Id(app.member),
            order_id: "o-store".into(),
            channel: laurel_core::Channel::Pos,
            store: Some("Nanjing Road".into()),
            currency: "CNY".into(),
            total: "88.50".parse().unwrap(),
            lines: Vec::new(),
            occurred_at: jiff::Timestamp::now(),
        })
        .await
        .unwrap();
    redeem_five_off(&app, "k-history").await;
    let code = engine.referrals(app.member, 10).await.unwrap().code;
    for (external_id, name) in [("FRIEND-77", Some("Li Na")), ("FRIEND-78", None)] {
        let friend = engine
            .enroll(laurel_engine::EnrollRequest {
                external_id: external_id.into(),
                email: Some(format!("{external_id}@example.com")),
                phone: None,
                name: name.map(Into::into),
                birthday: None,
                channel: laurel_core::Channel::Pos,
                attributes: Default::default(),
                referral_code: Some(code.clone()),
                enrolled_at: None,
                device: None,
            })
            .await
            .unwrap()
            .id
            .0;
        super::buy(engine, friend, &format!("{external_id}-first"), "50").await;
    }
    app.member_signs_in(&browser).await;
    for (lang, words) in [
        (
            "en",
            [
                "Purchase at Nanjing Road: CNY 88.50",
                "Purchase: CNY 120.00",
                "Reward: ¥5 off",
                "Your friend Li joined",
                "A friend you invited joined",
            ],
        ),
        (
            "zh-CN",
            [
                "在 Nanjing Road 消费 ¥88.50",
                "消费 ¥120.00",
                "¥5 off",
                "您邀请的好友 Li 已加入",
                "您邀请的一位好友已加入",
            ],
        ),
    ] {
        app.portal_in(&browser, lang, "/portal/history").await;
        let history = browser.text(".activity").await;
        for said in words {
            assert!(history.contains(said), "[{lang}] `{said}` in {history}");
        }
        assert!(
            !history.contains("FRIEND-7"),
            "[{lang}] no other member's id: {history}"
        );
        browser.shots(&format!("portal-history-{lang}")).await;
    }
    let download = browser
        .run("return fetch('/portal/data').then(r => r.text());")
        .await;
    let download = download.as_str().unwrap_or_default();
    assert!(
        download.contains("\"referral\"") && !download.contains("FRIEND-7"),
        "the download names no other member either: {download}"
    );
    browser.stop().await;
    app.stop();
}

/// The times a wait that began between `from` and `to` ends, an hour later, to the minute as
/// a page in `lang` shows them in the program's time zone.
fn an_hour_after(lang: &str, from: jiff::Timestamp, to: jiff::Timestamp) -> Vec<String> {
    let format = if lang == "en" {
        "%-d %b %Y, %H:%M"
    } else {
        "%Y年%-m月%-d日 %H:%M"
    };
    let mut at = from + jiff::SignedDuration::from_hours(1);
    let end = to + jiff::SignedDuration::from_hours(1);
    let mut times = Vec::new();
    while at <= end + jiff::SignedDuration::from_mins(1) {
        let local = at.to_zoned_datetime(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap());
        times.push(local.strftime(format).to_string());
        at += jiff::SignedDuration::from_mins(1);
    }
    times
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_sign_in_says_when_to_try_again_in_the_programs_time_zone() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    let letter = laurel_engine::SignInLetter {
        subject: "code".into(),
        body: "{code}".into(),
    };
    for (lang, dead, locked) in [
        ("en", "no longer works", "Too many codes"),
        ("zh-CN", "已失效", "过于频繁"),
    ] {
        let email = format!("locked-{}@example.com", lang.to_lowercase());
        app.engine
            .enroll(laurel_engine::EnrollRequest {
                external_id: format!("LOCKED-{lang}"),
                email: Some(email.clone()),
                phone: None,
                name: None,
                birthday: None,
                channel: laurel_core::Channel::Pos,
                attributes: Default::default(),
                referral_code: None,
                enrolled_at: None,
                device: None,
            })
            .await
            .unwrap();
        let from = jiff::Timestamp::now();
        for _ in 0..4 {
            app.engine
                .request_sign_in_code(&email, &letter)
                .await
                .unwrap();
        }
        app.portal_in(&browser, lang, "/portal/login").await;
        browser.fill("#email", &email).await;
        browser.click("#send-code").await;
        let right = app.code_sent_to(&email).await;
        let to = jiff::Timestamp::now();
        let wrong = if right == "000000" {
            "000001"
        } else {
            "000000"
        };
        for _ in 0..6 {
            browser.fill("#code", wrong).await;
            browser.click("#check-code").await;
        }
        let times = an_hour_after(lang, from, to);
        let said = browser.text("#code-error").await;
        assert!(
            said.contains(dead) && times.iter().any(|t| said.contains(t.as_str())),
            "[{lang}] the code is dead and a new one may be asked at one of {times:?}: {said}"
        );
        if lang == "zh-CN" {
            all_chinese(&browser, "a dead code").await;
        }
        browser.shots(&format!("portal-code-dead-{lang}")).await;

        browser.go(&app.url("/portal/login")).await;
        browser.fill("#email", &email).await;
        browser.click("#send-code").await;
        let said = browser.text("#email-error").await;
        assert!(
            said.contains(locked) && times.iter().any(|t| said.contains(t.as_str())),
            "[{lang}] sending is locked until one of {times:?}: {said}"
        );
        if lang == "zh-CN" {
            all_chinese(&browser, "a locked sign-in").await;
        }
        browser
            .shots(&format!("portal-sign-in-locked-{lang}"))
            .await;
    }
    browser.stop().await;
    app.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn my_data_is_a_page_to_read_with_purchases_and_times_in_the_programs_zone_beside_the_json() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    redeem_five_off(&app, "k-data").await;
    let joined = app
        .engine
        .member(&laurel_engine::MemberRef::Id(app.member))
        .await
        .unwrap()
        .profile
        .enrolled_at
        .to_zoned_datetime(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap());
    app.member_signs_in(&browser).await;
    for (lang, purchase, joined_at, offset) in [
        (
            "en",
            "Purchase: CNY 120.00",
            joined.strftime("%-d %b %Y, %H:%M").to_string(),
            "UTC+08:00",
        ),
        (
            "zh-CN",
            "消费 ¥120.00",
            joined.strftime("%Y年%-m月%-d日 %H:%M").to_string(),
            "UTC+08:00",
        ),
    ] {
        app.portal_in(&browser, lang, "/portal").await;
        browser.click("a[href='/portal/my-data']").await;
        assert_eq!(
            browser.path().await,
            "/portal/my-data",
            "[{lang}] the footer leads here"
        );
        assert!(browser.text("main").await.contains(offset), "[{lang}]");
        assert_eq!(browser.text("#data-joined").await, joined_at, "[{lang}]");
        assert!(browser.text("#data-profile").await.contains("CUST-42"));
        let purchases = browser.text("#data-purchases").await;
        assert!(
            purchases.contains(purchase) && purchases.contains("+120"),
            "[{lang}] {purchases}"
        );
        assert!(browser.text("#data-rewards").await.contains("¥5 off"));
        assert!(browser.text("#data-history").await.contains("-100"));
        if lang == "zh-CN" {
            all_chinese(&browser, "/portal/my-data").await;
        }
        browser.shots(&format!("portal-my-data-{lang}")).await;
        let json = browser
            .run("return fetch(document.querySelector('#download-json').href).then(r => r.json());")
            .await;
        assert_eq!(json["purchases"][0]["order_id"], "o-1", "[{lang}] {json}");
    }
    browser.stop().await;
    app.stop();
}

/// Opens the console's `path` in `lang`, checking a Chinese page is all Chinese.
pub(super) async fn console_in(app: &App, browser: &Browser, lang: &str, path: &str) {
    browser
        .go(&app.url(&format!("/admin/lang?to={lang}&back={path}")))
        .await;
    if lang == "zh-CN" {
        all_chinese(browser, path).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_reply_to_a_report_the_member_reads_it_and_answers_and_each_side_sees_who_waits() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    app.member_signs_in(&browser).await;
    browser.go(&app.url("/portal/help")).await;
    browser.fill("#message", "周一的积分不见了。").await;
    browser.click("#send-report").await;
    let report = app.engine.open_reports(1).await.unwrap()[0].id;

    app.sign_in(&browser, "support@example.com").await;
    for (lang, open, action) in [
        ("en", "Open: waiting for us", "Read and reply"),
        ("zh-CN", "待处理", "查看并回复"),
    ] {
        console_in(&app, &browser, lang, "/admin/reports").await;
        let row = browser.text(&format!("#report-{report}")).await;
        assert!(
            row.contains("Wang Mei") && row.contains(open) && row.contains(action),
            "[{lang}] the member by name, the state and what to do: {row}"
        );
        browser.shots(&format!("member-reports-{lang}")).await;
    }
    browser.click(&format!("#open-{report}")).await;
    browser.fill("#reply", "已找到并补回。").await;
    browser.click("#send-reply").await;
    assert!(browser.text("#replied").await.contains("回复已发送"));
    assert!(browser.text("#report-state").await.contains("等待会员"));
    all_chinese(&browser, "a report with a reply").await;
    browser.shots("member-report-zh-CN").await;
    console_in(&app, &browser, "en", &format!("/admin/reports/{report}")).await;
    assert!(
        browser
            .text("#thread")
            .await
            .contains("staff:support@example.com"),
        "staff see who replied"
    );
    browser.shots("member-report-en").await;

    for (lang, answered, from_staff) in [
        ("en", "Our team replied", "Our team"),
        ("zh-CN", "客服已回复", "客服"),
    ] {
        app.portal_in(&browser, lang, "/portal/help").await;
        assert!(
            browser
                .text(&format!("#report-{report}-state"))
                .await
                .contains(answered),
            "[{lang}]"
        );
        let thread = browser.text(&format!("#report-{report} .thread")).await;
        assert!(
            thread.contains(from_staff)
                && thread.contains("已找到并补回。")
                && !thread.contains("support@example.com"),
            "[{lang}] the reply, from the team, not a person's address: {thread}"
        );
        browser.shots(&format!("portal-help-{lang}")).await;
    }
    browser.fill(&format!("#answer-{report}"), "谢谢！").await;
    browser.click(&format!("#send-answer-{report}")).await;
    assert!(browser.text("#answer-sent").await.contains("已发送"));
    assert!(
        browser
            .text(&format!("#report-{report}-state"))
            .await
            .contains("等待客服"),
        "an answer puts it before staff again"
    );

    console_in(&app, &browser, "en", "/admin/reports").await;
    assert!(
        browser
            .text(&format!("#state-{report}"))
            .await
            .contains("Open")
    );
    browser.click(&format!("#open-{report}")).await;
    assert!(browser.text("#thread").await.contains("谢谢！"));
    browser.click("#close-report").await;
    assert!(browser.text("#queue-empty").await.contains("empty"));
    let audit = app.engine.audit_log(10).await.unwrap();
    assert_eq!(audit[0].action, "report.resolve");
    assert_eq!(audit[1].action, "report.reply");
    browser.stop().await;
    app.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_changes_email_and_phone_with_an_emailed_code_and_asks_to_close_the_account() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    app.member_signs_in(&browser).await;

    app.portal_in(&browser, "en", "/portal/profile").await;
    browser.shots("portal-profile-en").await;
    browser.fill("#new-email", "Mei.New@Example.com").await;
    browser.click("#change-email").await;
    assert!(
        browser
            .text("#change-code-sent")
            .await
            .contains("Mei.New@Example.com")
    );
    browser.shots("portal-change-code-en").await;
    let code = app.code_sent_to("mei.new@example.com").await;
    browser.fill("#change-code", &code).await;
    browser.click("#confirm-change").await;
    assert!(
        browser
            .text("#changed")
            .await
            .contains("Your email is changed")
    );
    assert!(browser.text("main").await.contains("Mei.New@Example.com"));

    app.portal_in(&browser, "zh-CN", "/portal/profile").await;
    browser.fill("#new-phone", "139 0000 2222").await;
    browser.click("#change-phone").await;
    assert!(
        browser
            .text("#change-code-sent")
            .await
            .contains("Mei.New@Example.com"),
        "a phone's code goes to the email on file"
    );
    all_chinese(&browser, "the code for a new phone").await;
    browser.shots("portal-change-code-zh-CN").await;
    let code = app.code_sent_to("mei.new@example.com").await;
    browser.fill("#change-code", &code).await;
    browser.click("#confirm-change").await;
    assert!(browser.text("#changed").await.contains("手机号已更改"));
    assert!(browser.text("main").await.contains("139 0000 2222"));
    all_chinese(&browser, "a changed phone").await;

    browser.click("#ask-close").await;
    assert!(
        browser
            .text("#changed")
            .await
            .contains("注销账户的申请已提交")
    );
    assert!(browser.text("#closing").await.contains("申请注销账户"));
    all_chinese(&browser, "a closing account").await;
    browser.shots("portal-profile-zh-CN").await;
    let queue = app.engine.open_reports(5).await.unwrap();
    assert_eq!(queue[0].category, "close_account");
    assert_eq!(queue[0].message, "请注销我的账户。");
    app.portal_in(&browser, "en", "/portal/profile").await;
    assert!(
        browser
            .text("#closing")
            .await
            .contains("You asked to close")
    );
    browser.shots("portal-profile-closing-en").await;
    browser.stop().await;
    app.stop();
}
