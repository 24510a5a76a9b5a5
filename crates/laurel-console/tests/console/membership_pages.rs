//! Paid membership on every backend, in both languages, at both widths: staff start Wang Mei's
//! Plus membership from her page, paid by the business's billing (a missing payment reference
//! refused next to its field with nothing started), and read it active with its Gold tier;
//! cancel it at its term's end ("ending") and then at once (ended, the pro-rata refund for the
//! billing to pay stated). In the portal, with ¥100 topped up, she cannot afford Plus (the
//! refusal next to its form, nothing bought), buys the monthly plan from her wallet (active,
//! the wallet ¥30 lower) and cancels it at its term's end. The admin's overview counts them by
//! state. Runs on the wallet tests' browser.

use super::pages::all_chinese;
use super::staff_pages::open_in;
use super::{App, Browser};
use laurel_engine::{MemberRef, WalletAsk, WalletRequest};

/// The wallet tests' program with two tiers and two plans: Plus (¥120 a year, pro-rata
/// refunds, the Gold tier, 2× earn, free delivery) and Monthly (¥30 a month, free refills).
fn program() -> String {
    format!(
        "{}\n[tiers]\nmetric = \"spend\"\nwindow = \"since_joining\"\n\
         [[tiers.levels]]\nid = \"green\"\nname = {{ en = \"Green\", zh-CN = \"绿卡\" }}\nthreshold = \"0\"\n\
         [[tiers.levels]]\nid = \"gold\"\nname = {{ en = \"Gold\", zh-CN = \"金卡\" }}\nthreshold = \"100000\"\n\
         [[memberships]]\nid = \"plus\"\nname = {{ en = \"Plus\", zh-CN = \"Plus 会员\" }}\nfee = \"120\"\n\
         term = \"year\"\ncancel_refund = \"pro_rata\"\ntier = \"gold\"\nearn_multiplier = \"2\"\n\
         perks = [ {{ en = \"Free delivery\", zh-CN = \"免费配送\" }} ]\n\
         [[memberships]]\nid = \"monthly\"\nname = {{ en = \"Monthly\", zh-CN = \"月度会员\" }}\nfee = \"30\"\n\
         term = \"month\"\nperks = [ {{ en = \"Free refills\", zh-CN = \"免费续杯\" }} ]\n",
        super::wallet_pages::program()
    )
}

/// What the member's wallet holds in all, in fen.
async fn wallet_total(app: &App) -> i64 {
    app.engine
        .wallet_statement(app.member, None, 1)
        .await
        .unwrap()
        .balance
        .total()
}

/// Staff start, cancel at term end and cancel at once; the member buys from the wallet in
/// the portal; the overview counts them.
pub(super) async fn memberships_on_the_member_page_the_portal_and_the_overview(browser: &Browser) {
    for (backend, db) in laurel_testkit::backends() {
        let at = format!("[{backend}]");
        let app = App::start_under(db, None, &program()).await;
        let top_up = WalletRequest {
            member_id: app.member,
            ask: WalletAsk::TopUp,
            amount: "100".parse().unwrap(),
            currency: "CNY".into(),
            idempotency_key: "m-1".into(),
            reference: "till-1".into(),
        };
        app.engine.wallet_move(top_up, "key:till01").await.unwrap();

        // The member page: no membership yet, the form to start one.
        app.sign_in(browser, "admin@example.com").await;
        let member = format!("/admin/members/{}", app.member);
        open_in(browser, &app, "en", &member).await;
        assert_eq!(
            browser.text("#membership-none").await,
            "No membership yet.",
            "{at}"
        );
        let options = browser
            .text("#membership-plan-pick")
            .await
            .replace('\n', " | ");
        assert!(
            options.contains("Plus · CNY 120.00 a year")
                && options.contains("Monthly · CNY 30.00 a month"),
            "{at} {options}"
        );

        // Paid by billing without its reference: refused next to the field, nothing started.
        browser
            .run("document.getElementById('membership-plan-pick').value = 'plus'; return true;")
            .await;
        browser.click("#membership-start-submit").await;
        assert_eq!(
            browser.text("#membership-reference-error").await,
            "Give the billing's payment reference.",
            "{at}"
        );
        let held = app.engine.memberships_of(app.member).await.unwrap();
        assert!(held.is_empty(), "{at} nothing started");

        // With it: active, holding Gold, renewing in a year.
        browser
            .run("document.getElementById('membership-plan-pick').value = 'plus'; return true;")
            .await;
        browser.tick("#membership-pay-external").await;
        browser.fill("#membership-reference", "inv-2001").await;
        browser.click("#membership-start-submit").await;
        assert_eq!(
            browser.text("#membership-done").await,
            "Membership started.",
            "{at}"
        );
        assert_eq!(browser.text("#membership-plan").await, "Plus", "{at}");
        assert_eq!(browser.text("#membership-state").await, "Active", "{at}");
        assert_eq!(browser.text("#membership-fee").await, "CNY 120.00", "{at}");
        assert_eq!(
            browser.text("#membership-paid").await,
            "The business's billing",
            "{at}"
        );
        assert!(
            browser
                .text("#membership-next")
                .await
                .starts_with("Renews on "),
            "{at}"
        );
        assert!(
            browser
                .text("#membership-term")
                .await
                .starts_with("Term 1: "),
            "{at}"
        );
        assert_eq!(
            browser.text("#membership-benefits").await,
            "Holds the Gold tier for the term\nEarns 2× the base points on purchases\nFree delivery",
            "{at}"
        );
        assert!(
            browser
                .text("#membership-refund")
                .await
                .contains("gives back the fee's share of the time left"),
            "{at} the refund the plan gives, before cancelling now"
        );
        let forms = browser
            .run("return document.querySelectorAll('#membership-start-form').length;")
            .await;
        assert_eq!(forms, 0, "{at} no second membership while one is held");
        let tier = app
            .engine
            .tier_status(&MemberRef::Id(app.member))
            .await
            .unwrap()
            .tier
            .map(|t| t.id);
        assert_eq!(tier.as_deref(), Some("gold"), "{at} the plan's tier held");
        let audit = app.engine.audit_log(1).await.unwrap();
        assert_eq!(audit[0].action, "membership.start", "{at}");
        if backend == "sqlite" {
            browser.shots("member-membership-en").await;
        }
        open_in(browser, &app, "zh-CN", &member).await;
        assert_eq!(browser.text("#membership-state").await, "生效中", "{at}");
        assert_eq!(browser.text("#membership-plan").await, "Plus 会员", "{at}");
        assert!(
            browser.text("#membership-benefits").await.contains("金卡"),
            "{at}"
        );
        all_chinese(browser, "member page with a membership").await;
        if backend == "sqlite" {
            browser.shots("member-membership-zh-CN").await;
        }

        // Cancelled at its term's end: ending, no longer renewing.
        open_in(browser, &app, "en", &member).await;
        browser.click("#membership-end").await;
        assert_eq!(
            browser.text("#membership-done").await,
            "The membership ends at its term's end.",
            "{at}"
        );
        assert_eq!(browser.text("#membership-state").await, "Ending", "{at}");
        assert!(
            browser
                .text("#membership-next")
                .await
                .ends_with("without renewing"),
            "{at}"
        );
        let ends = browser
            .run("return document.querySelectorAll('#membership-end-form').length;")
            .await;
        assert_eq!(ends, 0, "{at} not cancelled at term end twice");

        // Cancelled now: ended, the refund for the billing to pay stated.
        browser.click("#membership-cut-now").await;
        assert_eq!(
            browser.text("#membership-done").await,
            "Membership cancelled now.",
            "{at}"
        );
        assert_eq!(browser.text("#membership-state").await, "Ended", "{at}");
        assert!(
            browser
                .text("#membership-next")
                .await
                .ends_with("(cancelled)"),
            "{at}"
        );
        let cut = browser.text("#membership-cut").await;
        assert!(
            cut.starts_with("Cut short at ")
                && cut.contains("CNY 1")
                && cut.ends_with("for the business's billing to pay back."),
            "{at} {cut}"
        );
        let ended = app.engine.memberships_of(app.member).await.unwrap();
        assert_eq!(ended[0].state, "ended", "{at}");
        assert!(
            ended[0].term.refund > "119".parse().unwrap(),
            "{at} nearly the whole fee back"
        );
        assert_eq!(
            app.engine.audit_log(1).await.unwrap()[0].action,
            "membership.cancel",
            "{at}"
        );
        if backend == "sqlite" {
            browser.shots("member-membership-ended-en").await;
        }
        open_in(browser, &app, "zh-CN", &member).await;
        assert!(
            browser
                .text("#membership-cut")
                .await
                .ends_with("由商家收款系统退还。"),
            "{at}"
        );
        all_chinese(browser, "member page with a membership ended").await;
        browser.click("form[action='/admin/logout'] button").await;

        // The portal: too little in the wallet for Plus, refused next to its form.
        app.member_signs_in(browser).await;
        browser
            .go(&app.url("/portal/lang?to=en&back=%2Fportal"))
            .await;
        assert_eq!(
            browser.text("#membership-line").await,
            "You hold no membership.",
            "{at}"
        );
        browser.click("#membership-link").await;
        assert_eq!(browser.path().await, "/portal/membership", "{at}");
        assert_eq!(browser.text("#membership-state").await, "Ended", "{at}");
        assert!(
            browser
                .text("#membership-wallet")
                .await
                .contains("CNY 100.00"),
            "{at}"
        );
        assert_eq!(
            browser.text("#plan-plus-benefits").await,
            "Holds the Gold tier for the term\nEarns 2× the base points on purchases\nFree delivery",
            "{at}"
        );
        browser.click("#plan-plus-buy").await;
        let error = browser.text("#plan-plus-error").await;
        assert_eq!(
            error, "The wallet holds CNY 100.00, less than CNY 120.00.",
            "{at}"
        );
        assert_eq!(
            app.engine.memberships_of(app.member).await.unwrap().len(),
            1,
            "{at} nothing bought"
        );
        assert_eq!(wallet_total(&app).await, 10_000, "{at} nothing drawn");
        if backend == "sqlite" {
            browser.shots("portal-membership-refused-en").await;
        }

        // Monthly, from the wallet: active, the wallet ¥30 lower.
        browser.click("#plan-monthly-buy").await;
        assert!(
            browser.text("#membership-done").await.contains("has begun"),
            "{at}"
        );
        assert_eq!(browser.text("#membership-h").await, "Monthly", "{at}");
        assert_eq!(browser.text("#membership-state").await, "Active", "{at}");
        assert_eq!(
            browser.text("#membership-paid").await,
            "The member's wallet",
            "{at}"
        );
        assert_eq!(
            browser.text("#membership-benefits").await,
            "Free refills",
            "{at}"
        );
        assert!(
            browser
                .text("#membership-wallet")
                .await
                .contains("CNY 70.00"),
            "{at}"
        );
        assert!(
            browser
                .text("#membership-terms")
                .await
                .contains("CNY 30.00"),
            "{at}"
        );
        assert_eq!(wallet_total(&app).await, 7_000, "{at} the fee drawn");
        let buys = browser
            .run("return document.querySelectorAll('form[action=\"/portal/membership\"]').length;")
            .await;
        assert_eq!(buys, 0, "{at} nothing more to buy while one is held");
        if backend == "sqlite" {
            browser.shots("portal-membership-en").await;
        }

        // Cancelled at its term's end by the member; no way to cancel at once here.
        let cut = browser
            .run("return document.querySelectorAll('#membership-cut-now').length;")
            .await;
        assert_eq!(cut, 0, "{at} refunds are staff's");
        browser.click("#membership-end").await;
        assert_eq!(browser.text("#membership-state").await, "Ending", "{at}");
        browser.click("#lang-zh-CN").await;
        assert_eq!(browser.text("#membership-state").await, "到期终止", "{at}");
        assert_eq!(browser.text("#membership-h").await, "月度会员", "{at}");
        all_chinese(browser, "portal membership").await;
        if backend == "sqlite" {
            browser.shots("portal-membership-zh-CN").await;
        }
        browser.go(&app.url("/portal")).await;
        assert!(
            browser
                .text("#membership-line")
                .await
                .starts_with("月度会员 · 到期终止"),
            "{at}"
        );
        browser.click("#sign-out").await;

        // The overview, reached from the wallets page: the plans and the counts by state.
        app.sign_in(browser, "admin@example.com").await;
        open_in(browser, &app, "en", "/admin/wallets").await;
        browser.click("#memberships-link").await;
        assert_eq!(browser.path().await, "/admin/memberships", "{at}");
        let count = |plan: &str, state: &str| format!("#count-{plan} td[data-state='{state}']");
        assert_eq!(browser.text(&count("plus", "ended")).await, "1", "{at}");
        assert_eq!(browser.text(&count("plus", "active")).await, "0", "{at}");
        assert_eq!(browser.text(&count("monthly", "ending")).await, "1", "{at}");
        assert_eq!(
            browser.text("#plan-plus-fee").await,
            "CNY 120.00 a year",
            "{at}"
        );
        assert!(
            browser
                .text("#plan-plus-terms")
                .await
                .contains("gives back the fee's share"),
            "{at}"
        );
        if backend == "sqlite" {
            browser.shots("memberships-en").await;
        }
        open_in(browser, &app, "zh-CN", "/admin/memberships").await;
        assert_eq!(browser.text("#plan-plus-fee").await, "每年 ¥120.00", "{at}");
        all_chinese(browser, "memberships").await;
        if backend == "sqlite" {
            browser.shots("memberships-zh-CN").await;
        }
        browser.click("form[action='/admin/logout'] button").await;
        app.stop();
    }
}
