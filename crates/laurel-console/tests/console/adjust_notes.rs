//! An adjustment's two texts: the reason, which the member is told, and a private note, which
//! only staff see.

use super::{App, Browser};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_keep_a_private_note_with_an_adjustment_and_the_member_sees_only_the_reason() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    app.sign_in(&browser, "admin@example.com").await;
    let page = app.url(&format!("/admin/members/{}", app.member));
    browser.go(&page).await;
    assert!(
        browser
            .text("label[for=reason]")
            .await
            .contains("member sees")
            && browser
                .text("label[for=note]")
                .await
                .contains("does not see"),
        "the form says who reads which text"
    );
    browser.fill("#points", "30").await;
    browser.fill("#reason", "Sorry about the wait").await;
    browser
        .fill("#note", "Waited 20 minutes at the Nanjing Road shop")
        .await;
    browser.click("#adjust-submit").await;
    let newest = browser.text("#ledger tbody tr").await;
    assert!(
        newest.contains("Sorry about the wait")
            && browser.text("#ledger tbody tr .staff-note").await
                == "Staff note: Waited 20 minutes at the Nanjing Road shop",
        "staff see the reason and their note: {newest}"
    );
    browser.shots("member-adjust-note-en").await;
    browser.click("#lang-zh-CN").await;
    assert_eq!(
        browser.text("#ledger tbody tr .staff-note").await,
        "员工备注： Waited 20 minutes at the Nanjing Road shop"
    );
    assert_eq!(
        browser.text("label[for=note]").await,
        "员工备注（会员看不到）"
    );
    browser.shots("member-adjust-note-zh-CN").await;

    app.member_signs_in(&browser).await;
    browser.go(&app.url("/portal/history")).await;
    let history = browser.text("main").await;
    assert!(
        history.contains("Sorry about the wait") && !history.contains("Nanjing Road"),
        "the member reads the reason, never the note: {history}"
    );
    browser.shots("portal-history-adjusted-en").await;
    browser.click("#lang-zh-CN").await;
    let history = browser.text("main").await;
    assert!(
        history.contains("Sorry about the wait") && !history.contains("Nanjing Road"),
        "{history}"
    );
    browser.shots("portal-history-adjusted-zh-CN").await;
    browser.stop().await;
    app.stop();
}
