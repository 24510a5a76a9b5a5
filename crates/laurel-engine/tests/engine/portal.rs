//! Members in the portal on both backends: a one-time code sent through the outbox signs a
//! member in once; wrong, stale and over-guessed codes are refused; sending is limited; an
//! unknown email sends nothing; profile changes keep a birthday on file; reports are queued
//! for staff and limited.

use super::*;
use laurel_engine::{Consents, Mailer, NewMessage, ProfileUpdate, SignInLetter};
use std::sync::Mutex;

/// A mailer that keeps what it is given.
#[derive(Default)]
struct Outbox(Mutex<Vec<NewMessage>>);

impl Mailer for Outbox {
    async fn send(&self, message: &NewMessage) -> Result<(), String> {
        self.0.lock().unwrap().push(message.clone());
        Ok(())
    }
}

impl Outbox {
    /// The code in the newest message to `to`.
    fn code_for(&self, to: &str) -> String {
        let sent = self.0.lock().unwrap();
        let body = &sent
            .iter()
            .rev()
            .find(|m| m.recipient == to)
            .expect("a message to that address")
            .body;
        body.split_whitespace()
            .find(|w| w.len() == 6 && w.chars().all(|c| c.is_ascii_digit()))
            .expect("a six-digit code")
            .to_owned()
    }
}

fn letter() -> SignInLetter {
    SignInLetter {
        subject: "Your code".into(),
        body: "Your code is {code} (10 minutes).".into(),
    }
}

/// Asks for a code for `email` and delivers it; returns the code.
async fn code_sent(engine: &Engine, outbox: &Outbox, email: &str) -> String {
    assert!(engine.request_sign_in_code(email, &letter()).await.unwrap());
    assert!(engine.deliver_outbox(outbox).await.unwrap() >= 1);
    outbox.code_for(&email.trim().to_lowercase())
}

#[tokio::test]
async fn a_code_sent_by_email_signs_the_member_in_once() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        let id = member(&engine, "M1").await;
        let outbox = Outbox::default();
        let sent = code_sent(&engine, &outbox, " m1@EXAMPLE.com").await;
        assert_eq!(
            engine.deliver_outbox(&outbox).await.unwrap(),
            0,
            "[{name}] a sent message is not sent again"
        );

        let signed_in = engine
            .sign_in_member("M1@example.com", &sent)
            .await
            .unwrap();
        assert_eq!(signed_in.session.member.0, id, "[{name}]");
        let session = engine.member_session(&signed_in.token).await.unwrap();
        assert_eq!(session, Some(signed_in.session.clone()), "[{name}]");
        assert_eq!(
            code(engine.sign_in_member("m1@example.com", &sent).await),
            "sign_in_code_expired",
            "[{name}] a code works once"
        );

        engine.sign_out_member(&signed_in.token).await.unwrap();
        assert_eq!(
            engine.member_session(&signed_in.token).await.unwrap(),
            None,
            "[{name}] signed out"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn wrong_guesses_kill_a_code_and_unknown_emails_learn_nothing() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        member(&engine, "M1").await;
        let outbox = Outbox::default();
        assert!(
            !engine
                .request_sign_in_code("stranger@example.com", &letter())
                .await
                .unwrap(),
            "[{name}] nothing is sent to a stranger"
        );
        assert_eq!(engine.deliver_outbox(&outbox).await.unwrap(), 0);
        assert_eq!(
            code(
                engine
                    .sign_in_member("stranger@example.com", "123456")
                    .await
            ),
            "sign_in_code_wrong",
            "[{name}] a stranger is told what a member with a wrong code is told"
        );

        let right = code_sent(&engine, &outbox, "m1@example.com").await;
        let wrong = if right == "000000" {
            "000001"
        } else {
            "000000"
        };
        for _ in 0..5 {
            assert_eq!(
                code(engine.sign_in_member("m1@example.com", wrong).await),
                "sign_in_code_wrong",
                "[{name}]"
            );
        }
        assert_eq!(
            code(engine.sign_in_member("m1@example.com", &right).await),
            "sign_in_code_expired",
            "[{name}] after five wrong guesses even the right code is refused"
        );

        let fresh = code_sent(&engine, &outbox, "m1@example.com").await;
        assert!(
            engine
                .sign_in_member("m1@example.com", &fresh)
                .await
                .is_ok(),
            "[{name}] a new code works"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn concurrent_guesses_never_exceed_the_limit() {
    for (name, db) in laurel_testkit::backends() {
        let engine = Arc::new(start(&db, program(&[])).await);
        member(&engine, "M1").await;
        let outbox = Outbox::default();
        let right = code_sent(&engine, &outbox, "m1@example.com").await;
        let wrong = if right == "999999" {
            "999998"
        } else {
            "999999"
        };
        let guesses: Vec<_> = (0..20)
            .map(|_| {
                let engine = engine.clone();
                tokio::spawn(async move { engine.sign_in_member("m1@example.com", wrong).await })
            })
            .collect();
        let mut counted = 0;
        for guess in guesses {
            if code(guess.await.unwrap()) == "sign_in_code_wrong" {
                counted += 1;
            }
        }
        assert_eq!(counted, 5, "[{name}] exactly five guesses were judged");
        finish(name, unshare(engine)).await;
    }
}

#[tokio::test]
async fn a_member_is_sent_at_most_five_codes_an_hour() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        member(&engine, "M1").await;
        // Stored instants keep microseconds: a margin for the nanoseconds they drop.
        let first = Timestamp::now() - SignedDuration::from_millis(1);
        assert_eq!(
            engine.sign_in_code_wait("m1@example.com").await.unwrap(),
            None,
            "[{name}] nothing sent yet: no wait"
        );
        for _ in 0..5 {
            assert!(
                engine
                    .request_sign_in_code("m1@example.com", &letter())
                    .await
                    .unwrap()
            );
        }
        assert_eq!(
            code(
                engine
                    .request_sign_in_code("m1@example.com", &letter())
                    .await
            ),
            "too_many_codes",
            "[{name}]"
        );
        let Err(EngineError::Throttled { retry_at, .. }) = engine
            .request_sign_in_code("m1@example.com", &letter())
            .await
        else {
            panic!("[{name}] still throttled");
        };
        let wait = engine.sign_in_code_wait("m1@example.com").await.unwrap();
        assert_eq!(retry_at, wait, "[{name}] the refusal and the page agree");
        let hour_after_first = first + SignedDuration::from_hours(1);
        assert!(
            wait.is_some_and(|at| at >= hour_after_first
                && at <= Timestamp::now() + SignedDuration::from_hours(1)),
            "[{name}] an hour after the first of the five: {wait:?}"
        );
        assert_eq!(
            engine
                .sign_in_code_wait("stranger@example.com")
                .await
                .unwrap(),
            None,
            "[{name}] a stranger is told no wait"
        );
        assert_eq!(
            code(engine.request_sign_in_code("not an email", &letter()).await),
            "invalid_field",
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn members_change_their_name_and_consent_but_not_a_birthday_on_file() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        let id = member(&engine, "M1").await;
        assert_eq!(
            engine.consents(id).await.unwrap(),
            Consents::default(),
            "[{name}] never asked: no consent"
        );
        engine
            .update_profile(
                id,
                ProfileUpdate {
                    name: " Zhao Liu ".into(),
                    birthday: Some(jiff::civil::date(1990, 1, 1)),
                    consents: Consents::given(&["email"]),
                },
            )
            .await
            .unwrap();
        let after = engine.member(&MemberRef::Id(id)).await.unwrap();
        assert_eq!(after.profile.name.as_deref(), Some("Zhao Liu"), "[{name}]");
        assert_eq!(
            after.profile.birthday,
            Some(jiff::civil::date(1988, 8, 8)),
            "[{name}] the birthday enrolled with stays"
        );
        let consents = engine.consents(id).await.unwrap();
        assert!(
            consents.allows("email") && !consents.allows("sms"),
            "[{name}]"
        );

        let future = Timestamp::now()
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .date()
            .saturating_add(jiff::Span::new().days(400));
        let refused = engine
            .update_profile(
                id,
                ProfileUpdate {
                    name: String::new(),
                    birthday: Some(future),
                    consents: Consents::default(),
                },
            )
            .await;
        assert_eq!(code(refused), "invalid_field", "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn reports_are_queued_for_staff_until_resolved_and_limited_per_day() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        let id = member(&engine, "M1").await;
        assert_eq!(
            code(engine.report_problem(id, "complaint", "hi").await),
            "invalid_field",
            "[{name}]"
        );
        assert_eq!(
            code(engine.report_problem(id, "abuse", "   ").await),
            "missing_field",
            "[{name}]"
        );
        let first = engine
            .report_problem(id, "abuse", "someone used my coupon")
            .await
            .unwrap();
        for n in 1..5 {
            engine
                .report_problem(id, "problem", &format!("problem {n}"))
                .await
                .unwrap();
        }
        assert_eq!(
            code(engine.report_problem(id, "problem", "one more").await),
            "too_many_reports",
            "[{name}]"
        );
        let queue = engine.open_reports(50).await.unwrap();
        assert_eq!(queue.len(), 5, "[{name}]");
        assert_eq!(queue[0].id, first, "[{name}] oldest first");
        assert!(
            engine
                .resolve_report(first, "staff:a@example.com")
                .await
                .unwrap()
        );
        assert!(
            !engine
                .resolve_report(first, "staff:b@example.com")
                .await
                .unwrap(),
            "[{name}] resolved once"
        );
        assert_eq!(engine.open_reports(50).await.unwrap().len(), 4, "[{name}]");
        let mine = engine.member_reports(id, 50).await.unwrap();
        assert_eq!(mine.len(), 5, "[{name}]");
        assert_eq!(
            mine.last().unwrap().report.resolved_by.as_deref(),
            Some("staff:a@example.com")
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_report_is_a_thread_staff_reply_the_member_answers_and_who_waits_is_its_state() {
    use laurel_core::reports::{ReportAuthor, ReportState};
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        let id = member(&engine, "M1").await;
        let other = member(&engine, "M2").await;
        let report = engine
            .report_problem(id, "problem", "my points are missing")
            .await
            .unwrap();
        let later = engine.report_problem(other, "abuse", "spam").await.unwrap();
        assert_eq!(state(&engine, report).await, ReportState::Open, "[{name}]");
        let queue = engine.open_reports(10).await.unwrap();
        assert_eq!(queue[0].member_name.as_deref(), Some("王五"), "[{name}]");

        assert!(
            engine
                .reply_to_report(
                    report,
                    "staff:a@example.com",
                    "  We found them: added back.  "
                )
                .await
                .unwrap()
        );
        assert_eq!(
            state(&engine, report).await,
            ReportState::Answered,
            "[{name}]"
        );
        let queue: Vec<i64> = engine
            .open_reports(10)
            .await
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(
            queue,
            vec![later, report],
            "[{name}] waiting for staff first"
        );

        assert!(
            !engine
                .answer_report(other, report, "not mine")
                .await
                .unwrap(),
            "[{name}] a member answers only their own reports"
        );
        assert_eq!(
            code(engine.answer_report(id, report, "   ").await),
            "missing_field",
            "[{name}]"
        );
        assert!(
            engine
                .answer_report(id, report, "Thank you!")
                .await
                .unwrap()
        );
        assert_eq!(state(&engine, report).await, ReportState::Open, "[{name}]");

        assert!(
            engine
                .resolve_report(report, "staff:a@example.com")
                .await
                .unwrap()
        );
        assert_eq!(
            state(&engine, report).await,
            ReportState::Closed,
            "[{name}]"
        );
        assert!(
            engine
                .answer_report(id, report, "One more thing")
                .await
                .unwrap()
        );
        assert_eq!(
            state(&engine, report).await,
            ReportState::Open,
            "[{name}] answering a closed report opens it again"
        );

        for n in 2..20 {
            engine
                .answer_report(id, report, &format!("answer {n}"))
                .await
                .unwrap();
        }
        assert_eq!(
            code(engine.answer_report(id, report, "one too many").await),
            "too_many_reports",
            "[{name}] twenty answers a day"
        );
        let mine = engine.member_reports(id, 10).await.unwrap();
        assert_eq!(mine.len(), 1, "[{name}] only the member's own");
        assert_eq!(mine[0].replies.len(), 3 + 18, "[{name}]");
        let thread: Vec<(ReportAuthor, &str)> = mine[0]
            .replies
            .iter()
            .take(3)
            .map(|m| (m.author, m.message.as_str()))
            .collect();
        assert_eq!(
            thread,
            vec![
                (ReportAuthor::Staff, "We found them: added back."),
                (ReportAuthor::Member, "Thank you!"),
                (ReportAuthor::Member, "One more thing"),
            ],
            "[{name}] oldest first, trimmed"
        );
        assert!(
            !engine
                .reply_to_report(9_999, "staff:a@example.com", "hello")
                .await
                .unwrap(),
            "[{name}] no such report"
        );
        finish(name, engine).await;
    }
}

/// Where a report stands now.
async fn state(engine: &Engine, report: i64) -> laurel_core::reports::ReportState {
    engine
        .report_thread(report)
        .await
        .unwrap()
        .expect("the report")
        .report
        .state
}

/// The member's email as stored.
async fn email_of(engine: &Engine, id: i64) -> Option<String> {
    engine
        .member(&MemberRef::Id(id))
        .await
        .unwrap()
        .profile
        .email
}

#[tokio::test]
async fn a_member_changes_email_and_phone_with_a_code_sent_by_email() {
    use laurel_engine::ContactField;
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        let id = member(&engine, "M1").await;
        member(&engine, "M2").await;
        let outbox = Outbox::default();

        assert_eq!(
            code(
                engine
                    .request_contact_change(id, ContactField::Email, "m2@example.com", &letter())
                    .await
            ),
            "invalid_field",
            "[{name}] another member's email"
        );
        assert_eq!(
            code(
                engine
                    .request_contact_change(id, ContactField::Email, "no at sign", &letter())
                    .await
            ),
            "invalid_field",
            "[{name}]"
        );
        engine
            .request_contact_change(id, ContactField::Email, " New@Example.com ", &letter())
            .await
            .unwrap();
        engine.deliver_outbox(&outbox).await.unwrap();
        let sent = outbox.code_for("new@example.com");
        let wrong = if sent == "000000" { "000001" } else { "000000" };
        assert_eq!(
            code(engine.confirm_contact_change(id, wrong).await),
            "sign_in_code_wrong",
            "[{name}]"
        );
        assert_eq!(
            email_of(&engine, id).await.as_deref(),
            Some("M1@example.com"),
            "[{name}] nothing changes before the code"
        );
        assert_eq!(
            engine.confirm_contact_change(id, &sent).await.unwrap(),
            ContactField::Email
        );
        assert_eq!(
            email_of(&engine, id).await.as_deref(),
            Some("New@Example.com"),
            "[{name}]"
        );
        assert_eq!(
            code(engine.confirm_contact_change(id, &sent).await),
            "sign_in_code_expired",
            "[{name}] a code works once"
        );
        let signed_in = code_sent(&engine, &outbox, "new@example.com").await;
        assert!(
            engine
                .sign_in_member("new@example.com", &signed_in)
                .await
                .is_ok(),
            "[{name}] the new address signs in"
        );

        engine
            .request_contact_change(id, ContactField::Phone, "+86 139 0000 1111", &letter())
            .await
            .unwrap();
        engine.deliver_outbox(&outbox).await.unwrap();
        let sent = outbox.code_for("new@example.com");
        engine.confirm_contact_change(id, &sent).await.unwrap();
        assert_eq!(
            engine
                .member(&MemberRef::Id(id))
                .await
                .unwrap()
                .profile
                .phone
                .as_deref(),
            Some("+86 139 0000 1111"),
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn an_address_taken_or_a_suspension_after_the_code_was_sent_stops_the_change() {
    use laurel_engine::ContactField;
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        let id = member(&engine, "M1").await;
        let outbox = Outbox::default();
        engine
            .request_contact_change(id, ContactField::Email, "wanted@example.com", &letter())
            .await
            .unwrap();
        engine.deliver_outbox(&outbox).await.unwrap();
        let sent = outbox.code_for("wanted@example.com");
        // Meanwhile another member enrolls with that address.
        let mut other = enroll_request("M9");
        other.email = Some("wanted@example.com".into());
        engine.enroll(other).await.unwrap();
        assert_eq!(
            code(engine.confirm_contact_change(id, &sent).await),
            "invalid_field",
            "[{name}] the address is another member's now"
        );
        assert_eq!(
            email_of(&engine, id).await.as_deref(),
            Some("M1@example.com"),
            "[{name}]"
        );

        engine
            .request_contact_change(id, ContactField::Email, "later@example.com", &letter())
            .await
            .unwrap();
        engine.deliver_outbox(&outbox).await.unwrap();
        let sent = outbox.code_for("later@example.com");
        engine.set_suspended(id, true, "staff:test").await.unwrap();
        assert_eq!(
            code(engine.confirm_contact_change(id, &sent).await),
            "member_suspended",
            "[{name}]"
        );
        assert_eq!(
            email_of(&engine, id).await.as_deref(),
            Some("M1@example.com"),
            "[{name}]"
        );
        finish(name, engine).await;
    }
}
