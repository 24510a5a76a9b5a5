//! The single write path: commands queue to writer tasks, each drains its queue into one
//! transaction (group commit), reads ahead for the batch, executes every command in it and
//! answers only after commit.
//!
//! Features import what they need from the file that holds it (`steps`, `context`,
//! `outcome`); nothing is re-exported here, so no file is both the dispatcher and the helpers
//! the features import back.

pub(crate) mod command;
pub(crate) mod context;
pub(crate) mod dispatch;
pub(crate) mod outcome;
pub(crate) mod read_ahead;
pub(crate) mod steps;
pub(crate) mod writer;
