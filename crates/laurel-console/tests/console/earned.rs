//! Why points were earned, in the page's language: the staff member page and the member's
//! portal history list each earn's grants, written from what was stored, in English and in
//! Chinese; the member's data download has them too, and the member page shows the tier
//! discount a purchase recorded.

use super::{App, Browser, PROGRAM, buy};
use laurel_engine::AssignTierRequest;

/// A doubling rule capped at 50 points a day, and a gold tier with 10% off at checkout.
const DOUBLE: &str = r#"
[[rules]]
id = "double"
name = "Double points"
effect = { multiplier = "2" }
limits = { per_member_day = 50 }

[tiers]
metric = "spend"
window = "since_joining"

[[tiers.levels]]
id = "member"
name = "Member"
threshold = "0"

[[tiers.levels]]
id = "gold"
name = "Gold"
threshold = "100000"
discount_percent = "10"
"#;

impl App {
    /// Applies [`DOUBLE`], puts the member in gold and makes a purchase of ¥120 that the
    /// rule doubles, up to its cap, and the tier discounts by ¥12.
    async fn doubled_purchase(&self) {
        self.put_in_force(format!("{PROGRAM}{DOUBLE}")).await;
        let gold = AssignTierRequest {
            member_id: self.member,
            tier: "gold".into(),
            reason: "test".into(),
            until: None,
        };
        self.engine.assign_tier(gold, "test:admin").await.unwrap();
        buy(&self.engine, self.member, "o-2", "120").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_member_page_lists_an_earns_grants_in_english_and_in_chinese() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    app.doubled_purchase().await;
    app.sign_in(&browser, "admin@example.com").await;
    browser
        .go(&app.url(&format!("/admin/members/{}", app.member)))
        .await;
    let grants = browser.text(".grants").await;
    assert!(
        grants.contains("Base earn: 1 per CNY on CNY 120.00 → +120"),
        "{grants}"
    );
    assert!(
        grants.contains("Double points: 2× on CNY 120.00 → +50 (daily limit reached)"),
        "{grants}"
    );
    let purchases = browser.text("#purchases tbody tr").await;
    assert!(
        purchases.contains("CNY 12.00"),
        "the tier discount: {purchases}"
    );
    browser.screenshot("member-grants-en").await;

    browser.click("#lang-zh-CN").await;
    let grants = browser.text(".grants").await;
    assert!(
        grants.contains("基础积分：每 1 元积 1 分，消费 ¥120.00 → +120"),
        "{grants}"
    );
    assert!(
        grants.contains("Double points：2 倍积分，消费 ¥120.00 → +50（已达每日上限）"),
        "{grants}"
    );
    assert!(
        !grants.contains("Base earn"),
        "no English in a Chinese page"
    );
    browser.screenshot("member-grants-zh-CN").await;
    browser.stop().await;
    app.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_portal_history_lists_an_earns_grants_in_english_and_in_chinese() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    app.doubled_purchase().await;
    app.member_signs_in(&browser).await;
    browser.go(&app.url("/portal/history")).await;
    let newest = browser.text(".activity li").await;
    assert!(
        newest.contains("Double points: 2× on CNY 120.00 → +50 (daily limit reached)"),
        "{newest}"
    );
    assert!(newest.contains("+170"), "{newest}");
    browser.screenshot("portal-grants-en").await;

    browser.click("#lang-zh-CN").await;
    let newest = browser.text(".activity li").await;
    assert!(
        newest.contains("基础积分：每 1 元积 1 分，消费 ¥120.00 → +120"),
        "{newest}"
    );
    assert!(
        newest.contains("Double points：2 倍积分，消费 ¥120.00 → +50（已达每日上限）"),
        "{newest}"
    );
    browser.screenshot("portal-grants-zh-CN").await;

    // The download holds the same: both purchases, and each earn with its grants.
    let data = browser
        .run("return fetch('/portal/data').then(r => r.json());")
        .await;
    assert_eq!(
        data["purchases"].as_array().map(Vec::len),
        Some(2),
        "{data}"
    );
    assert_eq!(
        data["ledger"][0]["grants"][1]["explanation"],
        "Double points: 2× on 120.00 → +50 (daily limit reached)",
        "{data}"
    );
    browser.stop().await;
    app.stop();
}
