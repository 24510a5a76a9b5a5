//! The write transaction ([`tx`]): the rows of the append-only tables it holds ([`appends`],
//! many to a statement: [`sized`] on SQLite, [`at_once`] on PostgreSQL), the balance changes it
//! holds ([`balances`]) and what it read ahead for its batch ([`known`]). Built on `db/`;
//! imports nothing of `tables/`, whose files add their reads and writes to [`tx::Tx`].

pub(crate) mod appends;
pub(crate) mod at_once;
pub(crate) mod balances;
pub(crate) mod known;
pub(crate) mod sized;
pub(crate) mod tx;
