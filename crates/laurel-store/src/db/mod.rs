//! The database itself: which backend ([`backend`]), how a statement runs whichever
//! connection runs it ([`sql`]), opening a store ([`connect`]) with the write path's direct
//! SQLite connections ([`direct`]) and their checkpoints ([`checkpoint`]), and migrating it
//! ([`migrate`]). Imports nothing of `write/` or `tables/`.

pub(crate) mod backend;
pub(crate) mod checkpoint;
pub(crate) mod connect;
pub(crate) mod direct;
pub(crate) mod migrate;
pub(crate) mod sql;
