//! Households on every backend, in both languages, at both widths: under a program pooling
//! points, two members to a household, Wang Mei (120 points) makes "Wang family" in the
//! portal. Li Lei (30 points) asks to join by a code no member has, by his own code and by the
//! code of Zhang (in no household), each refused next to the field, then by hers, and waits
//! for her; she approves him. He redeems the ¥5 off (100 points) in the portal, the catalog
//! offering it on the household's points and the confirmation saying 70 of them are hers; both
//! read the lend (the household page, his transfers and history, in both languages). A
//! checkout holds 20 of her points: the member page, her home and her data show them held.
//! Staff read the household on the member pages (each member linked, Zhang in none). Zhang is
//! refused by Li's code (not an owner) and by hers (the household full); Li leaves; Zhang asks
//! and she declines; she ends the household after a second page. A program without
//! `[households]` links nowhere and says so. Runs on the wallet tests' browser.

use super::pages::all_chinese;
use super::staff_pages::open_in;
use super::{App, Browser, PROGRAM, buy};
use laurel_core::Channel;
use laurel_engine::{EnrollRequest, PointHoldRequest};

/// The test program pooling points, at most two members to a household.
fn program() -> String {
    format!("{PROGRAM}\n[households]\nmode = \"pooled\"\nmax_members = 2\n")
}

/// Enrolls another member who signs in to the portal with `email`.
async fn enroll(app: &App, external_id: &str, name: Option<&str>, email: &str) -> i64 {
    app.engine
        .enroll(EnrollRequest {
            external_id: external_id.into(),
            email: Some(email.into()),
            phone: None,
            name: name.map(str::to_owned),
            birthday: None,
            channel: Channel::Pos,
            attributes: Default::default(),
            referral_code: None,
            enrolled_at: None,
            device: None,
        })
        .await
        .unwrap()
        .id
        .0
}

/// A member's member code (their referral code).
async fn code_of(app: &App, member: i64) -> String {
    app.engine.referrals(member, 1).await.unwrap().code
}

/// A member's spendable points.
async fn available(app: &App, member: i64) -> i64 {
    app.engine.balance(member).await.unwrap().available.get()
}

/// Signs the member with `email` in through the portal's two forms, the page in English.
async fn signs_in(app: &App, browser: &Browser, email: &str) {
    browser.go(&app.url("/portal/login")).await;
    browser.fill("#email", email).await;
    browser.click("#send-code").await;
    let code = app.code_sent_to(email).await;
    browser.fill("#code", &code).await;
    browser.click("#check-code").await;
    app.portal_in(browser, "en", "%2Fportal%2Fhousehold").await;
}

/// Asks to join a household by the owner's member code.
async fn ask(browser: &Browser, code: &str) {
    browser.fill("#household-code", code).await;
    browser.click("#household-ask").await;
}

/// The household's members on the portal page: each as their role and text.
async fn members(browser: &Browser) -> Vec<(String, String)> {
    let found = browser
        .run(
            "return [...document.querySelectorAll('#household-members li')]\
             .map(l => [l.dataset.role, l.innerText]);",
        )
        .await;
    serde_json::from_value(found).unwrap()
}

/// The rows of the member page's household table, each as its role and text.
async fn rows(browser: &Browser) -> Vec<(String, String)> {
    let found = browser
        .run(
            "return [...document.querySelectorAll('#household-members tbody tr')]\
             .map(r => [r.dataset.role, r.innerText]);",
        )
        .await;
    serde_json::from_value(found).unwrap()
}

/// Mei's household made, joined, spent from, read by staff, left and ended.
pub(super) async fn households_in_the_portal_and_on_the_member_page(browser: &Browser) {
    for (backend, db) in laurel_testkit::backends() {
        let at = format!("[{backend}]");
        let shots = backend == "sqlite";
        let app = App::start_under(db, None, &program()).await;
        let mei = app.member;
        let li = enroll(&app, "CUST-77", Some("Li Lei"), "li@example.com").await;
        let zhang = enroll(&app, "CUST-88", None, "zhang@example.com").await;
        buy(&app.engine, li, "o-li", "30").await;
        let mei_code = code_of(&app, mei).await;
        let li_code = code_of(&app, li).await;
        let zhang_code = code_of(&app, zhang).await;

        // Mei: home links to the page; in no household she reads the terms and makes one.
        signs_in(&app, browser, "mei@example.com").await;
        browser.go(&app.url("/portal")).await;
        assert_eq!(
            browser.text("#household-line").await,
            "Pool your points with family or friends.",
            "{at}"
        );
        browser.click("#household-link").await;
        assert_eq!(browser.path().await, "/portal/household", "{at}");
        assert_eq!(
            browser.text("#household-none").await,
            "You are not in a household.",
            "{at}"
        );
        assert_eq!(
            browser.text("#household-terms").await,
            "Pooled: every member spends from everyone's points — their own first, then the \
             owner's, then the others'.\nA household has at most 2 members, the owner included.",
            "{at}"
        );
        if shots {
            browser.shots("portal-household-none-en").await;
        }
        browser.fill("#household-name", "Wang family").await;
        browser.click("#household-make").await;
        assert_eq!(
            browser.text("#household-done").await,
            "Your household is made. Share your member code with those who may join.",
            "{at}"
        );
        assert_eq!(browser.text("#household-h").await, "Wang family", "{at}");
        assert_eq!(browser.text("#my-code").await, mei_code, "{at}");
        assert_eq!(browser.text("#household-pooled").await, "120", "{at}");
        let found = members(browser).await;
        assert_eq!(found.len(), 1, "{at} {found:?}");
        assert!(
            found[0].0 == "owner" && found[0].1.contains("Wang Mei") && found[0].1.contains("120"),
            "{at} {found:?}"
        );
        browser.click("#sign-out").await;

        // Li: refused next to the code, what was typed kept; then he asks by hers and waits.
        signs_in(&app, browser, "li@example.com").await;
        ask(browser, "NOPE-NOPE").await;
        assert_eq!(
            browser.text("#household-code-error").await,
            "No member has this member code.",
            "{at}"
        );
        let kept = browser
            .run("return document.getElementById('household-code').value;")
            .await;
        assert_eq!(kept, "NOPE-NOPE", "{at}");
        ask(browser, &li_code).await;
        assert_eq!(
            browser.text("#household-code-error").await,
            "That is your own member code.",
            "{at}"
        );
        ask(browser, &zhang_code).await;
        assert_eq!(
            browser.text("#household-code-error").await,
            "That member has no household.",
            "{at}"
        );
        assert!(
            app.engine.household_of(li).await.unwrap().is_none(),
            "{at} nothing asked"
        );
        // As a friend reads it out: lower case, spaces.
        ask(browser, &mei_code.to_lowercase().replace('-', " ")).await;
        assert_eq!(
            browser.text("#household-done").await,
            "You asked to join. You belong once the owner agrees.",
            "{at}"
        );
        assert_eq!(
            browser.text("#household-waiting").await,
            "You asked to join Wang family. You belong once Wang Mei agrees.",
            "{at}"
        );
        let points = browser
            .run(
                "return document.querySelectorAll('#household-members, #household-pooled').length;",
            )
            .await;
        assert_eq!(points, 0, "{at} no one's points before the owner agrees");
        browser.go(&app.url("/portal")).await;
        assert_eq!(
            browser.text("#household-line").await,
            "You asked to join Wang family. You belong once Wang Mei agrees.",
            "{at}"
        );
        app.portal_in(browser, "zh-CN", "%2Fportal%2Fhousehold")
            .await;
        assert_eq!(
            browser.text("#household-waiting").await,
            "您已申请加入“Wang family”，Wang Mei 同意后即可加入。",
            "{at}"
        );
        if shots {
            browser.shots("portal-household-waiting-zh-CN").await;
        }
        browser.click("#sign-out").await;

        // Mei approves him: both belong, their points pooled.
        signs_in(&app, browser, "mei@example.com").await;
        let requests = browser.text("#household-requests").await;
        assert!(requests.contains("Li Lei"), "{at} {requests}");
        if shots {
            browser.shots("portal-household-request-en").await;
        }
        browser.click(&format!("#household-approve-{li}")).await;
        assert_eq!(
            browser.text("#household-done").await,
            "They belong to the household now.",
            "{at}"
        );
        let found = members(browser).await;
        assert_eq!(found.len(), 2, "{at} {found:?}");
        assert!(
            found[1].0 == "member" && found[1].1.contains("Li Lei") && found[1].1.contains("30"),
            "{at} {found:?}"
        );
        assert_eq!(browser.text("#household-pooled").await, "150", "{at}");
        assert_eq!(
            browser.text("#household-spendable").await,
            "With your household you may spend up to 150 points.",
            "{at}"
        );
        browser.click("#sign-out").await;

        // Li redeems 100 points with 30 of his own: the household lends Mei's 70.
        signs_in(&app, browser, "li@example.com").await;
        browser.go(&app.url("/portal/rewards")).await;
        assert_eq!(
            browser.text("#household-spendable").await,
            "With your household you may spend up to 150 points.",
            "{at}"
        );
        browser.click("#choose-five_off").await;
        assert_eq!(browser.text("#after").await, "0", "{at}");
        assert_eq!(
            browser.text("#from-household").await,
            "70 points of it from your household.",
            "{at}"
        );
        if shots {
            browser.shots("portal-redeem-with-household-en").await;
        }
        browser.click("#confirm-redeem").await;
        assert!(
            browser.path().await.starts_with("/portal/coupons/"),
            "{at} redeemed"
        );
        assert_eq!(available(&app, li).await, 0, "{at}");
        assert_eq!(available(&app, mei).await, 50, "{at}");
        browser.go(&app.url("/portal/household")).await;
        assert_eq!(browser.text("#household-pooled").await, "50", "{at}");
        let lends = browser.text("#household-lends").await;
        assert!(
            lends.contains("Lent by Wang Mei within your household") && lends.contains("+70"),
            "{at} {lends}"
        );
        if shots {
            browser.shots("portal-household-member-en").await;
        }
        // Only the owner removes others: his hand-made form is refused, nothing changed.
        let status = browser
            .run(&format!(
                "return fetch('/portal/household/remove', {{ method: 'POST',\
                   headers: {{ 'content-type': 'application/x-www-form-urlencoded' }},\
                   body: new URLSearchParams({{ csrf: document.querySelector('input[name=csrf]').value,\
                     member: '{mei}' }}) }}).then(r => r.status);"
            ))
            .await;
        assert_eq!(status, 404, "{at}");
        let standing = app.engine.household_of(mei).await.unwrap().unwrap();
        assert_eq!(standing.members.len(), 2, "{at} nothing changed");
        // The program offers no transfers, yet his list has the lend.
        browser.go(&app.url("/portal/transfers")).await;
        assert!(
            browser
                .text("#transfers-list")
                .await
                .contains("Lent by Wang Mei within your household"),
            "{at}"
        );
        browser.go(&app.url("/portal/history?show=transfers")).await;
        let history = browser.text("main").await;
        for words in ["Received from a member", "Lent within the household", "+70"] {
            assert!(history.contains(words), "{at} `{words}` in {history}");
        }
        app.portal_in(browser, "zh-CN", "%2Fportal%2Fhousehold")
            .await;
        assert!(
            browser
                .text("#household-lends")
                .await
                .contains("Wang Mei 在家庭内借给您"),
            "{at}"
        );
        assert!(
            browser
                .text("#household-mode")
                .await
                .starts_with("积分共享"),
            "{at}"
        );
        if shots {
            browser.shots("portal-household-member-zh-CN").await;
        }
        app.portal_in(browser, "zh-CN", "%2Fportal%2Frewards").await;
        app.portal_in(browser, "zh-CN", "%2Fportal%2Fhistory%3Fshow%3Dtransfers")
            .await;
        browser.click("#sign-out").await;

        // A checkout holds 20 of Mei's points.
        let hold = PointHoldRequest {
            member_id: mei,
            points: 20,
            idempotency_key: "checkout-1".into(),
            reference: "order-77".into(),
            expires_in: None,
        };
        app.engine.hold_points(hold, "key:till01").await.unwrap();
        assert_eq!(available(&app, mei).await, 30, "{at}");

        // Staff read the household on each member's page, each member linked.
        app.sign_in(browser, "admin@example.com").await;
        let page = format!("/admin/members/{mei}");
        open_in(browser, &app, "en", &page).await;
        assert_eq!(browser.text("#held").await, "20", "{at}");
        assert_eq!(browser.text("#household-name").await, "Wang family", "{at}");
        assert_eq!(browser.text("#household-role").await, "Owner", "{at}");
        assert_eq!(browser.text("#household-pooled").await, "30", "{at}");
        assert!(
            browser.text("#household-mode").await.starts_with("Pooled"),
            "{at}"
        );
        let found = rows(browser).await;
        assert_eq!(found.len(), 2, "{at} {found:?}");
        assert!(
            found[0].0 == "owner" && found[0].1.contains("Wang Mei") && found[0].1.contains("30"),
            "{at} {found:?}"
        );
        assert!(
            found[1].0 == "member" && found[1].1.contains("CUST-77") && found[1].1.contains("0"),
            "{at} {found:?}"
        );
        let lent = browser.text("#transfers").await;
        assert!(
            lent.contains("Lent in the household") && lent.contains("-70"),
            "{at} {lent}"
        );
        if shots {
            browser.shots("member-household-en").await;
        }
        open_in(browser, &app, "zh-CN", &page).await;
        assert_eq!(browser.text("#household-role").await, "户主", "{at}");
        all_chinese(browser, "member page with a household").await;
        if shots {
            browser.shots("member-household-zh-CN").await;
        }
        open_in(browser, &app, "en", &page).await;
        browser.click("#household-members a.household-member").await;
        assert_eq!(browser.path().await, format!("/admin/members/{li}"), "{at}");
        assert_eq!(browser.text("#household-role").await, "Member", "{at}");
        let borrowed = browser
            .run("return document.querySelector('#transfers tr[data-household]').innerText;")
            .await;
        assert!(
            borrowed
                .as_str()
                .is_some_and(|r| r.contains("Borrowed in the household") && r.contains("+70")),
            "{at} {borrowed}"
        );
        let ledger = browser.text("#ledger").await;
        assert!(ledger.contains("Lent within the household"), "{at}");
        browser.go(&app.url(&page)).await;
        let ledger = browser.text("#ledger").await;
        assert!(
            ledger.contains("Held at checkout") && ledger.contains("Checkout hold"),
            "{at} {ledger}"
        );
        browser
            .go(&app.url(&format!("/admin/members/{zhang}")))
            .await;
        assert_eq!(
            browser.text("#household-none").await,
            "Not in a household.",
            "{at}"
        );
        browser.click("form[action='/admin/logout'] button").await;

        // Zhang: Li owns no household, and Mei's is full.
        signs_in(&app, browser, "zhang@example.com").await;
        ask(browser, &li_code).await;
        assert_eq!(
            browser.text("#household-code-error").await,
            "That member does not own their household: ask its owner for their code.",
            "{at}"
        );
        ask(browser, &mei_code).await;
        assert_eq!(
            browser.text("#household-code-error").await,
            "The household has its 2 members already.",
            "{at}"
        );
        app.portal_in(browser, "zh-CN", "%2Fportal%2Fhousehold")
            .await;
        ask(browser, &mei_code).await;
        assert_eq!(
            browser.text("#household-code-error").await,
            "该家庭已满 2 名成员。",
            "{at}"
        );
        all_chinese(browser, "portal household, refused").await;
        if shots {
            browser.shots("portal-household-refused-zh-CN").await;
        }
        browser.click("#sign-out").await;

        // Li leaves, keeping what was lent him; his button pressed twice (the first press sent
        // from the page itself) is answered as once.
        signs_in(&app, browser, "li@example.com").await;
        let first = browser
            .run(
                "const f = document.querySelector('#household-leave-form'); \
                 const x = new XMLHttpRequest(); x.open('POST', f.action, false); \
                 x.setRequestHeader('Content-Type', 'application/x-www-form-urlencoded'); \
                 x.send(new URLSearchParams(new FormData(f)).toString()); return x.status;",
            )
            .await;
        assert_eq!(first, serde_json::json!(200), "{at}");
        browser.click("#household-leave").await;
        assert_eq!(
            browser.text("#household-done").await,
            "You left the household.",
            "{at}"
        );
        assert!(app.engine.household_of(li).await.unwrap().is_none(), "{at}");
        browser.click("#sign-out").await;

        // Zhang asks now, and is declined.
        signs_in(&app, browser, "zhang@example.com").await;
        ask(browser, &mei_code).await;
        assert!(
            browser
                .text("#household-waiting")
                .await
                .contains("Wang family"),
            "{at}"
        );
        browser.click("#sign-out").await;
        signs_in(&app, browser, "mei@example.com").await;
        let requests = browser.text("#household-requests").await;
        assert!(
            requests.contains("C•••88"),
            "{at} a member without a name, masked: {requests}"
        );
        browser.click(&format!("#household-decline-{zhang}")).await;
        assert_eq!(
            browser.text("#household-done").await,
            "The request was declined.",
            "{at}"
        );
        assert!(
            app.engine.household_of(zhang).await.unwrap().is_none(),
            "{at}"
        );

        // Her home and data show the held points.
        browser.go(&app.url("/portal")).await;
        assert_eq!(
            browser.text("#held").await,
            "20 points are held at a checkout until it is paid or cancelled.",
            "{at}"
        );
        assert_eq!(
            browser.text("#household-line").await,
            "Wang family: 30 points together",
            "{at}"
        );
        if shots {
            browser.shots("portal-home-held-en").await;
        }
        app.portal_in(browser, "zh-CN", "%2Fportal").await;
        assert_eq!(
            browser.text("#held").await,
            "另有 20 积分在结账时冻结，付款或取消后解冻。",
            "{at}"
        );
        app.portal_in(browser, "en", "%2Fportal%2Fmy-data").await;
        assert!(
            browser
                .text("#data-held")
                .await
                .contains("20 points are held"),
            "{at}"
        );

        // Ending it takes a second page: keeping it changes nothing.
        browser.go(&app.url("/portal/household")).await;
        browser.click("#household-end").await;
        assert_eq!(browser.path().await, "/portal/household/end", "{at}");
        assert_eq!(browser.text("h1").await, "End Wang family?", "{at}");
        if shots {
            browser.shots("portal-household-end-en").await;
        }
        browser.click("#household-keep").await;
        assert!(
            app.engine.household_of(mei).await.unwrap().is_some(),
            "{at} kept"
        );
        app.portal_in(browser, "zh-CN", "%2Fportal%2Fhousehold%2Fend")
            .await;
        if shots {
            browser.shots("portal-household-end-zh-CN").await;
        }
        browser.click("#household-end-confirm").await;
        assert_eq!(
            browser.text("#household-done").await,
            "家庭已解散，每人保留各自的积分。",
            "{at}"
        );
        assert!(
            app.engine.household_of(mei).await.unwrap().is_none(),
            "{at} ended"
        );
        assert_eq!(available(&app, mei).await, 30, "{at} she keeps her points");
        all_chinese(browser, "portal household ended").await;
        browser.click("#sign-out").await;
        app.stop();
    }
    without_households(browser).await;
}

/// Under a program without `[households]` the portal's home links nowhere, the page says none
/// are offered and has no form; the member page has no section.
async fn without_households(browser: &Browser) {
    let app = App::start().await;
    app.member_signs_in(browser).await;
    app.portal_in(browser, "en", "%2Fportal").await;
    let links = browser
        .run("return document.querySelectorAll('#household-link, #held').length;")
        .await;
    assert_eq!(links, 0, "no household on the portal's home, nothing held");
    browser.go(&app.url("/portal/household")).await;
    assert_eq!(
        browser.text("#households-not-offered").await,
        "The program does not offer households."
    );
    let forms = browser
        .run("return document.querySelectorAll('main form').length;")
        .await;
    assert_eq!(forms, 0, "no form");
    browser.click("#lang-zh-CN").await;
    assert_eq!(
        browser.text("#households-not-offered").await,
        "本计划不提供家庭账户。"
    );
    all_chinese(browser, "portal household not offered").await;
    browser.shots("portal-household-not-offered-zh-CN").await;
    browser.click("#sign-out").await;
    app.sign_in(browser, "admin@example.com").await;
    browser
        .go(&app.url(&format!("/admin/members/{}", app.member)))
        .await;
    let sections = browser
        .run("return document.querySelectorAll('#household-h, #held').length;")
        .await;
    assert_eq!(sections, 0, "no household section, nothing held");
    browser.click("form[action='/admin/logout'] button").await;
    app.stop();
}
