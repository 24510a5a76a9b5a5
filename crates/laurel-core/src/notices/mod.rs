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

/// What the notices' tests share: Shanghai, and a local time there.
#[cfg(test)]
pub(crate) mod testing {
    use jiff::Timestamp;
    use jiff::tz::TimeZone;

    /// The programs' usual time zone.
    pub fn shanghai() -> TimeZone {
        TimeZone::get("Asia/Shanghai").unwrap_or(TimeZone::UTC)
    }

    /// A local time in Shanghai (`2027-03-01T22:30:00`).
    pub fn at(local: &str) -> Timestamp {
        format!("{local}+08:00")
            .parse()
            .unwrap_or(Timestamp::UNIX_EPOCH)
    }
}
