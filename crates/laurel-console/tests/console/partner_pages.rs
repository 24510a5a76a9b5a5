//! Coalition partners on every backend, in both languages, at both widths: under a program
//! with a café (2 points a yuan there, bought at ¥0.01 a point, paid back at ¥0.008) and a
//! deli (¥0.02 both ways), Wang Mei earns 20 points on each of 27 ¥10 orders at the café and
//! Li Lei on one, half of one order is refunded, she spends 30 points and a 50-point latte
//! there and 10 points at the deli. A finance clerk reads the partners page (the café owes
//! the program, the program owes the deli), the café's statement — totals as the engine
//! counts them, who owes whom, every line once over two pages, members linked — and its CSV
//! ending with the totals; a reversed period is refused next to its field and an unknown
//! partner is not found, in words. A manager has no link and is refused. An admin makes a
//! partner's key that authenticates as the café's (a partner without the scope, and the scope
//! without a partner, refused next to the field). A program without partners says how to
//! declare one and offers no partner's key. Runs on the wallet tests' browser.

use super::admin::choose;
use super::insight::{download, table_rows};
use super::pages::all_chinese;
use super::staff_pages::open_in;
use super::{App, Browser, PASSWORD, PROGRAM};
use jiff::Timestamp;
use laurel_core::Channel;
use laurel_engine::{
    EnrollRequest, MemberRef, PartnerStatement, PurchaseRequest, RedeemRequest,
    RedeemRewardRequest, RefundRequest, RefundScope, Role, Scope,
};

/// Orders Wang Mei makes at the café: more than a page of lines with the others.
const CAFE_ORDERS: usize = 27;

/// The test program with two partners, the café's earning rule and its reward.
fn program() -> String {
    format!(
        "{PROGRAM}\n\
         [[partners]]\ncode = \"cafe\"\nname = {{ en = \"Corner Café\", zh-CN = \"街角咖啡\" }}\n\
         price_per_point = \"0.01\"\nreimbursement_per_point = \"0.008\"\n\
         [[partners]]\ncode = \"deli\"\nname = {{ en = \"Deli\", zh-CN = \"熟食店\" }}\n\
         price_per_point = \"0.02\"\nreimbursement_per_point = \"0.02\"\n\
         [[rules]]\nid = \"cafe_points\"\nname = {{ en = \"Café points\", zh-CN = \"咖啡积分\" }}\n\
         partner = \"cafe\"\neffect = {{ points_per_unit = \"2\" }}\n\
         [[rewards]]\nid = \"cafe_latte\"\nname = {{ en = \"Latte\", zh-CN = \"拿铁\" }}\n\
         type = \"physical_gift\"\ncost = 50\npartner = \"cafe\"\n"
    )
}

/// `member` buys for `total` yuan at `partner`'s till now, as order `order_id`.
async fn bought_at(app: &App, member: i64, order_id: &str, total: &str, partner: &str) -> i64 {
    app.engine
        .purchase(PurchaseRequest {
            partner: Some(partner.into()),
            member: MemberRef::Id(member),
            order_id: order_id.into(),
            channel: Channel::Pos,
            store: None,
            currency: "CNY".into(),
            total: total.parse().unwrap(),
            lines: Vec::new(),
            occurred_at: Timestamp::now(),
        })
        .await
        .unwrap()
        .purchase_id
}

/// `member` spends `points` at `partner`.
async fn spent_at(app: &App, member: i64, points: i64, key: &str, partner: &str) {
    app.engine
        .redeem(RedeemRequest {
            partner: Some(partner.into()),
            member_id: member,
            points,
            idempotency_key: key.into(),
            reference: key.into(),
            reason: None,
        })
        .await
        .unwrap();
}

/// Li Lei, a second member.
async fn li_lei(app: &App) -> i64 {
    app.engine
        .enroll(EnrollRequest {
            external_id: "CUST-77".into(),
            email: None,
            phone: None,
            name: Some("Li Lei".into()),
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

/// Everything the café and the deli settle: the café's lines first, the deli's last.
async fn trade(app: &App, li: i64) {
    let mut first = None;
    for i in 0..CAFE_ORDERS {
        let id = bought_at(app, app.member, &format!("c-{i:02}"), "10", "cafe").await;
        first.get_or_insert(id);
    }
    bought_at(app, li, "c-li", "10", "cafe").await;
    app.engine
        .refund(RefundRequest {
            partner: None,
            purchase_id: first.unwrap(),
            refund_id: "c-00-back".into(),
            scope: RefundScope::Amount("5".parse().unwrap()),
        })
        .await
        .unwrap();
    spent_at(app, app.member, 30, "cafe-spend", "cafe").await;
    app.engine
        .redeem_reward(RedeemRewardRequest {
            partner: None,
            member_id: app.member,
            reward_id: "cafe_latte".into(),
            quantity: 1,
            idempotency_key: "latte".into(),
        })
        .await
        .unwrap();
    spent_at(app, app.member, 10, "deli-spend", "deli").await;
}

/// The whole of `code`'s statement over the page's default period.
async fn statement(app: &App, code: &str) -> PartnerStatement {
    let period = app.engine.days_to_today(90, Timestamp::now()).unwrap();
    app.engine
        .partner_statement(code, period, None, 1_000)
        .await
        .unwrap()
}

/// The partners table's figures of `code` as the page words them, by name.
async fn figures(browser: &Browser, code: &str) -> serde_json::Value {
    browser
        .run(&format!(
            "const out = {{ direction: document.querySelector('#partner-{code}').dataset.due }};\
             for (const td of document.querySelectorAll('#partner-{code} [data-figure]'))\
               out[td.dataset.figure] = td.textContent.trim();\
             return out;"
        ))
        .await
}

/// The statement's lines on the page: (line id, member link, kind, text of the row).
async fn lines(browser: &Browser) -> Vec<(i64, String, String, String)> {
    let found = browser
        .run(
            "return [...document.querySelectorAll('#statement-lines tbody tr')].map(r =>\
               [Number(r.dataset.line), r.querySelector('a.line-member').getAttribute('href'),\
                r.dataset.kind, r.innerText]);",
        )
        .await;
    serde_json::from_value(found).unwrap()
}

/// A finance clerk reads both partners, the café's statement and its download, in both
/// languages; a manager is refused; an admin makes the café a key.
pub(super) async fn partners_pages_statements_and_keys(browser: &Browser) {
    for (backend, db) in laurel_testkit::backends() {
        let at = format!("[{backend}]");
        let app = App::start_under(db, None, &program()).await;
        let li = li_lei(&app).await;
        trade(&app, li).await;
        for (email, role) in [
            ("finance@example.com", Role::Finance),
            ("manager@example.com", Role::Manager),
        ] {
            app.engine
                .create_staff_user(email, "Zhao Lei", role, PASSWORD)
                .await
                .unwrap();
        }
        // Worked out by hand: 28 orders of 20 points less the 10 a half refund took back
        // at ¥0.01; 30 + 50 points burned at ¥0.008; 10 at the deli at ¥0.02.
        let cafe = statement(&app, "cafe").await;
        let s = cafe.settlement;
        assert_eq!(
            (
                s.issued_points,
                s.issued_amount.to_string(),
                s.burned_points,
                s.burned_amount.to_string(),
                s.due().to_string(),
                cafe.lines_total,
            ),
            (550, "5.50".into(), 80, "0.64".into(), "4.86".into(), 31),
            "{at} the engine's statement"
        );
        let deli = statement(&app, "deli").await.settlement;
        assert_eq!(deli.due().to_string(), "-0.20", "{at}");

        // The partners page, reached from the navigation where the books are.
        app.sign_in(browser, "finance@example.com").await;
        open_in(browser, &app, "en", "/admin/dashboard").await;
        browser.click("nav a[href='/admin/partners']").await;
        assert_eq!(browser.path().await, "/admin/partners", "{at}");
        let row = figures(browser, "cafe").await;
        for (figure, value) in [
            ("direction", "partner_owes"),
            ("due", "The partner owes the program CNY 4.86."),
            ("price_per_point", "CNY 0.01"),
            ("reimbursement_per_point", "0.008 CNY"),
            ("issued_points", "550"),
            ("issued_amount", "CNY 5.50"),
            ("burned_points", "80"),
            ("burned_amount", "CNY 0.64"),
        ] {
            assert_eq!(row[figure], value, "{at} café {figure}: {row}");
        }
        let row = figures(browser, "deli").await;
        assert_eq!(
            (row["direction"].as_str(), row["due"].as_str()),
            (
                Some("program_owes"),
                Some("The program owes the partner CNY 0.20.")
            ),
            "{at} {row}"
        );
        let period = browser.text("#partners-period").await;
        assert!(period.contains("(90 days)"), "{at} {period}");
        if backend == "sqlite" {
            browser.shots("partners-en").await;
        }

        // The café's statement: the same totals, who owes whom, every line once.
        browser.click("#partner-cafe a.statement-link").await;
        assert_eq!(browser.path().await, "/admin/partners/cafe", "{at}");
        let quick = browser
            .run("return [...document.querySelectorAll('#period-form .quick a')].map(a => a.getAttribute('href'));")
            .await;
        let quick: Vec<String> = serde_json::from_value(quick).unwrap();
        assert!(
            quick.len() == 3
                && quick
                    .iter()
                    .all(|q| q.starts_with("/admin/partners/cafe?from=")),
            "{at} the usual periods of this statement: {quick:?}"
        );
        assert_eq!(
            table_rows(browser, "#statement-totals").await,
            [["Issued", "550", "CNY 5.50"], ["Burned", "80", "CNY 0.64"]],
            "{at}"
        );
        assert_eq!(
            browser.text("#statement-due").await,
            "The partner owes the program CNY 4.86.",
            "{at}"
        );
        assert!(
            browser
                .text("#lines-count")
                .await
                .starts_with("31 lines in all"),
            "{at}"
        );
        let mut seen = lines(browser).await;
        assert_eq!(seen.len(), 25, "{at} a page of lines");
        let mut pages = 1;
        while browser
            .run("return document.querySelector('#next-page') !== null;")
            .await
            == true
        {
            browser.click("#next-page").await;
            seen.extend(lines(browser).await);
            pages += 1;
            assert!(pages < 5, "{at} the pages end");
        }
        assert_eq!(pages, 2, "{at}");
        let ids: Vec<i64> = seen.iter().map(|(id, ..)| *id).collect();
        let engine_ids: Vec<i64> = cafe.lines.iter().map(|l| l.id).collect();
        assert_eq!(ids, engine_ids, "{at} every line once, oldest first");
        for ((_, href, kind, text), line) in seen.iter().zip(&cafe.lines) {
            assert_eq!(
                href,
                &format!("/admin/members/{}", line.member_id),
                "{at} {text}"
            );
            assert_eq!(kind, line.kind.as_str(), "{at} {text}");
        }
        let li_line = seen
            .iter()
            .find(|(_, href, ..)| *href == format!("/admin/members/{li}"));
        assert!(
            li_line.is_some_and(|(.., text)| text.contains("CUST-77") && text.contains("pos:c-li")),
            "{at} Li Lei's order, by his external id: {li_line:?}"
        );
        let reversal = cafe.lines.iter().find(|l| l.points < 0).map(|l| l.id);
        let back = seen
            .iter()
            .find(|(id, ..)| Some(*id) == reversal)
            .map(|(.., text)| text.clone())
            .unwrap_or_default();
        assert!(
            back.contains("Issued") && back.contains("\t-10\t") && back.contains("CNY -0.10"),
            "{at} the refund's reversal, negative: {back:?}"
        );
        browser.click("#first-page").await;
        assert_eq!(lines(browser).await.len(), 25, "{at}");

        // The download: the engine's file, ending with the totals and what is due.
        let (status, content_type, body) = download(browser, "#statement-csv").await;
        assert_eq!(status, 200, "{at}");
        assert!(content_type.starts_with("text/csv"), "{at} {content_type}");
        let period = app.engine.days_to_today(90, Timestamp::now()).unwrap();
        assert_eq!(
            body,
            app.engine
                .partner_statement_csv("cafe", period)
                .await
                .unwrap(),
            "{at} the engine's statement"
        );
        let records: Vec<&str> = body.lines().map(|l| l.trim_end_matches('\r')).collect();
        assert_eq!(records.len(), 1 + 31 + 3, "{at} heading, lines, totals");
        assert_eq!(
            records[records.len() - 3..],
            [
                ",issued_total,,,,,,550,,5.50",
                ",burned_total,,,,,,80,,0.64",
                ",due,,,,,,,,4.86"
            ],
            "{at} {body}"
        );
        if backend == "sqlite" {
            browser.shots("partner-statement-en").await;
        }

        // A reversed period is refused next to its field, with no figures.
        browser
            .run(
                "document.querySelector('#period-from').value = '2026-03-02';\
                 document.querySelector('#period-to').value = '2026-03-01'; return true;",
            )
            .await;
        browser.click("#period-submit").await;
        assert_eq!(
            browser.text("#period-to-error").await,
            "The last day comes before the first.",
            "{at}"
        );
        let figures_shown = browser
            .run("return document.querySelectorAll('#statement-totals, #statement-lines').length;")
            .await;
        assert_eq!(figures_shown, 0, "{at}");

        // In Chinese: the same figures, who owes whom in words, no English.
        open_in(browser, &app, "zh-CN", "/admin/partners").await;
        let row = figures(browser, "cafe").await;
        assert_eq!(row["issued_amount"], "¥5.50", "{at} {row}");
        assert_eq!(
            browser.text("#partner-deli [data-figure=due]").await,
            "本计划应付合作伙伴 ¥0.20。",
            "{at}"
        );
        all_chinese(browser, "partners").await;
        if backend == "sqlite" {
            browser.shots("partners-zh-CN").await;
        }
        browser.click("#partner-cafe a.statement-link").await;
        assert_eq!(
            browser.text("#statement-due").await,
            "合作伙伴应付本计划 ¥4.86。",
            "{at}"
        );
        assert_eq!(
            table_rows(browser, "#statement-totals").await[1],
            ["消耗", "80", "¥0.64"],
            "{at}"
        );
        all_chinese(browser, "partner statement").await;
        if backend == "sqlite" {
            browser.shots("partner-statement-zh-CN").await;
        }
        // An unknown partner: the not-found page, its words from the code.
        browser.go(&app.url("/admin/partners/bakery")).await;
        assert!(browser.text("h1").await.starts_with("404"), "{at}");
        assert_eq!(
            browser.text("#error-message").await,
            "本计划没有使用此代码的合作伙伴。",
            "{at}"
        );
        let status = browser
            .run("return fetch('/admin/partners/bakery/settlement.csv').then(r => r.status);")
            .await;
        assert_eq!(status, 404, "{at}");
        browser.go(&app.url("/admin/partners")).await;
        browser.click("form[action='/admin/logout'] button").await;

        // Settlements are finance: a manager, who may not keep the books, has no link and is
        // refused the pages and the download.
        app.sign_in(browser, "manager@example.com").await;
        let nav = browser.text("nav").await;
        assert!(
            !nav.contains("合作伙伴") && !nav.contains("Partners"),
            "{at} {nav}"
        );
        let statuses = browser
            .run(
                "return Promise.all(['/admin/partners', '/admin/partners/cafe',\
                   '/admin/partners/cafe/settlement.csv'].map(p => fetch(p).then(r => r.status)));",
            )
            .await;
        assert_eq!(statuses, serde_json::json!([403, 403, 403]), "{at}");
        browser.click("form[action='/admin/logout'] button").await;

        partner_key(browser, &app, &at).await;
        app.stop();
    }
    without_partners(browser).await;
}

/// An admin makes a key for the café from the API keys page; a partner without its scope and
/// the scope without a partner are refused next to the field, with no key made.
async fn partner_key(browser: &Browser, app: &App, at: &str) {
    app.sign_in(browser, "admin@example.com").await;
    open_in(browser, app, "en", "/admin/api-keys").await;
    let keys = || async { app.engine.api_keys().await.unwrap().len() };
    browser.fill("#key-name", "Café till").await;
    choose(browser, "#key-scope", "pos").await;
    choose(browser, "#key-partner", "cafe").await;
    browser.click("#key-submit").await;
    assert!(
        browser
            .text("#key-partner-error")
            .await
            .contains("partner's key only"),
        "{at}"
    );
    choose(browser, "#key-scope", "partner").await;
    choose(browser, "#key-partner", "").await;
    browser.click("#key-submit").await;
    assert_eq!(
        browser.text("#key-partner-error").await,
        "Choose the partner this key is for.",
        "{at}"
    );
    assert_eq!(keys().await, 0, "{at} no key made");
    choose(browser, "#key-partner", "cafe").await;
    browser.click("#key-submit").await;
    let key = browser.text("#new-key").await;
    assert!(key.starts_with("lrl_partner_"), "{at} {key}");
    assert!(
        browser
            .text("#new-key-for")
            .await
            .contains("Corner Café (cafe)"),
        "{at}"
    );
    let principal = app.engine.authenticate(&key).await.unwrap().unwrap();
    assert_eq!(
        (principal.scope, principal.partner.as_deref()),
        (Scope::Partner, Some("cafe")),
        "{at} the key speaks for the café"
    );
    browser.click("#keys-back").await;
    let listed = browser.text("#keys tbody tr").await;
    assert!(
        listed.contains("Café till") && listed.contains("Corner Café (cafe)"),
        "{at} {listed}"
    );
    open_in(browser, app, "zh-CN", "/admin/api-keys").await;
    all_chinese(browser, "API keys with a partner's key").await;
    if at == "[sqlite]" {
        browser.shots("api-keys-partner-zh-CN").await;
    }
    browser.click("form[action='/admin/logout'] button").await;
}

/// Under a program without partners the page says how to declare one, and the API keys page
/// offers no partner's key.
async fn without_partners(browser: &Browser) {
    let app = App::start().await;
    app.sign_in(browser, "admin@example.com").await;
    open_in(browser, &app, "en", "/admin/partners").await;
    assert!(
        browser
            .text("#partners-none")
            .await
            .contains("[[partners]]")
    );
    assert!(
        browser
            .text("#partners-example")
            .await
            .contains("price_per_point")
    );
    browser.shots("partners-none-en").await;
    browser.go(&app.url("/admin/api-keys")).await;
    let offered = browser
        .run(
            "return document.querySelectorAll('#key-partner, #key-scope option[value=partner]').length;",
        )
        .await;
    assert_eq!(offered, 0, "no partner's key without partners");
    open_in(browser, &app, "zh-CN", "/admin/partners").await;
    all_chinese(browser, "partners, none").await;
    browser.click("form[action='/admin/logout'] button").await;
    app.stop();
}
