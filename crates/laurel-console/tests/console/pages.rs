//! Every page in Chinese, refusals included, has no English sentence; a program with a mistake
//! is shown at its line; support staff meet the program's adjustment cap; members download
//! their data and share a referral link that lands on the join page.

use super::{App, Browser, PASSWORD};
use laurel_engine::{EnrollRequest, RedeemRequest};

/// What pages show on purpose that reads as English: the test program's and member's own
/// words (data, not interface).
const DATA: [&str; 3] = [
    "Console Test Coffee",
    "Five yuan off any order.",
    "Wang Mei",
];

/// The English sentences in `text`: runs of three or more words of Latin letters with only
/// spaces between them (any other character ends a run, so codes, ids, key paths and lists such
/// as `mon, tue, wed` do not count), once what `DATA` lists is taken out.
fn english_sentences(text: &str) -> Vec<String> {
    let mut text = text.to_owned();
    for shown in DATA {
        text = text.replace(shown, " ");
    }
    text.split(|c: char| !(c.is_ascii_alphabetic() || c == ' '))
        .map(|run| run.split_whitespace().collect::<Vec<_>>())
        .filter(|words| words.len() >= 3)
        .map(|words| words.join(" "))
        .collect()
}

#[test]
fn an_english_sentence_is_three_words_in_a_row_and_a_list_of_codes_is_not() {
    assert_eq!(
        english_sentences("积分：must not be empty。"),
        ["must not be empty"]
    );
    assert_eq!(
        english_sentences("第 3 行 rules[0].name：must not be empty"),
        ["must not be empty"]
    );
    assert!(english_sentences("可选：mon, tue, wed, thu").is_empty());
    assert!(english_sentences("rules[0].effect.multiplier · staff:admin@example.com").is_empty());
    assert!(english_sentences("Laurel · 简体中文 · Wang Mei").is_empty());
}

/// The page's visible text has no English sentence; `page` names it in the failure.
pub(super) async fn all_chinese(browser: &Browser, page: &str) {
    let text = browser.run("return document.body.innerText;").await;
    let text = text.as_str().unwrap_or_default();
    assert!(
        !text.is_empty() && text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{page}: a Chinese page: {text}"
    );
    let english = english_sentences(text);
    assert!(
        english.is_empty(),
        "{page}: English on a Chinese page: {english:?}\n{text}"
    );
}

/// Goes to `path` and checks the page is all Chinese.
async fn visit(browser: &Browser, app: &App, path: &str) {
    browser.go(&app.url(path)).await;
    all_chinese(browser, path).await;
}

/// [`visit`], then screenshots of the page in both languages at both widths (each width
/// checked to fit): the record of every page the issue asks the tests to keep. The language
/// switch leads back to the same page; the tour ends where it began, in Chinese.
async fn tour(browser: &Browser, app: &App, path: &str) {
    visit(browser, app, path).await;
    let name: String = path
        .trim_start_matches('/')
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    browser.shots(&format!("tour-{name}-zh-CN")).await;
    browser.click("#lang-en").await;
    browser.shots(&format!("tour-{name}-en")).await;
    browser.click("#lang-zh-CN").await;
}

/// A program text whose earning rule has a multiplier of 1 (no bonus): a problem at a key.
fn program_with_a_mistake() -> (String, usize) {
    let text = format!(
        "{}\n[[rules]]\nid = \"double\"\nname = \"双倍积分\"\neffect = {{ multiplier = \"1\" }}\n",
        super::PROGRAM.trim()
    );
    let line = text
        .lines()
        .position(|l| l.starts_with("effect = "))
        .expect("the rule's effect")
        + 1;
    (text, line)
}

/// Replaces the program form's text (typing a whole program key by key is slow).
async fn set_program_text(browser: &Browser, text: &str) {
    let script = format!(
        "document.querySelector('#text').value = {}; return true;",
        serde_json::Value::String(text.to_owned())
    );
    browser.run(&script).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_in_chinese_is_chinese_even_when_it_refuses() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    let member = format!("/admin/members/{}", app.member);

    // The console, as an admin.
    browser
        .go(&app.url("/admin/lang?to=zh-CN&back=/admin/login"))
        .await;
    browser.fill("#email", "admin@example.com").await;
    browser.fill("#password", "not the password").await;
    browser.click("#sign-in").await;
    all_chinese(&browser, "a refused sign-in").await;
    app.sign_in(&browser, "admin@example.com").await;
    for path in [
        "/admin/dashboard",
        "/admin/insight",
        "/admin/insight?from=2026-03-02&to=2026-03-01",
        "/admin/insight/definitions",
        "/admin/members",
        "/admin/members?q=Wang",
        member.as_str(),
        "/admin/rewards",
        "/admin/rewards?code=NOPE-NOPE",
        "/admin/reports",
        "/admin/program",
        "/admin/program/draft",
        "/admin/automations",
        "/admin/automations/no_such_automation/dry-run",
        "/admin/audit",
        "/admin/books",
        "/admin/books?from=2026-03-02&to=2026-03-01",
        "/admin/staff",
        "/admin/account",
        "/admin/api-keys",
        "/admin/webhooks",
        "/admin/no-such-page",
    ] {
        tour(&browser, &app, path).await;
    }

    browser.go(&app.url(&member)).await;
    browser.fill("#points", "-500").await;
    browser.fill("#reason", "扣除测试").await;
    browser.click("#adjust-submit").await;
    let refused = browser.text("#points-error").await;
    assert!(
        refused.contains("120") && refused.contains("500"),
        "a debit beyond the balance names both: {refused}"
    );
    all_chinese(&browser, "an adjustment beyond the balance").await;

    browser.go(&app.url("/admin/program")).await;
    let (text, line) = program_with_a_mistake();
    set_program_text(&browser, &text).await;
    browser.click("#program-submit").await;
    let problems = browser.text("#program-problems").await;
    assert!(
        problems.contains(&format!("第 {line} 行")) && problems.contains("必须大于 1"),
        "the problem at its line, in Chinese: {problems}"
    );
    all_chinese(&browser, "a program that does not validate").await;
    set_program_text(&browser, "[program]\nname = ").await;
    browser.click("#program-submit").await;
    all_chinese(&browser, "a program that is not TOML").await;

    browser.go(&app.url("/admin/staff")).await;
    browser.fill("#staff-email", "support@example.com").await;
    browser.fill("#staff-name", "重复").await;
    browser
        .run("document.querySelector('#staff-role').value = 'support'; return true;")
        .await;
    browser.fill("#staff-password", PASSWORD).await;
    browser.click("#staff-submit").await;
    all_chinese(&browser, "a staff email already in use").await;

    browser.go(&app.url("/admin/api-keys")).await;
    browser.fill("#key-name", "收银台 7").await;
    browser
        .run("document.querySelector('#key-scope').value = 'pos'; return true;")
        .await;
    browser.click("#key-submit").await;
    all_chinese(&browser, "a key just created").await;
    browser.click("#keys-back").await;
    browser.click("button[id^=revoke-]").await;
    all_chinese(&browser, "a key just revoked").await;

    browser.go(&app.url("/admin/webhooks")).await;
    browser
        .fill("#webhook-url", "ftp://files.example.com/in")
        .await;
    browser.click("#webhook-submit").await;
    all_chinese(&browser, "a webhook address refused").await;
    browser
        .fill("#webhook-url", "https://crm.example.com/laurel")
        .await;
    browser.tick("#event-points-adjusted").await;
    browser.click("#webhook-submit").await;
    all_chinese(&browser, "a webhook just subscribed").await;
    let hook = app.engine.webhooks().await.unwrap()[0].id;
    for path in [
        "/admin/webhooks".to_owned(),
        format!("/admin/webhooks/{hook}"),
        format!("/admin/webhooks/{hook}/delete"),
    ] {
        tour(&browser, &app, &path).await;
    }

    browser.go(&app.url(&member)).await;
    browser.click("#suspend").await;
    all_chinese(&browser, "a suspended member").await;
    browser.click("#reactivate").await;

    // Support staff over their cap, and refused a page.
    browser.click(".who button[type=submit]").await;
    app.sign_in(&browser, "support@example.com").await;
    browser.go(&app.url(&member)).await;
    all_chinese(&browser, "the member page with the cap").await;
    browser.fill("#points", "5000").await;
    browser.fill("#reason", "补偿").await;
    browser.click("#adjust-submit").await;
    let refused = browser.text("#points-error").await;
    assert!(
        refused.contains("1,000") && refused.contains("5,000") && refused.contains("客服"),
        "{refused}"
    );
    all_chinese(&browser, "an adjustment over the cap").await;
    visit(&browser, &app, "/admin/audit").await;

    // The portal, as the member.
    browser
        .go(&app.url("/portal/lang?to=zh-CN&back=/portal/login"))
        .await;
    all_chinese(&browser, "/portal/login").await;
    browser.fill("#email", "mei@example.com").await;
    browser.click("#send-code").await;
    all_chinese(&browser, "the code page").await;
    let code = app.code_sent_to("mei@example.com").await;
    let wrong = if code == "000000" { "000001" } else { "000000" };
    browser.fill("#code", wrong).await;
    browser.click("#check-code").await;
    all_chinese(&browser, "a wrong code").await;
    browser.fill("#code", &code).await;
    browser.click("#check-code").await;
    for path in [
        "/portal",
        "/portal/history",
        "/portal/rewards",
        "/portal/refer",
        "/portal/join?code=ABCD-EFGH",
        "/portal/profile",
        "/portal/help",
        "/portal/my-data",
        "/portal/transfers",
        "/portal/coupons",
        "/portal/coupons/9999",
        "/portal/no-such-page",
    ] {
        tour(&browser, &app, path).await;
    }

    // A redemption and its coupon, in the portal and in the console.
    visit(&browser, &app, "/portal/rewards/five_off").await;
    browser.click("#confirm-redeem").await;
    all_chinese(&browser, "a coupon just redeemed").await;
    let coupon = browser.text("#coupon-code").await;
    visit(&browser, &app, "/portal/coupons").await;
    visit(&browser, &app, "/portal/history?show=spent").await;
    visit(&browser, &app, &format!("/admin/rewards?code={coupon}")).await;
    visit(&browser, &app, &member).await;
    app.engine
        .adjust(
            laurel_engine::AdjustRequest {
                member_id: app.member,
                points: 100,
                reason: "补发".into(),
                note: None,
                idempotency_key: "top-up".into(),
            },
            "staff:admin@example.com",
        )
        .await
        .unwrap();

    // A redemption refused for too few points: the balance drops after the page was shown.
    visit(&browser, &app, "/portal/rewards/five_off").await;
    app.engine
        .redeem(RedeemRequest {
            partner: None,
            member_id: app.member,
            points: 50,
            idempotency_key: "elsewhere".into(),
            reference: "till 3".into(),
            reason: None,
        })
        .await
        .unwrap();
    browser.click("#confirm-redeem").await;
    let refused = browser.text("#redeem-error").await;
    assert!(
        refused.contains("70") && refused.contains("100"),
        "{refused}"
    );
    all_chinese(&browser, "a redemption with too few points").await;
    visit(&browser, &app, "/portal/rewards/five_off").await;
    browser.screenshot("portal-refused-zh-CN").await;
    assert_eq!(app.available().await, 70, "only the other spend happened");
    browser.stop().await;
    app.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn applying_a_program_with_a_mistake_shows_it_at_its_line_and_applies_nothing() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    app.sign_in(&browser, "admin@example.com").await;
    browser.go(&app.url("/admin/program")).await;
    let (text, line) = program_with_a_mistake();
    set_program_text(&browser, &text).await;
    browser.fill("#note", "double points").await;
    browser.click("#program-submit").await;
    let problem = browser.text("#problem-1").await;
    assert_eq!(
        problem,
        format!(
            "Line {line} rules[0].effect.multiplier: must be above 1 (2 is double points), got 1"
        )
    );
    assert_eq!(
        browser
            .run("return document.querySelector('#text').value;")
            .await,
        text.as_str(),
        "the draft is kept to be corrected"
    );
    assert_eq!(
        browser
            .run("return document.querySelector('#note').value;")
            .await,
        "double points"
    );
    browser.screenshot("program-problem").await;
    assert_eq!(
        app.engine.program_versions().await.unwrap().len(),
        1,
        "nothing applied"
    );

    // Corrected, it applies.
    set_program_text(
        &browser,
        &text.replace(r#"multiplier = "1""#, r#"multiplier = "2""#),
    )
    .await;
    browser.click("#program-submit").await;
    assert!(
        browser
            .text("#program-notice")
            .await
            .contains("Version 2 applied")
    );
    assert!(browser.text("#rules").await.contains("双倍积分"));
    browser.stop().await;
    app.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn support_staff_see_their_cap_and_an_adjustment_over_it_is_refused_next_to_the_field() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    app.sign_in(&browser, "support@example.com").await;
    browser
        .go(&app.url(&format!("/admin/members/{}", app.member)))
        .await;
    assert_eq!(
        browser.text("#adjust-cap").await,
        "You may adjust at most 1,000 points at a time."
    );
    browser.fill("#points", "1001").await;
    browser.fill("#reason", "goodwill").await;
    browser.click("#adjust-submit").await;
    assert_eq!(
        browser.text("#points-error").await,
        "As Support you may adjust at most 1,000 points at a time (1,001 asked)."
    );
    assert_eq!(app.available().await, 120, "nothing adjusted");
    browser.fill("#points", "-100").await;
    browser.click("#adjust-submit").await;
    assert!(browser.text("#adjusted").await.contains("Points adjusted"));
    assert_eq!(app.available().await, 20);

    // An admin has no cap, and sees none.
    browser.click(".who button[type=submit]").await;
    app.sign_in(&browser, "admin@example.com").await;
    browser
        .go(&app.url(&format!("/admin/members/{}", app.member)))
        .await;
    let caps = browser
        .run("return document.querySelectorAll('#adjust-cap').length;")
        .await;
    assert_eq!(caps, 0);
    browser.fill("#points", "5000").await;
    browser.fill("#reason", "goodwill").await;
    browser.click("#adjust-submit").await;
    assert_eq!(app.available().await, 5_020);
    browser.stop().await;
    app.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_downloads_their_own_data_as_json() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    let other = app
        .engine
        .enroll(EnrollRequest {
            external_id: "CUST-43".into(),
            email: Some("someone.else@example.com".into()),
            phone: None,
            name: Some("Li Lei".into()),
            birthday: None,
            channel: laurel_core::Channel::Web,
            attributes: Default::default(),
            referral_code: None,
            enrolled_at: None,
            device: None,
        })
        .await
        .unwrap();
    app.member_signs_in(&browser).await;
    browser.go(&app.url("/portal/my-data")).await;
    assert_eq!(
        browser
            .run("return document.querySelector('a[href=\"/portal/data\"]').hasAttribute('download');")
            .await,
        true,
        "the data page links the download"
    );
    // The browser would save the file; fetch it from the page to read what it gets.
    let answer = browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch('/portal/data').then(r => r.text().then(body => done({
               status: r.status,
               type: r.headers.get('content-type'),
               disposition: r.headers.get('content-disposition'),
               cache: r.headers.get('cache-control'),
               body })));",
            Vec::new(),
        )
        .await
        .unwrap();
    assert_eq!(answer["status"], 200);
    assert_eq!(answer["type"], "application/json; charset=utf-8");
    assert_eq!(
        answer["disposition"],
        "attachment; filename=\"my-loyalty-data.json\""
    );
    assert_eq!(answer["cache"], "no-store");
    let body = answer["body"].as_str().unwrap();
    let data: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(data["member"]["external_id"], "CUST-42");
    assert_eq!(data["member"]["email"], "mei@example.com");
    assert_eq!(data["member"]["name"], "Wang Mei");
    assert!(
        data["member"]["referral_code"]
            .as_str()
            .is_some_and(|c| !c.is_empty())
    );
    assert_eq!(data["balance"]["available"], 120);
    let ledger = data["ledger"].as_array().unwrap();
    assert_eq!(ledger.len(), 1);
    assert_eq!(ledger[0]["kind"], "earn");
    assert_eq!(ledger[0]["available_delta"], 120);
    assert!(data["consents"].is_object());
    assert!(
        !body.contains(&other.profile.external_id) && !body.contains("someone.else"),
        "nothing of another member"
    );

    // Signed out, there is nothing to download.
    browser.click("#sign-out").await;
    browser.go(&app.url("/portal/data")).await;
    assert_eq!(browser.path().await, "/portal/login");
    browser.stop().await;
    app.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_members_referral_link_lands_on_the_join_page_with_their_code() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    app.member_signs_in(&browser).await;
    browser.go(&app.url("/portal/refer")).await;
    let code = browser.text("#referral-code").await;
    assert!(!code.is_empty());
    let link = browser.text("#share-link").await;
    assert_eq!(link, app.url(&format!("/portal/join?code={code}")));
    assert!(
        browser.text("main").await.contains("you get 300"),
        "the offer names what both get"
    );
    browser.screenshot("portal-refer").await;

    // A friend opens the link, signed out.
    browser.click("#sign-out").await;
    browser.go(&link).await;
    assert_eq!(browser.text("#join-code").await, code);
    browser.screenshot("portal-join").await;
    browser.click("a[href='/portal/login']").await;
    assert_eq!(browser.path().await, "/portal/login");
    // A link mangled on the way keeps only what a code can hold.
    browser
        .go(&app.url("/portal/join?code=%3Cscript%3Ealert(1)%3C/script%3E"))
        .await;
    assert_eq!(browser.text("#join-code").await, "scriptalert1script");

    // The friend joins with the code (at the till, say): the referrer's page counts them.
    app.engine
        .enroll(EnrollRequest {
            external_id: "FRIEND-1".into(),
            email: Some("friend@example.com".into()),
            phone: None,
            name: None,
            birthday: None,
            channel: laurel_core::Channel::Pos,
            attributes: Default::default(),
            referral_code: Some(code.clone()),
            enrolled_at: None,
            device: None,
        })
        .await
        .unwrap();
    app.member_signs_in(&browser).await;
    browser.go(&app.url("/portal/refer")).await;
    assert!(
        browser.text("main").await.contains("Friends who joined: 1"),
        "{}",
        browser.text("main").await
    );
    browser.stop().await;
    app.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_referral_link_uses_the_configured_public_address_not_the_one_the_request_came_to() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let public = "https://loyalty.example.com/club/".parse().ok();
    let app = App::start_at(public).await;
    app.member_signs_in(&browser).await;
    browser.go(&app.url("/portal/refer")).await;
    let code = browser.text("#referral-code").await;
    let link = browser.text("#share-link").await;
    assert_eq!(
        link,
        format!("https://loyalty.example.com/club/portal/join?code={code}")
    );
    browser.stop().await;
    app.stop();
}
