#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
//! The console in a real browser: headless Chromium against a real server on a real database.
//! Each test saves screenshots of the pages it visits under `target/screenshots/`.

#[path = "console/browser.rs"]
mod browser;

#[path = "console/admin.rs"]
mod admin;

use browser::Browser;
use laurel_core::Channel;
use laurel_engine::{
    AdminTwoFactor, ApplyProgram, Engine, EngineConfig, EnrollRequest, MemberRef, PurchaseRequest,
    Role, Store,
};
use laurel_testkit::TestDb;
use laurel_web::AppState;
use std::sync::Arc;

const PROGRAM: &str = r#"
[program]
name = "Console Test Coffee"
currency = "CNY"
time_zone = "Asia/Shanghai"

[earn]
points_per_unit = "1"

[points]
value = "0.01"
expiry = { policy = "months_after_earning", months = 12 }

[[rewards]]
id = "five_off"
name = "¥5 off"
description = "Five yuan off any order."
type = "amount_coupon"
amount = "5"
cost = 100
valid_days = 30

[referrals]
referrer_points = 300
referee_points = 200
min_purchase = "30"
"#;

const PASSWORD: &str = "console test password";

/// A server over a fresh SQLite database with the console, an admin and a support account,
/// and one member who bought something.
struct App {
    base: String,
    engine: Arc<Engine>,
    member: i64,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    _db: TestDb,
}

/// `member` buys for `total` yuan at the till now, as order `order_id`.
async fn buy(engine: &Engine, member: i64, order_id: &str, total: &str) {
    engine
        .purchase(PurchaseRequest {
            partner: None,
            member: MemberRef::Id(member),
            order_id: order_id.into(),
            channel: Channel::Pos,
            store: None,
            currency: "CNY".into(),
            total: total.parse().unwrap(),
            lines: Vec::new(),
            occurred_at: jiff::Timestamp::now(),
        })
        .await
        .unwrap();
}

impl App {
    /// Puts the program `text` in force now, as an admin applying it would.
    async fn put_in_force(&self, text: String) {
        let request = ApplyProgram {
            text,
            effective_from: None,
            note: None,
            dry_run: false,
        };
        self.engine
            .apply_program(request, "staff:admin@example.com")
            .await
            .unwrap();
    }

    async fn start() -> App {
        App::start_at(None).await
    }

    /// [`App::start`] with the public address links use.
    async fn start_at(public_url: Option<laurel_console::PublicUrl>) -> App {
        App::start_on(laurel_testkit::sqlite(), public_url).await
    }

    /// [`App::start_at`] on the database `db`: a test of what is stored runs on each of
    /// `laurel_testkit::backends()`.
    async fn start_on(db: TestDb, public_url: Option<laurel_console::PublicUrl>) -> App {
        App::start_under(db, public_url, PROGRAM).await
    }

    /// [`App::start_on`] under the program `text` from the first: for figures that depend on
    /// the terms in force when purchases dated in the past happened.
    async fn start_under(
        db: TestDb,
        public_url: Option<laurel_console::PublicUrl>,
        text: &str,
    ) -> App {
        App::start_limited(db, public_url, text, None).await
    }

    /// [`App::start_under`], taking sign-ins and sign-in codes at most at `sign_in` per client
    /// address.
    async fn start_limited(
        db: TestDb,
        public_url: Option<laurel_console::PublicUrl>,
        text: &str,
        sign_in: Option<laurel_web::limits::AddressLimit>,
    ) -> App {
        App::start_configured(db, public_url, text, sign_in, AdminTwoFactor::Optional).await
    }

    /// [`App::start_limited`], with admins made to sign in with two factors or not.
    async fn start_configured(
        db: TestDb,
        public_url: Option<laurel_console::PublicUrl>,
        text: &str,
        sign_in: Option<laurel_web::limits::AddressLimit>,
        admin_two_factor: AdminTwoFactor,
    ) -> App {
        let store = Store::connect(&db.url).await.unwrap();
        store.migrate().await.unwrap();
        let config = EngineConfig {
            admin_two_factor,
            ..EngineConfig::for_backend(store.backend())
        };
        let engine = Arc::new(Engine::open(store, Some(text), config).await.unwrap());
        for (email, role) in [
            ("admin@example.com", Role::Admin),
            ("support@example.com", Role::Support),
        ] {
            engine
                .create_staff_user(email, &format!("{role} person"), role, PASSWORD)
                .await
                .unwrap();
        }
        let member = engine
            .enroll(EnrollRequest {
                external_id: "CUST-42".into(),
                email: Some("mei@example.com".into()),
                phone: Some("138 0013 8000".into()),
                name: Some("Wang Mei".into()),
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
            .0;
        buy(&engine, member, "o-1", "120").await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = laurel_web::app_with(
            AppState {
                engine: engine.clone(),
            },
            laurel_console::router(engine.clone(), public_url, sign_in),
        );
        let server = tokio::spawn(laurel_web::serve(listener, app, std::future::pending()));
        App {
            base,
            engine,
            member,
            server,
            _db: db,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn available(&self) -> i64 {
        self.engine
            .balance(self.member)
            .await
            .unwrap()
            .available
            .get()
    }

    async fn sign_in(&self, browser: &Browser, email: &str) {
        browser.go(&self.url("/admin/login")).await;
        browser.fill("#email", email).await;
        browser.fill("#password", PASSWORD).await;
        browser.click("#sign-in").await;
    }

    fn stop(self) {
        self.server.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_sign_in_find_a_member_adjust_points_and_see_it_in_the_ledger() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    browser.go(&app.url("/admin/members")).await;
    assert_eq!(
        browser.path().await,
        "/admin/login",
        "signed out: to the sign-in page"
    );
    browser.screenshot("login").await;

    browser.fill("#email", "admin@example.com").await;
    browser.fill("#password", "not the password").await;
    browser.click("#sign-in").await;
    assert!(
        browser
            .text("#login-error")
            .await
            .contains("Wrong email or password")
    );

    app.sign_in(&browser, "admin@example.com").await;
    assert_eq!(browser.path().await, "/admin/dashboard");
    assert!(browser.text("main").await.contains("Points outstanding"));

    browser.go(&app.url("/admin/members")).await;
    browser.fill("#q", "Wang").await;
    browser.click("#search-submit").await;
    browser.screenshot("members").await;
    browser.click("a[href='/admin/members/1']").await;
    assert_eq!(browser.text("#available").await, "120");

    browser.fill("#points", "50").await;
    browser.fill("#reason", "coffee was cold").await;
    browser.click("#adjust-submit").await;
    assert!(browser.text("#adjusted").await.contains("Points adjusted"));
    assert_eq!(browser.text("#available").await, "170");
    let ledger = browser.text("#ledger tbody tr").await;
    assert!(
        ledger.contains("+50")
            && ledger.contains("coffee was cold")
            && ledger.contains("admin person"),
        "the newest ledger row is the adjustment by this staff member, named: {ledger}"
    );
    browser.screenshot("member").await;
    assert_eq!(app.available().await, 170);
    let audit = app.engine.audit_log(10).await.unwrap();
    assert_eq!(audit[0].action, "points.adjust");

    browser.go(&app.url("/admin/program")).await;
    assert!(
        browser
            .text("#base-rule")
            .await
            .contains("Every purchase earns 1 points per CNY"),
        "the program reads in words"
    );
    assert!(browser.text("#versions").await.contains("In force"));
    browser.screenshot("program").await;
    browser.stop().await;
    app.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_posted_without_its_csrf_token_is_refused_and_changes_nothing() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    app.sign_in(&browser, "admin@example.com").await;
    browser
        .go(&app.url(&format!("/admin/members/{}", app.member)))
        .await;
    browser.fill("#points", "500").await;
    browser.fill("#reason", "forged").await;
    browser
        .run("document.querySelector('#adjust-form input[name=csrf]').remove(); return true;")
        .await;
    browser.click("#adjust-submit").await;
    assert!(
        browser
            .text("#error-message")
            .await
            .contains("did not come from this console"),
        "refused"
    );
    assert_eq!(app.available().await, 120, "nothing adjusted");
    browser.stop().await;
    app.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn support_staff_may_not_change_the_program() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    app.sign_in(&browser, "support@example.com").await;
    browser.go(&app.url("/admin/program")).await;
    let forms = browser
        .run("return document.querySelectorAll('#program-form').length;")
        .await;
    assert_eq!(forms, 0, "support staff see no form to change the program");
    // A hand-made form with the session's own CSRF token is refused by the server.
    browser
        .run(
            "const f = document.createElement('form'); f.method = 'post'; f.action = '/admin/program';\
             for (const [k, v] of [['csrf', document.querySelector('input[name=csrf]').value], ['text', 'x'], ['note', 'sneaky']]) {\
               const i = document.createElement('input'); i.type = 'hidden'; i.name = k; i.value = v; f.appendChild(i); }\
             document.body.appendChild(f); f.id = 'forged'; return true;",
        )
        .await;
    browser
        .run("setTimeout(() => document.getElementById('forged').submit(), 0); return true;")
        .await;
    let message = browser.text("#error-message").await;
    assert!(message.contains("role does not allow"), "{message}");
    let versions = app.engine.program_versions().await.unwrap();
    assert_eq!(versions.len(), 1, "no version applied");
    browser.stop().await;
    app.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switching_language_changes_the_page() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start().await;
    browser.go(&app.url("/admin/login")).await;
    assert_eq!(browser.text("h1").await, "Sign in");
    browser.click("#lang-zh-CN").await;
    assert_eq!(browser.text("h1").await, "登录");
    assert_eq!(
        browser.run("return document.documentElement.lang;").await,
        "zh-CN"
    );
    app.sign_in(&browser, "admin@example.com").await;
    assert!(
        browser.text("nav").await.contains("会员"),
        "the choice sticks after sign-in"
    );
    browser
        .go(&app.url(&format!("/admin/members/{}", app.member)))
        .await;
    browser.shots("member-zh-CN").await;
    browser.click("#lang-en").await;
    assert!(browser.text("nav").await.contains("Members"));
    browser.stop().await;
    app.stop();
}

#[test]
fn the_languages_a_program_may_write_its_words_in_are_the_ones_pages_speak() {
    use laurel_console::i18n::Locale;
    let mut pages: Vec<&str> = Locale::ALL.iter().map(|l| l.tag()).collect();
    let mut program = laurel_core::localized::LANGUAGES.to_vec();
    pages.sort_unstable();
    program.sort_unstable();
    assert_eq!(pages, program);
}

#[test]
fn both_translation_files_have_the_same_keys() {
    use laurel_console::i18n::Locale;
    assert_eq!(Locale::En.strings().keys(), Locale::ZhCn.strings().keys());
    assert!(Locale::En.strings().keys().len() > 50, "the files parsed");
}

#[path = "console/portal.rs"]
mod portal;

#[path = "console/earned.rs"]
mod earned;

#[path = "console/pages.rs"]
mod pages;

#[path = "console/cookies.rs"]
mod cookies;

#[path = "console/adjust_notes.rs"]
mod adjust_notes;

#[path = "console/languages.rs"]
mod languages;

#[path = "console/staff_pages.rs"]
mod staff_pages;

#[path = "console/finding.rs"]
mod finding;

#[path = "console/member_portal.rs"]
mod member_portal;

#[path = "console/erasure_pages.rs"]
mod erasure_pages;

#[path = "console/fraud_pages.rs"]
mod fraud_pages;

#[path = "console/letters.rs"]
mod letters;
#[path = "console/unsubscribe.rs"]
mod unsubscribe;
#[path = "console/webhooks.rs"]
mod webhooks;

#[path = "console/automations.rs"]
mod automations;

#[path = "console/churn.rs"]
mod churn;
#[path = "console/insight.rs"]
mod insight;

#[path = "console/segments.rs"]
mod segments;

#[path = "console/offers.rs"]
mod offers;

#[path = "console/drafting.rs"]
mod drafting;

#[path = "console/simulating.rs"]
mod simulating;

#[path = "console/books.rs"]
mod books;

#[path = "console/wallet_pages.rs"]
mod wallet_pages;

#[path = "console/gift_card_pages.rs"]
mod gift_card_pages;

#[path = "console/membership_pages.rs"]
mod membership_pages;

#[path = "console/transfer_pages.rs"]
mod transfer_pages;

#[path = "console/household_pages.rs"]
mod household_pages;

#[path = "console/security.rs"]
mod security;

#[path = "console/partner_pages.rs"]
mod partner_pages;

#[path = "console/key_pages.rs"]
mod key_pages;

#[test]
fn every_problem_a_program_text_can_have_reads_in_chinese() {
    use laurel_console::i18n::Locale;
    use laurel_engine::program_file::parse_program;
    let zh = Locale::ZhCn.strings();
    let bad = [
        "[program\n",
        "[program]\nname = \"x\"\n",
        "[program]\nname = \"\"\ncurrency = \"XYZ\"\ntime_zone = \"Mars/Base\"\npoints_name = \" \"\n\
         [earn]\npoints_per_unit = \"-1\"\nrounding = \"up\"\n[points]\nvalue = \"x\"\nexpiry = { policy = \"never\" }\n",
        "[program]\nname = \"x\"\ncurrency = \"CNY\"\ntime_zone = \"UTC\"\nmystery = 1\n[earn]\npoints_per_unit = 1\n\
         [points]\nvalue = \"-1\"\npending_days = 999\nexpiry = { policy = \"months_after_earning\", months = 0 }\n",
    ];
    let base = PROGRAM.trim();
    let rules = [
        "[[rules]]\nid = \"\"\nname = \"\"\neffect = { multiplier = \"1\" }\nconditions = [ { channels = [\"fax\"] }, { days_of_week = [\"someday\"] }, { time_of_day = { from = \"9\", to = \"10:00\" } }, { dates = { from = \"2026-02-01\", to = \"2026-01-01\" } }, { first_purchase = false }, { birthday = \"year\" }, { minimum_spend = \"-5\" }, { tiers = [\"gold\"] } ]\nlimits = { per_member_day = -1 }\nstacking = \"sometimes\"\n",
        "[[rules]]\nid = \"base\"\nname = \"x\"\ntrigger = { event = \"nope\" }\neffect = { points_per_unit = \"1\" }\nconditions = [ { skus = [] } ]\n",
        "[[rules]]\nid = \"tier:x\"\nname = \"x\"\ntrigger = \"whenever\"\neffect = { fixed = 0 }\n[[rules]]\nid = \"tier:x\"\nname = \"y\"\neffect = { percent = \"0\" }\n",
        "[tiers]\nmetric = \"purchases\"\nwindow = \"calendar_year\"\nmonths = 3\n[[tiers.levels]]\nid = \"A\"\nname = \"\"\nthreshold = \"1.5\"\n",
        "[tiers]\nmetric = \"spend\"\nwindow = \"rolling_months\"\nmonths = 0\ngrace_days = 9999\nmax_steps_down = 0\n[[tiers.levels]]\nid = \"a\"\nname = \"A\"\nthreshold = \"5\"\nearn_multiplier = \"0.5\"\ndiscount_percent = \"101\"\nperks = [\"\"]\n[[tiers.levels]]\nid = \"a\"\nname = \"B\"\nthreshold = \"5\"\n",
        "[tiers]\nmetric = \"spend\"\nwindow = \"rolling_months\"\n[[tiers.levels]]\nid = \"a\"\nname = \"A\"\nthreshold = \"0\"\n",
        "[[rewards]]\nid = \"bad id!\"\nname = \"\"\ntype = \"amount_coupon\"\ncost = 0\ntiers = [\"gold\"]\nvalid_days = 0\n\
         available_from = \"2026-02-01\"\navailable_until = \"2026-01-01\"\nper_member_limit = 0\nmin_spend = \"0.001\"\n\
         [[rewards]]\nid = \"gift\"\nname = \"Gift\"\ntype = \"physical_gift\"\ncost = 1\nmin_spend = \"5\"\namount = \"1\"\nvalid_days = 3\navailable_from = \"soon\"\n\
         [[rewards]]\nid = \"gift\"\nname = \"P\"\ntype = \"percent_coupon\"\npercent = \"0\"\ncost = 1\n",
        "[staff]\nadjust_max = { cashier = 5, support = 0 }\n",
        "[[automations]]\nid = \"a\"\nname = \"A\"\ntrigger = \"weekly\"\nlimit = \"hourly\"\nactions = [ { webhook = false } ]\n\
         [[automations]]\nid = \"b\"\nname = \"B\"\ntrigger = { event = \"nope\" }\nactions = [ { webhook = true } ]\n",
        "[[automations]]\nid = \"Bad Id\"\nname = \"\"\ntrigger = \"daily\"\nconditions = [ { tiers = [\"platinum\"] }, { consent = \"fax\" } ]\n\
         actions = [ { award_points = 0, reason = \" \" } ]\n\
         [[automations]]\nid = \"twice\"\nname = \"T\"\ntrigger = \"daily\"\nactions = []\n\
         [[automations]]\nid = \"twice\"\nname = \"T\"\ntrigger = \"daily\"\nactions = [ { webhook = true } ]\n",
        "[notices]\nlanguage = \"fr\"\nchannels = [\"fax\"]\nquiet_hours = { from = \"late\", to = \"09:00\" }\n\
         max_per_week = 0\npoints_expiring = { days_before = 0 }\nbirthday = { points = -5 }\nwelcome = { days = [3, 1] }\n",
        "[notices]\nchannels = []\nwelcome = { days = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] }\n",
        "[transfers]\nmin_points = 0\ndaily_max = 0\nmin_member_days = 99999\nfee_points = -1\nfee_percent = \"101\"\n",
        "[transfers]\nmin_points = 50\ndaily_max = 10\n",
        "[households]\nmode = \"shared\"\nmax_members = 1\n",
        "[books]\npoint_price = \"0\"\nexpected_redemption_rate = \"1.5\"\nperiod = \"week\"\n[books.accounts]\nsales_revenue = \"40 00\"\n",
    ];
    let referrals = base
        .replace("referrer_points = 300", "referrer_points = 0")
        .replace(
            "referee_points = 200",
            "referee_points = 0\nwithin_days = 0\nmax_per_referrer = 0",
        );
    let texts = bad
        .iter()
        .map(|t| (*t).to_owned())
        .chain(rules.iter().map(|r| format!("{base}\n{r}")))
        .chain([referrals]);
    let mut seen = std::collections::BTreeSet::new();
    for text in texts {
        let Err(err) = parse_program(&text, std::path::Path::new("p.toml")) else {
            panic!("valid: {text}");
        };
        for issue in err.issues {
            let key = format!("problem.{}", issue.words.template);
            assert!(
                zh.has(&key),
                "no Chinese for `{}` ({issue})",
                issue.words.template
            );
            seen.insert(issue.words.template);
        }
    }
    assert!(
        seen.len() >= 20,
        "the fixtures reach many kinds of problem: {seen:?}"
    );
    for automation in [
        "an id is 1 to 64 lower-case letters, digits and underscores",
        "each action is one of: award_points with a reason, send with a subject and a text, or webhook = true",
        "is defined twice",
        "must be \"daily\" or an event table (event = \"…\"), got `{got}`",
        "must be one of {names}, got `{got}`",
        "names no action",
        "no channel `{got}`",
        "no event type `{got}`",
        "no tier `{tier}` in the program",
        "points must be above zero",
        "points need a reason",
        // [notices]
        "must be a time like 21:00, got `{got}`",
        "must be one of {languages}, got `{got}`",
        "must be among {channels}, got `{got}`",
        "names no channel",
        "must be at least 1",
        "must be between {min} and {max}, got {got}",
        "may not be negative",
        "has at most {max} steps",
        "must be days in increasing order",
        // [transfers]
        "must be from {least} to {most}, got {got}",
        "must be from 0 to {most}, got {got}",
        "must be from 0 to 100, got {got}",
        "is below min_points ({min}), so no transfer could be made: got {got}",
    ] {
        assert!(
            seen.contains(automation),
            "the fixtures reach the automations', notices' and transfers' `{automation}`: {seen:?}"
        );
    }
}

#[test]
fn every_error_code_reads_in_both_languages() {
    use laurel_console::i18n::Locale;
    for code in laurel_engine::ErrorCode::ALL {
        for locale in Locale::ALL {
            assert!(
                locale.strings().has(&format!("code.{code}")),
                "no words for `{code}` in {}",
                locale.tag()
            );
        }
    }
}

#[path = "console/two_factor_pages.rs"]
mod two_factor_pages;

#[path = "console/consent_pages.rs"]
mod consent_pages;

#[path = "console/approval_pages.rs"]
mod approval_pages;
