//! Domain events: what the write path tells systems outside, written in the transaction of
//! their cause (`emit.rs`), in the documented shapes of `payload.rs`, and only for the kinds
//! some subscriber listens to ([`Listening`]).

pub(crate) mod emit;
pub mod payload;

use crate::Engine;
use crate::error::Result;
use jiff::Timestamp;
use laurel_core::events::{EventKind, EventKinds};
use laurel_store::Tx;
use serde::Serialize;
use std::sync::atomic::{AtomicU32, Ordering};
use tokio::sync::Notify;

impl Engine {
    /// Writes an event in `tx` (outside the write path: a change staff make straight on the
    /// store), if anyone listens to its kind. The caller wakes the delivery loop after commit
    /// with `self.listening.committed()`.
    pub(crate) async fn write_event<T: Serialize>(
        &self,
        tx: &mut Tx,
        kind: EventKind,
        member: Option<i64>,
        data: impl FnOnce() -> T,
    ) -> Result<()> {
        let kinds = self.listening.kinds();
        emit::write(tx, kinds, Timestamp::now(), kind, member, data).await
    }
}

/// Which event kinds anyone listens to, shared by the write path (which writes only those)
/// and whatever changes subscriptions; and a wake-up for the delivery loop once events were
/// committed.
#[derive(Debug, Default)]
pub(crate) struct Listening {
    kinds: AtomicU32,
    committed: Notify,
}

impl Listening {
    /// The kinds listened to now.
    pub fn kinds(&self) -> EventKinds {
        EventKinds::from_bits(self.kinds.load(Ordering::Acquire))
    }

    /// Listens to exactly `kinds` from the next write batch on.
    pub fn set(&self, kinds: EventKinds) {
        self.kinds.store(kinds.bits(), Ordering::Release);
    }

    /// Says a batch that may have written events committed.
    pub fn committed(&self) {
        self.committed.notify_one();
    }

    /// Waits until a batch that may have written events committed.
    pub async fn wait_committed(&self) {
        self.committed.notified().await;
    }
}
