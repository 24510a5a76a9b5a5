//! Maker-checker in the browser: an adjustment above the program's threshold is sent for
//! approval, not made; the queue shows it to its maker with withdraw only and to a second staff
//! member with approve and reject; approving applies it, rejecting applies nothing; the audit
//! log tells each step — in both languages.

use super::*;

/// Adjustments of more than 500 points and program changes wait for a second staff member.
const APPROVALS: &str = "\n[staff.approval]\nadjust_over = 500\nprogram_changes = true\n";

/// Signs out through the page's own button.
async fn sign_out(browser: &Browser) {
    browser.click(".who button[type=submit]").await;
    assert_eq!(browser.path().await, "/admin/login");
}

/// Shows the page in `tag` (`en`, `zh-CN`), whichever language it was in: the choice is kept
/// from one sign-in to the next.
async fn in_language(browser: &Browser, tag: &str) {
    let now = browser.run("return document.documentElement.lang;").await;
    if now.as_str() != Some(tag) {
        browser.click(&format!("#lang-{tag}")).await;
    }
}

/// The signed-in staff member asks for `points` points on the member's page.
async fn adjust(app: &App, browser: &Browser, points: &str, reason: &str) {
    browser
        .go(&app.url(&format!("/admin/members/{}", app.member)))
        .await;
    browser.fill("#points", points).await;
    browser.fill("#reason", reason).await;
    browser.click("#adjust-submit").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_adjustment_above_the_threshold_waits_until_a_second_staff_member_approves_it() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let text = format!("{PROGRAM}{APPROVALS}");
    let app = App::start_under(laurel_testkit::sqlite(), None, &text).await;
    app.engine
        .create_staff_user("manager@example.com", "Manager Li", Role::Manager, PASSWORD)
        .await
        .unwrap();
    let before = app.available().await;

    app.sign_in(&browser, "admin@example.com").await;
    adjust(&app, &browser, "400", "Small goodwill").await;
    assert!(browser.text("#adjusted").await.contains("Points adjusted"));
    adjust(&app, &browser, "800", "Lost card, balance restored").await;
    assert!(
        browser
            .text("#sent-for-approval")
            .await
            .contains("another staff member must approve"),
        "the maker is told it waits"
    );
    assert_eq!(app.available().await, before + 400, "nothing of 800 yet");
    browser.click("#sent-for-approval a").await;
    assert_eq!(browser.path().await, "/admin/approvals");
    let row = browser.text("#approvals tbody tr").await;
    assert!(
        row.contains("+800") && row.contains("Lost card, balance restored"),
        "{row}"
    );
    assert!(
        browser
            .find("button[value=withdraw]")
            .await
            .is_displayed()
            .await
            .unwrap(),
        "the maker may withdraw"
    );
    assert!(
        browser
            .text("#approvals")
            .await
            .contains("another staff member decides it"),
        "and not approve"
    );
    browser.shots("approvals-maker-en").await;
    browser.click("#lang-zh-CN").await;
    assert!(browser.text("#approvals").await.contains("撤回"));
    browser.shots("approvals-maker-zh-CN").await;
    sign_out(&browser).await;

    app.sign_in(&browser, "manager@example.com").await;
    browser.go(&app.url("/admin/approvals")).await;
    in_language(&browser, "en").await;
    browser.shots("approvals-checker-en").await;
    browser.click("button[value=approve]").await;
    assert!(
        browser
            .text("#approval-done")
            .await
            .contains("taken effect"),
        "{}",
        browser.text("main").await
    );
    assert!(browser.text("#approvals-empty").await.contains("Nothing"));
    assert_eq!(app.available().await, before + 1_200, "approved: applied");
    sign_out(&browser).await;

    // A second request, rejected in Chinese: nothing of it is applied.
    app.sign_in(&browser, "admin@example.com").await;
    in_language(&browser, "en").await;
    adjust(&app, &browser, "-600", "Duplicate credit").await;
    sign_out(&browser).await;
    app.sign_in(&browser, "manager@example.com").await;
    browser.go(&app.url("/admin/approvals")).await;
    in_language(&browser, "zh-CN").await;
    let row = browser.text("#approvals tbody tr").await;
    assert!(row.contains("积分调整") && row.contains("-600"), "{row}");
    browser.shots("approvals-checker-zh-CN").await;
    browser.click("button[value=reject]").await;
    assert!(browser.text("#approval-done").await.contains("已驳回"));
    assert_eq!(app.available().await, before + 1_200, "rejected: nothing");
    sign_out(&browser).await;

    app.sign_in(&browser, "admin@example.com").await;
    browser.go(&app.url("/admin/audit")).await;
    in_language(&browser, "en").await;
    let log = browser.text("main").await;
    for told in [
        "Sent an operation for approval",
        "Approved a request",
        "Rejected a request",
    ] {
        assert!(log.contains(told), "{told}: {log}");
    }
    browser.stop().await;
    app.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_program_change_is_sent_for_approval_and_its_maker_may_withdraw_it() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let text = format!("{PROGRAM}{APPROVALS}");
    let app = App::start_under(laurel_testkit::sqlite(), None, &text).await;
    app.sign_in(&browser, "admin@example.com").await;
    browser.go(&app.url("/admin/program")).await;
    let doubled = text.replace("points_per_unit = \"1\"", "points_per_unit = \"2\"");
    let set = format!(
        "document.querySelector('#text').value = {}; return true;",
        serde_json::to_string(&doubled).unwrap()
    );
    browser.run(&set).await;
    browser.fill("#note", "Double points week").await;
    browser.click("#program-submit").await;
    assert!(
        browser
            .text("#program-notice")
            .await
            .contains("Sent for approval"),
        "{}",
        browser.text("main").await
    );
    assert_eq!(app.engine.program_versions().await.unwrap().len(), 1);
    browser.go(&app.url("/admin/approvals")).await;
    let row = browser.text("#approvals tbody tr").await;
    assert!(
        row.contains("Program change") && row.contains("1 lines added, 1 removed"),
        "{row}"
    );
    assert!(
        row.contains("In force from its approval."),
        "when it takes effect: {row}"
    );
    // The change line by line, opened by its summary: the line in force removed, the new one
    // added, each marked.
    browser.tick("details.diff summary").await;
    let removed = browser.text("pre.diff .diff-del").await;
    let added = browser.text("pre.diff .diff-add").await;
    assert!(
        removed.starts_with('−') && removed.contains(r#"points_per_unit = "1""#),
        "{removed}"
    );
    assert!(
        added.starts_with('+') && added.contains(r#"points_per_unit = "2""#),
        "{added}"
    );
    browser.click("#lang-zh-CN").await;
    let row = browser.text("#approvals tbody tr").await;
    assert!(
        row.contains("方案变更") && row.contains("批准后即生效"),
        "{row}"
    );
    browser.tick("details.diff summary").await;
    browser.shots("approvals-program-zh-CN").await;
    browser.click("button[value=withdraw]").await;
    assert!(browser.text("#approval-done").await.contains("已撤回"));
    assert_eq!(app.engine.program_versions().await.unwrap().len(), 1);
    browser.stop().await;
    app.stop();
}

/// Two tiers by spend (green from 0, gold from 10,000) and tier assignments that wait for a
/// second staff member.
const TIERS_APPROVED: &str = "\n[tiers]\nmetric = \"spend\"\nwindow = \"since_joining\"\n\n\
    [[tiers.levels]]\nid = \"green\"\nname = { en = \"Green\", zh-CN = \"绿卡\" }\nthreshold = \"0\"\n\n\
    [[tiers.levels]]\nid = \"gold\"\nname = { en = \"Gold\", zh-CN = \"金卡\" }\nthreshold = \"10000\"\n\n\
    [staff.approval]\ntier_assignments = true\n";

/// The member's tier, by id.
async fn tier_of(app: &App) -> Option<String> {
    let view = app
        .engine
        .tier_status(&laurel_engine::MemberRef::Id(app.member))
        .await
        .unwrap();
    view.tier.map(|t| t.id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tier_assigned_on_the_member_page_waits_until_a_second_staff_member_approves_it() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let text = format!("{PROGRAM}{TIERS_APPROVED}");
    let app = App::start_under(laurel_testkit::sqlite(), None, &text).await;
    app.engine
        .create_staff_user("manager@example.com", "Manager Li", Role::Manager, PASSWORD)
        .await
        .unwrap();
    assert_eq!(tier_of(&app).await.as_deref(), Some("green"));

    // Support may assign tiers: the form says it waits, and a refusal keeps what was typed.
    app.sign_in(&browser, "support@example.com").await;
    let page = app.url(&format!("/admin/members/{}", app.member));
    browser.go(&page).await;
    in_language(&browser, "en").await;
    assert!(
        browser
            .text("#tier-needs-approval")
            .await
            .contains("second staff member must approve")
    );
    browser
        .run("document.querySelector('#tier-choice').value = 'gold'; return true;")
        .await;
    browser.fill("#tier-reason", "Complaint goodwill").await;
    browser
        .run("document.querySelector('#tier-until').value = '2000-01-31'; return true;")
        .await;
    browser.click("#tier-submit").await;
    assert!(
        browser
            .text("#tier-until-error")
            .await
            .contains("Enter a day from today on"),
        "{}",
        browser.text("main").await
    );
    assert_eq!(
        browser
            .run("return document.querySelector('#tier-choice').value;")
            .await
            .as_str(),
        Some("gold"),
        "the tier chosen is kept"
    );
    browser
        .run("document.querySelector('#tier-until').value = ''; return true;")
        .await;
    browser.click("#tier-submit").await;
    assert!(
        browser
            .text("#tier-sent-for-approval")
            .await
            .contains("another staff member must approve"),
        "{}",
        browser.text("main").await
    );
    assert_eq!(tier_of(&app).await.as_deref(), Some("green"), "nothing yet");
    browser.shots("tier-assign-sent-en").await;
    browser.click("#lang-zh-CN").await;
    assert!(browser.text("#tier-h").await.contains("指定等级"));
    browser.shots("tier-assign-zh-CN").await;
    sign_out(&browser).await;

    // A second staff member finds it under Review → Approvals and approves it.
    app.sign_in(&browser, "manager@example.com").await;
    in_language(&browser, "en").await;
    browser.go(&app.url("/admin/reports")).await;
    browser.click("#tab-approvals").await;
    assert_eq!(browser.path().await, "/admin/approvals");
    assert_eq!(
        browser
            .run("return document.querySelector('#tab-approvals').getAttribute('aria-current');")
            .await
            .as_str(),
        Some("page")
    );
    let row = browser.text("#approvals tbody tr").await;
    assert!(
        row.contains("Tier assignment")
            && row.contains("Gold")
            && row.contains("Complaint goodwill"),
        "{row}"
    );
    browser.click("button[value=approve]").await;
    assert!(
        browser
            .text("#approval-done")
            .await
            .contains("taken effect"),
        "{}",
        browser.text("main").await
    );
    assert_eq!(
        tier_of(&app).await.as_deref(),
        Some("gold"),
        "approved: assigned"
    );
    browser.go(&page).await;
    assert!(browser.text("#profile-h + dl").await.contains("Gold"));
    sign_out(&browser).await;

    // Where the program needs no approval, the form assigns at once (audited).
    let at_once = text.replace("tier_assignments = true", "tier_assignments = false");
    app.engine
        .apply_program_by(
            laurel_engine::ApplyProgram {
                text: at_once,
                effective_from: None,
                note: None,
                dry_run: false,
            },
            &laurel_engine::StaffMember {
                id: 1,
                actor: "staff:admin@example.com".into(),
                role: Role::Admin,
            },
        )
        .await
        .unwrap();
    app.sign_in(&browser, "admin@example.com").await;
    in_language(&browser, "en").await;
    browser.go(&page).await;
    assert_eq!(
        browser
            .run("return document.querySelector('#tier-needs-approval') === null;")
            .await,
        serde_json::Value::Bool(true),
        "assigned at once: nothing to approve"
    );
    browser
        .run("document.querySelector('#tier-choice').value = 'green'; return true;")
        .await;
    browser
        .fill("#tier-reason", "Back to the tier earned")
        .await;
    browser.click("#tier-submit").await;
    assert!(
        browser
            .text("#tier-assigned")
            .await
            .contains("Tier assigned")
    );
    assert_eq!(tier_of(&app).await.as_deref(), Some("green"));
    browser.go(&app.url("/admin/audit")).await;
    let log = browser.text("main").await;
    for told in [
        "Sent an operation for approval",
        "Approved a request",
        "Assigned a member a tier",
        "Tier gold → green",
    ] {
        assert!(log.contains(told), "{told}: {log}");
    }
    browser.stop().await;
    app.stop();
}
