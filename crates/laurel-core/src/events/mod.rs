//! What happened, told to systems outside: the kinds of domain events a program emits
//! (`kind.rs`), which of them anyone listens to (`EventKinds`), and how a delivery that failed
//! is tried again (`retry.rs`).

pub mod kind;
pub mod retry;

pub use kind::{DeliveryState, EventKind, EventKinds};
pub use retry::{Retry, RetryPolicy};
