//! Maker-checker in the browser: an adjustment above the program's threshold is sent for
//! approval, not made; the queue shows it to its maker with withdraw only and to a second staff
//! member with approve and reject; approving applies it, rejecting applies nothing; the audit
//! log tells each step — in both languages.

use super::*;

/// Adjustments of more than 500 points and program changes wait for a second staff member.
const APPROVALS: &str = "\n[staff.approval]\nadjust_over = 500\nprogram_changes = true\n";

/// Signs out through the page's own button.
async fn sign_out(browser: &Browser) {
    browser.click(".who button[type=submit]").await;
    assert_eq!(browser.path().await, "/admin/login");
}

/// Shows the page in `tag` (`en`, `zh-CN`), whichever language it was in: the choice is kept
/// from one sign-in to the next.
async fn in_language(browser: &Browser, tag: &str) {
    let now = browser.run("return document.documentElement.lang;").await;
    if now.as_str() != Some(tag) {
        browser.click(&format!("#lang-{tag}")).await;
    }
}

/// The signed-in staff member asks for `points` points on the member's page.
async fn adjust(app: &App, browser: &Browser, points: &str, reason: &str) {
    browser
        .go(&app.url(&format!("/admin/members/{}", app.member)))
        .await;
    browser.fill("#points", points).await;
    browser.fill("#reason", reason).await;
    browser.click("#adjust-submit").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_adjustment_above_the_threshold_waits_until_a_second_staff_member_approves_it() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let text = format!("{PROGRAM}{APPROVALS}");
    let app = App::start_under(laurel_testkit::sqlite(), None, &text).await;
    app.engine
        .create_staff_user("manager@example.com", "Manager Li", Role::Manager, PASSWORD)
        .await
        .unwrap();
    let before = app.available().await;

    app.sign_in(&browser, "admin@example.com").await;
    adjust(&app, &browser, "400", "Small goodwill").await;
    assert!(browser.text("#adjusted").await.contains("Points adjusted"));
    adjust(&app, &browser, "800", "Lost card, balance restored").await;
    assert!(
        browser
            .text("#sent-for-approval")
            .await
            .contains("another staff member must approve"),
        "the maker is told it waits"
    );
    assert_eq!(app.available().await, before + 400, "nothing of 800 yet");
    browser.click("#sent-for-approval a").await;
    assert_eq!(browser.path().await, "/admin/approvals");
    let row = browser.text("#approvals tbody tr").await;
    assert!(
        row.contains("+800") && row.contains("Lost card, balance restored"),
        "{row}"
    );
    assert!(
        browser
            .find("button[value=withdraw]")
            .await
            .is_displayed()
            .await
            .unwrap(),
        "the maker may withdraw"
    );
    assert!(
        browser
            .text("#approvals")
            .await
            .contains("another staff member decides it"),
        "and not approve"
    );
    browser.shots("approvals-maker-en").await;
    browser.click("#lang-zh-CN").await;
    assert!(browser.text("#approvals").await.contains("撤回"));
    browser.shots("approvals-maker-zh-CN").await;
    sign_out(&browser).await;

    app.sign_in(&browser, "manager@example.com").await;
    browser.go(&app.url("/admin/approvals")).await;
    in_language(&browser, "en").await;
    browser.shots("approvals-checker-en").await;
    browser.click("button[value=approve]").await;
    assert!(
        browser
            .text("#approval-done")
            .await
            .contains("taken effect"),
        "{}",
        browser.text("main").await
    );
    assert!(browser.text("#approvals-empty").await.contains("Nothing"));
    assert_eq!(app.available().await, before + 1_200, "approved: applied");
    sign_out(&browser).await;

    // A second request, rejected in Chinese: nothing of it is applied.
    app.sign_in(&browser, "admin@example.com").await;
    in_language(&browser, "en").await;
    adjust(&app, &browser, "-600", "Duplicate credit").await;
    sign_out(&browser).await;
    app.sign_in(&browser, "manager@example.com").await;
    browser.go(&app.url("/admin/approvals")).await;
    in_language(&browser, "zh-CN").await;
    let row = browser.text("#approvals tbody tr").await;
    assert!(row.contains("积分调整") && row.contains("-600"), "{row}");
    browser.shots("approvals-checker-zh-CN").await;
    browser.click("button[value=reject]").await;
    assert!(browser.text("#approval-done").await.contains("已驳回"));
    assert_eq!(app.available().await, before + 1_200, "rejected: nothing");
    sign_out(&browser).await;

    app.sign_in(&browser, "admin@example.com").await;
    browser.go(&app.url("/admin/audit")).await;
    in_language(&browser, "en").await;
    let log = browser.text("main").await;
    for told in [
        "Sent an operation for approval",
        "Approved a request",
        "Rejected a request",
    ] {
        assert!(log.contains(told), "{told}: {log}");
    }
    browser.stop().await;
    app.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_program_change_is_sent_for_approval_and_its_maker_may_withdraw_it() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let text = format!("{PROGRAM}{APPROVALS}");
    let app = App::start_under(laurel_testkit::sqlite(), None, &text).await;
    app.sign_in(&browser, "admin@example.com").await;
    browser.go(&app.url("/admin/program")).await;
    let doubled = text.replace("points_per_unit = \"1\"", "points_per_unit = \"2\"");
    let set = format!(
        "document.querySelector('#text').value = {}; return true;",
        serde_json::to_string(&doubled).unwrap()
    );
    browser.run(&set).await;
    browser.fill("#note", "Double points week").await;
    browser.click("#program-submit").await;
    assert!(
        browser
            .text("#program-notice")
            .await
            .contains("Sent for approval"),
        "{}",
        browser.text("main").await
    );
    assert_eq!(app.engine.program_versions().await.unwrap().len(), 1);
    browser.go(&app.url("/admin/approvals")).await;
    let row = browser.text("#approvals tbody tr").await;
    assert!(
        row.contains("Program change") && row.contains("1 lines added, 1 removed"),
        "{row}"
    );
    browser.click("#lang-zh-CN").await;
    assert!(
        browser
            .text("#approvals tbody tr")
            .await
            .contains("方案变更")
    );
    browser.shots("approvals-program-zh-CN").await;
    browser.click("button[value=withdraw]").await;
    assert!(browser.text("#approval-done").await.contains("已撤回"));
    assert_eq!(app.engine.program_versions().await.unwrap().len(), 1);
    browser.stop().await;
    app.stop();
}
