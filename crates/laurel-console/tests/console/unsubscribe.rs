//! The unsubscribe link of a letter, without signing in, on both backends: the page asks,
//! in the reader's language, before it stops letters on the link's channel; a mail program's
//! one-click POST stops them at once; a link that names nobody says so.

use super::*;
use laurel_engine::{Consents, MemberId, ProfileUpdate};

/// Gives the member every consent and the unsubscribe token `token`, as their first letter
/// would.
async fn subscribed(app: &App, token: &str) {
    app.engine
        .update_profile(
            app.member,
            ProfileUpdate {
                name: "Wang Mei".into(),
                birthday: None,
                consents: Consents::given(&["email", "sms"]),
            },
        )
        .await
        .unwrap();
    let mut tx = app.engine.store().begin().await.unwrap();
    tx.unsubscribe_token(MemberId(app.member), token)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_unsubscribe_link_asks_then_stops_letters_on_its_channel_only() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    for (name, db) in laurel_testkit::backends() {
        let app = App::start_on(db, None).await;
        subscribed(&app, "tok-7f3a").await;

        browser
            .go(&app.url("/portal/unsubscribe?t=tok-7f3a&c=email"))
            .await;
        browser.click("#lang-zh-CN").await;
        let asked = browser.text("#unsubscribe").await;
        assert!(asked.contains("mei@example.com"), "[{name}] {asked}");
        assert!(
            asked.contains("不再通过此方式"),
            "[{name}] in Chinese: {asked}"
        );
        browser
            .shots(&format!("portal-unsubscribe-ask-{name}"))
            .await;
        browser.click("#unsubscribe-form button").await;
        let done = browser.text("#unsubscribe-done").await;
        assert!(done.contains("已退订"), "[{name}] {done}");
        let consents = app.engine.consents(app.member).await.unwrap();
        assert!(!consents.allows("email"), "[{name}] e-mail stopped");
        assert!(consents.allows("sms"), "[{name}] text messages still on");

        // A mail program's one-click unsubscribe: a POST to the link itself.
        let one_click = reqwest::Client::new()
            .post(app.url("/portal/unsubscribe?t=tok-7f3a&c=sms"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("List-Unsubscribe=One-Click")
            .send()
            .await
            .unwrap();
        assert_eq!(one_click.status(), 200, "[{name}]");
        let consents = app.engine.consents(app.member).await.unwrap();
        assert!(
            !consents.allows("sms"),
            "[{name}] one click stopped text messages"
        );

        browser
            .go(&app.url("/portal/unsubscribe?t=nobody&c=email"))
            .await;
        let unknown = browser.text("#unsubscribe-unknown").await;
        assert!(unknown.contains("此链接无效"), "[{name}] {unknown}");
        browser.click("#lang-en").await;
        assert!(
            browser
                .text("#unsubscribe-unknown")
                .await
                .contains("This link does not work"),
            "[{name}]"
        );
        app.stop();
    }
    browser.stop().await;
}
