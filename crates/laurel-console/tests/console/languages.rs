//! A program's own words — its rewards', tiers' and points' names — in the page's language
//! when the program writes them per language.

use super::{App, Browser, PROGRAM, buy};

/// The test program with its reward, a tier and its points named in both languages.
fn in_two_languages() -> String {
    let text = PROGRAM
        .replace(
            "name = \"¥5 off\"\ndescription = \"Five yuan off any order.\"",
            "name = { en = \"¥5 off\", zh-CN = \"立减 5 元\" }\n\
             description = { en = \"Five yuan off any order.\", zh-CN = \"任意订单立减 5 元。\" }",
        )
        .replace(
            "time_zone = \"Asia/Shanghai\"",
            "time_zone = \"Asia/Shanghai\"\npoints_name = { en = \"beans\", zh-CN = \"咖啡豆\" }",
        );
    assert!(
        text.contains("立减") && text.contains("咖啡豆"),
        "the fixture changed"
    );
    format!(
        "{text}\n[tiers]\nmetric = \"spend\"\nwindow = \"since_joining\"\n\
         [[tiers.levels]]\nid = \"gold\"\nname = {{ en = \"Gold\", zh-CN = \"金卡\" }}\nthreshold = \"100\"\n\
         [[rules]]\nid = \"double\"\nname = {{ en = \"Double points\", zh-CN = \"双倍积分\" }}\neffect = {{ multiplier = \"2\" }}\n\
         [[rules]]\nid = \"retail\"\nname = {{ en = \"Retail bonus\", zh-CN = \"零售奖励\" }}\neffect = {{ fixed = 5 }}\n\
         conditions = [ {{ categories = [\"retail\"] }} ]\n\
         [names]\ncategories = {{ retail = {{ en = \"retail goods\", zh-CN = \"零售商品\" }} }}\n"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_written_per_language_read_in_the_pages_language_in_portal_and_console() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    app.put_in_force(in_two_languages()).await;
    buy(&app.engine, app.member, "o-2", "50").await;

    app.member_signs_in(&browser).await;
    browser.go(&app.url("/portal/history")).await;
    let newest = browser.text(".activity li").await;
    assert!(newest.contains("Double points: 2×"), "{newest}");
    browser.click("#lang-zh-CN").await;
    let newest = browser.text(".activity li").await;
    assert!(
        newest.contains("双倍积分：2 倍"),
        "a grant names its rule in Chinese: {newest}"
    );
    browser.click("#lang-en").await;
    browser.go(&app.url("/portal/rewards")).await;
    let catalog = browser.text("main").await;
    assert!(
        catalog.contains("¥5 off") && catalog.contains("Five yuan off any order."),
        "{catalog}"
    );
    browser.shots("portal-rewards-per-language-en").await;
    browser.click("#lang-zh-CN").await;
    let catalog = browser.text("main").await;
    assert!(
        catalog.contains("立减 5 元") && catalog.contains("任意订单立减 5 元。"),
        "{catalog}"
    );
    assert!(!catalog.contains("¥5 off"), "{catalog}");
    browser.shots("portal-rewards-per-language-zh-CN").await;
    browser.go(&app.url("/portal/rewards/five_off")).await;
    browser.click("#confirm-redeem").await;
    browser.go(&app.url("/portal/coupons")).await;
    let coupons = browser.text("main").await;
    assert!(
        coupons.contains("立减 5 元") && !coupons.contains("¥5 off"),
        "a redeemed reward is named in the page's language: {coupons}"
    );

    app.sign_in(&browser, "admin@example.com").await;
    browser.go(&app.url("/admin/program")).await;
    let read = |tiers: String, rewards: String| format!("{tiers} | {rewards}");
    let program = read(browser.text("#tiers").await, browser.text("#rewards").await);
    assert!(
        program.contains("Gold") && program.contains("¥5 off — 100 beans"),
        "{program}"
    );
    let rules = browser.text("#rules").await;
    assert!(
        rules.contains("Retail bonus") && rules.contains("retail goods"),
        "{rules}"
    );
    browser.shots("program-per-language-en").await;
    browser.click("#lang-zh-CN").await;
    let program = read(browser.text("#tiers").await, browser.text("#rewards").await);
    assert!(
        program.contains("金卡") && program.contains("立减 5 元 — 100 咖啡豆"),
        "{program}"
    );
    let rules = browser.text("#rules").await;
    assert!(
        rules.contains("零售奖励") && rules.contains("零售商品") && !rules.contains("retail"),
        "a category reads as the program names it, not as its code: {rules}"
    );
    browser.shots("program-per-language-zh-CN").await;
    browser.stop().await;
    app.stop();
}
