//! What the pages of two-factor sign-in share: a secret being set up as a staff member copies
//! it into their authenticator app (the secret to type, the `otpauth://` URI, and the URI as a
//! QR code drawn on the server), and the page that shows new recovery codes once.

use crate::portal::codes::qr_svg;
use crate::web::Chrome;
use askama::Template;
use laurel_engine::TotpSetup;

/// A secret being set up, as `templates/two_factor_setup.html` shows it.
pub(crate) struct SetUpView {
    /// The secret in base32, to type (in one piece: apps take it so, and it wraps anywhere).
    pub secret: String,
    /// The `otpauth://` URI.
    pub uri: String,
    /// The URI as an inline SVG QR code.
    pub qr: String,
}

impl SetUpView {
    /// The view of `setup`.
    pub(crate) fn of(setup: &TotpSetup) -> SetUpView {
        SetUpView {
            secret: setup.secret.clone(),
            uri: setup.uri.clone(),
            qr: qr_svg(&setup.uri),
        }
    }
}

/// New recovery codes, shown once, and where to go on.
#[derive(Template)]
#[template(path = "recovery_codes.html")]
pub(crate) struct RecoveryCodesPage {
    /// The chrome (signed in or, just after setting up at sign-in, not yet shown so).
    pub chrome: Chrome,
    /// The codes.
    pub codes: Vec<String>,
    /// Where the page's link goes on to.
    pub next: String,
}
