//! `laurel serve --smtp-url`: the portal's sign-in code leaves through a real SMTP server on
//! loopback, and the code from the inbox signs the member in; a bad SMTP setting stops the
//! server at start, in one line. Through a whole scenario — an API key's calls, a member's
//! code, a staff member's passwords right and wrong — no secret reaches the server's log.

use crate::support::{self, Server};
use laurel_testkit::smtp::SmtpServer;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, COOKIE, SET_COOKIE};

/// A form's body as a browser sends it (`application/x-www-form-urlencoded`).
fn form(pairs: &[(&str, &str)]) -> String {
    let encode = |text: &str| {
        text.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    char::from(b).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// `name=value` of the cookie `name` that `response` sets.
fn cookie_set(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .and_then(|v| v.split(';').next())
        .unwrap_or_else(|| panic!("no {name} cookie set: {:?}", response.headers()))
        .to_owned()
}

/// A served Laurel on `db` mailing through `smtp`, and a member with an e-mail address; with
/// its admin key.
async fn serve_with_mail(
    db: &laurel_testkit::TestDb,
    dir: &std::path::Path,
    smtp: &str,
) -> (Server, String) {
    let mail = [
        "--smtp-url",
        smtp,
        "--mail-from",
        "Test Coffee <club@coffee.example>",
    ];
    let (server, key) = support::serve_with(db, dir, support::program(), &mail).await;
    let enrolled = support::client()
        .post(server.url("/api/v1/members"))
        .bearer_auth(&key)
        .json(&serde_json::json!({ "external_id": "M-1", "email": "ann@example.com", "channel": "pos" }))
        .send()
        .await
        .expect("enrolling");
    assert_eq!(enrolled.status(), StatusCode::CREATED);
    (server, key)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_with_an_smtp_url_mails_the_sign_in_code_that_signs_the_member_in_and_logs_no_secret()
 {
    let Some(smtp) = SmtpServer::start() else {
        return;
    };
    for (name, db) in laurel_testkit::backends() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (server, key) = serve_with_mail(&db, dir.path(), &smtp.url()).await;
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("http client");
        let page = client
            .get(server.url("/portal/login"))
            .send()
            .await
            .expect("the sign-in page");
        let login = cookie_set(&page, "laurel_portal_login");
        // The form's token is the sign-in cookie's value (double-submit).
        let token = login.split_once('=').map(|(_, v)| v.to_owned()).unwrap();
        let before = smtp.messages().len();
        let asked = client
            .post(server.url("/portal/login"))
            .header(COOKIE, &login)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[
                ("csrf", token.as_str()),
                ("email", "Ann@Example.com"),
            ]))
            .send()
            .await
            .expect("asking for a code");
        assert_eq!(asked.status(), StatusCode::OK, "[{name}]");

        let messages = smtp.wait_for(before + 1);
        let message = messages
            .get(before)
            .unwrap_or_else(|| panic!("[{name}] no message reached the SMTP server"));
        assert!(
            message.contains("club@coffee.example") && message.contains("ann@example.com"),
            "[{name}] from the configured sender to the member: {message}"
        );
        let code = message
            .split(|c: char| !c.is_ascii_digit())
            .find(|w| w.len() == 6)
            .unwrap_or_else(|| panic!("[{name}] a six-digit code in {message}"));
        let signed_in = client
            .post(server.url("/portal/code"))
            .header(COOKIE, &login)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[
                ("csrf", token.as_str()),
                ("email", "ann@example.com"),
                ("code", code),
            ]))
            .send()
            .await
            .expect("sending the code");
        assert_eq!(
            signed_in.status(),
            StatusCode::SEE_OTHER,
            "[{name}] signed in"
        );
        assert_eq!(
            signed_in.headers()["location"],
            "/portal",
            "[{name}] on to the portal's home"
        );
        let session = cookie_set(&signed_in, "laurel_member");

        // A staff member signs in with a password (and once with a wrong one).
        let password = "correct horse battery staple";
        support::succeeded(
            support::laurel_with_env(
                &[
                    "users",
                    "create",
                    "--database",
                    &db.url,
                    "--email",
                    "ops@example.com",
                    "--name",
                    "Ops",
                    "--role",
                    "admin",
                ],
                &[("LAUREL_PASSWORD", std::ffi::OsStr::new(password))],
            ),
            &["users", "create"],
        );
        let staff_page = client
            .get(server.url("/admin/login"))
            .send()
            .await
            .expect("the console's sign-in page");
        let staff_login = cookie_set(&staff_page, "laurel_login");
        let staff_token = staff_login
            .split_once('=')
            .map(|(_, v)| v.to_owned())
            .unwrap();
        let mut staff_session = String::new();
        for (attempt, expected) in [
            ("wrong horse", StatusCode::UNAUTHORIZED),
            (password, StatusCode::SEE_OTHER),
        ] {
            let answer = client
                .post(server.url("/admin/login"))
                .header(COOKIE, &staff_login)
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(form(&[
                    ("csrf", staff_token.as_str()),
                    ("email", "ops@example.com"),
                    ("password", attempt),
                ]))
                .send()
                .await
                .expect("signing in");
            assert_eq!(answer.status(), expected, "[{name}]");
            if expected == StatusCode::SEE_OTHER {
                staff_session = cookie_set(&answer, "laurel_staff");
            }
        }

        // Nothing secret reaches the log: not the key, the code, a password, a form's token
        // nor a session.
        let log = std::fs::read_to_string(dir.path().join("serve.log")).expect("the log");
        let staff_session = staff_session
            .split_once('=')
            .map(|(_, v)| v)
            .unwrap_or_default();
        let session = session.split_once('=').map(|(_, v)| v).unwrap_or_default();
        for (what, secret) in [
            ("the API key", key.as_str()),
            ("the sign-in code", code),
            ("the sign-in form's token", token.as_str()),
            ("the member's session", session),
            ("the staff password", password),
            ("a wrong password", "wrong horse"),
            ("the console's sign-in token", staff_token.as_str()),
            ("the staff session", staff_session),
        ] {
            assert!(
                !secret.is_empty() && !log.contains(secret),
                "[{name}] {what} is in the log:\n{log}"
            );
        }
    }
}

#[test]
fn an_smtp_url_that_is_not_one_stops_the_server_in_one_line() {
    let db = laurel_testkit::sqlite();
    for (args, expected) in [
        (
            vec![
                "--smtp-url",
                "http://mail.example.com",
                "--mail-from",
                "a@b.example",
            ],
            "unknown scheme `http`",
        ),
        (vec!["--smtp-url", "smtp://127.0.0.1:2525"], "--mail-from"),
        (vec!["--mail-from", "a@b.example"], "--smtp-url"),
        (
            vec![
                "--smtp-url",
                "smtp+starttls://shop@mail.example.com",
                "--mail-from",
                "a@b.example",
            ],
            "no password",
        ),
    ] {
        let mut all = vec!["serve", "--database", &db.url, "--job-interval-secs", "0"];
        all.extend(args.iter().copied());
        let output = support::laurel(&all);
        assert!(
            !output.status.success() && output.stderr.contains(expected),
            "{args:?}: {}",
            output.stderr
        );
    }
}
