//! The fraud review queue in the browser: a purchase past an earning rule's most is held; the
//! queue shows the case with the rule's figure; a reviewer releases the points (the member can
//! spend them) and the case moves to those closed — in both languages.

use super::*;

/// The console's program with one rule: more than 150 points earned in a day are held.
fn holding() -> String {
    format!(
        "{PROGRAM}\n[[fraud.rules]]\nid = \"earning-burst\"\nmeasure = \"points_earned\"\n\
         max = 150\nwindow = \"24h\"\naction = \"hold\"\n"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_purchase_waits_in_the_queue_until_a_reviewer_releases_its_points() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start_under(laurel_testkit::sqlite(), None, &holding()).await;
    buy(&app.engine, app.member, "o-2", "80").await;
    let held = app.engine.balance(app.member).await.unwrap();
    assert_eq!((held.available.get(), held.pending.get()), (120, 80));

    app.sign_in(&browser, "admin@example.com").await;
    member_portal::console_in(&app, &browser, "en", "/admin/fraud").await;
    let case = browser.text("#open-cases tbody tr").await;
    assert!(
        case.contains("earning-burst")
            && case.contains("200 points earned in 1 days (most 150)")
            && case.contains("Points held for review"),
        "{case}"
    );
    browser.shots("fraud-open-en").await;
    browser.click("#open-cases button[id^=release-]").await;
    assert!(
        browser
            .text("#fraud-empty")
            .await
            .contains("No case is waiting")
    );
    assert!(
        browser
            .text("#closed-cases .state")
            .await
            .contains("Points released")
    );
    assert_eq!(app.available().await, 200, "released");

    member_portal::console_in(&app, &browser, "zh-CN", "/admin/fraud").await;
    assert!(
        browser
            .text("#closed-cases .state")
            .await
            .contains("积分已放行")
    );
    browser.shots("fraud-closed-zh-CN").await;
    browser.stop().await;
    app.stop();
}
