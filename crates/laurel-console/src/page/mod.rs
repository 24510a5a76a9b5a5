//! What the staff console's and the member portal's pages share, written once and
//! parametrised by the [`Area`] a page belongs to: cookies, the page's language and its
//! switcher, the layout's chrome, the signed-in visitor, the CSRF check, signing in and out,
//! and the friendly error page. What only one area has (staff permissions, the member's id)
//! stays with that area (`crate::web`, `crate::portal::web`).

mod area;
mod chrome;
pub mod cookies;
mod csrf;
mod error;
pub mod language;
mod render;
pub mod session;
mod visitor;

pub use area::Area;
pub use chrome::Chrome;
pub use error::{ErrorView, Link, PageError, not_found};
pub use language::locale;
pub use render::{encode, paged, query_string, render, script, stylesheet};
pub use visitor::Signed;
