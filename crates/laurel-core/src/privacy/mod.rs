//! Privacy: what erasing a member's personal data replaces in stored text.

mod redaction;

pub use redaction::{ERASED, Redaction};
