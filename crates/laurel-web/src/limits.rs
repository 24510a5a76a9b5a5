//! Rate limits (tower_governor): the API's calls per API key, and sign-in and code requests
//! per client address. A caller past its limit is answered 429 `rate_limited` with
//! `Retry-After`, before its request reaches a handler.
//!
//! The client address is the peer's, unless the peer is a proxy the server was told to trust
//! (`--trusted-proxy`): then it is the nearest address in `X-Forwarded-For` that is not such a
//! proxy. A header from anyone else is ignored, so a client cannot spoof its way past a limit.

use crate::error::ApiError;
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Request, Response, StatusCode, header};
use axum::response::IntoResponse;
use governor::middleware::NoOpMiddleware;
pub use ipnet::IpNet;
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
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RateLimits {
    /// The API's calls per API key (an unauthenticated call per client address).
    pub api_per_key: Option<Rate>,
    /// The console's and the portal's sign-in and code requests per client address.
    pub sign_in_per_address: Option<Rate>,
    /// How the client's address is told.
    pub clients: ClientAddress,
}

/// How a request's client address is told: the peer's, or, from a trusted proxy, the one it
/// forwarded.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClientAddress {
    trusted: Arc<[IpNet]>,
}

impl ClientAddress {
    /// Trusting the proxies in `ranges` to name the client in `X-Forwarded-For`.
    pub fn trusting(ranges: Vec<IpNet>) -> ClientAddress {
        ClientAddress {
            trusted: ranges.into(),
        }
    }

    fn trusts(&self, address: IpAddr) -> bool {
        // A dual-stack listener sees IPv4 peers as `::ffff:a.b.c.d`.
        let address = address.to_canonical();
        self.trusted.iter().any(|range| range.contains(&address))
    }

    /// The client that sent a request with `forwarded` headers over a socket from `peer`: the
    /// nearest forwarded address that is no trusted proxy when `peer` is one (each proxy
    /// appends who it heard from, so the list is read from its end), else `peer`.
    pub fn of(&self, peer: IpAddr, forwarded: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let hops: Vec<&str> = forwarded
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .collect();
        for hop in hops.into_iter().rev() {
            match hop_address(hop.trim()) {
                Some(address) if self.trusts(address) => continue,
                Some(address) => return address,
                // What a trusted proxy heard from cannot be told: the proxy it is.
                None => return peer,
            }
        }
        peer
    }
}

/// A forwarded hop's address: some proxies write its port too (`a.b.c.d:p`, `[v6]:p`).
fn hop_address(hop: &str) -> Option<IpAddr> {
    if let Ok(address) = hop.parse::<IpAddr>() {
        return Some(address.to_canonical());
    }
    hop.parse::<std::net::SocketAddr>()
        .ok()
        .map(|socket| socket.ip().to_canonical())
}

/// A range of addresses from `10.0.0.0/8`, or a single address such as `127.0.0.1`.
pub fn parse_range(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("`{text}` is neither an address nor a range such as 10.0.0.0/8"))
}

impl KeyExtractor for ClientAddress {
    type Key = IpAddr;

    fn extract<T>(&self, req: &Request<T>) -> Result<IpAddr, GovernorError> {
        let peer = PeerIpKeyExtractor.extract(req)?;
        Ok(self.of(peer, req.headers()))
    }
}

/// How a request is counted against the API's limit: by its key, or by its client address
/// when it names none.
#[derive(Debug, Clone)]
struct ApiKeyOrAddress(ClientAddress);

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
        self.0.extract(req).map(Caller::Address)
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
    clients: &ClientAddress,
) -> Router<S> {
    let Some(rate) = rate else {
        return router;
    };
    let config = config(rate, ApiKeyOrAddress(clients.clone()));
    sweep(&config);
    router.layer(GovernorLayer::new(config).error_handler(too_many))
}

/// A limit per client address, shared by the routes given it.
pub type AddressLimit = GovernorLayer<ClientAddress, NoOpMiddleware, Body>;

/// A layer limiting requests per client address (as `clients` tells it) at `rate`: for the
/// routes that take a password or a code, which would otherwise take guesses as fast as they
/// come. Clones count together.
pub fn per_address(rate: Rate, clients: &ClientAddress) -> AddressLimit {
    let config = config(rate, clients.clone());
    sweep(&config);
    GovernorLayer::new(config).error_handler(too_many)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        headers
    }

    #[test]
    fn a_trusted_proxy_names_the_client_and_anyone_else_is_taken_as_they_come() {
        let proxies = ClientAddress::trusting(vec![
            parse_range("10.0.0.0/8").unwrap(),
            parse_range("127.0.0.1").unwrap(),
        ]);
        let proxy: IpAddr = "10.1.2.3".parse().unwrap();
        let stranger: IpAddr = "198.51.100.9".parse().unwrap();
        // A client may write anything first; the proxies append who they heard from.
        let chain = forwarded(&["6.6.6.6, 203.0.113.5", "10.9.9.9"]);
        let client: IpAddr = "203.0.113.5".parse().unwrap();
        assert_eq!(proxies.of(proxy, &chain), client);
        assert_eq!(
            proxies.of(stranger, &chain),
            stranger,
            "not a proxy: its header is no word"
        );
        assert_eq!(
            proxies.of(proxy, &forwarded(&[])),
            proxy,
            "nothing forwarded"
        );
        assert_eq!(
            ClientAddress::default().of(proxy, &chain),
            proxy,
            "no proxy trusted"
        );
        let garbled = forwarded(&["203.0.113.5, not-an-address"]);
        assert_eq!(
            proxies.of(proxy, &garbled),
            proxy,
            "what it heard from cannot be told"
        );
        let mapped: IpAddr = "::ffff:10.1.2.3".parse().unwrap();
        let ported = forwarded(&["203.0.113.5:4711", "[2001:db8::1]:443"]);
        let v6: IpAddr = "2001:db8::1".parse().unwrap();
        assert_eq!(
            proxies.of(mapped, &ported),
            v6,
            "a dual-stack peer; hops with ports"
        );
        assert!(parse_range("ten").is_err());
    }
}
