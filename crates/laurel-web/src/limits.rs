//! Rate limits (tower_governor): the API's calls per API key, and sign-in and code requests
//! per client address. A caller past its limit is answered 429 `rate_limited` with
//! `Retry-After`, before its request reaches a handler.

use crate::error::ApiError;
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, Request, Response, StatusCode, header};
use axum::response::IntoResponse;
use governor::middleware::NoOpMiddleware;
use laurel_engine::ErrorCode;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;
use tower_governor::GovernorLayer;
use tower_governor::errors::GovernorError;
use tower_governor::governor::{GovernorConfig, GovernorConfigBuilder};
use tower_governor::key_extractor::{KeyExtractor, PeerIpKeyExtractor};

/// A rate: `count` requests per `per`, and as many at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// Requests allowed in `per`, also the most at once.
    pub count: u32,
    /// The span they are allowed in.
    pub per: Duration,
}

impl Rate {
    /// `count` requests a second.
    pub fn per_second(count: u32) -> Rate {
        Rate {
            count,
            per: Duration::from_secs(1),
        }
    }

    /// `count` requests a minute.
    pub fn per_minute(count: u32) -> Rate {
        Rate {
            count,
            per: Duration::from_secs(60),
        }
    }

    /// One request's share of `per`: how often the allowance grows back by one.
    fn replenish_every(self) -> Duration {
        (self.per / self.count.max(1)).max(Duration::from_nanos(1))
    }
}

/// The limits a server applies; `None` applies none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RateLimits {
    /// The API's calls per API key (an unauthenticated call per client address).
    pub api_per_key: Option<Rate>,
    /// The console's and the portal's sign-in and code requests per client address.
    pub sign_in_per_address: Option<Rate>,
}

/// How a request is counted against the API's limit: by its key, or by its address when it
/// names none.
#[derive(Debug, Clone, Copy)]
struct ApiKeyOrAddress;

/// A caller as the API's limit counts it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Caller {
    /// A hash of the bearer key: the key itself is never held here.
    Key(u64),
    /// A client address.
    Address(IpAddr),
}

impl KeyExtractor for ApiKeyOrAddress {
    type Key = Caller;

    fn extract<T>(&self, req: &Request<T>) -> Result<Caller, GovernorError> {
        if let Some(key) = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
        {
            let mut hasher = DefaultHasher::new();
            key.trim().hash(&mut hasher);
            return Ok(Caller::Key(hasher.finish()));
        }
        PeerIpKeyExtractor.extract(req).map(Caller::Address)
    }
}

/// A limiter's config at `rate` counted by `extractor`.
fn config<K: KeyExtractor>(rate: Rate, extractor: K) -> Arc<GovernorConfig<K, NoOpMiddleware>> {
    let config = GovernorConfigBuilder::default()
        .period(rate.replenish_every())
        .burst_size(rate.count.max(1))
        .key_extractor(extractor)
        .finish()
        .map(Arc::new);
    // The builder refuses only a zero period or burst, which `Rate` never gives.
    config.unwrap_or_else(|| unreachable_config())
}

#[allow(clippy::panic)]
fn unreachable_config() -> ! {
    panic!("a rate limit with a zero period or burst")
}

/// Forgets callers quiet for a while, every minute, so the limiter's memory follows the
/// callers of the last minutes rather than every caller ever seen.
fn sweep<K: KeyExtractor + Send + Sync + 'static>(config: &Arc<GovernorConfig<K, NoOpMiddleware>>)
where
    K::Key: Send + Sync,
{
    let limiter = config.limiter().clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(60));
        loop {
            every.tick().await;
            limiter.retain_recent();
        }
    });
}

/// The answer to a caller past its limit: `rate_limited`, and when to try again.
fn too_many(error: GovernorError) -> Response<Body> {
    let wait = match &error {
        // The wait is whole seconds rounded down: one more, or a client retries too soon.
        GovernorError::TooManyRequests { wait_time, .. } => wait_time + 1,
        _ => 1,
    };
    let mut response = match error {
        GovernorError::TooManyRequests { .. } => ApiError::new(
            ErrorCode::RateLimited,
            format!("too many requests: try again in {wait} s"),
        )
        .into_response(),
        // Only a call that reached the server without its address (never over a socket).
        _ => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(wait));
    response
}

/// `router` with the API's limit per key, when there is one.
pub fn per_key<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    rate: Option<Rate>,
) -> Router<S> {
    let Some(rate) = rate else {
        return router;
    };
    let config = config(rate, ApiKeyOrAddress);
    sweep(&config);
    router.layer(GovernorLayer::new(config).error_handler(too_many))
}

/// A limit per client address, shared by the routes given it.
pub type AddressLimit = GovernorLayer<PeerIpKeyExtractor, NoOpMiddleware, Body>;

/// A layer limiting requests per client address at `rate`: for the routes that take a
/// password or a code, which would otherwise take guesses as fast as they come. Clones count
/// together.
pub fn per_address(rate: Rate) -> AddressLimit {
    let config = config(rate, PeerIpKeyExtractor);
    sweep(&config);
    GovernorLayer::new(config).error_handler(too_many)
}
