//! Consent and the privacy notice in the browser, in both languages. A member withdraws
//! profiling and gives e-mail on their profile: "My data" shows both now and each change with
//! where it was made, and so does the member's page for staff, on both backends. The privacy
//! notice, readable signed out and linked from the sign-in page, says what the program does:
//! that no one was named to answer for the data until `[privacy]` names them, and then the
//! controller, the contact, the partners by name and the days inactive members are kept.

use super::member_portal::console_in;
use super::{App, Browser, PROGRAM};

/// The program with a controller, a contact, a year's retention and a partner.
fn named_program() -> String {
    format!(
        r#"{PROGRAM}
[privacy]
controller = "云南咖啡有限公司"
contact = "privacy@console-coffee.example"
retention_days = 365
retention_warning_days = 30

[[partners]]
code = "bakery"
name = {{ en = "Yunnan Bakery", zh-CN = "云南面包坊" }}
price_per_point = "0.008"
reimbursement_per_point = "0.006"
"#
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_members_changes_of_consent_are_shown_with_where_they_were_made_to_them_and_to_staff() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    for (name, db) in laurel_testkit::backends() {
        let app = App::start_on(db, None).await;
        app.member_signs_in(&browser).await;
        app.portal_in(&browser, "en", "/portal/profile").await;
        let profiling = browser
            .run("return document.querySelector('#consent-profiling').checked;")
            .await;
        assert_eq!(profiling, true, "[{name}] profiling runs until withdrawn");
        browser.tick("#consent-profiling").await;
        browser.tick("#consent-email").await;
        browser.click("#save-profile").await;
        browser.click("#save-profile").await;

        for (lang, withdrawn, given) in [("en", "withdrawn", "given"), ("zh-CN", "撤回", "同意")]
        {
            app.portal_in(&browser, lang, "/portal/my-data").await;
            let history = browser.text("#consent-history").await;
            let changes = browser
                .run("return document.querySelectorAll('#consent-history li').length;")
                .await;
            assert_eq!(
                changes, 2,
                "[{name}] [{lang}] saved twice, changed once: {history}"
            );
            assert!(
                history.contains(withdrawn) && history.contains(given),
                "[{name}] [{lang}] {history}"
            );
            let now = browser
                .run("return document.querySelector('#consent-now-profiling').dataset.given;")
                .await;
            assert_eq!(now, "false", "[{name}] [{lang}]");
            browser.shots(&format!("consent-my-data-{lang}")).await;
        }

        app.sign_in(&browser, "admin@example.com").await;
        for (lang, source) in [("en", "on the profile page"), ("zh-CN", "在个人资料页")] {
            console_in(
                &app,
                &browser,
                lang,
                &format!("/admin/members/{}", app.member),
            )
            .await;
            let section = browser.text("#member-consents").await;
            assert!(section.contains(source), "[{name}] [{lang}] {section}");
            let email = browser
                .run("return document.querySelector('#consent-now-email').dataset.given;")
                .await;
            assert_eq!(email, "true", "[{name}] [{lang}]");
        }
        app.stop();
    }
    browser.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_privacy_notice_says_what_the_program_does_in_both_languages() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    browser.go(&app.url("/portal/login")).await;
    browser.click("#login-privacy").await;
    assert_eq!(
        browser.path().await,
        "/portal/privacy",
        "readable signed out"
    );
    for (lang, unnamed, kept) in [
        ("en", "has not yet named", "kept while the program runs"),
        ("zh-CN", "尚未指明", "一直保存"),
    ] {
        app.portal_in(&browser, lang, "/portal/privacy").await;
        let who = browser.text("#privacy-who").await;
        assert!(
            who.contains(unnamed),
            "[{lang}] no controller invented: {who}"
        );
        let how_long = browser.text("#privacy-how_long").await;
        assert!(how_long.contains(kept), "[{lang}] {how_long}");
        let shared = browser.text("#privacy-shared").await;
        assert!(
            !shared.contains("Bakery") && !shared.contains("面包"),
            "[{lang}] {shared}"
        );
    }

    app.put_in_force(named_program()).await;
    for (lang, partner, days) in [
        ("en", "Yunnan Bakery", "365 days"),
        ("zh-CN", "云南面包坊", "365 天"),
    ] {
        app.portal_in(&browser, lang, "/portal/privacy").await;
        let who = browser.text("#privacy-who").await;
        assert!(
            who.contains("云南咖啡有限公司") && who.contains("privacy@console-coffee.example"),
            "[{lang}] {who}"
        );
        let shared = browser.text("#privacy-shared").await;
        assert!(
            shared.contains(partner),
            "[{lang}] partners named: {shared}"
        );
        let how_long = browser.text("#privacy-how_long").await;
        assert!(how_long.contains(days), "[{lang}] {how_long}");
        let letters = browser.text("#privacy-letters").await;
        assert!(!letters.is_empty(), "[{lang}]");
        browser.shots(&format!("privacy-notice-{lang}")).await;
    }
    browser.stop().await;
    app.stop();
}
