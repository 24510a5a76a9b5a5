//! Security headers on every answer, the API's and the pages' alike: a page loads nothing
//! but its own scripts, is never framed, and sends no referrer with the links it follows.

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use tower_http::set_header::SetResponseHeaderLayer;

/// What a page may load: scripts of its own only (none inline), its own stylesheet and style
/// attributes (a letter's HTML, shown in the console, carries them), images of its own or
/// inline; it posts forms to itself only, and no site may frame it.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; \
    base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Each header and its value.
pub const SECURITY_HEADERS: [(HeaderName, &str); 4] = [
    (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
    // For browsers that know no `frame-ancestors`.
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    // Portal links carry tokens (unsubscribing, signing in): no page tells another of them.
    (header::REFERRER_POLICY, "no-referrer"),
];

/// `router` with [`SECURITY_HEADERS`] on every answer that does not set its own.
pub fn secured<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    SECURITY_HEADERS
        .into_iter()
        .fold(router, |router, (name, value)| {
            router.layer(SetResponseHeaderLayer::if_not_present(
                name,
                HeaderValue::from_static(value),
            ))
        })
}
