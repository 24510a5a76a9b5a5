//! The member portal in a real browser: a member signs in with the code emailed to them,
//! redeems a reward and sees its coupon as text and QR code; the portal speaks their
//! language; their profile, consent and reports are kept.

use super::{App, Browser};
use laurel_core::Channel;
use laurel_engine::{CheckoutRequest, ConsumeCouponRequest, Mailer, NewMessage};
use rust_decimal::Decimal;
use std::sync::Mutex;

/// The outbox's deliveries, kept instead of mailed.
#[derive(Default)]
struct Inbox(Mutex<Vec<NewMessage>>);

impl Mailer for Inbox {
    async fn send(&self, message: &NewMessage) -> Result<(), String> {
        self.0.lock().unwrap().push(message.clone());
        Ok(())
    }
}

impl App {
    /// Delivers the outbox and reads the newest code sent to `email`.
    pub(crate) async fn code_sent_to(&self, email: &str) -> String {
        let inbox = Inbox::default();
        self.engine.deliver_outbox(&inbox).await.unwrap();
        let sent = inbox.0.lock().unwrap();
        let body = &sent
            .iter()
            .rev()
            .find(|m| m.recipient == email)
            .expect("a message to the member")
            .body;
        body.split(|c: char| !c.is_ascii_digit())
            .find(|w| w.len() == 6)
            .expect("a six-digit code in the message")
            .to_owned()
    }

    /// Signs the member in through the portal's two forms.
    pub(crate) async fn member_signs_in(&self, browser: &Browser) {
        browser.go(&self.url("/portal/login")).await;
        browser.fill("#email", "Mei@Example.com").await;
        browser.click("#send-code").await;
        let code = self.code_sent_to("mei@example.com").await;
        browser.fill("#code", &code).await;
        browser.click("#check-code").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_signs_in_with_an_emailed_code_redeems_a_reward_and_sees_the_coupon() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    browser.go(&app.url("/portal")).await;
    assert_eq!(
        browser.path().await,
        "/portal/login",
        "signed out: to sign-in"
    );
    browser.screenshot("portal-login").await;

    browser.fill("#email", "mei@example.com").await;
    browser.click("#send-code").await;
    assert!(browser.text("#code-sent").await.contains("mei@example.com"));
    let code = app.code_sent_to("mei@example.com").await;
    let wrong = if code == "000000" { "000001" } else { "000000" };
    browser.fill("#code", wrong).await;
    browser.click("#check-code").await;
    assert!(
        browser.text("#code-error").await.contains("not the code"),
        "a wrong code is refused next to the field"
    );
    browser.fill("#code", &code).await;
    browser.click("#check-code").await;
    assert_eq!(browser.path().await, "/portal");
    assert_eq!(browser.text("#available").await, "120");
    browser.screenshot("portal-home").await;

    browser.go(&app.url("/portal/rewards")).await;
    browser.screenshot("portal-rewards").await;
    browser.click("#choose-five_off").await;
    assert_eq!(browser.text("#after").await, "20");
    browser.click("#confirm-redeem").await;
    let coupon_page = browser.path().await;
    assert!(coupon_page.starts_with("/portal/coupons/"));
    assert!(browser.text("#redeemed").await.contains("Done"));
    let shown = browser.text("#coupon-code").await;
    assert_eq!(shown.len(), 19, "a coupon code of four groups: {shown}");
    let qr = browser
        .run("return document.querySelectorAll('svg.qr path').length;")
        .await;
    assert_eq!(
        qr,
        serde_json::json!(1),
        "the QR code is drawn inline as SVG"
    );
    browser.screenshot("portal-coupon").await;

    let coupon = app.engine.coupon(&shown).await.unwrap();
    assert_eq!(coupon.status, "active");
    assert_eq!(app.available().await, 20, "100 points were spent once");
    browser.go(&app.url("/portal/coupons")).await;
    assert!(browser.text("#redemptions").await.contains(&shown));

    browser.go(&app.url("/portal/history?show=spent")).await;
    let spent = browser.text(".activity").await;
    assert!(
        spent.contains("Redeemed") && spent.contains("-100"),
        "{spent}"
    );
    assert!(!spent.contains("Earned"), "the filter shows spending only");

    // Staff find the coupon however it is typed, and see the catalog count it.
    app.sign_in(&browser, "support@example.com").await;
    let typed = shown.replace('-', "").to_lowercase();
    browser
        .go(&app.url(&format!("/admin/rewards?code={typed}")))
        .await;
    assert_eq!(browser.text("#coupon-status").await, "Ready to use");
    let row = browser.text("#reward-five_off").await;
    assert!(row.contains("¥5 off") && row.contains('1'), "{row}");
    browser.screenshot("rewards").await;

    // Used at a till, the coupon says so everywhere, and its QR code and till hint are gone.
    app.engine
        .consume_coupon(ConsumeCouponRequest {
            code: shown.clone(),
            order_id: "A-1".into(),
            checkout: CheckoutRequest {
                channel: Channel::Pos,
                store: None,
                currency: "CNY".into(),
                total: Decimal::new(2000, 2),
                lines: Vec::new(),
            },
        })
        .await
        .unwrap();
    browser
        .go(&app.url(&format!("/admin/rewards?code={typed}")))
        .await;
    assert_eq!(browser.text("#coupon-status").await, "Used");
    let count = |selector: &str| format!("return document.querySelectorAll('{selector}').length;");
    for (lang, used, ready) in [
        ("en", "Used", "Ready to use"),
        ("zh-CN", "已使用", "可使用"),
    ] {
        browser
            .go(&app.url(&format!("/portal/lang?to={lang}&back={coupon_page}")))
            .await;
        let page = browser.text("main").await;
        assert!(
            page.contains(used) && !page.contains(ready),
            "[{lang}] {page}"
        );
        assert_eq!(browser.run(&count("svg.qr")).await, serde_json::json!(0));
        assert_eq!(
            browser.run(&count("#show-at-till")).await,
            serde_json::json!(0)
        );
        browser.go(&app.url("/portal/coupons")).await;
        let list = browser.text("#redemptions").await;
        assert!(
            list.contains(used) && !list.contains(ready),
            "[{lang}] {list}"
        );
        assert!(
            !list.contains(&shown),
            "[{lang}] a used code is not offered: {list}"
        );
    }
    browser.screenshot("portal-coupon-used").await;
    browser.stop().await;
    app.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_portal_speaks_chinese_keeps_the_profile_and_queues_a_report_staff_resolve() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    app.member_signs_in(&browser).await;
    browser.click("#lang-zh-CN").await;
    assert!(browser.text("h2#balance-h").await.contains("我的积分"));
    browser.screenshot("portal-home-zh-CN").await;

    browser.go(&app.url("/portal/profile")).await;
    browser.fill("#name", "王美").await;
    // A date field takes its value in the browser's own format; set it as the form sends it.
    browser
        .run("document.querySelector('#birthday').value = '1990-05-31'; return true;")
        .await;
    browser.tick("#consent-sms").await;
    browser.click("#save-profile").await;
    assert!(browser.text("#saved").await.contains("已保存"));
    let member = app
        .engine
        .member(&laurel_engine::MemberRef::Id(app.member))
        .await
        .unwrap();
    assert_eq!(member.profile.name.as_deref(), Some("王美"));
    assert_eq!(
        member.profile.birthday,
        Some(jiff::civil::date(1990, 5, 31))
    );
    assert!(app.engine.consents(app.member).await.unwrap().allows("sms"));

    browser.go(&app.url("/portal/help")).await;
    browser.tick("#category-abuse").await;
    browser.fill("#message", "有人用了我的券").await;
    browser.click("#send-report").await;
    assert!(browser.text("#report-sent").await.contains("感谢"));
    let queue = app.engine.open_reports(10).await.unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].category, "abuse");

    browser.go(&app.url("/portal/coupons/9999")).await;
    assert!(browser.text("#error-message").await.contains("不存在"));

    // Support staff, in the same browser (the console's cookies live under /admin), work the
    // queue and suspend the member, which signs them out of the portal.
    app.sign_in(&browser, "support@example.com").await;
    browser.go(&app.url("/admin/reports")).await;
    assert!(browser.text("#queue").await.contains("有人用了我的券"));
    browser.screenshot("member-reports").await;
    browser.click(&format!("#open-{}", queue[0].id)).await;
    browser.click("#close-report").await;
    assert!(browser.text("#queue-empty").await.contains("empty"));
    browser
        .go(&app.url(&format!("/admin/members/{}", app.member)))
        .await;
    browser.click("#suspend").await;
    assert_eq!(browser.text("#status").await, "Suspended");
    let audit = app.engine.audit_log(10).await.unwrap();
    assert_eq!(audit[0].action, "member.suspend");
    assert_eq!(audit[1].action, "report.resolve");
    browser.go(&app.url("/portal")).await;
    assert_eq!(
        browser.path().await,
        "/portal/login",
        "a suspended member's sessions end"
    );
    browser.stop().await;
    app.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_signs_in_with_the_code_from_their_inbox_on_a_real_smtp_server() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let Some(smtp) = laurel_testkit::smtp::SmtpServer::start() else {
        return;
    };
    let app = App::start().await;
    // The mailer `laurel serve --smtp-url` sends the outbox through.
    let url = smtp.url().parse::<laurel_notify::SmtpUrl>().unwrap();
    let mailer = laurel_notify::SmtpMailer::new(&url, "Coffee <club@coffee.example>").unwrap();

    browser.go(&app.url("/portal/login")).await;
    browser.fill("#email", "Mei@Example.com").await;
    let before = smtp.messages().len();
    browser.click("#send-code").await;
    assert_eq!(app.engine.deliver_outbox(&mailer).await.unwrap(), 1);
    let messages = smtp.wait_for(before + 1);
    let raw = messages
        .get(before)
        .expect("the letter reached the SMTP server");
    assert!(raw.contains("mei@example.com"), "{raw}");
    let body = raw
        .split_once("\r\n\r\n")
        .or_else(|| raw.split_once("\n\n"));
    let code = body
        .map(|(_, body)| body)
        .unwrap_or_default()
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap_or_else(|| panic!("a six-digit code in {raw}"))
        .to_owned();
    browser.fill("#code", &code).await;
    browser.click("#check-code").await;
    assert_eq!(
        browser.path().await,
        "/portal",
        "signed in with the code from the inbox"
    );
    assert_eq!(browser.text("#available").await, "120");
    app.stop();
    browser.stop().await;
}
