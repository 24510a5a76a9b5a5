//! Staff two-factor sign-in in the browser: a manager sets it up from their account page with
//! a code worked out from the secret the page shows (a wrong one refused), keeps the recovery
//! codes shown once, and then signs in with password and code — half signed in reaching no
//! page, a wrong code refused, a recovery code taken once — in both languages at both widths;
//! and, where admins must have it, an admin led from the password to setting it up before any
//! other page, who then resets another staff member's lost phone from the staff page.

use super::pages::all_chinese;
use super::staff_pages::open_in;
use super::{App, Browser, PASSWORD};
use laurel_engine::{AdminTwoFactor, Role};

/// The page languages.
const LANGUAGES: [&str; 2] = ["en", "zh-CN"];

/// What an authenticator app holding `secret` shows `steps` thirty-second steps from now,
/// worked out here (not by the engine) as RFC 6238 says.
fn app_code(secret: &str, steps: i64) -> String {
    let secret = totp_rs::Secret::try_from_base32(secret).unwrap();
    let totp = totp_rs::Builder::new().with_secret(secret).build().unwrap();
    let at = jiff::Timestamp::now().as_second() + steps * 30;
    totp.generate(u64::try_from(at).unwrap()).to_string()
}

/// The text of `css`, even when it is inside a closed `<details>`.
async fn text_content(browser: &Browser, css: &str) -> String {
    let script = format!("return document.querySelector(\"{css}\").textContent;");
    browser
        .run(&script)
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn sign_out(browser: &Browser) {
    browser.click("form[action='/admin/logout'] button").await;
}

/// Sets two-factor up on the account page (the page in `lang`): a wrong code first, then the
/// app's; the secret and the recovery codes.
async fn set_up_on_the_account_page(
    browser: &Browser,
    lang: &str,
    email: &str,
) -> (String, Vec<String>) {
    browser.click("#start-two-factor").await;
    let secret = browser.text("#totp-secret").await;
    let uri = text_content(browser, "#totp-uri").await;
    assert!(
        uri.starts_with("otpauth://totp/") && uri.contains(&format!("secret={secret}")),
        "{uri}"
    );
    assert!(uri.contains(&email.replace('@', "%40")), "{uri}");
    browser.find(".qr-box svg.qr").await;
    if lang == "zh-CN" {
        all_chinese(browser, "setting two-factor up").await;
    }
    browser.shots(&format!("two-factor-set-up-{lang}")).await;

    browser.fill("#confirm-code", "000000").await;
    browser.click("#confirm-two-factor").await;
    assert!(!browser.text("#confirm-error").await.is_empty());
    if lang == "zh-CN" {
        all_chinese(browser, "a wrong code while setting up").await;
    }
    browser.fill("#confirm-code", &app_code(&secret, -1)).await;
    browser.click("#confirm-two-factor").await;
    let codes = recovery_codes(browser).await;
    browser
        .shots(&format!("two-factor-recovery-codes-{lang}"))
        .await;
    (secret, codes)
}

/// The recovery codes the page shows.
async fn recovery_codes(browser: &Browser) -> Vec<String> {
    let codes = browser
        .run("return [...document.querySelectorAll('#recovery-codes code')].map(c => c.textContent);")
        .await;
    let codes: Vec<String> = serde_json::from_value(codes).unwrap();
    assert_eq!(codes.len(), laurel_engine::RECOVERY_CODES, "{codes:?}");
    codes
}

/// The password step, then `code` on the code page.
async fn sign_in_with(browser: &Browser, app: &App, email: &str, code: &str) {
    app.sign_in(browser, email).await;
    assert_eq!(browser.path().await, "/admin/login/code");
    browser.fill("#code", code).await;
    browser.click("#verify").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_sets_two_factor_up_and_then_signs_in_with_a_code_or_a_recovery_code_once() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    for lang in LANGUAGES {
        let email = format!("manager-{}@example.com", lang.to_lowercase());
        app.engine
            .create_staff_user(&email, "Chen Jing", Role::Manager, PASSWORD)
            .await
            .unwrap();
        app.sign_in(&browser, &email).await;
        open_in(&browser, &app, lang, "/admin/dashboard").await;
        browser.click("#my-account").await;
        assert_eq!(browser.path().await, "/admin/account");
        if lang == "zh-CN" {
            all_chinese(&browser, "the account page").await;
        }
        browser.shots(&format!("account-{lang}")).await;
        let (secret, codes) = set_up_on_the_account_page(&browser, lang, &email).await;
        browser.click("#codes-saved").await;
        assert!(browser.text("#codes-left").await.contains("10"), "{lang}");
        browser
            .shots(&format!("account-two-factor-on-{lang}"))
            .await;
        sign_out(&browser).await;

        // Half signed in: the password alone reaches no page.
        app.sign_in(&browser, &email).await;
        assert_eq!(browser.path().await, "/admin/login/code", "{lang}");
        browser.shots(&format!("sign-in-code-{lang}")).await;
        browser.go(&app.url("/admin/dashboard")).await;
        assert_eq!(
            browser.path().await,
            "/admin/login",
            "{lang}: no session yet"
        );
        browser.go(&app.url("/admin/login/code")).await;
        browser.fill("#code", "000000").await;
        browser.click("#verify").await;
        assert!(!browser.text("#code-error").await.is_empty(), "{lang}");
        if lang == "zh-CN" {
            all_chinese(&browser, "a wrong code at sign-in").await;
        }
        browser.fill("#code", &app_code(&secret, 0)).await;
        browser.click("#verify").await;
        assert_eq!(
            browser.path().await,
            "/admin/dashboard",
            "{lang}: signed in"
        );
        sign_out(&browser).await;

        // A recovery code, typed loosely, once.
        sign_in_with(&browser, &app, &email, &codes[0].to_lowercase()).await;
        assert_eq!(browser.path().await, "/admin/dashboard", "{lang}");
        sign_out(&browser).await;
        sign_in_with(&browser, &app, &email, &codes[0]).await;
        assert!(
            !browser.text("#code-error").await.is_empty(),
            "{lang}: a recovery code works once"
        );
        browser.fill("#code", &codes[1]).await;
        browser.click("#verify").await;
        assert_eq!(browser.path().await, "/admin/dashboard", "{lang}");
        browser.go(&app.url("/admin/account")).await;
        assert!(browser.text("#codes-left").await.contains('8'), "{lang}");
        sign_out(&browser).await;
    }
    browser.stop().await;
    app.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn where_admins_must_have_two_factor_an_admin_sets_it_up_before_any_page_and_resets_anothers()
{
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start_configured(
        laurel_testkit::sqlite(),
        None,
        super::PROGRAM,
        None,
        AdminTwoFactor::Required,
    )
    .await;
    // Support staff (not made to) have it on, set up through the engine.
    let users = app.engine.staff_users().await.unwrap();
    let support = users.iter().find(|u| u.role == Role::Support).unwrap();
    let setup = app.engine.start_two_factor(support).await.unwrap();
    app.engine
        .confirm_two_factor(support, &app_code(&setup.secret, -1))
        .await
        .unwrap();

    app.sign_in(&browser, "admin@example.com").await;
    assert_eq!(browser.path().await, "/admin/login/set-up");
    browser.find("#set-up-required").await;
    browser.go(&app.url("/admin/staff")).await;
    assert_eq!(
        browser.path().await,
        "/admin/login",
        "nothing else before it is set up"
    );
    browser.go(&app.url("/admin/login/set-up")).await;
    let secret = browser.text("#totp-secret").await;
    browser.shots("sign-in-set-up").await;
    browser.fill("#confirm-code", "000000").await;
    browser.click("#confirm-two-factor").await;
    assert!(!browser.text("#confirm-error").await.is_empty());
    browser.fill("#confirm-code", &app_code(&secret, 0)).await;
    browser.click("#confirm-two-factor").await;
    recovery_codes(&browser).await;
    browser.click("#codes-saved").await;
    assert_eq!(browser.path().await, "/admin/dashboard");

    browser.go(&app.url("/admin/account")).await;
    browser.find("#must-keep").await;
    assert_eq!(
        browser
            .run("return document.querySelector('#turn-off') === null;")
            .await,
        serde_json::Value::Bool(true),
        "an admin who must keep it cannot turn it off"
    );

    browser.go(&app.url("/admin/staff")).await;
    let row = "td.two-factor[data-staff='support@example.com']";
    assert!(browser.text(row).await.starts_with("On since"));
    browser.shots("staff-two-factor").await;
    browser
        .click(&format!("#reset-two-factor-{}", support.id))
        .await;
    assert!(
        browser
            .text("#staff-notice")
            .await
            .contains("support@example.com")
    );
    assert_eq!(browser.text(row).await, "Off");
    let log = app.engine.audit_log(20).await.unwrap();
    let reset = log
        .iter()
        .find(|e| e.action == "staff.two_factor_reset")
        .expect("the reset is audited");
    assert_eq!(reset.actor, "staff:admin@example.com");
    assert_eq!(reset.subject, format!("staff:{}", support.id));
    browser.go(&app.url("/admin/audit")).await;
    let audit = browser.run("return document.body.innerText;").await;
    assert!(
        audit
            .as_str()
            .unwrap_or_default()
            .contains("Reset a staff member's two-factor sign-in"),
        "the audit log says it in words"
    );
    browser.stop().await;
    app.stop();
}
