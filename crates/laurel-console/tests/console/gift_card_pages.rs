//! Gift cards in the console and the portal on every backend, in both languages: the admin
//! issues a batch of three ¥100 cards with PINs from the Wallets page and reads their codes
//! once — posting the form again or coming back shows none; the batches table counts the
//! cards and their unused value, apart from what members are owed; a lookup finds a card by
//! its code and PIN. Wang Mei adds a card to her wallet in the portal: a wrong PIN is refused
//! next to the PIN with the tries left and nothing moved, the right one moves its ¥100.

// Amounts are written yuan_fen (100_00 is ¥100.00).
#![allow(clippy::inconsistent_digit_grouping)]

use super::pages::all_chinese;
use super::staff_pages::open_in;
use super::wallet_pages::program;
use super::{App, Browser};
use laurel_engine::CardKey;

/// A card as issued: its code and PIN.
struct Issued {
    code: String,
    pin: String,
}

/// The codes and PINs on the page, one card a line.
async fn issued_cards(browser: &Browser) -> Vec<Issued> {
    browser
        .text("#issued-codes")
        .await
        .lines()
        .map(|line| {
            // A tab between them, which a browser's text may give as a space.
            let (code, pin) = line
                .trim()
                .split_once(char::is_whitespace)
                .expect("a code and its PIN");
            Issued {
                code: code.to_owned(),
                pin: pin.trim().to_owned(),
            }
        })
        .collect()
}

/// A PIN that is not `pin`.
fn wrong(pin: &str) -> &'static str {
    if pin == "000000" { "111111" } else { "000000" }
}

/// What the card holds, read as a till would.
async fn card_total(app: &App, card: &Issued) -> i64 {
    let key = CardKey {
        code: card.code.clone(),
        pin: Some(card.pin.clone()),
    };
    app.engine.gift_card(&key).await.unwrap().balance.total()
}

pub(super) async fn issue_look_up_and_load_gift_cards(browser: &Browser) {
    for (backend, db) in laurel_testkit::backends() {
        let at = format!("[{backend}]");
        let app = App::start_under(db, None, &program()).await;
        app.sign_in(browser, "admin@example.com").await;
        open_in(browser, &app, "en", "/admin/wallets").await;
        assert!(
            browser.text("#no-batches").await.contains("No gift cards"),
            "{at}"
        );

        // A refusal next to its field, nothing issued.
        browser.fill("#issue-count", "0").await;
        browser.fill("#issue-value", "100").await;
        browser.fill("#issue-reference", "spring-2026").await;
        browser.click("#issue-submit").await;
        assert!(
            browser
                .text("#issue-count-error")
                .await
                .contains("From 1 to 1,000"),
            "{at}"
        );
        let none = app.engine.gift_card_batches(None, 10).await.unwrap();
        assert!(none.batches.is_empty(), "{at} nothing issued");

        // Three ¥100 cards with PINs, active at once: their codes told once.
        browser.fill("#issue-count", "3").await;
        browser.fill("#issue-value", "100").await;
        browser.tick("#issue-active").await;
        let form = browser
            .run(
                "return [...new FormData(document.getElementById('issue-form'))]\
                 .map(([k, v]) => [k, v]);",
            )
            .await;
        browser.click("#issue-submit").await;
        assert!(
            browser
                .text("#shown-once")
                .await
                .contains("shown only this once and are not kept"),
            "{at}"
        );
        assert!(
            browser
                .text("#issued-summary")
                .await
                .contains("3 cards of CNY 100.00 each · spring-2026"),
            "{at}"
        );
        let cards = issued_cards(browser).await;
        assert_eq!(cards.len(), 3, "{at}");
        assert!(
            cards.iter().all(|c| c.pin.len() == 6),
            "{at} six-digit PINs"
        );
        if backend == "sqlite" {
            browser.shots("gift-cards-issued-en").await;
        }

        // The same form posted again (a reload): the batch is not issued twice, no codes.
        let again = browser
            .run(&format!(
                "return fetch('/admin/wallets/gift-cards', {{ method: 'POST',\
                   headers: {{ 'content-type': 'application/x-www-form-urlencoded' }},\
                   body: new URLSearchParams({form}) }})\
                   .then(r => r.text().then(t => [r.status, r.headers.get('cache-control'), t]));"
            ))
            .await;
        assert_eq!(again[0], 200, "{at}");
        assert_eq!(again[1], "no-store", "{at} no cache keeps the codes");
        let body = again[2].as_str().unwrap_or_default();
        assert!(body.contains("issued-repeated"), "{at} told it was issued");
        assert!(
            cards.iter().all(|c| !body.contains(&c.code)),
            "{at} no code shown again"
        );
        let batches = app.engine.gift_card_batches(None, 10).await.unwrap();
        assert_eq!(batches.batches.len(), 1, "{at} one batch for two posts");

        // Away and back: the codes page is not kept to come back to.
        browser.go(&app.url("/admin/wallets")).await;
        browser.run("history.back(); return true;").await;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let shown = browser
            .run("return document.querySelectorAll('#issued-codes').length;")
            .await;
        assert_eq!(shown, 0, "{at} no codes on coming back");

        // The batches table and the value on cards, apart from what members are owed.
        open_in(browser, &app, "en", "/admin/wallets").await;
        let row = browser.text("#batches tbody tr").await;
        for words in [
            "spring-2026",
            "admin person",
            "CNY 100.00",
            "Never expires",
            "CNY 300.00",
        ] {
            assert!(row.contains(words), "{at} `{words}` in {row}");
        }
        let counts = browser
            .run(
                "return [...document.querySelectorAll('#batches tbody tr td.num')]\
                 .map(td => td.innerText);",
            )
            .await;
        assert_eq!(
            counts,
            serde_json::json!(["3", "CNY 100.00", "0", "3", "0", "CNY 300.00"]),
            "{at} cards, value each, not sold, active, in wallets, unused"
        );
        assert_eq!(browser.text("#cards-value").await, "CNY 300.00", "{at}");
        assert_eq!(
            browser.text("#cards-holding").await,
            "Gift cards holding value: 3",
            "{at}"
        );
        assert_eq!(
            browser.text("#wallet-total").await,
            "CNY 0.00",
            "{at} nothing owed to members"
        );

        // A lookup by code (typed however) and PIN.
        let typed = cards[0].code.to_lowercase().replace('-', " ");
        browser.fill("#lookup-code", &typed).await;
        browser.fill("#lookup-pin", &cards[0].pin).await;
        browser.click("#lookup-submit").await;
        assert_eq!(browser.text("#card-balance").await, "CNY 100.00", "{at}");
        assert_eq!(browser.text("#card-state").await, "active", "{at}");
        let code = &cards[0].code;
        let last4 = &code[code.len() - 4..];
        assert_eq!(browser.text("#card-last4").await, last4, "{at}");
        browser.fill("#lookup-code", "NOPE-NOPE").await;
        browser.click("#lookup-submit").await;
        assert!(
            browser
                .text("#lookup-code-error")
                .await
                .contains("No gift card"),
            "{at}"
        );

        // Wrong PINs lock a card; the admin unlocks it for its holder from the lookup.
        let locked = &cards[2];
        for _ in 0..5 {
            let key = CardKey {
                code: locked.code.clone(),
                pin: Some(wrong(&locked.pin).to_owned()),
            };
            app.engine.gift_card(&key).await.unwrap_err();
        }
        browser.fill("#lookup-code", &locked.code).await;
        browser.fill("#lookup-pin", &locked.pin).await;
        browser.click("#lookup-submit").await;
        assert!(
            browser.text("#lookup-code-error").await.contains("locked"),
            "{at} {}",
            browser.text("#lookup-code-error").await
        );
        browser.click("#unlock-submit").await;
        assert_eq!(
            browser.text("#unlocked").await,
            "Unlocked: the card's PIN works again.",
            "{at}"
        );
        assert_eq!(
            card_total(&app, locked).await,
            100_00,
            "{at} its PIN reaches it again"
        );

        // In Chinese, at both widths.
        open_in(browser, &app, "zh-CN", "/admin/wallets").await;
        assert_eq!(browser.text("#cards-value").await, "¥300.00", "{at}");
        all_chinese(browser, "wallets with gift cards").await;
        if backend == "sqlite" {
            browser.shots("wallets-gift-cards-zh-CN").await;
        }
        browser.click("form[action='/admin/logout'] button").await;

        // Wang Mei adds a card in the portal: a wrong PIN first, refused, nothing moved.
        app.member_signs_in(browser).await;
        browser
            .go(&app.url("/portal/lang?to=en&back=%2Fportal%2Fwallet"))
            .await;
        browser.fill("#card-code", &cards[1].code).await;
        browser.fill("#card-pin", wrong(&cards[1].pin)).await;
        browser.click("#add-card-submit").await;
        assert_eq!(
            browser.text("#card-pin-error").await,
            "Not the card's PIN: 4 more tries before it locks.",
            "{at}"
        );
        assert_eq!(
            card_total(&app, &cards[1]).await,
            100_00,
            "{at} nothing moved"
        );
        assert_eq!(browser.text("#wallet-total").await, "CNY 0.00", "{at}");
        if backend == "sqlite" {
            browser.shots("portal-gift-card-refused-en").await;
        }
        browser.fill("#card-code", &cards[1].code).await;
        browser.fill("#card-pin", &cards[1].pin).await;
        browser.click("#add-card-submit").await;
        assert_eq!(
            browser.text("#card-added").await,
            "CNY 100.00 from your gift card is now in your wallet.",
            "{at}"
        );
        assert_eq!(browser.text("#wallet-total").await, "CNY 100.00", "{at}");
        assert_eq!(
            card_total(&app, &cards[1]).await,
            0,
            "{at} the card emptied"
        );

        // In Chinese: the same refusal in the member's language.
        browser.click("#lang-zh-CN").await;
        browser.fill("#card-code", &cards[2].code).await;
        browser.fill("#card-pin", wrong(&cards[2].pin)).await;
        browser.click("#add-card-submit").await;
        assert_eq!(
            browser.text("#card-pin-error").await,
            "密码错误：再错 4 次将锁卡。",
            "{at}"
        );
        browser.fill("#card-code", &cards[1].code).await;
        browser.fill("#card-pin", &cards[1].pin).await;
        browser.click("#add-card-submit").await;
        assert!(
            browser
                .text("#card-code-error")
                .await
                .contains("已转入会员钱包"),
            "{at} a card added already"
        );
        all_chinese(browser, "portal wallet, a gift card refused").await;
        if backend == "sqlite" {
            browser.shots("portal-gift-card-refused-zh-CN").await;
        }
        let totals = app.engine.wallet_totals().await.unwrap();
        assert_eq!(
            (totals.principal, totals.cards, totals.card_value),
            (100_00, 2, 200_00),
            "{at} ¥100 now owed to the member, ¥200 left on two cards"
        );
        browser.click("#sign-out").await;
        app.stop();
    }
}
