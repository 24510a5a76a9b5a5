//! API keys that expire and rotate, on the API keys page: an admin makes a till key that
//! expires in 90 days (the list says when, and how far off), rotates it with a week's overlap
//! (the new key shown once, with until when the old one works; both authenticate; the list
//! says the old one was rotated to the new and offers it no second rotation), then rotates
//! the new one with no overlap (the one it replaces is refused as expired at once and listed
//! as expired, with nothing left to do to it). Each rotation is in the audit log as the
//! admin's. In Chinese the page is all Chinese. Runs on the wallet tests' browser.

use super::admin::choose;
use super::pages::all_chinese;
use super::staff_pages::open_in;
use super::{App, Browser};

/// The id of the newest key.
async fn newest(app: &App) -> i64 {
    app.engine.api_keys().await.unwrap()[0].id
}

/// The text of key `id`'s row in the list.
async fn row(browser: &Browser, id: i64) -> String {
    browser.text(&format!("#key-{id}")).await
}

/// Rotates key `id` from the list with `overlap_days`; the new key, as the page shows it once.
async fn rotate(browser: &Browser, id: i64, overlap_days: &str) -> String {
    choose(browser, &format!("#overlap-{id}"), overlap_days).await;
    browser.click(&format!("#rotate-{id}")).await;
    browser.text("#new-key").await
}

pub(super) async fn keys_expire_and_rotate_on_the_api_keys_page(browser: &Browser) {
    let app = App::start().await;
    app.sign_in(browser, "admin@example.com").await;
    open_in(browser, &app, "en", "/admin/api-keys").await;
    browser.fill("#key-name", "web shop").await;
    choose(browser, "#key-scope", "pos").await;
    choose(browser, "#key-expiry", "90").await;
    browser.click("#key-submit").await;
    let first = browser.text("#new-key").await;
    let expires = browser.text("#new-key-expires").await;
    assert!(expires.contains("in 90 days"), "{expires}");
    let first_id = newest(&app).await;
    assert!(
        app.engine
            .api_key(first_id)
            .await
            .unwrap()
            .expires_at
            .is_some()
    );

    browser.click("#keys-back").await;
    assert!(row(browser, first_id).await.contains("in 90 days"));

    let second = rotate(browser, first_id, "7").await;
    let second_id = newest(&app).await;
    let notice = browser.text("#rotated-notice").await;
    let first_prefix = &first[..16];
    assert!(
        notice.contains(first_prefix) && notice.contains("works until"),
        "{notice}"
    );
    assert!(
        browser.text("#new-key-for").await.contains("web shop"),
        "the old key's name"
    );
    for key in [&first, &second] {
        assert!(
            app.engine.authenticate(key).await.unwrap().is_some(),
            "both keys work during the overlap"
        );
    }
    browser.click("#keys-back").await;
    let old_row = row(browser, first_id).await;
    assert!(
        old_row.contains(&format!("Rotated to {}", &second[..16])) && old_row.contains("in 7 days"),
        "{old_row}"
    );
    assert!(
        browser
            .run(&format!(
                "return document.querySelector('#rotate-{first_id}') === null;"
            ))
            .await
            .as_bool()
            .unwrap_or_default(),
        "a key is rotated once"
    );
    browser.screenshot("api-keys-rotated").await;

    let third = rotate(browser, second_id, "0").await;
    assert!(app.engine.authenticate(&third).await.unwrap().is_some());
    let refused = app.engine.authenticate(&second).await.unwrap_err();
    assert_eq!(
        refused.code().as_str(),
        "key_expired",
        "no overlap: at once"
    );
    browser.click("#keys-back").await;
    let expired = row(browser, second_id).await;
    assert!(expired.contains("Expired"), "{expired}");
    assert!(
        browser
            .run(&format!(
                "return document.querySelector('#revoke-{second_id}') === null \
                 && document.querySelector('#rotate-{second_id}') === null;"
            ))
            .await
            .as_bool()
            .unwrap_or_default(),
        "nothing left to do to an expired key"
    );

    let audit = app.engine.audit_log(10).await.unwrap();
    let rotations: Vec<&str> = audit
        .iter()
        .filter(|a| a.action == "api_key.rotate")
        .map(|a| a.actor.as_str())
        .collect();
    assert_eq!(
        rotations, ["staff:admin@example.com"; 2],
        "audited as the admin's"
    );
    assert!(
        audit.iter().all(|a| {
            let after = a.after.clone().unwrap_or_default();
            [&first, &second, &third]
                .iter()
                .all(|k| !after.contains(k.as_str()))
        }),
        "no key is audited"
    );

    open_in(browser, &app, "zh-CN", "/admin/api-keys").await;
    all_chinese(browser, "API keys rotated and expired").await;
    browser.shots("api-keys-expiry-zh-CN").await;
    browser.click("form[action='/admin/logout'] button").await;
    app.stop();
}
