//! E-mail over SMTP: where the server is and how to reach it, from one URL, and the mailer
//! that sends the outbox's e-mail through it.

use laurel_engine::{Mailer, NewMessage};
use lettre::message::Mailbox;
use lettre::message::MultiPart;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// RFC 2369: where to unsubscribe.
const LIST_UNSUBSCRIBE: HeaderName = HeaderName::new_from_ascii_str("List-Unsubscribe");
/// RFC 8058: the link works with one POST, no page to read first.
const LIST_UNSUBSCRIBE_POST: HeaderName = HeaderName::new_from_ascii_str("List-Unsubscribe-Post");
/// How long one exchange with the server may take before the send counts as failed (and is
/// tried again on the outbox's next pass).
const TIMEOUT: Duration = Duration::from_secs(20);

/// How the connection to the server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// `smtp://`: none. For a relay on the same machine or a private network only.
    Plain,
    /// `smtp+starttls://`: a plain connection upgraded with STARTTLS, which the server must
    /// offer (submission, port 587 by default).
    StartTls,
    /// `smtps://`: TLS from the first byte (port 465 by default).
    Tls,
}

impl Security {
    /// The port used when the URL names none.
    fn default_port(self) -> u16 {
        match self {
            Security::Plain => 25,
            Security::StartTls => 587,
            Security::Tls => 465,
        }
    }
}

/// Why an SMTP URL or sender address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SmtpUrlError {
    /// Not a URL at all.
    #[error("not a URL: {0}")]
    Unparsable(String),
    /// A scheme other than the three known.
    #[error("unknown scheme `{0}`: use smtp://, smtp+starttls:// or smtps://")]
    UnknownScheme(String),
    /// No host to connect to.
    #[error("the URL names no host")]
    NoHost,
    /// A path, query or fragment, which would mean nothing here.
    #[error("the URL has a path, query or fragment; only user, password, host and port are read")]
    Extra,
    /// A user name but no password (in the URL or given separately).
    #[error("the URL names user `{0}` but no password")]
    NoPassword(String),
    /// The sender address does not parse as a mailbox.
    #[error(
        "the sender `{0}` is not an e-mail address (write `name@example.com` or `Shop <name@example.com>`)"
    )]
    BadSender(String),
    /// The TLS settings for the host could not be made.
    #[error("TLS for {host}: {reason}")]
    Tls {
        /// The host.
        host: String,
        /// Why.
        reason: String,
    },
}

/// Where the SMTP server is and how to sign in to it, read from a URL such as
/// `smtp+starttls://user:password@mail.example.com:587` (user and password percent-encoded).
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpUrl {
    /// How the connection is protected.
    pub security: Security,
    /// The server's host name or address.
    pub host: String,
    /// Its port.
    pub port: u16,
    user: Option<String>,
    password: Option<String>,
}

impl SmtpUrl {
    /// The password to use when the URL names a user but no password (so that it can come
    /// from a secret store rather than a command line).
    #[must_use]
    pub fn password_if_missing(mut self, password: Option<String>) -> SmtpUrl {
        if self.password.is_none() {
            self.password = password;
        }
        self
    }

    /// User and password, when the server is signed in to.
    fn credentials(&self) -> Result<Option<Credentials>, SmtpUrlError> {
        match (&self.user, &self.password) {
            (None, _) => Ok(None),
            (Some(user), Some(password)) => {
                Ok(Some(Credentials::new(user.clone(), password.clone())))
            }
            (Some(user), None) => Err(SmtpUrlError::NoPassword(user.clone())),
        }
    }
}

/// Shown without its password, so it can be logged.
impl fmt::Display for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = match self.security {
            Security::Plain => "smtp",
            Security::StartTls => "smtp+starttls",
            Security::Tls => "smtps",
        };
        let user = self
            .user
            .as_ref()
            .map(|u| format!("{u}:***@"))
            .unwrap_or_default();
        write!(f, "{scheme}://{user}{}:{}", self.host, self.port)
    }
}

impl fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SmtpUrl({self})")
    }
}

impl FromStr for SmtpUrl {
    type Err = SmtpUrlError;

    fn from_str(text: &str) -> Result<SmtpUrl, SmtpUrlError> {
        let url =
            url::Url::parse(text.trim()).map_err(|e| SmtpUrlError::Unparsable(e.to_string()))?;
        let security = match url.scheme() {
            "smtp" => Security::Plain,
            "smtp+starttls" => Security::StartTls,
            "smtps" => Security::Tls,
            other => return Err(SmtpUrlError::UnknownScheme(other.to_owned())),
        };
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or(SmtpUrlError::NoHost)?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        if !matches!(url.path(), "" | "/") || url.query().is_some() || url.fragment().is_some() {
            return Err(SmtpUrlError::Extra);
        }
        // Percent-decoding only: a `+` in a user or password is a plus, not a space.
        let decode = |part: &str| {
            percent_encoding::percent_decode_str(part)
                .decode_utf8_lossy()
                .into_owned()
        };
        let user = Some(url.username()).filter(|u| !u.is_empty()).map(decode);
        let password = url.password().map(decode);
        Ok(SmtpUrl {
            security,
            port: url.port().unwrap_or_else(|| security.default_port()),
            host,
            user,
            password,
        })
    }
}

/// Sends the outbox's e-mail through an SMTP server, from one sender address.
#[derive(Clone)]
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    /// A mailer for the server at `url`, sending as `from` (`name@example.com` or
    /// `Shop <name@example.com>`). Nothing is connected until the first message; made within
    /// a Tokio runtime, whose tasks keep its pool of connections.
    pub fn new(url: &SmtpUrl, from: &str) -> Result<SmtpMailer, SmtpUrlError> {
        let from: Mailbox = from
            .trim()
            .parse()
            .map_err(|_| SmtpUrlError::BadSender(from.to_owned()))?;
        let tls = |e: lettre::transport::smtp::Error| SmtpUrlError::Tls {
            host: url.host.clone(),
            reason: e.to_string(),
        };
        let builder = match url.security {
            Security::Plain => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&url.host),
            Security::StartTls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&url.host).map_err(tls)?
            }
            Security::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&url.host).map_err(tls)?,
        };
        let mut builder = builder.port(url.port).timeout(Some(TIMEOUT));
        if let Some(credentials) = url.credentials()? {
            builder = builder.credentials(credentials);
        }
        Ok(SmtpMailer {
            transport: builder.build(),
            from,
        })
    }

    /// The message as e-mail, to the recipient the outbox names: plain text in UTF-8, or
    /// plain text and HTML as alternatives; a marketing letter says where to unsubscribe with
    /// one click (RFC 8058's `List-Unsubscribe` and `List-Unsubscribe-Post`).
    fn letter(&self, message: &NewMessage) -> Result<Message, String> {
        if message.channel != "email" {
            return Err(format!(
                "not an e-mail: the channel is `{}`",
                message.channel
            ));
        }
        let to: Mailbox = message
            .recipient
            .parse()
            .map_err(|e| format!("the recipient `{}`: {e}", message.recipient))?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.clone());
        if let Some(url) = &message.unsubscribe_url {
            builder = builder
                .raw_header(HeaderValue::new(LIST_UNSUBSCRIBE, format!("<{url}>")))
                .raw_header(HeaderValue::new(
                    LIST_UNSUBSCRIBE_POST,
                    "List-Unsubscribe=One-Click".to_owned(),
                ));
        }
        let built = match &message.html {
            Some(html) => builder.multipart(MultiPart::alternative_plain_html(
                message.body.clone(),
                html.clone(),
            )),
            None => builder
                .header(ContentType::TEXT_PLAIN)
                .body(message.body.clone()),
        };
        built.map_err(|e| format!("the message could not be built: {e}"))
    }
}

impl Mailer for SmtpMailer {
    async fn send(&self, message: &NewMessage) -> Result<(), String> {
        let letter = self.letter(message)?;
        self.transport
            .send(letter)
            .await
            .map(|_| ())
            .map_err(|e| format!("SMTP: {e}"))
    }
}

#[cfg(test)]
#[allow(clippy::panic, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn each_scheme_reads_as_its_security_with_its_usual_port() {
        for (text, security, port) in [
            ("smtp://relay.local", Security::Plain, 25),
            ("smtp+starttls://mail.example.com", Security::StartTls, 587),
            ("smtps://mail.example.com", Security::Tls, 465),
            ("smtp://127.0.0.1:2525", Security::Plain, 2525),
        ] {
            let url: SmtpUrl = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!((url.security, url.port), (security, port), "{text}");
        }
    }

    #[test]
    fn user_and_password_are_percent_decoded_and_never_shown() {
        let url: SmtpUrl = "smtps://shop%40example.com:p%40ss%2Fw0rd+&x@mail.example.com"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(url.user.as_deref(), Some("shop@example.com"));
        assert_eq!(url.password.as_deref(), Some("p@ss/w0rd+&x"));
        assert_eq!(
            url.to_string(),
            "smtps://shop@example.com:***@mail.example.com:465"
        );
        assert!(!format!("{url:?}").contains("w0rd"));
    }

    #[tokio::test]
    async fn a_user_without_a_password_takes_one_given_apart_or_is_refused() {
        let url: SmtpUrl = "smtp+starttls://shop@mail.example.com"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            SmtpMailer::new(&url, "shop@example.com").err(),
            Some(SmtpUrlError::NoPassword("shop".into()))
        );
        let url = url.password_if_missing(Some("secret".into()));
        assert!(SmtpMailer::new(&url, "Shop <shop@example.com>").is_ok());
    }

    #[tokio::test]
    async fn what_is_not_an_smtp_server_is_refused_with_its_reason() {
        for (text, expected) in [
            ("mail.example.com", "not a URL"),
            ("http://mail.example.com", "unknown scheme `http`"),
            ("smtp://mail.example.com/inbox", "path, query or fragment"),
            ("smtp://mail.example.com?tls=1", "path, query or fragment"),
        ] {
            let refused = text.parse::<SmtpUrl>().expect_err(text);
            assert!(refused.to_string().contains(expected), "{text}: {refused}");
        }
        let url: SmtpUrl = "smtp://127.0.0.1".parse().unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(
            SmtpMailer::new(&url, "not an address"),
            Err(SmtpUrlError::BadSender(_))
        ));
    }
}
