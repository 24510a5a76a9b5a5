//! Points members send each other, on every backend, in both languages, at both widths:
//! under a program allowing transfers of 20 points or more, 100 a day, for 2 points plus 10%,
//! Wang Mei (120 points) reads the terms and her member code in the portal; too few points,
//! a code no member has and her own code are refused next to their field with nothing sent;
//! she sends Li Lei 50 points by his code (a double submit sends once, the fee 7 and what she
//! has left said), is refused going over the day's most, and sends 20 to a member without a
//! name (shown masked). Staff send 20 back from Li Lei on his behalf. Both sides read it: her
//! list, her history's filter, the member pages (the other member linked, the staff member
//! named) and the whole list paged; the dashboard's roll-forward has the transferred line.
//! A suspended member cannot receive (refused next to the code), and a suspended sender is
//! signed out with nothing sent. A program without transfers says so and links nowhere. Runs
//! on the wallet tests' browser.

use super::pages::all_chinese;
use super::staff_pages::open_in;
use super::{App, Browser, PROGRAM};
use laurel_core::Channel;
use laurel_engine::{EnrollRequest, MemberRef, TransferRequest};

/// The test program allowing transfers: at least 20 points, at most 100 a day, 2 points
/// plus 10% on top.
fn program() -> String {
    format!(
        "{PROGRAM}\n[transfers]\nmin_points = 20\ndaily_max = 100\nfee_points = 2\nfee_percent = \"10\"\n"
    )
}

/// Enrolls another member, named or not.
async fn enroll(app: &App, external_id: &str, name: Option<&str>) -> i64 {
    app.engine
        .enroll(EnrollRequest {
            external_id: external_id.into(),
            email: None,
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

/// How many transfers a member sent or received.
async fn transfers(app: &App, member: i64) -> usize {
    app.engine
        .transfers_of(member, None, 50)
        .await
        .unwrap()
        .transfers
        .len()
}

/// Fills the portal's form and sends it.
async fn send(browser: &Browser, to: &str, points: &str, message: &str) {
    browser.fill("#transfer-to", to).await;
    browser.fill("#transfer-points", points).await;
    browser.fill("#transfer-message", message).await;
    browser.click("#transfer-submit").await;
}

/// The rows of the staff's transfers table, each as its direction and its text.
async fn rows(browser: &Browser) -> Vec<(String, String)> {
    let found = browser
        .run(
            "return [...document.querySelectorAll('#transfers tbody tr')]\
             .map(r => [r.dataset.direction, r.innerText]);",
        )
        .await;
    serde_json::from_value(found).unwrap()
}

/// Mei sends and is refused in the portal; both sides and staff read it.
pub(super) async fn transfers_in_the_portal_and_on_the_member_pages(browser: &Browser) {
    for (backend, db) in laurel_testkit::backends() {
        let at = format!("[{backend}]");
        let app = App::start_under(db, None, &program()).await;
        let mei = app.member;
        let li = enroll(&app, "CUST-77", Some("Li Lei")).await;
        let nameless = enroll(&app, "CUST-99", None).await;
        let li_code = code_of(&app, li).await;
        let nameless_code = code_of(&app, nameless).await;

        // The portal: the terms, her code, nothing sent yet.
        app.member_signs_in(browser).await;
        browser
            .go(&app.url("/portal/lang?to=en&back=%2Fportal"))
            .await;
        browser.click("#transfers-link").await;
        assert_eq!(browser.path().await, "/portal/transfers", "{at}");
        assert_eq!(
            browser.text("#my-code").await,
            code_of(&app, mei).await,
            "{at}"
        );
        assert_eq!(
            browser.text("#transfer-terms").await,
            "Each transfer moves at least 20 points.\n\
             You may send at most 100 points a day.\n\
             Each transfer costs 2 points plus 10% of the points sent, rounded up, on top.",
            "{at}"
        );
        assert_eq!(
            browser.text("#transfer-points-hint").await,
            "You have 120 points to spend; the fee is on top.",
            "{at}"
        );
        assert_eq!(
            browser.text("#transfers-none").await,
            "No transfers yet.",
            "{at}"
        );

        // Refusals next to their field, what was typed kept, nothing sent.
        send(browser, &li_code, "10", "").await;
        assert_eq!(
            browser.text("#transfer-points-error").await,
            "A transfer moves at least 20 points.",
            "{at}"
        );
        let kept = browser
            .run("return document.getElementById('transfer-points').value;")
            .await;
        assert_eq!(kept, "10", "{at}");
        send(browser, "NOPE-NOPE", "50", "").await;
        assert_eq!(
            browser.text("#transfer-to-error").await,
            "No member has this member code.",
            "{at}"
        );
        send(browser, &code_of(&app, mei).await, "50", "").await;
        assert_eq!(
            browser.text("#transfer-to-error").await,
            "That is your own member code.",
            "{at}"
        );
        assert_eq!(transfers(&app, mei).await, 0, "{at} nothing sent");
        assert_eq!(app.available().await, 120, "{at}");

        // Sent by his code as a friend reads it out (lower case, spaces): the fee on top,
        // what she has now said. The same form posted again sends nothing more.
        let spoken = li_code.to_lowercase().replace('-', " ");
        browser.fill("#transfer-to", &spoken).await;
        browser.fill("#transfer-points", "50").await;
        browser.fill("#transfer-message", "请你喝咖啡").await;
        let form = browser
            .run(
                "return [...new FormData(document.getElementById('transfer-form'))]\
                 .map(([k, v]) => [k, v]);",
            )
            .await;
        browser.click("#transfer-submit").await;
        assert_eq!(
            browser.text("#transfers-done").await,
            "You sent 50 points to Li Lei. Fee: 7 points. You now have 63 points.",
            "{at}"
        );
        let again = browser
            .run(&format!(
                "return fetch('/portal/transfers', {{ method: 'POST',\
                   headers: {{ 'content-type': 'application/x-www-form-urlencoded' }},\
                   body: new URLSearchParams({form}) }}).then(r => r.status);"
            ))
            .await;
        assert_eq!(again, 200, "{at} the second submit lands on the page");
        assert_eq!(
            transfers(&app, mei).await,
            1,
            "{at} one transfer for two submits"
        );
        assert_eq!(app.available().await, 63, "{at} 50 and the fee of 7, once");
        let list = browser.text("#transfers-list").await;
        for words in ["Sent to Li Lei", "“请你喝咖啡” · Fee: 7 points", "-50"] {
            assert!(list.contains(words), "{at} `{words}` in {list}");
        }

        // Over the day's most: refused with what was sent today.
        send(browser, &li_code, "60", "").await;
        assert_eq!(
            browser.text("#transfer-points-error").await,
            "At most 100 points may be sent in a day; 50 were sent today already.",
            "{at}"
        );
        assert_eq!(transfers(&app, mei).await, 1, "{at} nothing sent");

        // To a member without a name: shown masked to her.
        send(browser, &nameless_code, "20", "").await;
        assert_eq!(
            browser.text("#transfers-done").await,
            "You sent 20 points to C•••99. Fee: 4 points. You now have 39 points.",
            "{at}"
        );

        // Staff send 20 back from Li Lei on his behalf: she reads it received, no fee hers.
        app.engine
            .send_points(
                TransferRequest {
                    member_id: li,
                    to: MemberRef::Id(mei),
                    points: 20,
                    idempotency_key: "desk-1".into(),
                    message: None,
                },
                Some("staff:admin@example.com"),
            )
            .await
            .unwrap();
        browser.go(&app.url("/portal/transfers")).await;
        let lines = browser
            .run(
                "return [...document.querySelectorAll('#transfers-list li')].map(l => l.innerText);",
            )
            .await;
        let lines: Vec<String> = serde_json::from_value(lines).unwrap();
        assert_eq!(lines.len(), 3, "{at} {lines:?}");
        assert!(
            lines[0].starts_with("Received from Li Lei")
                && lines[0].ends_with("+20")
                && !lines[0].contains("Fee"),
            "{at} the newest first: {lines:?}"
        );
        assert!(lines[1].starts_with("Sent to C•••99"), "{at} {lines:?}");
        assert!(lines[2].starts_with("Sent to Li Lei"), "{at} {lines:?}");
        if backend == "sqlite" {
            browser.shots("portal-transfers-en").await;
        }

        // Her history's filter: the three kinds of posting in words.
        browser.go(&app.url("/portal/history?show=transfers")).await;
        let history = browser.text("main").await;
        for words in [
            "Sent to a member",
            "Transfer fee",
            "Received from a member",
            "Points transfer",
        ] {
            assert!(history.contains(words), "{at} `{words}` in {history}");
        }
        assert!(
            !history.contains("Purchase"),
            "{at} transfers only: {history}"
        );

        // In Chinese: the terms, the list, a refusal.
        browser.go(&app.url("/portal/transfers")).await;
        browser.click("#lang-zh-CN").await;
        assert_eq!(
            browser.text("#terms-min").await,
            "每次至少转赠 20 积分。",
            "{at}"
        );
        assert!(
            browser
                .text("#transfers-list")
                .await
                .contains("收到 Li Lei 的转赠"),
            "{at}"
        );
        send(browser, &li_code, "5", "").await;
        assert_eq!(
            browser.text("#transfer-points-error").await,
            "每次转赠至少 20 积分。",
            "{at}"
        );
        all_chinese(browser, "portal transfers, refused").await;
        if backend == "sqlite" {
            browser.shots("portal-transfers-refused-zh-CN").await;
        }
        browser.go(&app.url("/portal/history?show=transfers")).await;
        all_chinese(browser, "portal history of transfers").await;
        if backend == "sqlite" {
            browser.shots("portal-history-transfers-zh-CN").await;
        }

        // A suspended member receives nothing: refused next to the code, nothing sent.
        browser
            .go(&app.url("/portal/lang?to=en&back=%2Fportal%2Ftransfers"))
            .await;
        app.engine
            .set_suspended(li, true, "staff:admin@example.com")
            .await
            .unwrap();
        send(browser, &li_code, "20", "").await;
        assert_eq!(
            browser.text("#transfer-to-error").await,
            "That member cannot receive points right now.",
            "{at}"
        );
        app.engine
            .set_suspended(li, false, "staff:admin@example.com")
            .await
            .unwrap();
        assert_eq!(transfers(&app, mei).await, 3, "{at} nothing sent");

        // Suspended herself, she is signed out: the form leads to signing in, nothing sent.
        browser.go(&app.url("/portal/transfers")).await;
        app.engine
            .set_suspended(mei, true, "staff:admin@example.com")
            .await
            .unwrap();
        send(browser, &li_code, "20", "").await;
        assert_eq!(browser.path().await, "/portal/login", "{at}");
        app.engine
            .set_suspended(mei, false, "staff:admin@example.com")
            .await
            .unwrap();
        assert_eq!(transfers(&app, mei).await, 3, "{at} nothing sent");

        // Staff read both sides: the other member linked, the fee hers, who made it.
        app.sign_in(browser, "admin@example.com").await;
        let page = format!("/admin/members/{mei}");
        open_in(browser, &app, "en", &page).await;
        let found = rows(browser).await;
        assert_eq!(found.len(), 3, "{at} {found:?}");
        assert_eq!(found[0].0, "received", "{at}");
        assert!(
            found[0].1.contains("Li Lei")
                && found[0].1.contains("+20")
                && found[0].1.contains("admin person"),
            "{at} made by staff on Li Lei's behalf: {found:?}"
        );
        assert!(
            found[1].1.contains("CUST-99") && found[1].1.contains("-20"),
            "{at} staff read the external id: {found:?}"
        );
        assert_eq!(found[2].0, "sent", "{at}");
        for words in ["Sent", "Li Lei", "-50", "7", "请你喝咖啡"] {
            assert!(found[2].1.contains(words), "{at} `{words}` in {found:?}");
        }
        let ledger = browser.text("#ledger").await;
        for words in ["Sent to a member", "Transfer fee", "Points transfer"] {
            assert!(ledger.contains(words), "{at} `{words}` in {ledger}");
        }
        if backend == "sqlite" {
            browser.shots("member-transfers-en").await;
        }
        open_in(browser, &app, "zh-CN", &page).await;
        assert!(browser.text("#transfers").await.contains("转出"), "{at}");
        all_chinese(browser, "member page with transfers").await;
        if backend == "sqlite" {
            browser.shots("member-transfers-zh-CN").await;
        }

        // Li Lei's side, reached by the link: received from her, sent back by staff.
        open_in(browser, &app, "en", &page).await;
        browser
            .click("#transfers tbody tr[data-direction='sent'] a.transfer-other")
            .await;
        assert_eq!(
            browser.path().await,
            format!("/admin/members/{nameless}"),
            "{at}"
        );
        browser.go(&app.url(&format!("/admin/members/{li}"))).await;
        let found = rows(browser).await;
        assert_eq!(found.len(), 2, "{at} {found:?}");
        assert!(
            found[0].0 == "sent" && found[0].1.contains("Wang Mei") && found[0].1.contains("-20"),
            "{at} {found:?}"
        );
        assert!(
            found[1].0 == "received" && found[1].1.contains("+50"),
            "{at} {found:?}"
        );

        // The whole list, paged on the engine's cursor.
        let list = format!("{page}/transfers");
        browser.go(&app.url(&list)).await;
        assert_eq!(rows(browser).await.len(), 3, "{at}");
        let newest = app.engine.transfers_of(mei, None, 1).await.unwrap();
        browser
            .go(&app.url(&format!("{list}?before={}", newest.transfers[0].id)))
            .await;
        assert_eq!(rows(browser).await.len(), 2, "{at} the ones before it");
        browser.click("#first-page").await;
        assert_eq!(rows(browser).await.len(), 3, "{at}");
        open_in(browser, &app, "zh-CN", &list).await;
        all_chinese(browser, "all transfers").await;
        if backend == "sqlite" {
            browser.shots("member-transfers-list-zh-CN").await;
        }

        // The roll-forward: what is sent is received, the fees spent.
        open_in(browser, &app, "en", "/admin/dashboard").await;
        let line = browser
            .run(
                "const r = document.querySelector('#roll-forward tr[data-line=\"transferred\"]');\
                 return [r.querySelector('th').innerText,\
                   ...[...r.querySelectorAll('[data-points]')].map(c => Number(c.dataset.points))];",
            )
            .await;
        assert_eq!(
            line,
            serde_json::json!(["Sent between members (nets to nothing)", 0, 0, 0]),
            "{at}"
        );
        browser.click("form[action='/admin/logout'] button").await;
        app.stop();
    }
    without_transfers(browser).await;
}

/// Under a program without `[transfers]` the portal says none are offered and home links
/// nowhere; the member page has no section.
async fn without_transfers(browser: &Browser) {
    let app = App::start().await;
    app.member_signs_in(browser).await;
    browser
        .go(&app.url("/portal/lang?to=en&back=%2Fportal"))
        .await;
    let links = browser
        .run("return document.querySelectorAll('#transfers-link').length;")
        .await;
    assert_eq!(links, 0, "no link to transfers on the portal's home");
    browser.go(&app.url("/portal/transfers")).await;
    assert_eq!(
        browser.text("#transfers-not-offered").await,
        "The program does not offer transfers of points between members."
    );
    let forms = browser
        .run("return document.querySelectorAll('#transfer-form, #my-code').length;")
        .await;
    assert_eq!(forms, 0, "no form and no code");
    browser.click("#lang-zh-CN").await;
    assert_eq!(
        browser.text("#transfers-not-offered").await,
        "本计划不提供会员间积分转赠。"
    );
    all_chinese(browser, "portal transfers not offered").await;
    browser.shots("portal-transfers-not-offered-zh-CN").await;
    browser.click("#sign-out").await;
    app.sign_in(browser, "admin@example.com").await;
    browser
        .go(&app.url(&format!("/admin/members/{}", app.member)))
        .await;
    let sections = browser
        .run("return document.querySelectorAll('#transfers-h').length;")
        .await;
    assert_eq!(sections, 0, "no transfers section");
    browser.click("form[action='/admin/logout'] button").await;
    app.stop();
}
