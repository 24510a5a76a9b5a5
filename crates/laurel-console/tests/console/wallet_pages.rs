//! Wallets of stored value on every backend, in both languages: Wang Mei topped up ¥1000
//! (¥120 bonus), paid ¥300 and was refunded ¥100 of it through the API's calls, so she holds
//! ¥800 principal and ¥120 bonus. Staff top her up ¥500 at the desk (¥50 bonus) from her
//! page — a double submit tops up once — and read the balance and the statement; a top-up
//! below the least is refused next to its field with nothing written; the overview shows what
//! is owed to members and the terms; Wang Mei reads her wallet, statement and bonuses in the
//! portal, which has no form to top up. A program without a wallet says so everywhere.

use super::pages::all_chinese;
use super::staff_pages::open_in;
use super::{App, Browser, PROGRAM};
use laurel_engine::{HoldRequest, WalletAsk, WalletRequest, WalletStatement};

/// The test program offering a wallet: ¥50 to ¥5000 a top-up, ¥10,000 at most, ¥50 on
/// ¥500 and ¥120 on ¥1000.
pub(super) fn program() -> String {
    format!(
        "{PROGRAM}\n[wallet]\ntop_up_min = \"50\"\ntop_up_max = \"5000\"\nbalance_max = \"10000\"\n\
         [[wallet.bonuses]]\nfrom = \"500\"\nvalue = \"50\"\n\
         [[wallet.bonuses]]\nfrom = \"1000\"\nvalue = \"120\"\n"
    )
}

/// Moves money in or out of the member's wallet as a till would, through the API's call.
async fn till(app: &App, ask: WalletAsk, amount: &str, key: &str, reference: &str) -> i64 {
    let request = WalletRequest {
        member_id: app.member,
        ask,
        amount: amount.parse().unwrap(),
        currency: "CNY".into(),
        idempotency_key: key.into(),
        reference: reference.into(),
    };
    app.engine
        .wallet_move(request, "key:till01")
        .await
        .unwrap()
        .move_id
}

/// The member's wallet and its newest moves.
async fn statement(app: &App) -> WalletStatement {
    app.engine
        .wallet_statement(app.member, None, 50)
        .await
        .unwrap()
}

/// The rows of the moves table on the page.
async fn rows(browser: &Browser) -> Vec<String> {
    let found = browser
        .run(
            "return [...document.querySelectorAll('#wallet-moves tbody tr')].map(r => r.innerText);",
        )
        .await;
    serde_json::from_value(found).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_top_up_a_wallet_and_a_member_reads_it_in_both_languages() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    for (backend, db) in laurel_testkit::backends() {
        let at = format!("[{backend}]");
        let app = App::start_under(db, None, &program()).await;
        till(&app, WalletAsk::TopUp, "1000", "w-1", "till-1").await;
        let paid = till(&app, WalletAsk::Pay { partial: false }, "300", "w-2", "o-9").await;
        let refund = WalletAsk::Refund { payment_id: paid };
        till(&app, refund, "100", "w-3", "o-9-back").await;

        // The member page: what the wallet holds and its moves, in English.
        app.sign_in(&browser, "admin@example.com").await;
        let member = format!("/admin/members/{}", app.member);
        open_in(&browser, &app, "en", &member).await;
        assert_eq!(
            browser.text("#wallet-principal").await,
            "CNY 800.00",
            "{at}"
        );
        assert_eq!(browser.text("#wallet-bonus").await, "CNY 120.00", "{at}");
        assert_eq!(browser.text("#wallet-total").await, "CNY 920.00", "{at}");
        let moves = rows(&browser).await;
        assert_eq!(moves.len(), 3, "{at} {moves:?}");
        assert!(
            moves[0].contains("Refund")
                && moves[0].contains(&format!("Refund of payment {paid} · o-9-back"))
                && moves[0].contains("+CNY 100.00")
                && moves[0].contains("API key till01"),
            "{at} the newest first, its payment named: {moves:?}"
        );
        assert!(
            moves[1].contains("Payment") && moves[1].contains("-CNY 300.00"),
            "{at} {moves:?}"
        );
        assert!(
            moves[2].contains("Top-up")
                && moves[2].contains("+CNY 1,000.00")
                && moves[2].contains("+CNY 120.00"),
            "{at} {moves:?}"
        );
        assert!(
            browser
                .text("#top-up-limits")
                .await
                .contains("at least CNY 50.00 and at most CNY 5,000.00"),
            "{at}"
        );

        // A top-up at the desk, its form posted twice with the same key: one top-up.
        browser.fill("#top-up-amount", "500").await;
        browser.fill("#top-up-reference", "desk-1").await;
        let form = browser
            .run(
                "return [...new FormData(document.getElementById('top-up-form'))]\
                 .map(([k, v]) => [k, v]);",
            )
            .await;
        browser.click("#top-up-submit").await;
        assert!(
            browser
                .text("#topped-up")
                .await
                .contains("Wallet topped up"),
            "{at}"
        );
        assert_eq!(browser.text("#wallet-total").await, "CNY 1,470.00", "{at}");
        assert_eq!(browser.text("#wallet-bonus").await, "CNY 170.00", "{at}");
        let moves = rows(&browser).await;
        assert!(
            moves[0].contains("Top-up")
                && moves[0].contains("+CNY 500.00")
                && moves[0].contains("+CNY 50.00")
                && moves[0].contains("desk-1")
                && moves[0].contains("admin person"),
            "{at} the desk's top-up by this staff member: {moves:?}"
        );
        let again = browser
            .run(&format!(
                "return fetch('{member}/wallet/top-ups', {{ method: 'POST',\
                   headers: {{ 'content-type': 'application/x-www-form-urlencoded' }},\
                   body: new URLSearchParams({form}) }}).then(r => r.status);"
            ))
            .await;
        assert_eq!(
            again, 200,
            "{at} the second submit lands on the member page"
        );
        let wallet = statement(&app).await;
        assert_eq!(wallet.moves.len(), 4, "{at} one top-up for two submits");
        assert_eq!(wallet.balance.total(), 147_000, "{at} ¥1,470.00 in fen");
        assert_eq!(wallet.moves[0].actor, "staff:admin@example.com", "{at}");
        if backend == "sqlite" {
            browser.shots("member-wallet-en").await;
        }

        // Below the least: refused next to the amount, what was typed kept, nothing written.
        browser.fill("#top-up-amount", "10").await;
        browser.fill("#top-up-reference", "desk-2").await;
        browser.click("#top-up-submit").await;
        let error = browser.text("#top-up-amount-error").await;
        assert!(
            error.contains("at least CNY 50.00"),
            "{at} the refusal next to its field: {error}"
        );
        let kept = browser
            .run("return document.getElementById('top-up-amount').value;")
            .await;
        assert_eq!(kept, "10", "{at}");
        assert_eq!(statement(&app).await.moves.len(), 4, "{at} nothing written");

        // The same in Chinese, the money as Chinese pages write it.
        open_in(&browser, &app, "zh-CN", &member).await;
        assert_eq!(browser.text("#wallet-total").await, "¥1,470.00", "{at}");
        browser.fill("#top-up-amount", "6000").await;
        browser.fill("#top-up-reference", "desk-3").await;
        browser.click("#top-up-submit").await;
        let error = browser.text("#top-up-amount-error").await;
        assert_eq!(error, "单次充值不少于 ¥50.00，不超过 ¥5,000.00。", "{at}");
        all_chinese(&browser, "member page, a top-up refused").await;
        assert_eq!(statement(&app).await.moves.len(), 4, "{at} nothing written");
        if backend == "sqlite" {
            browser.shots("member-wallet-refused-zh-CN").await;
        }

        // The whole statement, paged on the engine's cursor.
        browser.go(&app.url(&member)).await;
        browser.click("#wallet-statement").await;
        assert_eq!(browser.path().await, format!("{member}/wallet"), "{at}");
        assert_eq!(rows(&browser).await.len(), 4, "{at}");
        all_chinese(&browser, "wallet statement").await;
        if backend == "sqlite" {
            browser.shots("member-wallet-statement-zh-CN").await;
        }
        let newest = statement(&app).await.moves[0].id;
        browser
            .go(&app.url(&format!("{member}/wallet?before={newest}")))
            .await;
        assert_eq!(rows(&browser).await.len(), 3, "{at} the moves before it");
        browser.click("#first-page").await;
        assert_eq!(rows(&browser).await.len(), 4, "{at}");

        // The overview: what is owed to members and the terms, in both languages.
        open_in(&browser, &app, "en", "/admin/wallets").await;
        assert_eq!(
            browser.text("#wallet-principal").await,
            "CNY 1,300.00",
            "{at}"
        );
        assert_eq!(browser.text("#wallet-bonus").await, "CNY 170.00", "{at}");
        assert_eq!(browser.text("#wallet-total").await, "CNY 1,470.00", "{at}");
        assert_eq!(
            browser.text("#wallets-holding").await,
            "Wallets holding value: 1",
            "{at}"
        );
        assert_eq!(
            browser.text("#wallet-bonuses").await,
            "Top up CNY 500.00, get CNY 50.00\nTop up CNY 1,000.00, get CNY 120.00",
            "{at}"
        );
        assert_eq!(
            browser.text("#terms-balance-max").await,
            "A wallet holds at most CNY 10,000.00.",
            "{at}"
        );
        if backend == "sqlite" {
            browser.shots("wallets-en").await;
        }
        open_in(&browser, &app, "zh-CN", "/admin/wallets").await;
        assert_eq!(browser.text("#wallet-total").await, "¥1,470.00", "{at}");
        assert!(
            browser
                .text("#wallet-bonuses")
                .await
                .starts_with("充 ¥500.00 送 ¥50.00"),
            "{at}"
        );
        all_chinese(&browser, "wallets").await;
        if backend == "sqlite" {
            browser.shots("wallets-zh-CN").await;
        }
        browser.click("form[action='/admin/logout'] button").await;

        // The member's own wallet in the portal: read only.
        app.member_signs_in(&browser).await;
        browser
            .go(&app.url("/portal/lang?to=en&back=%2Fportal"))
            .await;
        assert_eq!(browser.text("#wallet-total").await, "CNY 1,470.00", "{at}");
        browser.click("#wallet-link").await;
        assert_eq!(browser.path().await, "/portal/wallet", "{at}");
        assert_eq!(browser.text("#wallet-total").await, "CNY 1,470.00", "{at}");
        assert_eq!(
            browser.text("#wallet-parts").await,
            "CNY 1,300.00 you paid in and CNY 170.00 of bonus.",
            "{at}"
        );
        assert!(
            browser
                .text("#wallet-bonus-last")
                .await
                .contains("not refundable as cash"),
            "{at}"
        );
        let lines = browser.text("#wallet-statement").await;
        for words in [
            "Top-up",
            "Payment",
            "Refund",
            "+CNY 550.00",
            "-CNY 300.00",
            "Paid in +CNY 500.00 · bonus +CNY 50.00 · desk-1",
        ] {
            assert!(lines.contains(words), "{at} `{words}` in {lines}");
        }
        assert!(
            browser
                .text("#wallet-bonuses")
                .await
                .contains("Top up CNY 500.00, get CNY 50.00"),
            "{at}"
        );
        let forms = browser
            .run("return document.querySelectorAll('main form:not(#add-card-form)').length;")
            .await;
        assert_eq!(forms, 0, "{at} members cannot top up from the portal");
        if backend == "sqlite" {
            browser.shots("portal-wallet-en").await;
        }
        browser.click("#lang-zh-CN").await;
        assert_eq!(browser.text("#wallet-total").await, "¥1,470.00", "{at}");
        assert!(
            browser
                .text("#wallet-statement")
                .await
                .contains("本金 +¥500.00 · 赠送 +¥50.00 · desk-1"),
            "{at}"
        );
        all_chinese(&browser, "portal wallet").await;
        if backend == "sqlite" {
            browser.shots("portal-wallet-zh-CN").await;
        }
        // A checkout holding ¥70: out of the total, shown as held, told in the statement.
        let hold = HoldRequest {
            member_id: app.member,
            amount: "70".parse().unwrap(),
            currency: "CNY".into(),
            idempotency_key: "checkout-1".into(),
            reference: "order-77".into(),
            expires_in: None,
        };
        app.engine.hold(hold, "key:till01").await.unwrap();
        browser.go(&app.url("/portal/wallet")).await;
        assert_eq!(browser.text("#wallet-total").await, "¥1,400.00", "{at}");
        assert_eq!(browser.text("#wallet-held").await, "¥70.00", "{at}");
        assert!(
            browser.text("#wallet-statement").await.contains("结账冻结"),
            "{at}"
        );
        all_chinese(&browser, "portal wallet with a hold").await;
        browser.click("#sign-out").await;
        app.stop();
    }
    without_a_wallet(&browser).await;
    // Gift cards on the same browser: one per test binary's test is enough to start.
    super::gift_card_pages::issue_look_up_and_load_gift_cards(&browser).await;
    // Paid memberships, paid by billing or from the wallet, on the same browser.
    super::membership_pages::memberships_on_the_member_page_the_portal_and_the_overview(&browser)
        .await;
    // Points members send each other, on the same browser.
    super::transfer_pages::transfers_in_the_portal_and_on_the_member_pages(&browser).await;
    // Households and points held at checkouts, on the same browser.
    super::household_pages::households_in_the_portal_and_on_the_member_page(&browser).await;
    // Coalition partners' pages, their statements and keys, on the same browser.
    super::partner_pages::partners_pages_statements_and_keys(&browser).await;
    // API keys that expire and rotate, on the same browser.
    super::key_pages::keys_expire_and_rotate_on_the_api_keys_page(&browser).await;
    browser.stop().await;
}

/// Under a program offering no wallet the overview says so, and neither the member page nor
/// the portal shows one.
async fn without_a_wallet(browser: &Browser) {
    let app = App::start().await;
    app.sign_in(browser, "admin@example.com").await;
    open_in(browser, &app, "en", "/admin/wallets").await;
    assert!(
        browser
            .text("#no-wallet")
            .await
            .contains("offers no wallets")
    );
    assert_eq!(browser.text("#wallet-total").await, "CNY 0.00");
    browser
        .go(&app.url(&format!("/admin/members/{}", app.member)))
        .await;
    let boxes = browser
        .run("return document.querySelectorAll('#wallet-h, #top-up-form').length;")
        .await;
    assert_eq!(boxes, 0, "no wallet box on the member page");
    let sections = browser
        .run("return document.querySelectorAll('#membership-h, #membership-start-form').length;")
        .await;
    assert_eq!(
        sections, 0,
        "no membership section when the program offers no plans"
    );
    browser.click("form[action='/admin/logout'] button").await;
    app.member_signs_in(browser).await;
    let links = browser
        .run("return document.querySelectorAll('#wallet-link').length;")
        .await;
    assert_eq!(links, 0, "no wallet on the portal's home");
    browser.go(&app.url("/portal/wallet")).await;
    assert_eq!(browser.text("h1").await, "404");
    browser.go(&app.url("/portal/membership")).await;
    assert_eq!(
        browser.text("h1").await,
        "404",
        "no plans, no membership page"
    );
    browser.go(&app.url("/portal")).await;
    browser.click("#sign-out").await;
    app.stop();
}
