//! The admin pages in the browser: the dashboard's charts, the audit log, staff accounts and
//! API keys, and support staff refused all but the charts' absence.

use super::*;

/// Signs out through the page's own button.
async fn sign_out(browser: &Browser) {
    browser.click(".who button[type=submit]").await;
    assert_eq!(browser.path().await, "/admin/login");
}

/// Chooses `value` in the `<select>` `css`.
pub(super) async fn choose(browser: &Browser, css: &str, value: &str) {
    browser
        .run(&format!(
            "document.querySelector('{css}').value = '{value}'; return true;"
        ))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_sees_the_dashboard_charts_in_the_page_language() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    app.sign_in(&browser, "admin@example.com").await;
    assert_eq!(browser.path().await, "/admin/dashboard");
    let charts = browser
        .run("return document.querySelectorAll('main svg.chart[role=img]').length;")
        .await;
    assert_eq!(charts, 2, "points and new members");
    let title = browser
        .run("return document.querySelector('#points-chart svg title').textContent;")
        .await;
    assert!(
        title
            .as_str()
            .unwrap()
            .contains("120 issued and 0 redeemed"),
        "the chart names its figures: {title}"
    );
    assert!(browser.text("#members-chart").await.contains("New members"));
    browser.screenshot("dashboard").await;

    browser.click("#lang-zh-CN").await;
    let title = browser
        .run("return document.querySelector('#members-chart svg title').textContent;")
        .await;
    assert!(title.as_str().unwrap().contains("共 1 人"), "{title}");
    let labels = browser
        .run("return document.querySelector('#points-chart svg').textContent;")
        .await;
    assert!(
        labels.as_str().unwrap().contains('月'),
        "dated in Chinese: {labels}"
    );
    assert!(
        browser
            .text("#points-chart .legend")
            .await
            .contains("发放积分")
    );
    browser.screenshot("dashboard-zh-CN").await;
    browser.stop().await;
    app.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_tells_an_adjustment_in_words_with_the_balance_it_moved() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    app.sign_in(&browser, "admin@example.com").await;
    browser
        .go(&app.url(&format!("/admin/members/{}", app.member)))
        .await;
    browser.fill("#points", "50").await;
    browser.fill("#reason", "coffee was cold").await;
    browser.click("#adjust-submit").await;
    assert_eq!(app.available().await, 170);

    browser.click("a[href='/admin/audit']").await;
    let row = browser.text("#audit tbody tr").await;
    for expected in [
        "admin person",
        "Adjusted points",
        &format!("Member {}", app.member),
        "Available points 120 → 170. Reason: coffee was cold",
    ] {
        assert!(
            row.contains(expected),
            "`{expected}` in the newest row: {row}"
        );
    }
    browser
        .click(&format!("#audit a[href='/admin/members/{}']", app.member))
        .await;
    assert_eq!(
        browser.path().await,
        format!("/admin/members/{}", app.member),
        "the subject links to the member"
    );
    browser.screenshot("audit").await;
    browser.stop().await;
    app.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_adds_a_support_member_who_can_then_sign_in() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    app.sign_in(&browser, "admin@example.com").await;
    browser.click("a[href='/admin/staff']").await;
    assert!(browser.text("#staff").await.contains("support@example.com"));

    // An email already in use is refused next to the field, and nothing is created.
    browser.fill("#staff-email", "support@example.com").await;
    browser.fill("#staff-name", "Copy").await;
    choose(&browser, "#staff-role", "support").await;
    browser.fill("#staff-password", PASSWORD).await;
    browser.click("#staff-submit").await;
    assert!(
        browser
            .text("#email-error")
            .await
            .contains("already signs in")
    );
    assert_eq!(
        browser
            .run("return document.querySelector('#staff-password').value;")
            .await,
        "",
        "the password is never sent back"
    );

    browser.fill("#staff-email", "li.na@example.com").await;
    browser.fill("#staff-name", "Li Na").await;
    browser.fill("#staff-password", PASSWORD).await;
    browser.click("#staff-submit").await;
    assert!(
        browser
            .text("#staff-notice")
            .await
            .contains("li.na@example.com")
    );
    let list = browser.text("#staff").await;
    assert!(list.contains("Li Na") && list.contains("Support"), "{list}");
    browser.screenshot("staff").await;

    let audit = app.engine.audit_log(10).await.unwrap();
    assert_eq!(audit[0].action, "staff.create");
    let after = audit[0].after.clone().unwrap();
    assert!(after.contains("li.na@example.com") && after.contains("support"));
    assert!(!after.contains(PASSWORD), "the password is not audited");

    sign_out(&browser).await;
    app.sign_in(&browser, "li.na@example.com").await;
    assert_eq!(
        browser.path().await,
        "/admin/members",
        "support staff start at the members"
    );
    assert!(browser.text(".who").await.contains("Li Na"));
    browser.stop().await;
    app.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_creates_an_api_key_sees_it_once_and_revokes_it() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    app.sign_in(&browser, "admin@example.com").await;
    browser.click("a[href='/admin/api-keys']").await;
    browser.fill("#key-name", "till 7").await;
    choose(&browser, "#key-scope", "pos").await;
    browser.click("#key-submit").await;
    let key = browser.text("#new-key").await;
    assert!(key.starts_with("lrl_pos_"), "{key}");
    browser.screenshot("api-key-created").await;
    let principal = app.engine.authenticate(&key).await.unwrap().unwrap();
    assert_eq!(principal.name, "till 7");

    browser.click("#keys-back").await;
    let list = browser.text("#keys").await;
    assert!(
        list.contains("till 7") && list.contains(&principal.prefix),
        "{list}"
    );
    assert!(!list.contains(&key), "the list never shows the key");
    browser.screenshot("api-keys").await;

    browser
        .click(&format!("#revoke-{}", principal.key_id))
        .await;
    assert!(browser.text("#keys-notice").await.contains("revoked"));
    assert!(browser.text("#keys").await.contains("Revoked"));
    assert_eq!(
        app.engine.authenticate(&key).await.unwrap(),
        None,
        "a revoked key authenticates nothing, at once"
    );
    let audit = app.engine.audit_log(10).await.unwrap();
    let actions: Vec<&str> = audit.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(actions[..2], ["api_key.revoke", "api_key.create"]);
    assert!(
        audit
            .iter()
            .all(|a| !a.after.clone().unwrap_or_default().contains(&key)),
        "the key is not audited"
    );
    browser.stop().await;
    app.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn support_staff_are_refused_the_admin_pages() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    app.sign_in(&browser, "support@example.com").await;
    let nav = browser.text("nav").await;
    assert!(
        !nav.contains("Audit") && !nav.contains("Staff") && !nav.contains("API keys"),
        "no links to what they may not see: {nav}"
    );
    for path in ["/admin/audit", "/admin/staff", "/admin/api-keys"] {
        browser.go(&app.url(path)).await;
        assert!(browser.text("h1").await.starts_with("403"), "{path}");
        assert!(
            browser
                .text("#error-message")
                .await
                .contains("role does not allow"),
            "{path}"
        );
    }
    browser.stop().await;
    app.stop();
}
