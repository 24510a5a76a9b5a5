//! Members in the portal: signing in with a one-time code sent by email (through the
//! outbox), their sessions, their own profile and consent, the problems they report, and
//! everything stored about them.

mod contact;
mod export;
mod history;
mod one_time;
mod profile;
mod reports;
mod sign_in;

pub use contact::ContactField;
pub use export::EXPORT_PAGE;
pub use history::{EntryAbout, History, HistoryEntry};
pub use one_time::SignInLetter;
pub use profile::ProfileUpdate;
pub use reports::{CLOSE_ACCOUNT, REPORT_CATEGORIES, ReportThread};
pub use sign_in::MemberSignedIn;
