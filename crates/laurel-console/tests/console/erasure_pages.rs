//! Erasure in the browser: a member asks from the portal to close their account; the request
//! waits in the console's privacy register; an admin erases them from it (the form asks them to
//! tick that it cannot be undone), their page then shows no personal data, their portal session is
//! gone, and the register records the erasure — in both languages. Support staff see no
//! erasure form.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_members_request_waits_in_the_register_and_an_admin_erases_them() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    let id = app.member;
    app.member_signs_in(&browser).await;
    app.portal_in(&browser, "en", "/portal/profile").await;
    browser.click("#ask-close").await;

    app.sign_in(&browser, "support@example.com").await;
    browser.go(&app.url(&format!("/admin/members/{id}"))).await;
    assert!(
        !browser.text("main").await.contains("Erase personal data"),
        "support staff may not erase"
    );
    browser.go(&app.url("/admin/logout")).await;

    app.sign_in(&browser, "admin@example.com").await;
    member_portal::console_in(&app, &browser, "en", "/admin/privacy").await;
    assert!(
        browser
            .text(&format!("#request-{id}"))
            .await
            .contains(&format!("#{id}"))
    );
    browser.shots("privacy-waiting-en").await;
    browser
        .tick(&format!("#request-{id} input[name=confirm]"))
        .await;
    browser.click(&format!("#erase-{id}")).await;

    assert!(browser.text("#erased").await.contains("erased"));
    assert_eq!(browser.text("#status").await, "Erased");
    let page = browser.text("main").await;
    for personal in ["Wang Mei", "mei@example.com", "138 0013 8000", "CUST-42"] {
        assert!(!page.contains(personal), "`{personal}` still shown: {page}");
    }
    browser.shots("member-erased-en").await;

    member_portal::console_in(&app, &browser, "zh-CN", "/admin/privacy").await;
    assert!(browser.text("#waiting-empty").await.contains("没有"));
    assert!(browser.text("#register .state").await.contains("已删除"));
    browser.shots("privacy-register-zh-CN").await;

    browser.go(&app.url("/portal")).await;
    assert!(
        browser
            .run("return location.pathname;")
            .await
            .as_str()
            .is_some_and(|path| path.starts_with("/portal/login")),
        "the member's session ended with the erasure"
    );
    let store = app.engine.store();
    for personal in [
        "mei@example.com",
        "Wang Mei",
        "CUST-42",
        "Please close my account",
    ] {
        assert_eq!(
            store.find_text(personal).await.unwrap(),
            Vec::new(),
            "`{personal}` left in the database"
        );
    }
    browser.stop().await;
    app.stop();
}
