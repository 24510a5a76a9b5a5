//! Segments: members picked by saved conditions — the automations' conditions on a member
//! and those only a refresh can know (spend and purchases over a window, profile attributes,
//! churn risk, the RFM segment). `condition.rs` the conditions and a member's facts as they
//! read them, `segment.rs` a segment and its checks, `named.rs` the segments a program's
//! rules, rewards and automations name.

pub mod condition;
pub mod named;
pub mod segment;

pub use condition::{SegmentCondition, SegmentFacts, WindowFacts};
pub use named::named_segments;
pub use segment::{CONDITIONS_MAX, Segment, WINDOW_DAYS_MAX};
