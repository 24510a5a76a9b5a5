//! Privacy: what erasing a member's personal data replaces in stored text, and the program's
//! `[privacy]` (who answers for the data, how long inactive members are kept).

mod policy;
mod redaction;

pub use policy::{PrivacyPolicy, PrivacySpec, Retention};
pub use redaction::{ERASED, Redaction};
