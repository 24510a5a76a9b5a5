//! Webhook deliveries over HTTP, signed as the Standard Webhooks convention says: headers
//! `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature`
//! (`v1,` and the base64 HMAC-SHA256 of `id.timestamp.body`, keyed by the secret's bytes
//! after `whsec_`).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use hmac::{Hmac, KeyInit, Mac};
use http::Request;
use http_body_util::Full;
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use laurel_engine::{Sent, WebhookRequest, WebhookSender};
use sha2::Sha256;
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
    Ok(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// Delivers webhooks over HTTP(S) with rustls and the system's CA certificates; redirects are
/// not followed (a receiver that moved must be subscribed again at its new address).
#[derive(Clone)]
pub struct HttpSender {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
}

/// The HTTP client could not be built.
#[derive(Debug, thiserror::Error)]
#[error("cannot set up the webhook client: {0}")]
pub struct SenderError(String);

impl HttpSender {
    /// A sender trusting the system's CA certificates.
    pub fn new() -> Result<HttpSender, SenderError> {
        // ring, which lettre already uses: rustls deprecates its provider for lacking
        // post-quantum key exchange, but the one that has it (aws-lc-rs) is a large C build.
        #[allow(deprecated)]
        let provider = rustls::crypto::ring::default_provider();
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(CONNECT_TIMEOUT));
        let https = HttpsConnectorBuilder::new()
            .with_provider_and_native_roots(provider)
            .map_err(|e| SenderError(e.to_string()))?
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        Ok(HttpSender {
            client: Client::builder(TokioExecutor::new()).build(https),
        })
    }
}

impl WebhookSender for HttpSender {
    async fn send(&self, request: &WebhookRequest<'_>) -> Sent {
        let timestamp = jiff::Timestamp::now().as_second();
        let signed = match signature(request.secret, &request.id, timestamp, request.payload) {
            Ok(signed) => signed,
            Err(e) => return Sent::Unreachable(e.to_string()),
        };
        let built = Request::post(request.url)
            .header("content-type", "application/json")
            .header(
                "user-agent",
                concat!("Laurel-Webhooks/", env!("CARGO_PKG_VERSION")),
            )
            .header("webhook-id", &request.id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signed)
            .body(Full::new(Bytes::from(request.payload.to_owned())));
        let built = match built {
            Ok(built) => built,
            Err(e) => return Sent::Unreachable(format!("not a request: {e}")),
        };
        match tokio::time::timeout(ATTEMPT_TIMEOUT, self.client.request(built)).await {
            Ok(Ok(response)) => Sent::Answered(response.status().as_u16()),
            Ok(Err(e)) => Sent::Unreachable(describe(&e)),
            Err(_) => Sent::Unreachable(format!("no answer within {ATTEMPT_TIMEOUT:?}")),
        }
    }
}

/// An error with its causes, which the client keeps apart ("client error (Connect)" alone
/// says little).
fn describe(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
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
