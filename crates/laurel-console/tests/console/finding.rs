//! Finding people on the staff console: the members list shows everyone newest first with
//! filters and pages, a search forgives case, phone forms and part of a Chinese name, and a
//! member with a long history still has a short page. Each in English and Chinese, at a
//! desktop's and a phone's width.

use super::pages::all_chinese;
use super::{App, Browser};
use laurel_core::Channel;
use laurel_engine::{AdjustRequest, EnrollRequest, MemberRef, PurchaseRequest};

/// The console's two languages, as the language switch names them.
const LANGUAGES: [&str; 2] = ["en", "zh-CN"];

/// Members one page of the list shows (the console's page size).
const LIST_PAGE: usize = 50;

/// Switches to `lang` and lands on `path`, checked as [`in_its_language`].
async fn visit_in(browser: &Browser, app: &App, lang: &str, path: &str) {
    let back = path.replace('&', "%26").replace('?', "%3F");
    browser
        .go(&app.url(&format!("/admin/lang?to={lang}&back={back}")))
        .await;
    in_its_language(browser, lang).await;
}

/// On a Chinese page, checks the page is all Chinese.
async fn in_its_language(browser: &Browser, lang: &str) {
    if lang == "zh-CN" {
        all_chinese(browser, &browser.path().await).await;
    }
}

/// Enrolls a member (with a phone number unless `phone` is empty) and returns their id.
async fn enroll(app: &App, external_id: &str, name: &str, phone: &str) -> i64 {
    app.engine
        .enroll(EnrollRequest {
            external_id: external_id.into(),
            email: Some(format!("{}@example.com", external_id.to_lowercase())),
            phone: (!phone.is_empty()).then(|| phone.into()),
            name: Some(name.into()),
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

/// The number of rows `css` (a table) has in its body.
async fn rows(browser: &Browser, css: &str) -> usize {
    let n = browser
        .run(&format!(
            "return document.querySelectorAll('{css} tbody tr').length;"
        ))
        .await;
    usize::try_from(n.as_u64().unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_members_list_shows_everyone_newest_first_with_filters_and_pages_before_any_search() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    // More members than a page holds: the first enrolled (Wang Mei) is on the second page.
    for i in 0..LIST_PAGE {
        enroll(&app, &format!("NEW-{i:03}"), &format!("会员{i}"), "").await;
    }
    app.sign_in(&browser, "admin@example.com").await;
    for lang in LANGUAGES {
        visit_in(&browser, &app, lang, "/admin/members").await;
        assert_eq!(
            rows(&browser, "#members").await,
            LIST_PAGE,
            "{lang}: a full page"
        );
        let first = browser.text("#members tbody tr").await;
        assert!(
            first.contains("NEW-049"),
            "{lang}: the newest first: {first}"
        );
        browser.shots(&format!("members-list-{lang}")).await;
        browser.click("#next-page").await;
        in_its_language(&browser, lang).await;
        let second = browser.text("#members tbody").await;
        assert!(
            second.contains("CUST-42") && second.contains("Wang Mei"),
            "{lang}: {second}"
        );
        assert!(
            browser
                .find("#first-page")
                .await
                .is_displayed()
                .await
                .unwrap()
        );

        // Only Wang Mei has bought and holds points.
        visit_in(&browser, &app, lang, "/admin/members").await;
        browser.tick("#filters summary").await;
        browser.fill("#balance_min", "100").await;
        browser.click("#filter-submit").await;
        in_its_language(&browser, lang).await;
        assert_eq!(rows(&browser, "#members").await, 1, "{lang}");
        assert!(browser.text("#members tbody tr").await.contains("120"));
        browser.shots(&format!("members-filtered-{lang}")).await;

        // A date the form cannot read is said next to its field, and nothing is listed.
        visit_in(&browser, &app, lang, "/admin/members?enrolled_from=someday").await;
        assert!(
            !browser.text("#enrolled_from-error").await.is_empty(),
            "{lang}"
        );
        let listed = browser
            .run("return document.querySelectorAll('#members').length;")
            .await;
        assert_eq!(listed, 0, "{lang}: nothing listed until the filters read");
        browser.shots(&format!("members-bad-filter-{lang}")).await;
    }
    browser.stop().await;
    app.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_finds_a_member_by_part_of_an_id_any_phone_form_and_part_of_a_chinese_name() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    enroll(&app, "CUST-1001", "王芳", "138 0000 1001").await;
    enroll(&app, "CUST-2002", "李雷", "139 0000 2002").await;
    app.sign_in(&browser, "admin@example.com").await;
    for lang in LANGUAGES {
        for typed in [
            "cust-10",
            "13800001001",
            "+86 138 0000 1001",
            "芳",
            "CUST-1001@EXAMPLE.COM",
        ] {
            visit_in(&browser, &app, lang, "/admin/members").await;
            browser.fill("#q", typed).await;
            browser.click("#search-submit").await;
            in_its_language(&browser, lang).await;
            assert_eq!(rows(&browser, "#members").await, 1, "{lang}: {typed:?}");
            let found = browser.text("#members tbody tr").await;
            assert!(
                found.contains("王芳") && found.contains("CUST-1001"),
                "{lang}: {typed:?}: {found}"
            );
        }
        browser.shots(&format!("members-search-{lang}")).await;
        browser.click("#members a").await;
        assert!(browser.text("h1").await.contains("王芳"), "{lang}");
    }
    browser.stop().await;
    app.stop();
}

/// Purchases the long-history fixture makes (each a ledger row, a lot and a purchase).
const PURCHASES: usize = 150;
/// Adjustments the long-history fixture makes at the console.
const ADJUSTMENTS: usize = 100;

/// Gives the app's member a long history: [`PURCHASES`] purchases at a store and
/// [`ADJUSTMENTS`] adjustments by the admin, made as the console makes them.
async fn long_history(app: &App) {
    for i in 0..PURCHASES {
        app.engine
            .purchase(PurchaseRequest {
                partner: None,
                member: MemberRef::Id(app.member),
                order_id: format!("long-{i:03}"),
                channel: Channel::Pos,
                store: Some("徐汇店".into()),
                currency: "CNY".into(),
                total: "10".parse().unwrap(),
                lines: Vec::new(),
                occurred_at: jiff::Timestamp::now(),
            })
            .await
            .unwrap();
    }
    for _ in 0..ADJUSTMENTS {
        let request = AdjustRequest {
            member_id: app.member,
            points: 1,
            reason: "补偿".into(),
            note: None,
            idempotency_key: format!("console:{}", laurel_engine::random_token()),
        };
        app.engine
            .adjust(request, "staff:admin@example.com")
            .await
            .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_with_hundreds_of_ledger_rows_has_a_short_page_that_reads_without_codes() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    long_history(&app).await;
    app.sign_in(&browser, "admin@example.com").await;
    let member = format!("/admin/members/{}", app.member);
    for lang in LANGUAGES {
        visit_in(&browser, &app, lang, &member).await;
        let height = browser.run("return document.body.scrollHeight;").await;
        assert!(
            height.as_u64().unwrap() < 5000,
            "{lang}: the page stays short: {height} px"
        );
        assert!(
            rows(&browser, "#expiry").await <= 13,
            "{lang}: expiry by month"
        );
        assert_eq!(
            rows(&browser, "#lots").await,
            0,
            "{lang}: no lot list on the page"
        );
        assert!(rows(&browser, "#purchases").await <= 10, "{lang}");
        assert_eq!(
            rows(&browser, "#ledger").await,
            25,
            "{lang}: a page of the ledger"
        );
        let text = browser.run("return document.body.innerText;").await;
        let text = text.as_str().unwrap();
        let hex_run = text
            .split(|c: char| !c.is_ascii_hexdigit())
            .map(str::len)
            .max()
            .unwrap_or(0);
        assert!(
            hex_run < 16,
            "{lang}: no long key shown ({hex_run} hex digits in a row)"
        );
        assert!(!text.contains("staff:"), "{lang}: staff by name");
        let by = browser.find("#ledger tbody tr td:last-child span").await;
        assert_eq!(by.text().await.unwrap(), "admin person", "{lang}");
        assert_eq!(
            by.attr("title").await.unwrap().as_deref(),
            Some("admin@example.com"),
            "{lang}: the email in the tooltip"
        );
        browser.shots(&format!("member-long-{lang}")).await;

        browser.click("#ledger-older").await;
        in_its_language(&browser, lang).await;
        assert_eq!(rows(&browser, "#ledger").await, 25, "{lang}: the next page");
        assert!(
            browser
                .find("#ledger-newest")
                .await
                .is_displayed()
                .await
                .unwrap()
        );

        visit_in(&browser, &app, lang, &member).await;
        browser.click("#all-lots").await;
        in_its_language(&browser, lang).await;
        assert_eq!(rows(&browser, "#lots").await, 50, "{lang}: a page of lots");
        browser.shots(&format!("member-lots-{lang}")).await;
        browser.click("#next-page").await;
        assert_eq!(rows(&browser, "#lots").await, 50, "{lang}");

        visit_in(&browser, &app, lang, &member).await;
        browser.click("#all-purchases").await;
        in_its_language(&browser, lang).await;
        assert_eq!(
            rows(&browser, "#purchases").await,
            50,
            "{lang}: a page of purchases"
        );
        let newest = browser.text("#purchases tbody tr").await;
        assert!(
            newest.contains("long-149") && newest.contains("徐汇店"),
            "{lang}: newest first, with its store: {newest}"
        );
        browser.shots(&format!("member-purchases-{lang}")).await;
        browser.click("#next-page").await;
        assert!(browser.text("#purchases tbody").await.contains("long-099"));
    }
    browser.stop().await;
    app.stop();
}
