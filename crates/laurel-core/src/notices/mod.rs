//! What the program tells members by itself, and its manners: the notices it schedules
//! (`policy.rs`: points about to expire, a birthday greeting with its gift, a welcome series,
//! a tier at risk at its next review), when each is due (`due.rs`), and when nothing but a
//! transactional message may go out (`manners.rs`: quiet hours, a weekly cap).

pub mod due;
pub mod manners;
pub mod policy;

pub use due::{ExpiringBatch, ExpiringLot, birthday_year, expiring_batches, welcome_steps_due};
pub use manners::QuietHours;
pub use policy::{CHANNELS, NoticeKind, NoticePolicy, WELCOME_STEPS_MAX};
