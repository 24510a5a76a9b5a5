//! Segments in the console, on every backend: a manager saves one through the form (no
//! JavaScript needed), lands on the members it picked, sees it listed with its conditions in
//! words and its count, downloads its members as CSV; a bad range is refused in Chinese with
//! nothing saved; deleting it is audited.

use super::staff_pages::open_in;
use super::{App, Browser};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_segment_saved_through_the_form_lists_counts_and_downloads_its_members() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    for (backend, db) in laurel_testkit::backends() {
        let app = App::start_on(db, None).await;
        app.sign_in(&browser, "admin@example.com").await;
        open_in(&browser, &app, "en", "/admin/insight").await;
        browser.click("#segments-link").await;
        assert!(
            browser.text("#segments-none").await.contains("No segments"),
            "[{backend}]"
        );
        browser.fill("#segment-id", "everyone").await;
        browser.fill("#segment-name", "Everyone with points").await;
        browser.fill("#balance_min", "0").await;
        browser.click("#segment-submit").await;
        let listed = browser.text("#members").await;
        assert!(listed.contains("CUST-42"), "[{backend}] {listed}");

        open_in(&browser, &app, "en", "/admin/segments").await;
        let row = browser.text("#segment-everyone").await;
        for shown in ["Everyone with points", "has at least 0", "1"] {
            assert!(row.contains(shown), "[{backend}] `{shown}` in {row}");
        }
        let csv = browser
            .run(
                "const r = await fetch('/admin/segments/everyone/members.csv'); \
                 return await r.text();",
            )
            .await;
        let csv = csv.as_str().unwrap_or_default();
        assert!(
            csv.starts_with("\"member_id\",\"external_id\"") && csv.contains("\"CUST-42\""),
            "[{backend}] {csv}"
        );

        open_in(&browser, &app, "zh-CN", "/admin/segments").await;
        browser.fill("#segment-id", "backwards").await;
        browser.fill("#segment-name", "倒置").await;
        browser.fill("#balance_min", "10").await;
        browser.fill("#balance_max", "5").await;
        browser.click("#segment-submit").await;
        let problems = browser.text("#segment-problems").await;
        assert!(problems.contains("大于"), "[{backend}] {problems}");
        assert_eq!(app.engine.segments().await.unwrap().len(), 1, "[{backend}]");

        browser
            .click("#segment-everyone button[type='submit']")
            .await;
        assert!(
            app.engine.segments().await.unwrap().is_empty(),
            "[{backend}]"
        );
        let audit = app.engine.audit_log(5).await.unwrap();
        let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            &actions[..2],
            ["segment.delete", "segment.create"],
            "[{backend}]"
        );
    }
}
