//! The staff console as a store manager and a finance clerk use it, in both languages and at a
//! desktop's and a phone's width: a dashboard whose figures say their period and whose points
//! roll forward and add up, an audit log a finance clerk filters, pages and exports in words,
//! a forbidden page that keeps the navigation and points home, and a header that fits.

use super::pages::all_chinese;
use super::{App, Browser, PASSWORD};
use laurel_engine::{AdjustRequest, AuditEntry, RedeemRequest, RefundRequest, RefundScope, Role};

/// The page languages, with the words each test looks for in them.
const LANGUAGES: [&str; 2] = ["en", "zh-CN"];

/// Switches the console to `lang` and comes back to `path`.
pub(super) async fn open_in(browser: &Browser, app: &App, lang: &str, path: &str) {
    let back = path
        .replace('/', "%2F")
        .replace('?', "%3F")
        .replace('&', "%26");
    browser
        .go(&app.url(&format!("/admin/lang?to={lang}&back={back}")))
        .await;
}

/// Creates a finance clerk and signs them in.
async fn sign_in_finance(app: &App, browser: &Browser) {
    app.engine
        .create_staff_user("finance@example.com", "Zhao Lei", Role::Finance, PASSWORD)
        .await
        .unwrap();
    app.sign_in(browser, "finance@example.com").await;
}

/// The member's points move every way they can besides expiry: spent, credited and debited
/// by staff, and partly taken back by a refund of the first purchase.
async fn move_points_every_way(app: &App) {
    let engine = &app.engine;
    engine
        .redeem(RedeemRequest {
            partner: None,
            member_id: app.member,
            points: 30,
            idempotency_key: "spend-1".into(),
            reference: "cake".into(),
            reason: None,
        })
        .await
        .unwrap();
    for (points, key) in [(15, "adjust-up"), (-5, "adjust-down")] {
        engine
            .adjust(
                AdjustRequest {
                    member_id: app.member,
                    points,
                    reason: "goodwill".into(),
                    note: None,
                    idempotency_key: key.into(),
                },
                "staff:admin@example.com",
            )
            .await
            .unwrap();
    }
    let purchases = engine.member_purchases(app.member, None, 1).await.unwrap();
    engine
        .refund(RefundRequest {
            partner: None,
            purchase_id: purchases.purchases[0].id.0,
            refund_id: "refund-1".into(),
            scope: RefundScope::Amount("20".parse().unwrap()),
        })
        .await
        .unwrap();
}

/// The roll-forward table's rows as `(line, available, pending, total)`, from the points each
/// cell carries.
async fn roll_forward(browser: &Browser) -> Vec<(String, i64, i64, i64)> {
    let rows = browser
        .run(
            "return [...document.querySelectorAll('#roll-forward tr[data-line]')].map(r =>\
               [r.dataset.line, ...[...r.querySelectorAll('[data-points]')].map(c => Number(c.dataset.points))]);",
        )
        .await;
    serde_json::from_value(rows).expect("rows of a line and three numbers")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_rolls_the_points_forward_from_the_ledger_and_every_figure_says_its_period() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    move_points_every_way(&app).await;
    let balance = app.engine.balance(app.member).await.unwrap();
    app.sign_in(&browser, "admin@example.com").await;
    for lang in LANGUAGES {
        open_in(&browser, &app, lang, "/admin/dashboard").await;
        let rows = roll_forward(&browser).await;
        let lines: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(
            lines,
            [
                "opening",
                "issued",
                "redeemed",
                "expired",
                "adjusted",
                "reversed",
                "released",
                "transferred",
                "held",
                "closing"
            ],
            "[{lang}] opening, each movement, closing"
        );
        let (opening, closing) = (&rows[0], &rows[rows.len() - 1]);
        for (column, pick) in [
            (
                "available",
                (|r: &(String, i64, i64, i64)| r.1) as fn(&_) -> i64,
            ),
            ("pending", |r| r.2),
            ("total", |r| r.3),
        ] {
            let moved: i64 = rows[1..rows.len() - 1].iter().map(pick).sum();
            assert_eq!(
                pick(opening) + moved,
                pick(closing),
                "[{lang}] {column}: opening and movements add up to closing: {rows:?}"
            );
        }
        assert!(
            rows.iter().all(|r| r.1 + r.2 == r.3),
            "[{lang}] available and pending make the total: {rows:?}"
        );
        assert_eq!(
            (closing.1, closing.2),
            (balance.available.get(), balance.pending.get()),
            "[{lang}] the closing balance is what the members hold"
        );
        let figures = |line: &str| rows.iter().find(|r| r.0 == line).unwrap().3;
        assert_eq!(
            (
                figures("issued"),
                figures("redeemed"),
                figures("adjusted"),
                figures("reversed")
            ),
            (120, -30, 10, -20),
            "[{lang}] each movement in its line"
        );
        assert!(
            !browser.text("#liability").await.is_empty(),
            "[{lang}] the liability's money value"
        );
        let unlabelled = browser
            .run(
                "return [...document.querySelectorAll('.tile')]\
                   .filter(t => !(t.querySelector('.period') && t.querySelector('.period').textContent.trim())).length;",
            )
            .await;
        assert_eq!(unlabelled, 0, "[{lang}] every tile says its period");
        if lang == "zh-CN" {
            all_chinese(&browser, "dashboard").await;
        }
        browser.shots(&format!("staff-dashboard-{lang}")).await;
    }
    browser.stop().await;
    app.stop();
}

/// The admin's and the support member's staff ids.
async fn staff_ids(app: &App) -> (i64, i64) {
    let users = app.engine.staff_users().await.unwrap();
    let id = |email: &str| users.iter().find(|u| u.email == email).unwrap().id;
    (id("admin@example.com"), id("support@example.com"))
}

/// Actions shown per page of the audit log, as the page shows them.
const AUDIT_PAGE: usize = 50;

/// The audit log holds 55 adjustments of the member by the admin, a suspension by support and
/// an API key created by the admin, each a minute apart, oldest first.
async fn record_staff_actions(app: &App) {
    let (admin, support) = staff_ids(app).await;
    let now = jiff::Timestamp::now();
    let entry =
        |minutes: i64, who: i64, actor: &str, action: &str, subject: String, before, after| {
            AuditEntry {
                staff_user_id: Some(who),
                actor: format!("staff:{actor}"),
                action: action.into(),
                subject,
                before,
                after: Some(after),
                at: now - jiff::SignedDuration::from_mins(minutes),
            }
        };
    let member = format!("member:{}", app.member);
    let mut entries = Vec::new();
    for i in 0..55 {
        entries.push(entry(
            100 - i,
            admin,
            "admin@example.com",
            "points.adjust",
            member.clone(),
            Some(format!(r#"{{"available":{},"pending":0}}"#, 100 + i)),
            format!(
                r#"{{"available":{},"pending":0,"reason":"咖啡凉了"}}"#,
                101 + i
            ),
        ));
    }
    entries.push(entry(
        30,
        support,
        "support@example.com",
        "member.suspend",
        member.clone(),
        Some(r#"{"status":"active"}"#.into()),
        r#"{"status":"suspended"}"#.into(),
    ));
    entries.push(entry(
        20,
        admin,
        "admin@example.com",
        "api_key.create",
        "api_key:1".into(),
        None,
        r#"{"name":"till","scope":"pos","prefix":"lk_abcd"}"#.into(),
    ));
    for e in entries {
        app.engine.audit(e).await.unwrap();
    }
}

/// The audit table's rows' texts.
async fn audit_rows(browser: &Browser) -> Vec<String> {
    let rows = browser
        .run("return [...document.querySelectorAll('#audit tbody tr')].map(r => r.innerText);")
        .await;
    serde_json::from_value(rows).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finance_clerk_filters_pages_and_exports_the_audit_log_which_reads_in_words() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    record_staff_actions(&app).await;
    let (admin, _) = staff_ids(&app).await;
    sign_in_finance(&app, &browser).await;
    for (lang, adjusted, suspended) in [
        ("en", "Adjusted points", "Suspended a member"),
        ("zh-CN", "调整积分", "停用会员"),
    ] {
        open_in(&browser, &app, lang, "/admin/audit").await;
        assert!(
            browser.text("nav").await.contains(if lang == "en" {
                "Audit log"
            } else {
                "审计日志"
            }),
            "[{lang}] finance find the audit log in the navigation"
        );
        let rows = audit_rows(&browser).await;
        assert_eq!(rows.len(), AUDIT_PAGE, "[{lang}] a page at a time");
        assert!(
            rows.iter().all(|r| !r.contains('{')
                && !r.contains("points.adjust")
                && !r.contains("member:")),
            "[{lang}] no raw codes or JSON: {rows:?}"
        );
        assert!(
            rows.iter().any(|r| r.contains(suspended)),
            "[{lang}] the suspension in words: {rows:?}"
        );
        assert!(
            rows.iter()
                .any(|r| r.contains(adjusted) && r.contains("154 → 155")),
            "[{lang}] an adjustment with its balances: {rows:?}"
        );
        if lang == "zh-CN" {
            all_chinese(&browser, "audit").await;
        }
        browser.shots(&format!("staff-audit-{lang}")).await;

        // Who, what and which member: the admin's adjustments of the member, two pages.
        browser
            .run(&format!(
                "document.querySelector('#audit-who').value = '{admin}';\
                 document.querySelector('#audit-action').value = 'points.adjust'; return true;"
            ))
            .await;
        browser.fill("#audit-member", &app.member.to_string()).await;
        browser.click("#audit-filter-submit").await;
        let first = audit_rows(&browser).await;
        assert_eq!(first.len(), AUDIT_PAGE, "[{lang}]");
        assert!(
            first.iter().all(|r| r.contains(adjusted)),
            "[{lang}] {first:?}"
        );
        browser.click("#audit-older").await;
        let second = audit_rows(&browser).await;
        assert_eq!(second.len(), 5, "[{lang}] the older page keeps the filters");
        assert!(
            second.iter().all(|r| r.contains(adjusted)),
            "[{lang}] {second:?}"
        );
        browser.shots(&format!("staff-audit-filtered-{lang}")).await;

        // The export is every filtered row, as a download.
        let csv = browser
            .run(
                "const a = document.querySelector('#audit-csv');\
                 return fetch(a.href).then(async r => [r.status, r.headers.get('content-type'),\
                   r.headers.get('content-disposition'), await r.text()]);",
            )
            .await;
        let (status, kind, disposition, body): (u16, String, String, String) =
            serde_json::from_value(csv).unwrap();
        assert_eq!(status, 200, "[{lang}]");
        assert!(kind.starts_with("text/csv"), "[{lang}] {kind}");
        assert!(
            disposition.starts_with("attachment") && disposition.contains(".csv"),
            "[{lang}] {disposition}"
        );
        let lines: Vec<&str> = body.lines().collect();
        assert_eq!(
            lines.len(),
            1 + 55,
            "[{lang}] a heading and each filtered row"
        );
        assert!(
            lines[1..].iter().all(|l| l.contains(adjusted)),
            "[{lang}] {body}"
        );

        // When: a day with nothing in it shows nothing; a date that does not exist is refused.
        browser
            .go(&app.url("/admin/audit?from=2020-01-01&to=2020-01-02"))
            .await;
        assert!(audit_rows(&browser).await.is_empty(), "[{lang}]");
        assert!(!browser.text("#audit-none").await.is_empty(), "[{lang}]");
        browser.go(&app.url("/admin/audit?from=2026-02-30")).await;
        assert!(
            !browser.text("#audit-from-error").await.is_empty(),
            "[{lang}]"
        );
        assert!(
            audit_rows(&browser).await.is_empty(),
            "[{lang}] nothing half-filtered"
        );
        browser
            .go(&app.url("/admin/audit?from=2026-03-02&to=2026-03-01"))
            .await;
        assert!(
            !browser.text("#audit-to-error").await.is_empty(),
            "[{lang}]"
        );
        if lang == "zh-CN" {
            all_chinese(&browser, "audit refused").await;
        }
    }
    browser.stop().await;
    app.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_sent_where_it_may_not_go_sees_a_forbidden_page_with_its_navigation_and_its_home() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    app.sign_in(&browser, "support@example.com").await;
    for (lang, role, members) in [("en", "Support", "Members"), ("zh-CN", "客服", "会员")] {
        open_in(&browser, &app, lang, "/admin/staff").await;
        assert_eq!(
            browser.path().await,
            "/admin/staff",
            "[{lang}] stays on the page"
        );
        assert!(browser.text("h1").await.starts_with("403"), "[{lang}]");
        assert!(
            browser.text("nav").await.contains(members),
            "[{lang}] the console's navigation is there"
        );
        assert!(
            browser.text("#error-message").await.contains(role),
            "[{lang}] it names the role"
        );
        let home = browser.find("#error-home").await;
        assert_eq!(
            home.attr("href").await.unwrap().as_deref(),
            Some("/admin/members"),
            "[{lang}] it points where support may go"
        );
        assert!(
            browser.text("#error-home").await.contains(members),
            "[{lang}]"
        );
        if lang == "zh-CN" {
            all_chinese(&browser, "forbidden").await;
        }
        browser.shots(&format!("staff-forbidden-{lang}")).await;
    }
    browser.click("#error-home").await;
    assert_eq!(browser.path().await, "/admin/members");
    browser.stop().await;
    app.stop();
}

/// Navigation entries and tile labels broken over two lines, by their text.
async fn broken_labels(browser: &Browser) -> Vec<String> {
    let found = browser
        .run(
            "return [...document.querySelectorAll('header nav a, .tile .label, .tile .period')]\
               .filter(e => { const r = document.createRange(); r.selectNodeContents(e);\
                 return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size > 1; })\
               .map(e => e.textContent.trim());",
        )
        .await;
    serde_json::from_value(found).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_header_and_tiles_fit_a_desktop_in_one_row_and_never_break_a_word_on_a_phone() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    app.sign_in(&browser, "admin@example.com").await;
    for lang in LANGUAGES {
        for path in [
            "/admin/dashboard",
            "/admin/members",
            "/admin/audit",
            "/admin/staff",
        ] {
            open_in(&browser, &app, lang, path).await;
            let one_row = browser
                .run(
                    "const boxes = [...document.querySelectorAll('header.top > *, header nav li')]\
                       .map(e => e.getBoundingClientRect());\
                     return Math.max(...boxes.map(b => b.top)) < Math.min(...boxes.map(b => b.bottom));",
                )
                .await;
            assert_eq!(
                one_row, true,
                "[{lang}] {path}: the header is one row at 1280 px"
            );
            for width in [super::browser::Width::Desktop, super::browser::Width::Phone] {
                browser.resize(width).await;
                let broken = broken_labels(&browser).await;
                assert!(
                    broken.is_empty(),
                    "[{lang}] {path} at {width:?}: broken over lines: {broken:?}"
                );
            }
            let name = path.trim_start_matches("/admin/");
            browser.shots(&format!("staff-header-{name}-{lang}")).await;
        }
    }
    browser.stop().await;
    app.stop();
}
