//! A write transaction: what the engine's write path fills with commands and commits.
//!
//! Rows of the ledger's append-only tables are held and written many to a statement (see
//! `appends.rs`); the ids those rows need are handed out by [`Ids`].

use crate::db::backend::Backend;
use crate::db::connect::Store;
use crate::db::direct::DirectTx;
use crate::db::sql::{Arg, Row, Sql, any_query, args};
use crate::error::{Result, StoreError};
use crate::types::MemberId;
use crate::write::appends::{Appends, Held, Mentions, TABLES, Table, Tables, inserts};
use crate::write::at_once;
use crate::write::balances::{self, HeldBalances};
use crate::write::known::Known;
use sqlx::{Any, Executor, Transaction};
use std::collections::VecDeque;

/// Opening transactions: the store hands out a [`Tx`] on its pool or, for the write path,
/// on a direct connection.
impl Store {
    /// Opens a write transaction.
    pub async fn begin(&self) -> Result<Tx> {
        let tx = self.pool.begin_with(self.backend.begin_write()).await?;
        Ok(Tx::any(tx, self.backend))
    }

    /// Opens a write transaction whose statements run on the calling thread when the backend
    /// allows it (a SQLite file): no hand-off to a driver thread per statement, but every call
    /// blocks. For a thread of its own, such as the engine's writer; never an async worker.
    pub async fn begin_blocking(&self) -> Result<Tx> {
        match &self.direct {
            Some(pool) => Ok(Tx::direct(DirectTx::begin(pool)?)),
            None => {
                let tx = self
                    .pool
                    .begin_with(self.backend.begin_write_path())
                    .await?;
                Ok(Tx::any(tx, self.backend))
            }
        }
    }

    /// Opens a read-only transaction: one consistent snapshot for reads that must agree
    /// (a preview), without taking SQLite's write lock. Roll it back when done.
    pub async fn begin_read(&self) -> Result<Tx> {
        let begin = match self.backend {
            Backend::Sqlite => "BEGIN DEFERRED",
            Backend::Postgres => "BEGIN READ ONLY",
        };
        let tx = self.pool.begin_with(begin).await?;
        Ok(Tx::any(tx, self.backend))
    }

    /// A read-only transaction whose statements all see one snapshot of the database (on
    /// PostgreSQL repeatable read; a SQLite read transaction is one by itself): for reads of
    /// several tables that must agree with each other.
    pub async fn begin_snapshot(&self) -> Result<Tx> {
        let begin = match self.backend {
            Backend::Sqlite => "BEGIN DEFERRED",
            Backend::Postgres => "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
        };
        let tx = self.pool.begin_with(begin).await?;
        Ok(Tx::any(tx, self.backend))
    }
}

/// An open write transaction. Dropped without [`Tx::commit`], it rolls back.
pub struct Tx {
    conn: Conn,
    pub(crate) backend: Backend,
    appends: Appends,
    ids: Ids,
    /// Balance changes not yet written.
    balances: HeldBalances,
    /// What the transaction read and need not ask again.
    pub(crate) known: Known,
}

/// The connection a transaction runs on.
enum Conn {
    /// Through sqlx: PostgreSQL, and SQLite outside the write path.
    Any(Transaction<'static, Any>),
    /// A direct SQLite connection, on the caller's thread (see `db/direct.rs`).
    Direct(DirectTx),
}

impl Tx {
    fn any(tx: Transaction<'static, Any>, backend: Backend) -> Tx {
        Tx {
            conn: Conn::Any(tx),
            backend,
            appends: Appends::default(),
            ids: Ids::default(),
            balances: HeldBalances::default(),
            known: Known::default(),
        }
    }

    fn direct(tx: DirectTx) -> Tx {
        Tx {
            conn: Conn::Direct(tx),
            backend: Backend::Sqlite,
            appends: Appends::default(),
            ids: Ids::default(),
            balances: HeldBalances::default(),
            known: Known::default(),
        }
    }

    async fn batch(&mut self, sql: &'static str) -> Result<()> {
        match &mut self.conn {
            Conn::Any(tx) => {
                tx.execute(sql).await?;
            }
            Conn::Direct(tx) => tx.batch(sql)?,
        }
        Ok(())
    }

    /// Marks a point that [`Tx::rollback_to_savepoint`] can return to, so one failed command
    /// leaves the others of a group commit intact.
    pub async fn savepoint(&mut self) -> Result<()> {
        // Nothing held crosses a savepoint, so rolling back to it forgets exactly what it must.
        self.write_all().await?;
        self.batch("SAVEPOINT command").await
    }

    /// Forgets the savepoint, keeping what was done since. Held rows are written first, so
    /// a failure of theirs is still inside the savepoint.
    pub async fn release_savepoint(&mut self) -> Result<()> {
        self.write_all().await?;
        self.batch("RELEASE SAVEPOINT command").await
    }

    /// Undoes everything since the savepoint.
    pub async fn rollback_to_savepoint(&mut self) -> Result<()> {
        self.appends.clear();
        self.balances.clear();
        self.known.clear();
        self.ids.forget_counted();
        self.batch("ROLLBACK TO SAVEPOINT command").await?;
        self.release_savepoint().await
    }

    /// Commits: when this returns Ok, everything in the transaction is durable.
    pub async fn commit(mut self) -> Result<()> {
        self.write_all().await?;
        match self.conn {
            Conn::Any(tx) => tx.commit().await?,
            Conn::Direct(tx) => tx.commit()?,
        }
        Ok(())
    }

    /// Rolls back explicitly.
    pub async fn rollback(self) -> Result<()> {
        match self.conn {
            Conn::Any(tx) => tx.rollback().await?,
            // Dropping a direct transaction rolls it back.
            Conn::Direct(tx) => drop(tx),
        }
        Ok(())
    }
}

impl Sql for Tx {
    async fn rows(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<Vec<Row>> {
        self.before(sql, None).await?;
        self.conn_rows(sql, args, usize::MAX).await
    }

    async fn row_opt(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<Option<Row>> {
        self.before(sql, None).await?;
        Ok(self.conn_rows(sql, args, 1).await?.pop())
    }

    async fn run(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<u64> {
        self.before(sql, None).await?;
        self.conn_run(sql, args).await
    }
}

impl Tx {
    /// Holds a row of an append-only table, to be written with others (see `appends.rs`).
    pub(crate) async fn append(&mut self, table: Table, row: &[Arg<'_>]) -> Result<()> {
        if self.appends.push(table, row) {
            let full = self.appends.with_held_parents(Tables::of(table));
            self.write(full, false).await?;
        }
        Ok(())
    }

    /// Adds to the member's balances: held, and applied to the member if known.
    pub(crate) fn add_to_balance(&mut self, member: MemberId, available: i64, pending: i64) {
        self.known.add_to_balance(member, available, pending);
        self.balances.add(member, available, pending);
    }

    /// The rows of `table` held and not yet written, for a read that counts them itself.
    pub(crate) fn held(&self, table: Table) -> impl Iterator<Item = &[Held]> {
        self.appends.rows(table)
    }

    /// Every row `sql` returns, read past the rows of `held` this transaction holds: for a
    /// read that adds them itself ([`Tx::held`]), so they need not be written first.
    pub(crate) async fn rows_past(
        &mut self,
        held: Table,
        sql: &str,
        args: &[Arg<'_>],
    ) -> Result<Vec<Row>> {
        self.before(sql, Some(held)).await?;
        self.conn_rows(sql, args, usize::MAX).await
    }

    /// Tells the transaction about how many rows of each table with an id column it will
    /// add (one per command of a batch, say), so that on PostgreSQL one statement takes the
    /// ids of them all.
    pub fn expect_rows(&mut self, rows: usize) {
        self.ids.expected = i64::try_from(rows).unwrap_or(i64::MAX).min(Ids::BLOCK_MAX);
    }

    /// An id for a new row of `table` (one with an id column), before the row is written.
    pub(crate) async fn next_id(&mut self, table: Table) -> Result<i64> {
        let slot = Ids::slot(table);
        if self.backend == Backend::Sqlite {
            // Under SQLite's write lock nothing else inserts: count on from the largest id,
            // as SQLite itself would.
            let next = match self.ids.next[slot] {
                Some(next) => next,
                None => {
                    let rows = self.conn_rows(Ids::max_sql(table), &[], 1).await?;
                    let last: Option<i64> = rows.first().map(|row| row.get(0)).transpose()?;
                    last.unwrap_or(0) + 1
                }
            };
            self.ids.next[slot] = Some(next + 1);
            return Ok(next);
        }
        if self.ids.free[slot].is_empty() {
            // Other transactions draw on the same sequences: take blocks of ids. The first
            // is taken for every table at once, as large as the rows expected; later ones
            // per table, doubling.
            let first = self.ids.blocks == [0; 3];
            let (sql, block) = if first {
                (Ids::NEXT_ALL, self.ids.expected.max(Ids::BLOCK_MIN))
            } else {
                let doublings = self.ids.blocks[slot].min(Ids::BLOCK_DOUBLINGS);
                (Ids::next_sql(table), Ids::BLOCK_MIN << doublings)
            };
            let rows = self.conn_rows(sql, args![block], usize::MAX).await?;
            let slots: Vec<usize> = if first { vec![0, 1, 2] } else { vec![slot] };
            for (column, slot) in slots.into_iter().enumerate() {
                let mut ids = rows
                    .iter()
                    .map(|row| row.get::<i64>(column))
                    .collect::<Result<Vec<_>>>()?;
                ids.sort_unstable();
                self.ids.free[slot].extend(ids);
                self.ids.blocks[slot] += 1;
            }
        }
        self.ids.free[slot]
            .pop_front()
            .ok_or_else(|| StoreError::Corrupt(format!("no id for a row of {}", table.name())))
    }

    /// What must happen before `sql` runs: the held rows it needs are written (all but those
    /// of `past`), and on SQLite an id counted on from a table `sql` may insert into is
    /// re-read.
    async fn before(&mut self, sql: &str, past: Option<Table>) -> Result<()> {
        let counting = self.backend == Backend::Sqlite && self.ids.counts();
        if !counting
            && self.appends.is_empty()
            && self.balances.is_empty()
            && !self.known.knows_members()
        {
            return Ok(());
        }
        let mentions = Mentions::of(sql);
        if counting {
            self.ids.forget_named(mentions.by_name);
        }
        let mut named = self.appends.holding(mentions.any);
        if let Some(past) = past {
            named = named.without(past);
        }
        let needed = self.appends.with_held_parents(named);
        // A statement naming `members` reads or changes balances: the held changes go first.
        self.write(needed, mentions.members).await?;
        if mentions.members && !is_select(sql) {
            self.known.forget_members();
        }
        Ok(())
    }

    /// Writes everything held: rows and balance changes.
    async fn write_all(&mut self) -> Result<()> {
        self.write(Tables::ALL, true).await
    }

    /// Writes the held rows of `tables` and, when `balances`, the held balance changes: on
    /// PostgreSQL in one statement, on SQLite many rows per statement.
    async fn write(&mut self, tables: Tables, balances: bool) -> Result<()> {
        let tables = self.appends.holding(tables);
        let balances = balances && !self.balances.is_empty();
        if tables == Tables::NONE && !balances {
            return Ok(());
        }
        if self.backend == Backend::Postgres {
            return self.write_at_once(tables, balances).await;
        }
        self.write_held(tables).await?;
        if balances {
            self.write_balances().await?;
        }
        Ok(())
    }

    /// PostgreSQL: writes the held rows of `tables` and, when `balances`, the held balance
    /// changes, with one statement (see `at_once.rs`).
    async fn write_at_once(&mut self, tables: Tables, balances: bool) -> Result<()> {
        let mut params = vec![String::from("[]"); TABLES.len() + 1];
        for (table, values) in self.appends.take(tables) {
            params[table as usize] = at_once::rows_json(table, &values);
        }
        if balances {
            params[TABLES.len()] = at_once::balances_json(&self.balances.take());
        }
        let args: Vec<Arg> = params.iter().map(|p| Arg::from(p.as_str())).collect();
        self.conn_run(&at_once::WRITE_AT_ONCE, &args).await?;
        Ok(())
    }

    /// SQLite: writes the held balance changes, many members per statement.
    async fn write_balances(&mut self) -> Result<()> {
        let changes = self.balances.take();
        self.update_balances(&changes).await
    }

    /// Adds (member, available, pending) changes to members' balances, many members per
    /// statement, now.
    pub(crate) async fn update_balances(&mut self, changes: &[[i64; 3]]) -> Result<()> {
        let mut rest = changes;
        for (rows, sql) in balances::updates(changes.len(), self.backend) {
            let (chunk, tail) = rest.split_at(rows);
            let args: Vec<Arg> = chunk.iter().flatten().map(|v| Arg::from(*v)).collect();
            self.conn_run(sql, &args).await?;
            rest = tail;
        }
        Ok(())
    }

    /// SQLite: writes the held rows of `tables` (and no others), many rows per statement.
    async fn write_held(&mut self, tables: Tables) -> Result<()> {
        for (table, values) in self.appends.take(tables) {
            let args: Vec<Arg> = values.iter().map(Held::arg).collect();
            let rows = args.len() / table.columns().len();
            self.insert_rows(table, rows, &args).await?;
        }
        Ok(())
    }

    /// Inserts `rows` rows of `table` (their values, row after row, in [`Table::columns`]
    /// order) now, many rows per statement. Values that are not `rows` rows of the table's
    /// width are refused before anything is written: a row short of a column would shift every
    /// row after it.
    pub(crate) async fn insert_rows(
        &mut self,
        table: Table,
        rows: usize,
        values: &[Arg<'_>],
    ) -> Result<()> {
        let width = table.columns().len();
        if rows.checked_mul(width) != Some(values.len()) {
            return Err(StoreError::Corrupt(format!(
                "{} values are not {rows} rows of the {width} columns of {}",
                values.len(),
                table.name()
            )));
        }
        let mut rest = values;
        for (rows, sql) in inserts(table, rows, self.backend) {
            let (chunk, tail) = rest.split_at(rows * width);
            self.conn_run(sql, chunk).await?;
            rest = tail;
        }
        Ok(())
    }

    async fn conn_rows(&mut self, sql: &str, args: &[Arg<'_>], limit: usize) -> Result<Vec<Row>> {
        match &mut self.conn {
            Conn::Any(tx) => {
                let query = any_query(sql, args);
                let rows = if limit == 1 {
                    query.fetch_optional(&mut **tx).await?.into_iter().collect()
                } else {
                    query.fetch_all(&mut **tx).await?
                };
                Ok(rows.into_iter().map(Row::Any).collect())
            }
            Conn::Direct(tx) => tx.rows(sql, args, limit),
        }
    }

    async fn conn_run(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<u64> {
        match &mut self.conn {
            Conn::Any(tx) => Ok(any_query(sql, args)
                .execute(&mut **tx)
                .await?
                .rows_affected()),
            Conn::Direct(tx) => tx.run(sql, args),
        }
    }
}

/// True for a statement that only reads (it cannot change a member the transaction knows).
fn is_select(sql: &str) -> bool {
    sql.trim_start()
        .get(..6)
        .is_some_and(|word| word.eq_ignore_ascii_case("select"))
}

/// Ids handed out for held rows of the tables that have an id column, per table.
#[derive(Debug, Default)]
struct Ids {
    /// PostgreSQL: ids taken from the table's sequence and not yet handed out.
    free: [VecDeque<i64>; 3],
    /// PostgreSQL: blocks taken from the sequence so far.
    blocks: [u32; 3],
    /// SQLite: the next id, counted on from the largest id in the table.
    next: [Option<i64>; 3],
    /// PostgreSQL: rows of each table the transaction expects to add (see
    /// [`Tx::expect_rows`]).
    expected: i64,
}

impl Ids {
    /// PostgreSQL's first block of ids per transaction, doubled per block taken after it.
    const BLOCK_MIN: i64 = 4;
    /// The block stops doubling at `BLOCK_MIN << BLOCK_DOUBLINGS` (256).
    const BLOCK_DOUBLINGS: u32 = 6;
    /// The largest first block, however many rows are expected.
    const BLOCK_MAX: i64 = 1024;

    /// A block of ids for each table, in the order of their slots.
    const NEXT_ALL: &str = "SELECT nextval(pg_get_serial_sequence('journal', 'id')), \
         nextval(pg_get_serial_sequence('lots', 'id')), \
         nextval(pg_get_serial_sequence('purchases', 'id')) FROM generate_series(1, $1)";

    fn slot(table: Table) -> usize {
        match table {
            Table::Journal => 0,
            Table::Lots => 1,
            Table::Purchases => 2,
            other => unreachable!("{} has no id column", other.name()),
        }
    }

    fn max_sql(table: Table) -> &'static str {
        match table {
            Table::Journal => "SELECT COALESCE(MAX(id), 0) FROM journal",
            Table::Lots => "SELECT COALESCE(MAX(id), 0) FROM lots",
            _ => "SELECT COALESCE(MAX(id), 0) FROM purchases",
        }
    }

    fn next_sql(table: Table) -> &'static str {
        match table {
            Table::Journal => {
                "SELECT nextval(pg_get_serial_sequence('journal', 'id')) FROM generate_series(1, $1)"
            }
            Table::Lots => {
                "SELECT nextval(pg_get_serial_sequence('lots', 'id')) FROM generate_series(1, $1)"
            }
            _ => {
                "SELECT nextval(pg_get_serial_sequence('purchases', 'id')) FROM generate_series(1, $1)"
            }
        }
    }

    /// On SQLite, forgets the counted next ids: the rows they were counted from may be gone.
    fn forget_counted(&mut self) {
        self.next = [None; 3];
    }

    /// True when some table's next id is counted (SQLite).
    fn counts(&self) -> bool {
        self.next.iter().any(Option::is_some)
    }

    /// On SQLite, forgets the counted next id of each of the `named` tables: a statement
    /// naming one may have inserted a row with an id of SQLite's choosing. The table's held
    /// rows are written before that statement runs (it names the table), so the next count
    /// starts past them too.
    fn forget_named(&mut self, named: Tables) {
        for (slot, table) in [Table::Journal, Table::Lots, Table::Purchases]
            .into_iter()
            .enumerate()
        {
            if named.has(table) {
                self.next[slot] = None;
            }
        }
    }
}
