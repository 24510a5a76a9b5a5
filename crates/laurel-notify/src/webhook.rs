//! Webhook deliveries over HTTP, signed as the Standard Webhooks convention says: headers
//! `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature`
//! (`v1,` and the base64 HMAC-SHA256 of `id.timestamp.body`, keyed by the secret's bytes
//! after `whsec_`).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use laurel_engine::{Sent, WebhookRequest, WebhookSender};
use sha2::Sha256;
use std::sync::Arc;
use std::time::Duration;

/// How long one attempt may take, connecting included: a receiver should answer at once and
/// do its work afterwards.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(15);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The secret is not a `whsec_` secret in base64.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a webhook secret is `whsec_` and base64")]
pub struct BadSecret;

/// The `webhook-signature` header's value for one delivery: `v1,<base64 HMAC-SHA256 of
/// "id.timestamp.body">`.
pub fn signature(secret: &str, id: &str, timestamp: i64, body: &str) -> Result<String, BadSecret> {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").ok_or(BadSecret)?)
        .map_err(|_| BadSecret)?;
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&key).map_err(|_| BadSecret)?;
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body.as_bytes());
    Ok(format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes())))
}

/// Delivers webhooks over HTTP(S) with rustls and the system's CA certificates; redirects are
/// not followed (a receiver that moved must be subscribed again at its new address).
#[derive(Clone)]
pub struct HttpSender {
    client: reqwest::Client,
}

/// The HTTP client could not be built.
#[derive(Debug, thiserror::Error)]
#[error("cannot set up the webhook client: {0}")]
pub struct SenderError(String);

impl HttpSender {
    /// A sender trusting the system's CA certificates.
    pub fn new() -> Result<HttpSender, SenderError> {
        let mut roots = rustls::RootCertStore::empty();
        for cert in rustls_native_certs::load_native_certs().certs {
            // A certificate the store cannot use is skipped, as browsers do.
            let _ = roots.add(cert);
        }
        // ring, which lettre already uses: rustls deprecates its provider for lacking
        // post-quantum key exchange, but the one that has it (aws-lc-rs) is a large C build.
        #[allow(deprecated)]
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| SenderError(e.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .timeout(ATTEMPT_TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Laurel-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| SenderError(e.to_string()))?;
        Ok(HttpSender { client })
    }
}

impl WebhookSender for HttpSender {
    async fn send(&self, request: &WebhookRequest<'_>) -> Sent {
        let timestamp = jiff::Timestamp::now().as_second();
        let signed = match signature(request.secret, &request.id, timestamp, request.payload) {
            Ok(signed) => signed,
            Err(e) => return Sent::Unreachable(e.to_string()),
        };
        let answer = self
            .client
            .post(request.url)
            .header("content-type", "application/json")
            .header("webhook-id", &request.id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signed)
            .body(request.payload.to_owned())
            .send()
            .await;
        match answer {
            Ok(response) => Sent::Answered(response.status().as_u16()),
            Err(e) => Sent::Unreachable(describe(&e)),
        }
    }
}

/// An error with its causes, which reqwest keeps apart ("error sending request" alone says
/// little).
fn describe(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut cause = std::error::Error::source(error);
    while let Some(inner) = cause {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        cause = inner.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the Standard Webhooks specification's reference libraries: this secret,
    /// id, timestamp and body sign to this value.
    #[test]
    fn signs_as_the_standard_webhooks_reference_does() {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            signature(secret, id, 1614265330, body),
            Ok("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=".to_owned())
        );
    }

    #[test]
    fn a_secret_that_is_not_whsec_base64_is_refused() {
        assert_eq!(signature("MfKQ9r8G", "id", 1, "{}"), Err(BadSecret));
        assert_eq!(signature("whsec_%%%", "id", 1, "{}"), Err(BadSecret));
    }
}
