//! The letters page: each letter the program writes by itself previewed as a member reads
//! it, in either language whatever the page's; admins and managers only.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_letter_reads_as_a_member_would_in_either_language_and_support_may_not_see_them() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    app.sign_in(&browser, "admin@example.com").await;
    browser.go(&app.url("/admin/automations")).await;
    browser.click("#see-letters").await;
    assert_eq!(browser.path().await, "/admin/letters");
    let subject = browser.text("#letter-subject").await;
    assert!(subject.starts_with("120 "), "{subject}");
    assert!(subject.contains("expire on"), "{subject}");
    let text = browser.text("#letter-text").await;
    assert!(
        text.contains("Console Test Coffee"),
        "the program's name: {text}"
    );
    assert!(
        text.contains("Stop these e-mails"),
        "the unsubscribe footer: {text}"
    );
    browser.shots("letters-en").await;

    browser.click("#letter-lang-zh-CN").await;
    assert!(browser.text("#letter-subject").await.contains("过期"));
    assert!(browser.text("#letter-text").await.contains("退订"));
    browser.click("#kind-birthday").await;
    assert!(browser.text("#letter-subject").await.contains("生日快乐"));
    browser.click("#lang-zh-CN").await;
    assert!(
        browser.text("main h1").await.contains("信件"),
        "the page in Chinese"
    );
    browser.shots("letters-zh-CN").await;

    browser.click(".who button[type=submit]").await;
    app.sign_in(&browser, "support@example.com").await;
    browser.go(&app.url("/admin/letters")).await;
    assert!(
        browser.text("h1").await.starts_with("403"),
        "support staff are refused"
    );
    app.stop();
    browser.stop().await;
}
