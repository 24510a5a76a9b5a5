//! One way to run a statement, whichever connection runs it.
//!
//! Statements are written once, with PostgreSQL's `$1, $2, …` placeholders, and run either
//! through sqlx's `Any` driver (PostgreSQL, and SQLite reads) or on a direct SQLite connection
//! (the write path, see `direct.rs`). [`Arg`] is what a placeholder takes, [`Row`] what comes
//! back, [`Sql`] what both a [`crate::Tx`] and a [`crate::Store`] can run.

use crate::error::{Result, StoreError};
use rusqlite::types::{FromSql, Value, ValueRef};
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, AssertSqlSafe, ColumnIndex, Decode, Type};
use std::sync::Arc;

/// A value for one `$n` placeholder: the schema stores integers and text only. Every integer
/// is bound as a 64-bit one; a statement that needs a narrower type says so with a `CAST`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Arg<'a> {
    /// An integer, or a NULL in an integer column.
    Int(Option<i64>),
    /// A text, or a NULL in a text column.
    Text(Option<&'a str>),
}

impl From<i64> for Arg<'_> {
    fn from(v: i64) -> Self {
        Arg::Int(Some(v))
    }
}

impl From<Option<i64>> for Arg<'_> {
    fn from(v: Option<i64>) -> Self {
        Arg::Int(v)
    }
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(v: &'a str) -> Self {
        Arg::Text(Some(v))
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(v: &'a String) -> Self {
        Arg::Text(Some(v))
    }
}

impl<'a> From<Option<&'a str>> for Arg<'a> {
    fn from(v: Option<&'a str>) -> Self {
        Arg::Text(v)
    }
}

impl<'a> From<&'a Option<String>> for Arg<'a> {
    fn from(v: &'a Option<String>) -> Self {
        Arg::Text(v.as_deref())
    }
}

/// `args![a, b, …]`: the placeholders' values, in order, as a slice of [`Arg`].
macro_rules! args {
    ($($arg:expr),* $(,)?) => {
        &[$($crate::db::sql::Arg::from($arg)),*]
    };
}
pub(crate) use args;

/// A row read back, from either kind of connection.
pub(crate) enum Row {
    /// Read through sqlx.
    Any(AnyRow),
    /// Read on a direct SQLite connection: the column names and the values.
    Direct(Arc<[String]>, Vec<Value>),
}

/// A column's position or name.
pub(crate) trait ColumnRef: ColumnIndex<AnyRow> + Copy + std::fmt::Debug {
    /// Its position among `names`.
    fn position(self, names: &[String]) -> Option<usize>;
}

impl ColumnRef for usize {
    fn position(self, names: &[String]) -> Option<usize> {
        (self < names.len()).then_some(self)
    }
}

impl ColumnRef for &str {
    fn position(self, names: &[String]) -> Option<usize> {
        names.iter().position(|n| n == self)
    }
}

/// A Rust type a column can be read as, from either kind of connection.
pub(crate) trait Column: Sized {
    /// Reads it from a row read through sqlx.
    fn from_any(row: &AnyRow, column: impl ColumnRef) -> Result<Self>;
    /// Reads it from a value read on a direct connection.
    fn from_direct(value: ValueRef<'_>) -> Result<Self>;
}

impl<T> Column for T
where
    T: for<'r> Decode<'r, Any> + Type<Any> + FromSql,
{
    fn from_any(row: &AnyRow, column: impl ColumnRef) -> Result<Self> {
        use sqlx::Row as _;
        Ok(row.try_get(column)?)
    }

    fn from_direct(value: ValueRef<'_>) -> Result<Self> {
        T::column_result(value).map_err(|e| StoreError::Corrupt(e.to_string()))
    }
}

impl Row {
    /// The value of `column` as a `T`.
    pub(crate) fn get<T: Column>(&self, column: impl ColumnRef) -> Result<T> {
        match self {
            Row::Any(row) => T::from_any(row, column),
            Row::Direct(names, values) => {
                let at = column
                    .position(names)
                    .ok_or_else(|| StoreError::Corrupt(format!("no column {column:?}")))?;
                T::from_direct(ValueRef::from(&values[at]))
            }
        }
    }

    /// A column holding a state's stable name, as that state; a name the code does not know
    /// is a corrupt row.
    pub(crate) fn state<T>(&self, column: impl ColumnRef) -> Result<T>
    where
        T: std::str::FromStr<Err = laurel_core::UnknownState>,
    {
        self.get::<String>(column)?
            .parse()
            .map_err(|e: laurel_core::UnknownState| StoreError::Corrupt(e.to_string()))
    }
}

/// Something statements run on: a transaction, or the store's pool.
///
/// The futures are `Send` so that callers can run them in spawned tasks.
pub(crate) trait Sql: Send {
    /// Every row the statement returns.
    fn rows(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
    ) -> impl Future<Output = Result<Vec<Row>>> + Send;

    /// The first row the statement returns, if any.
    fn row_opt(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
    ) -> impl Future<Output = Result<Option<Row>>> + Send;

    /// Runs a statement that returns no rows; the number of rows it changed.
    fn run(&mut self, sql: &str, args: &[Arg<'_>]) -> impl Future<Output = Result<u64>> + Send;

    /// The one row the statement must return.
    fn row(&mut self, sql: &str, args: &[Arg<'_>]) -> impl Future<Output = Result<Row>> + Send {
        async move {
            self.row_opt(sql, args)
                .await?
                .ok_or(StoreError::Database(sqlx::Error::RowNotFound))
        }
    }
}

/// `text` for a `LIKE` pattern, its wildcards escaped with `!` (`ESCAPE '!'`), which neither
/// backend treats specially in a string.
pub(crate) fn like_escaped(text: &str) -> String {
    text.replace('!', "!!")
        .replace('%', "!%")
        .replace('_', "!_")
}

/// The sqlx query for `sql` with `args` bound.
pub(crate) fn any_query(sql: &str, args: &[Arg<'_>]) -> Query<'static, Any, AnyArguments> {
    let mut query = sqlx::query(AssertSqlSafe(sql.to_owned()));
    for arg in args {
        query = match *arg {
            Arg::Int(v) => query.bind(v),
            Arg::Text(v) => query.bind(v.map(str::to_owned)),
        };
    }
    query
}
