//! The notices the program sends by itself, on both backends with an injected clock: points
//! about to expire (one letter per batch), a birthday greeting with its gift (once a year),
//! the welcome series; only to members who consented to e-mail, outside quiet hours, under
//! the weekly cap; and an unsubscribe link that stops them.

use super::*;
use laurel_engine::{Consents, NewMessage, NoticeLinks, NoticeReport, ProfileUpdate};

/// [`PROGRAM`] at one point per yuan, points expiring 12 months after earning, and notices.
pub(super) fn noticing(notices: &str) -> ProgramDefinition {
    let text = PROGRAM.replace(ONE_PER_YUAN.0, ONE_PER_YUAN.1).replace(
        r#"expiry = { policy = "never" }"#,
        r#"expiry = { policy = "months_after_earning", months = 12 }"#,
    ) + notices;
    parse_program(&text, Path::new("notices.toml")).unwrap_or_else(|e| panic!("{e}"))
}

pub(super) const EVERY_NOTICE: &str = r#"
[notices]
language = "en"
quiet_hours = { from = "21:00", to = "09:00" }
max_per_week = 3
points_expiring = { days_before = 14 }
birthday = { points = 100 }
welcome = { days = [0, 3] }
"#;

pub(super) fn links() -> NoticeLinks {
    NoticeLinks {
        base: Some("https://club.example".into()),
    }
}

/// A member who consented to e-mail (or not), born on 8 August.
pub(super) async fn joined(engine: &Engine, external_id: &str, consents: bool) -> i64 {
    enrolled_consenting(engine, enroll_request(external_id), consents).await
}

/// The member `request` enrolls, who consented to e-mail (or not).
pub(super) async fn enrolled_consenting(
    engine: &Engine,
    request: EnrollRequest,
    consents: bool,
) -> i64 {
    let id = engine.enroll(request).await.unwrap().id.0;
    let given: &[&str] = if consents { &["email"] } else { &[] };
    engine
        .update_profile(
            id,
            ProfileUpdate {
                name: "王五".into(),
                birthday: None,
                consents: Consents::given(given),
            },
        )
        .await
        .unwrap();
    id
}

/// The token of the e-mail unsubscribe link in the first letter waiting.
pub(super) async fn unsubscribe_token(engine: &Engine) -> String {
    let link = letters(engine).await[0].unsubscribe_url.clone().unwrap();
    assert!(link.ends_with("&c=email"), "{link}");
    let token = link.split("t=").nth(1).unwrap();
    token.trim_end_matches("&c=email").to_owned()
}

/// Noon in Shanghai on `date`, a time no quiet hours hold back.
fn at_noon(date: &str) -> Timestamp {
    noon(date)
}

/// Noon in Shanghai on the local day of `at`.
pub(super) fn noon_of(at: Timestamp) -> Timestamp {
    let tz = jiff::tz::TimeZone::get("Asia/Shanghai").unwrap();
    noon(&tz.to_datetime(at).date().to_string())
}

/// The letters waiting in the outbox.
pub(super) async fn letters(engine: &Engine) -> Vec<NewMessage> {
    engine
        .store()
        .unsent_messages(500, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.message)
        .collect()
}

pub(super) async fn notices(engine: &Engine, now: Timestamp) -> NoticeReport {
    engine.send_notices(now, &links()).await.unwrap()
}

#[tokio::test]
async fn points_about_to_expire_are_told_once_per_batch_to_members_who_consented() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, noticing(EVERY_NOTICE)).await;
        let ann = joined(&engine, "ann", true).await;
        let bo = joined(&engine, "bo", false).await;
        buy(&engine, ann, "A-1", "120").await;
        buy(&engine, bo, "B-1", "80").await;
        let (expires, _) = engine.balance(ann).await.unwrap().next_expiries[0];
        let now = noon_of(expires - days(10));

        let report = notices(&engine, now).await;
        assert_eq!(report.sent, 1, "[{name}] {report:?}");
        assert_eq!(report.without_consent, 1, "[{name}] bo did not consent");
        let sent = letters(&engine).await;
        let letter = sent
            .iter()
            .find(|m| m.kind.as_deref() == Some("points_expiring"))
            .unwrap_or_else(|| panic!("[{name}] {sent:?}"));
        assert_eq!(letter.recipient, "ann@example.com", "[{name}]");
        assert!(
            letter.subject.starts_with("120 积分 expire on "),
            "[{name}] {}",
            letter.subject
        );
        assert!(
            letter.body.contains("Laurel Test Rewards"),
            "[{name}] {}",
            letter.body
        );
        let html = letter.html.as_deref().unwrap_or_default();
        assert!(
            html.contains("<strong>120 of your 积分</strong>"),
            "[{name}] {html}"
        );
        let unsubscribe = letter.unsubscribe_url.clone().unwrap_or_default();
        assert!(
            unsubscribe.starts_with("https://club.example/portal/unsubscribe?t="),
            "[{name}] {unsubscribe}"
        );
        assert!(
            letter.body.contains(&unsubscribe),
            "[{name}] the text has the link too"
        );

        let again = notices(&engine, now + days(1)).await;
        assert_eq!(
            again.sent, 0,
            "[{name}] the batch was told already: {again:?}"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_birthday_brings_its_gift_once_a_year_and_a_greeting_after_quiet_hours() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, noticing(EVERY_NOTICE)).await;
        let ann = joined(&engine, "ann", true).await;
        let night = "2027-08-08T02:00:00+08:00".parse::<Timestamp>().unwrap();

        let quiet = notices(&engine, night).await;
        assert_eq!(
            quiet.gifts, 1,
            "[{name}] the gift is not a letter: {quiet:?}"
        );
        assert_eq!(quiet.sent, 0, "[{name}] nothing is sent at 2 a.m.");
        assert_eq!(
            quiet.quiet_until,
            Some("2027-08-08T09:00:00+08:00".parse().unwrap()),
            "[{name}]"
        );
        assert_eq!(balance(&engine, ann).await, (100, 0), "[{name}]");

        let morning = notices(&engine, at_noon("2027-08-08")).await;
        assert_eq!(morning.sent, 1, "[{name}] {morning:?}");
        assert_eq!(
            balance(&engine, ann).await,
            (100, 0),
            "[{name}] one gift a year"
        );
        let greeting = letters(&engine).await;
        assert!(
            greeting.iter().any(|m| m.kind.as_deref() == Some("birthday")
                && m.body.contains("added 100 积分")),
            "[{name}] {greeting:?}"
        );
        notices(
            &engine,
            at_noon("2027-08-08") + SignedDuration::from_hours(3),
        )
        .await;
        let next_year = notices(&engine, at_noon("2028-08-08")).await;
        assert_eq!(next_year.sent, 1, "[{name}] {next_year:?}");
        assert_eq!(
            balance(&engine, ann).await,
            (200, 0),
            "[{name}] next year's gift"
        );
        let entries = entries(&engine, ann).await;
        assert_eq!(entries[0].meta.reason, "birthday gift", "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn the_welcome_series_comes_on_its_days_within_the_weekly_cap() {
    for (name, db) in laurel_testkit::backends() {
        let capped = EVERY_NOTICE.replace("max_per_week = 3", "max_per_week = 1");
        let engine = start(&db, noticing(&capped)).await;
        let ann = joined(&engine, "ann", true).await;
        let today = Timestamp::now();

        // Noon today may be before they joined: the day after still brings step 1.
        let first = notices(&engine, noon_of(today + days(1))).await;
        assert_eq!(
            first.sent, 1,
            "[{name}] step 1 the day after they joined: {first:?}"
        );
        let third_day = notices(&engine, noon_of(today + days(3))).await;
        assert_eq!(
            (third_day.sent, third_day.over_cap),
            (0, 1),
            "[{name}] step 2 would be the second letter this week"
        );
        let kinds: Vec<Option<String>> =
            letters(&engine).await.into_iter().map(|m| m.kind).collect();
        assert_eq!(kinds, [Some("welcome".to_owned())], "[{name}]");
        let _ = ann;
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn the_unsubscribe_link_stops_marketing_letters() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, noticing(EVERY_NOTICE)).await;
        joined(&engine, "ann", true).await;
        let now = Timestamp::now();
        assert_eq!(
            notices(&engine, noon_of(now + days(1))).await.sent,
            1,
            "[{name}]"
        );
        let token = &unsubscribe_token(&engine).await;
        let who = engine.unsubscribing(token, "email").await.unwrap().unwrap();
        assert_eq!(
            (who.to.as_deref(), who.subscribed),
            (Some("ann@example.com"), true)
        );
        assert!(
            engine.unsubscribe(token, "email").await.unwrap(),
            "[{name}]"
        );
        let twice = engine.unsubscribe(token, "email").await.unwrap();
        assert!(twice, "[{name}] twice is once");
        let after = engine.unsubscribing(token, "email").await.unwrap().unwrap();
        assert!(!after.subscribed, "[{name}]");
        let stranger = engine.unsubscribe("not-a-token", "email").await.unwrap();
        assert!(!stranger, "[{name}]");
        let control = engine.unsubscribing("x\u{0}y", "sms").await.unwrap();
        assert!(control.is_none(), "[{name}]");

        let later = notices(&engine, noon_of(now + days(3))).await;
        assert_eq!(
            (later.sent, later.without_consent),
            (0, 1),
            "[{name}] {later:?}"
        );
        finish(name, engine).await;
    }
}

#[test]
fn the_program_file_reports_every_notices_problem_with_its_key() {
    let text = PROGRAM.to_owned()
        + r#"
[notices]
language = "fr"
quiet_hours = { from = "late", to = "09:00" }
points_expiring = { days_before = 0 }
welcome = { days = [3, 1] }
"#;
    let err = parse_program(&text, Path::new("bad.toml")).unwrap_err();
    for key in [
        "notices.quiet_hours.from",
        "notices.language",
        "notices.points_expiring.days_before",
        "notices.welcome.days",
    ] {
        assert!(
            err.problems.iter().any(|p| p.contains(key)),
            "{key} missing from {err}"
        );
    }
}

#[tokio::test]
async fn a_member_who_would_lose_their_tier_at_the_next_review_is_told_before_it() {
    for (name, db) in laurel_testkit::backends() {
        let at_risk = "\n[notices]\ntier_at_risk = { days_before = 14 }\n";
        let engine = start(&db, super::tiers::with_tiers(&[], at_risk)).await;
        let ann = joined(&engine, "ann", true).await;
        let bo = joined(&engine, "bo", true).await;
        let gold = buy(&engine, ann, "A-1", "6000.00").await;
        buy(&engine, bo, "B-1", "6000.00").await;
        engine
            .refund(refund_request(gold.purchase_id, "R-1", RefundScope::Full))
            .await
            .unwrap();
        let review = engine
            .tier_status(&MemberRef::Id(ann))
            .await
            .unwrap()
            .next_review
            .unwrap();

        let early = notices(&engine, noon_of(review.at - days(30))).await;
        assert_eq!(early.sent, 0, "[{name}] the review is a month away");
        let report = notices(&engine, noon_of(review.at - days(7))).await;
        assert_eq!(
            report.sent, 1,
            "[{name}] ann, not bo, who keeps gold: {report:?}"
        );
        let letter = letters(&engine).await.pop().unwrap();
        assert_eq!(letter.kind.as_deref(), Some("tier_at_risk"), "[{name}]");
        assert_eq!(letter.recipient, "ann@example.com", "[{name}]");
        assert!(
            letter.subject.contains("Gold"),
            "[{name}] {}",
            letter.subject
        );
        let again = notices(&engine, noon_of(review.at - days(6))).await;
        assert_eq!(again.sent, 0, "[{name}] told once per review");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_member_who_chose_text_messages_is_written_through_the_sms_provider_subscribed() {
    for (name, db) in laurel_testkit::backends() {
        let by_sms = EVERY_NOTICE.replace(
            "language = \"en\"",
            "language = \"zh-CN\"\nchannels = [\"sms\", \"email\"]",
        );
        let engine = start(&db, noticing(&by_sms)).await;
        let ann = engine
            .enroll(EnrollRequest {
                phone: Some("+8613800138000".into()),
                ..enroll_request("ann")
            })
            .await
            .unwrap()
            .id
            .0;
        let consent = |given: &[&str]| ProfileUpdate {
            name: "王五".into(),
            birthday: None,
            consents: Consents::given(given),
        };
        engine.update_profile(ann, consent(&["sms"])).await.unwrap();
        let morning = noon_of(Timestamp::now() + days(1));

        let unheard = notices(&engine, morning).await;
        assert_eq!(
            (unheard.sent, unheard.without_consent),
            (0, 1),
            "[{name}] no SMS provider is subscribed, and ann refused e-mail"
        );
        engine
            .create_webhook(laurel_engine::CreateWebhook {
                url: "https://sms.example/send".into(),
                event_types: vec!["message.sms".into()],
                description: Some("SMS gateway".into()),
            })
            .await
            .unwrap();
        let sent = notices(&engine, morning).await;
        assert_eq!(sent.sent, 1, "[{name}] {sent:?}");
        assert!(letters(&engine).await.is_empty(), "[{name}] no e-mail");
        let mut tx = engine.store().begin().await.unwrap();
        let events = tx.waiting_events(10).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(events.len(), 1, "[{name}]");
        let doc: serde_json::Value = serde_json::from_str(&events[0].payload).unwrap();
        assert_eq!(doc["type"], "message.sms", "[{name}]");
        let data = &doc["data"];
        assert_eq!(data["to"], "+8613800138000", "[{name}]");
        assert_eq!(data["notice"], "welcome", "[{name}]");
        assert_eq!(data["language"], "zh-CN", "[{name}]");
        assert!(
            data["text"].as_str().unwrap().contains("欢迎加入"),
            "[{name}] {data}"
        );
        let link = data["unsubscribe_url"].as_str().unwrap();
        assert!(link.ends_with("&c=sms"), "[{name}] {link}");
        let token = link.split("t=").nth(1).unwrap().trim_end_matches("&c=sms");
        assert!(engine.unsubscribe(token, "sms").await.unwrap(), "[{name}]");
        assert!(
            !engine.consents(ann).await.unwrap().allows("sms"),
            "[{name}]"
        );
        finish(name, engine).await;
    }
}
