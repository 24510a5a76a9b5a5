//! Simulation: the stored history replayed through a program — the versions actually in
//! force (which must reproduce the ledger exactly), or a draft — in memory, writing nothing.
//!
//! The caller feeds [`Happening`]s in the order the write path decided them, each with the
//! instant it was decided at; [`Replay`] decides each again under the [`Terms`] its
//! [`Versions`] give for that instant, by the same core functions as the write path, and
//! tells a [`Watch`] what it did; [`Tally`] counts that per month.

mod assumptions;
mod happening;
mod member;
mod replay;
mod tally;
mod terms;

pub use assumptions::{Assumption, AssumptionError, Assumptions, PERCENT_MAX, PERCENT_MIN};
pub use happening::{Happening, Job, TransferKind, What};
pub use member::{Bought, Granted, SimMember};
pub use replay::{Refusal, Replay, ReplayError, Watch};
pub use tally::{Flows, Month, Stocks, Tallied, Tally};
pub use terms::{Terms, Versions};
