//! Every cookie the console and the portal set is HttpOnly and SameSite=Strict, lives under
//! its own area's path, and is Secure unless the page was served to loopback over plain HTTP
//! (where a browser would drop a Secure cookie). Checked on the raw `Set-Cookie` headers.

use super::{App, PASSWORD};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// An answer: its status and each `Set-Cookie` value.
struct Answer {
    status: u16,
    cookies: Vec<String>,
}

impl Answer {
    /// The `Set-Cookie` value for `name`.
    fn cookie(&self, name: &str) -> &str {
        self.cookies
            .iter()
            .find(|c| c.starts_with(&format!("{name}=")))
            .unwrap_or_else(|| panic!("no cookie {name} in {:?}", self.cookies))
    }

    /// The value `name` is set to.
    fn value(&self, name: &str) -> String {
        let cookie = self.cookie(name);
        cookie[name.len() + 1..]
            .split(';')
            .next()
            .unwrap_or_default()
            .to_owned()
    }
}

/// How a request reaches the server.
#[derive(Clone, Copy)]
enum Via {
    /// Straight to 127.0.0.1 over plain HTTP (the demo, tests).
    Loopback,
    /// As `localhost`.
    Localhost,
    /// To a public host name, as through a proxy.
    PublicHost,
    /// To loopback, from a proxy that took the request over HTTPS.
    ProxiedHttps,
}

/// One HTTP/1.1 request to the app; `cookies` as a `Cookie` header, a form `body` if any.
async fn send(app: &App, via: Via, method: &str, path: &str, cookies: &str, body: &str) -> Answer {
    let address = app.base.trim_start_matches("http://");
    let port = address.rsplit_once(':').map(|(_, p)| p).unwrap_or_default();
    let (host, proxy) = match via {
        Via::Loopback => (address.to_owned(), ""),
        Via::Localhost => (format!("localhost:{port}"), ""),
        Via::PublicHost => ("loyalty.example.com".to_owned(), ""),
        Via::ProxiedHttps => (address.to_owned(), "X-Forwarded-Proto: https\r\n"),
    };
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\n{proxy}Connection: close\r\n");
    if !cookies.is_empty() {
        request.push_str(&format!("Cookie: {cookies}\r\n"));
    }
    if method == "POST" {
        request.push_str(&format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    request.push_str("\r\n");
    request.push_str(body);
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8_lossy(&raw);
    let head = text.split("\r\n\r\n").next().unwrap_or_default();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let cookies = lines
        .filter_map(|l| l.split_once(':'))
        .filter(|(name, _)| name.eq_ignore_ascii_case("set-cookie"))
        .map(|(_, value)| value.trim().to_owned())
        .collect();
    Answer { status, cookies }
}

/// The flags every cookie carries, and `Secure` exactly when `secure`.
fn assert_flags(cookie: &str, path: &str, secure: bool) {
    let attributes: Vec<&str> = cookie.split(';').map(str::trim).skip(1).collect();
    for flag in ["HttpOnly", "SameSite=Strict", &format!("Path={path}")] {
        assert!(attributes.contains(&flag), "{flag} missing: {cookie}");
    }
    assert_eq!(attributes.contains(&"Secure"), secure, "Secure: {cookie}");
}

/// A form body from pairs (the values used here need no encoding beyond `@`).
fn form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{k}={}", v.replace('@', "%40").replace(' ', "+")))
        .collect::<Vec<_>>()
        .join("&")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_cookie_is_http_only_strict_and_secure_unless_loopback_over_plain_http() {
    let app = App::start().await;
    for (via, secure) in [
        (Via::Loopback, false),
        (Via::Localhost, false),
        (Via::PublicHost, true),
        (Via::ProxiedHttps, true),
    ] {
        // The console: the sign-in form's token, the session, signing out, the language.
        let login = send(&app, via, "GET", "/admin/login", "", "").await;
        assert_eq!(login.status, 200);
        assert_flags(login.cookie("laurel_login"), "/admin", secure);
        let token = login.value("laurel_login");
        let body = form(&[
            ("csrf", &token),
            ("email", "admin@example.com"),
            ("password", PASSWORD),
        ]);
        let signed_in = send(
            &app,
            via,
            "POST",
            "/admin/login",
            &format!("laurel_login={token}"),
            &body,
        )
        .await;
        assert_eq!(signed_in.status, 303, "{:?}", signed_in.cookies);
        assert_flags(signed_in.cookie("laurel_staff"), "/admin", secure);
        assert!(signed_in.cookie("laurel_login").contains("Max-Age=0"));
        let lang = send(&app, via, "GET", "/admin/lang?to=zh-CN", "", "").await;
        assert_flags(lang.cookie("lang"), "/admin", secure);

        // The portal: the sign-in forms' token, the member's session, the language.
        let login = send(&app, via, "GET", "/portal/login", "", "").await;
        assert_flags(login.cookie("laurel_portal_login"), "/portal", secure);
        let token = login.value("laurel_portal_login");
        let jar = format!("laurel_portal_login={token}");
        let body = form(&[("csrf", &token), ("email", "mei@example.com")]);
        let asked = send(&app, via, "POST", "/portal/login", &jar, &body).await;
        assert_eq!(asked.status, 200);
        let code = app.code_sent_to("mei@example.com").await;
        let body = form(&[
            ("csrf", &token),
            ("email", "mei@example.com"),
            ("code", &code),
        ]);
        let member = send(&app, via, "POST", "/portal/code", &jar, &body).await;
        assert_eq!(member.status, 303, "{:?}", member.cookies);
        assert_flags(member.cookie("laurel_member"), "/portal", secure);
        assert!(member.cookie("laurel_portal_login").contains("Max-Age=0"));
        let lang = send(&app, via, "GET", "/portal/lang?to=en", "", "").await;
        assert_flags(lang.cookie("lang"), "/portal", secure);
    }
    app.stop();
}
