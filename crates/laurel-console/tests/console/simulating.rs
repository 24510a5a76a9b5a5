//! What if, from the draft page, on every backend and in both languages, without JavaScript
//! doing any of it (scripts here only put text in the field and read values): the draft is
//! simulated, its page follows the replay by refreshing itself, then shows the draft beside
//! the program in force; a draft with a problem is refused on the draft page.

use super::pages::all_chinese;
use super::staff_pages::open_in;
use super::{App, Browser, PROGRAM, buy};

/// Puts `text` in the draft's text field, as typing it would.
async fn put_draft(browser: &Browser, text: &str) {
    let text = serde_json::to_string(text).unwrap();
    browser
        .run(&format!(
            "document.querySelector('#text').value = {text}; return true;"
        ))
        .await;
}

/// The cells of the totals table's row headed `label`.
async fn totals_row(browser: &Browser, label: &str) -> Vec<String> {
    let label = serde_json::to_string(label).unwrap();
    let cells = browser
        .run(&format!(
            "const row = [...document.querySelectorAll('#simulation-totals tbody tr')]\
               .find(r => r.querySelector('th').textContent.trim() === {label});\
             return row ? [...row.querySelectorAll('td')].map(c => c.textContent.trim()) : [];"
        ))
        .await;
    serde_json::from_value(cells).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_is_simulated_from_the_draft_page_and_shown_beside_the_program_in_force() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    for (backend, db) in laurel_testkit::backends() {
        let app = App::start_on(db, None).await;
        // With the set-up's purchase of 120: 200 points earned under the program in force.
        buy(&app.engine, app.member, "o-sim", "80").await;
        app.sign_in(&browser, "admin@example.com").await;
        let doubled = PROGRAM.replace(r#"points_per_unit = "1""#, r#"points_per_unit = "2""#);
        // In Chinese the manager also states that members will buy twice as often.
        for (lang, earned, back_words, more_visits, draft_earned) in [
            (
                "en",
                "Points earned",
                "Back to the draft",
                "",
                ["200", "400", "+200"],
            ),
            (
                "zh-CN",
                "发放积分",
                "返回草稿",
                "100",
                ["200", "800", "+600"],
            ),
        ] {
            open_in(&browser, &app, lang, "/admin/program/draft").await;
            put_draft(&browser, &doubled.replace("cost = 100", "cost = -1")).await;
            browser.click("#draft-simulate-button").await;
            // Refused where it is: the draft's problems are listed, once, at their keys.
            assert_eq!(
                browser.path().await,
                "/admin/program/draft",
                "[{backend} {lang}]"
            );
            let problems = browser.text("#draft-problems").await;
            assert!(problems.contains("cost"), "[{backend} {lang}] {problems}");
            put_draft(&browser, &doubled).await;
            browser.fill("#assume_visits", more_visits).await;
            browser.click("#draft-simulate-button").await;
            assert!(
                browser
                    .path()
                    .await
                    .starts_with("/admin/program/simulations/"),
                "[{backend} {lang}]"
            );
            // The page refreshes itself until the report is there: a replay of the whole
            // history, which a busy machine runs slower.
            browser
                .find_within("#simulation-totals", std::time::Duration::from_secs(90))
                .await;
            assert_eq!(
                totals_row(&browser, earned).await,
                draft_earned,
                "[{backend} {lang}] in force, draft, change"
            );
            let assumptions = browser.text("#simulation-assumptions").await;
            assert_eq!(
                assumptions.contains("100.0%"),
                !more_visits.is_empty(),
                "[{backend} {lang}] a stated change is listed: {assumptions}"
            );
            let rules = browser.text("#simulation-rules").await;
            assert!(rules.contains("base"), "[{backend} {lang}] {rules}");
            let affected = browser.text("#simulation-affected").await;
            assert!(
                affected.contains(&app.member.to_string()),
                "[{backend} {lang}] {affected}"
            );
            assert!(
                browser.text("#simulation-back").await.contains(back_words),
                "[{backend} {lang}]"
            );
            if lang == "zh-CN" {
                all_chinese(&browser, "the simulation page").await;
            }
            browser.shots(&format!("simulation-{lang}")).await;
            // Back to the draft, the simulated text is still the draft.
            browser.click("#simulation-back").await;
            let text = browser
                .run("return document.querySelector('#text').value;")
                .await;
            assert!(
                text.as_str()
                    .unwrap_or_default()
                    .contains(r#"points_per_unit = "2""#),
                "[{backend} {lang}]"
            );
        }
        app.stop();
    }
    browser.stop().await;
}
