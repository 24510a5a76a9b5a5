#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
//! The outbox's e-mail delivered to a real SMTP server on loopback (aiosmtpd), on both
//! backends: what the member receives, and what happens while the server is away.

mod common;

use common::{PROGRAM, buys, engine_on, meiling_joins};
use laurel_engine::{Engine, SignInLetter};
use laurel_notify::{SmtpMailer, SmtpUrl};
use laurel_testkit::TestDb;
use laurel_testkit::smtp::SmtpServer;

const SENDER: &str = "Mail Test Tea <hello@tea.example>";

/// An engine on `db` with one member, 美玲, who has an e-mail address.
async fn engine_with_a_member(db: &TestDb) -> Engine {
    let engine = engine_on(db, PROGRAM).await;
    meiling_joins(&engine).await;
    engine
}

/// A sign-in letter in Chinese, so the delivery is tried with text that is not ASCII.
fn letter() -> SignInLetter {
    SignInLetter {
        subject: "您的登录验证码".into(),
        body: "您的验证码是 {code}，10 分钟内有效。".into(),
    }
}

/// The six-digit code in a delivered message, with its parsed headers checked.
fn code_in(raw: &str) -> String {
    let mail = mailparse::parse_mail(raw.as_bytes()).unwrap();
    let header = |name: &str| {
        mailparse::MailHeaderMap::get_first_value(mail.headers.as_slice(), name).unwrap_or_default()
    };
    assert_eq!(header("Subject"), "您的登录验证码", "{raw}");
    assert!(header("From").contains("hello@tea.example"), "{raw}");
    assert!(header("To").contains("meiling@example.com"), "{raw}");
    let body = mail.get_body().unwrap();
    assert!(body.starts_with("您的验证码是 "), "{body}");
    body.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap_or_else(|| panic!("a six-digit code in {body}"))
        .to_owned()
}

fn mailer_for(url: &str) -> SmtpMailer {
    SmtpMailer::new(&url.parse::<SmtpUrl>().unwrap(), SENDER).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_code_reaches_the_members_inbox_and_signs_them_in() {
    let Some(server) = SmtpServer::start() else {
        return;
    };
    for (name, db) in laurel_testkit::backends() {
        let engine = engine_with_a_member(&db).await;
        let before = server.messages().len();
        assert!(
            engine
                .request_sign_in_code("MeiLing@Example.com", &letter())
                .await
                .unwrap()
        );
        let sent = engine
            .deliver_outbox(&mailer_for(&server.url()))
            .await
            .unwrap();
        assert_eq!(sent, 1, "[{name}]");
        let messages = server.wait_for(before + 1);
        assert_eq!(messages.len(), before + 1, "[{name}] one message arrived");
        let code = code_in(&messages[before]);
        engine
            .sign_in_member("meiling@example.com", &code)
            .await
            .unwrap_or_else(|e| panic!("[{name}] the code from the inbox signs in: {e}"));
        assert_eq!(
            engine
                .deliver_outbox(&mailer_for(&server.url()))
                .await
                .unwrap(),
            0,
            "[{name}] a delivered message is not sent again"
        );
        engine.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_the_server_cannot_take_waits_in_the_outbox_and_goes_out_once_it_can() {
    for (name, db) in laurel_testkit::backends() {
        let engine = engine_with_a_member(&db).await;
        let port = laurel_testkit::free_port().unwrap();
        let mailer = mailer_for(&format!("smtp://127.0.0.1:{port}"));
        engine
            .request_sign_in_code("meiling@example.com", &letter())
            .await
            .unwrap();
        assert_eq!(
            engine.deliver_outbox(&mailer).await.unwrap(),
            0,
            "[{name}] no server: nothing went out"
        );
        let Some(server) = SmtpServer::start_on(port) else {
            return;
        };
        assert_eq!(
            engine.deliver_outbox(&mailer).await.unwrap(),
            1,
            "[{name}] the server is up: the waiting message goes out"
        );
        let messages = server.wait_for(1);
        assert_eq!(messages.len(), 1, "[{name}] once");
        code_in(&messages[0]);
        engine.shutdown().await;
    }
}

/// The program with points expiring a year after earning, told 14 days ahead.
fn noticing_program() -> String {
    PROGRAM.replace(
        r#"expiry = { policy = "never" }"#,
        r#"expiry = { policy = "months_after_earning", months = 12 }

[notices]
language = "zh-CN"
points_expiring = { days_before = 14 }"#,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expiry_notice_arrives_as_text_and_html_with_a_one_click_unsubscribe() {
    let Some(server) = SmtpServer::start() else {
        return;
    };
    for (name, db) in laurel_testkit::backends() {
        let engine = engine_on(&db, &noticing_program()).await;
        let id = meiling_joins(&engine).await;
        engine
            .update_profile(
                id,
                laurel_engine::ProfileUpdate {
                    name: "美玲".into(),
                    birthday: None,
                    consents: laurel_engine::Consents::given(&["email"]),
                },
            )
            .await
            .unwrap();
        buys(&engine, id, "O-9", "66").await;
        let (expires, _) = engine.balance(id).await.unwrap().next_expiries[0];
        // Ten days before, at local noon (no quiet hours to wait out).
        let tz = jiff::tz::TimeZone::get("Asia/Shanghai").unwrap();
        let day = tz
            .to_datetime(expires - jiff::SignedDuration::from_hours(240))
            .date();
        let noon: jiff::Timestamp = format!("{day}T12:00:00+08:00").parse().unwrap();
        let links = laurel_engine::NoticeLinks {
            base: Some("https://club.example".into()),
        };
        let report = engine.send_notices(noon, &links).await.unwrap();
        assert_eq!(report.sent, 1, "[{name}] {report:?}");
        let before = server.messages().len();
        assert_eq!(
            engine
                .deliver_outbox(&mailer_for(&server.url()))
                .await
                .unwrap(),
            1,
            "[{name}]"
        );
        let messages = server.wait_for(before + 1);
        let raw = &messages[before];
        let mail = mailparse::parse_mail(raw.as_bytes()).unwrap();
        let header = |name: &str| {
            mailparse::MailHeaderMap::get_first_value(mail.headers.as_slice(), name)
                .unwrap_or_default()
        };
        let subject = header("Subject");
        assert!(
            subject.starts_with("您的 66 ") && subject.ends_with(" 过期"),
            "[{name}] {subject}"
        );
        let unsubscribe = header("List-Unsubscribe");
        assert!(
            unsubscribe.starts_with("<https://club.example/portal/unsubscribe?t="),
            "[{name}] {raw}"
        );
        assert_eq!(
            header("List-Unsubscribe-Post"),
            "List-Unsubscribe=One-Click"
        );
        assert_eq!(mail.ctype.mimetype, "multipart/alternative", "[{name}]");
        let parts: Vec<(String, String)> = mail
            .subparts
            .iter()
            .map(|p| (p.ctype.mimetype.clone(), p.get_body().unwrap()))
            .collect();
        assert_eq!(parts[0].0, "text/plain", "[{name}]");
        assert!(
            parts[0].1.contains("Mail Test Tea 的 66 "),
            "[{name}] {}",
            parts[0].1
        );
        assert_eq!(parts[1].0, "text/html", "[{name}]");
        assert!(
            parts[1].1.contains("<strong>66 "),
            "[{name}] {}",
            parts[1].1
        );
        assert!(
            parts[1].1.contains("退订此类邮件"),
            "[{name}] the footer's link"
        );
        engine.shutdown().await;
    }
}
