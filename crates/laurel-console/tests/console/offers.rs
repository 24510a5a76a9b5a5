//! Personal offers in a real browser: the portal's "For you" and the member page's box list
//! what fits the member best with why, in English and in Chinese at both widths; a reward
//! offered links to its page.

use super::{App, Browser, PROGRAM};
use laurel_core::Channel;
use laurel_engine::{LineRequest, MemberRef, PurchaseRequest};

/// The test program with a coffee bonus and a gold tier named in both languages, and the
/// coffee category's names.
fn with_offers() -> String {
    format!(
        "{PROGRAM}\n[tiers]\nmetric = \"spend\"\nwindow = \"since_joining\"\n\
         [[tiers.levels]]\nid = \"green\"\nname = {{ en = \"Green\", zh-CN = \"绿卡\" }}\nthreshold = \"0\"\n\
         [[tiers.levels]]\nid = \"gold\"\nname = {{ en = \"Gold\", zh-CN = \"金卡\" }}\nthreshold = \"1000\"\n\
         [[rules]]\nid = \"coffee_bonus\"\nname = {{ en = \"Coffee bonus\", zh-CN = \"咖啡奖励\" }}\n\
         effect = {{ points_per_unit = \"1\" }}\nconditions = [ {{ categories = [\"coffee\"] }} ]\n\
         [names]\ncategories = {{ coffee = {{ en = \"Coffee\", zh-CN = \"咖啡\" }} }}\n"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offers_for_you_in_the_portal_and_on_the_member_page_in_both_languages() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    app.put_in_force(with_offers()).await;
    // All they bought on lines is coffee: the coffee bonus fits best; ¥5 off is affordable.
    app.engine
        .purchase(PurchaseRequest {
            partner: None,
            member: MemberRef::Id(app.member),
            order_id: "o-coffee".into(),
            channel: Channel::Pos,
            store: None,
            currency: "CNY".into(),
            total: "60".parse().unwrap(),
            lines: vec![LineRequest {
                sku: "LATTE".into(),
                category: Some("coffee".into()),
                quantity: 2,
                unit_price: "30".parse().unwrap(),
            }],
            occurred_at: jiff::Timestamp::now(),
        })
        .await
        .unwrap();

    app.member_signs_in(&browser).await;
    browser.go(&app.url("/portal")).await;
    assert_eq!(browser.text("#offers-h").await, "For you");
    let offers = browser.text("#offers").await;
    assert!(
        offers.starts_with("Coffee bonus")
            && offers.contains("100% of purchases in the last year were Coffee")
            && offers.contains("¥5 off — 100 points")
            && offers.contains("Enough points to redeem now"),
        "{offers}"
    );
    browser.shots("portal-offers-en").await;
    browser.click("#lang-zh-CN").await;
    assert_eq!(browser.text("#offers-h").await, "为您推荐");
    let offers = browser.text("#offers").await;
    assert!(
        offers.starts_with("咖啡奖励")
            && offers.contains("近一年消费中 100% 用于咖啡")
            && offers.contains("积分已够，现在即可兑换")
            && !offers.contains("Coffee"),
        "{offers}"
    );
    browser.shots("portal-offers-zh-CN").await;
    browser.click("#offer-reward-five_off a").await;
    assert_eq!(browser.path().await, "/portal/rewards/five_off");
    browser.click("#lang-en").await;

    app.sign_in(&browser, "admin@example.com").await;
    browser
        .go(&app.url(&format!("/admin/members/{}", app.member)))
        .await;
    assert_eq!(browser.text("#offers-h").await, "Offers");
    let offers = browser.text("#offers").await;
    assert!(
        offers.starts_with("Coffee bonus")
            && offers.contains("100% of purchases in the last year were Coffee")
            && offers.contains("¥5 off · 100 points"),
        "{offers}"
    );
    browser.shots("member-offers-en").await;
    browser.click("#lang-zh-CN").await;
    assert_eq!(browser.text("#offers-h").await, "优惠推荐");
    let offers = browser.text("#offers").await;
    assert!(
        offers.starts_with("咖啡奖励") && offers.contains("近一年消费中 100% 用于咖啡"),
        "{offers}"
    );
    browser.shots("member-offers-zh-CN").await;
    browser.stop().await;
    app.stop();
}
