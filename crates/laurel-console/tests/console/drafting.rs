//! Drafting a program change through forms, on every backend, in both languages, without
//! JavaScript doing any of it (scripts here only choose options and read values): a rule added
//! lands in the text beside the form, a tier is loaded, edited and written back, a reward
//! added, a bad value reported with its key and line while what was typed stays; then the
//! draft is applied now (a purchase earns by the new rule) or scheduled (the engine holds the
//! version for its hour). Support staff may not draft.

use super::pages::all_chinese;
use super::staff_pages::open_in;
use super::{App, Browser, PROGRAM, buy};
use jiff::{Timestamp, ToSpan};
use laurel_core::Points;
use laurel_core::rules::{EarningRule, Effect, Trigger};

/// The test program with two tiers to edit.
fn with_tiers() -> String {
    format!(
        "{PROGRAM}\n# Tiers by spend.\n[tiers]\nmetric = \"spend\"\nwindow = \"calendar_year\"\n\n\
         [[tiers.levels]]\nid = \"member\"\nname = \"Member\"\nthreshold = \"0\"\n\n\
         [[tiers.levels]]\nid = \"gold\"\nname = {{ en = \"Gold\", zh-CN = \"金卡\" }}\nthreshold = \"1000\"\n"
    )
}

/// Chooses `value` in the select `css`.
async fn choose(browser: &Browser, css: &str, value: &str) {
    browser
        .run(&format!(
            "document.querySelector(\"{css}\").value = \"{value}\"; return true;"
        ))
        .await;
}

/// The draft text as the page holds it.
async fn draft_text(browser: &Browser) -> String {
    let text = browser
        .run("return document.querySelector('#text').value;")
        .await;
    text.as_str().unwrap_or_default().to_owned()
}

/// Adds a percent coupon whose percent is out of range: the problem is listed at its key and
/// line, and what was typed is still in the form; then the right value clears it.
async fn a_bad_value_is_reported_then_fixed(browser: &Browser, backend: &str, id: &str) {
    choose(browser, "#reward_type", "percent_coupon").await;
    browser.fill("#reward_id", id).await;
    browser.fill("#reward_name_en", "A tenth off").await;
    browser.fill("#reward_cost", "300").await;
    browser.fill("#reward_percent", "150").await;
    browser.click("#reward-save").await;
    let problems = browser.text("#draft-problems").await;
    assert!(
        problems.contains(".percent") && problems.contains("150"),
        "[{backend}] {problems}"
    );
    let line = browser.text("#draft-problems .line").await;
    assert!(
        line.chars().any(|c| c.is_ascii_digit()),
        "[{backend}] {line}"
    );
    let typed = browser
        .run("return document.querySelector('#reward_percent').value;")
        .await;
    assert_eq!(typed, "150", "[{backend}] what was typed stays");
    browser.fill("#reward_percent", "10").await;
    browser.click("#reward-save").await;
    browser.find("#draft-ok").await;
    assert!(
        draft_text(browser).await.contains("percent = \"10\""),
        "[{backend}]"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_drafted_through_forms_is_applied_now_or_scheduled_in_either_language() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    for (backend, db) in laurel_testkit::backends() {
        let app = App::start_on(db, None).await;
        app.put_in_force(with_tiers()).await;
        app.sign_in(&browser, "admin@example.com").await;

        // In English: a rule, a tier edited, a reward, applied now.
        open_in(&browser, &app, "en", "/admin/program").await;
        browser.click("#draft-link").await;
        assert_eq!(browser.path().await, "/admin/program/draft", "[{backend}]");
        browser.find("#draft-ok").await;
        browser.fill("#rule_id", "double_pos").await;
        browser.fill("#rule_name_en", "Double at the till").await;
        choose(&browser, "#rule_effect", "multiplier").await;
        browser.fill("#rule_effect_value", "2").await;
        browser.tick("#rule_channels input[value='pos']").await;
        browser.fill("#rule_per_member_day", "500").await;
        browser.click("#rule-save").await;
        assert!(
            browser.text("#draft-notice").await.contains("double_pos"),
            "[{backend}]"
        );
        let text = draft_text(&browser).await;
        for written in [
            "id = \"double_pos\"",
            "effect = { multiplier = \"2\" }",
            "limits = { per_member_day = 500 }",
            "conditions = [{ channels = [\"pos\"] }]",
            "# Tiers by spend.",
        ] {
            assert!(text.contains(written), "[{backend}] `{written}` in {text}");
        }

        choose(&browser, "#tier_pick", "gold").await;
        browser.click("#tier-load").await;
        let loaded = browser
            .run("return [document.querySelector('#tier_threshold').value, document.querySelector('#tier_name_zh').value];")
            .await;
        assert_eq!(loaded, serde_json::json!(["1000", "金卡"]), "[{backend}]");
        browser.fill("#tier_threshold", "800").await;
        browser.fill("#tier_discount", "5").await;
        browser.click("#tier-save").await;
        let text = draft_text(&browser).await;
        assert!(
            text.contains("threshold = \"800\"\ndiscount_percent = \"5\""),
            "[{backend}] {text}"
        );
        a_bad_value_is_reported_then_fixed(&browser, backend, "tenth_off").await;
        browser.shots("draft-en").await;

        browser.fill("#note", "double points at the till").await;
        browser.click("#draft-apply-now").await;
        assert_eq!(browser.path().await, "/admin/program", "[{backend}]");
        assert!(
            browser.text("#program-notice").await.contains("applied"),
            "[{backend}]"
        );
        let now = app.engine.program_in_force(Timestamp::now()).await.unwrap();
        let d = &now.definition;
        assert!(d.rules.get("double_pos").is_some(), "[{backend}]");
        assert_eq!(
            d.tiers.as_ref().unwrap().tiers()[1].threshold,
            "800".parse().unwrap()
        );
        assert!(d.catalog.get("tenth_off").is_some(), "[{backend}]");
        let before = app.available().await;
        buy(&app.engine, app.member, "o-draft", "100").await;
        assert_eq!(
            app.available().await - before,
            200,
            "[{backend}] the base 100 and the rule's 100 more"
        );
        let audit = app.engine.audit_log(1).await.unwrap();
        assert_eq!(audit[0].action, "program.apply", "[{backend}]");

        // In Chinese: an event's rule, a tier's perks, a gift, a refused value, scheduled.
        open_in(&browser, &app, "zh-CN", "/admin/program/draft").await;
        assert!(
            draft_text(&browser).await.contains("double_pos"),
            "[{backend}] the draft starts from the version in force"
        );
        browser.fill("#rule_id", "review_bonus").await;
        browser.fill("#rule_name_zh", "写评价奖励").await;
        choose(&browser, "#rule_trigger", "event").await;
        browser.fill("#rule_event", "review_written").await;
        choose(&browser, "#rule_effect", "fixed").await;
        browser.fill("#rule_effect_value", "五十").await;
        browser.click("#rule-save").await;
        let refused = browser.text("#draft-refused").await;
        assert!(refused.contains("不是整数"), "[{backend}] {refused}");
        assert!(!draft_text(&browser).await.contains("review_bonus"));
        browser.fill("#rule_effect_value", "50").await;
        browser.click("#rule-save").await;
        assert!(
            browser.text("#draft-notice").await.contains("review_bonus"),
            "[{backend}]"
        );
        choose(&browser, "#tier_pick", "member").await;
        browser.click("#tier-load").await;
        browser.fill("#tier_perks", "免费升杯").await;
        browser.click("#tier-save").await;
        assert!(
            draft_text(&browser)
                .await
                .contains("perks = [\"免费升杯\"]"),
            "[{backend}]"
        );
        choose(&browser, "#reward_type", "free_product").await;
        browser.fill("#reward_id", "free_latte").await;
        browser.fill("#reward_name_zh", "免费拿铁").await;
        browser.fill("#reward_cost", "200").await;
        browser.fill("#reward_sku", "latte").await;
        browser.click("#reward-save").await;
        a_bad_value_is_reported_then_fixed(&browser, backend, "fifth_off").await;
        all_chinese(&browser, "the draft page").await;
        browser.shots("draft-zh-CN").await;

        browser.click("#draft-schedule").await;
        assert!(
            browser.text("#draft-refused").await.contains("日期和时间"),
            "[{backend}] a schedule needs its time"
        );
        let tz = app.engine.definition().program.time_zone.clone();
        let at = Timestamp::now()
            .to_zoned_datetime(tz.clone())
            .checked_add(1.day())
            .unwrap()
            .datetime();
        let typed = at.strftime("%Y-%m-%dT%H:%M").to_string();
        browser
            .run(&format!(
                "document.querySelector('#schedule_at').value = '{typed}'; return true;"
            ))
            .await;
        browser.click("#draft-schedule").await;
        assert!(
            browser.text("#program-notice").await.contains("已排期"),
            "[{backend}]"
        );
        let from = typed
            .parse::<jiff::civil::DateTime>()
            .unwrap()
            .to_zoned_datetime(tz)
            .unwrap()
            .timestamp();
        let versions = app.engine.program_versions().await.unwrap();
        let scheduled = versions.last().unwrap();
        assert_eq!(scheduled.effective_from, from, "[{backend}]");
        let later = &scheduled.definition;
        assert_eq!(
            later.rules.get("review_bonus"),
            Some(
                &EarningRule::new("review_bonus", "写评价奖励", Effect::Fixed(Points(50)))
                    .on_event("review_written")
            ),
            "[{backend}]"
        );
        assert!(later.catalog.get("free_latte").is_some(), "[{backend}]");
        let in_force = app.engine.program_in_force(Timestamp::now()).await.unwrap();
        assert!(
            in_force.definition.rules.get("review_bonus").is_none(),
            "[{backend}] not before its time"
        );
        assert!(matches!(
            in_force
                .definition
                .rules
                .get("double_pos")
                .map(|r| &r.trigger),
            Some(Trigger::Purchase)
        ));

        // Support staff may not draft: the page is refused (its steps check the role as every
        // form does).
        app.sign_in(&browser, "support@example.com").await;
        open_in(&browser, &app, "en", "/admin/program/draft").await;
        let refused = browser.text("#error-message").await;
        assert!(
            refused.contains("role does not allow"),
            "[{backend}] {refused}"
        );
        app.stop();
    }
    browser.stop().await;
}
