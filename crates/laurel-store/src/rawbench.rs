//! The database's own limit, for `laurel bench`: the rows one purchase writes (idempotency
//! record, purchase, journal row, two entries, lot, lot move, balance update), committed with
//! plain SQL and no engine in between, so Laurel's rate can be read against it. Each
//! transaction writes its events set-based — one multi-row statement per table and one
//! balance update — as a hand-written bulk path would. The writes go through the same
//! connection as the engine's write path ([`Store::begin_blocking`]), so call them from a
//! thread that may block.

use crate::connect::{Backend, Store};
use crate::error::Result;
use crate::sql::{Arg, Sql, args};
use crate::tx::Tx;
use crate::types::placeholders;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// A stored answer the size of a purchase's (an idempotency record is most of a row's bytes).
const RESPONSE: &str = concat!(
    r#"{"purchase_id":0,"member_id":0,"points_earned":100,"grants":[{"rule_id":"base","#,
    r#""points":100,"capped_by":null,"explanation":"1 point per 1.00 spent"}],"#,
    r#""status":"available","pending_until":null,"expires_at":null,"#,
    r#""balance":{"available":100,"pending":0},"tier_change":null,"replayed":false}"#
);

/// Rows per INSERT statement, within both databases' limits on a statement's parameters.
const ROWS_PER_STATEMENT: usize = 1000;

/// The tables written, with the columns given, in the order written.
const TABLES: [(&str, &[&str]); 6] = [
    (
        "idempotency",
        &["scope", "idem_key", "fingerprint", "response", "created_at"],
    ),
    (
        "journal",
        &[
            "id",
            "member_id",
            "kind",
            "available_delta",
            "pending_delta",
            "shortfall",
            "reason",
            "reference",
            "effective_at",
            "posted_at",
        ],
    ),
    ("entries", &["journal_id", "account", "member_id", "amount"]),
    (
        "lots",
        &[
            "id",
            "member_id",
            "journal_id",
            "amount",
            "remaining",
            "earned_at",
        ],
    ),
    ("lot_moves", &["journal_id", "lot_id", "kind", "amount"]),
    (
        "purchases",
        &[
            "member_id",
            "channel",
            "order_id",
            "currency",
            "total_minor",
            "refunded_minor",
            "points_earned",
            "points_reversed",
            "lot_id",
            "occurred_at",
            "recorded_at",
        ],
    ),
];

/// Commits `events` purchases' rows, `per_transaction` to a transaction, spread over
/// `members` in a scattered order (as customers come, not by id); returns the time taken.
/// `tag` keeps keys unique across runs.
pub async fn commit_raw_purchases(
    store: &Store,
    members: &[i64],
    events: u64,
    per_transaction: u64,
    tag: &str,
) -> Result<Duration> {
    let started = Instant::now();
    let mut done = 0_u64;
    while done < events {
        let end = (done + per_transaction).min(events);
        let mut tx = store.begin_blocking().await?;
        let count = usize::try_from(end - done).unwrap_or(usize::MAX);
        let journals = new_ids(&mut tx, "journal", count).await?;
        let lots = new_ids(&mut tx, "lots", count).await?;
        let keys: Vec<String> = (done..end).map(|i| format!("{tag}:{i}")).collect();
        let mut rows: [Vec<Arg>; 6] = Default::default();
        let mut balances: BTreeMap<i64, i64> = BTreeMap::new();
        for (((i, key), journal), lot) in (done..end).zip(&keys).zip(journals).zip(lots) {
            // Fibonacci hashing: consecutive events land on members far apart.
            let member =
                members[(i.wrapping_mul(0x9E37_79B9_7F4A_7C15) % members.len() as u64) as usize];
            let [
                idempotency,
                journal_rows,
                entries,
                lot_rows,
                lot_moves,
                purchases,
            ] = &mut rows;
            let key = key.as_str();
            idempotency.extend_from_slice(args!["raw", key, "f", RESPONSE, 0_i64]);
            journal_rows.extend_from_slice(args![
                journal, member, "earn", 100_i64, 0_i64, 0_i64, "purchase", key, 0_i64, 0_i64
            ]);
            entries.extend_from_slice(args![journal, "program_issued", None::<i64>, -100_i64]);
            entries.extend_from_slice(args![journal, "member_available", member, 100_i64]);
            lot_rows.extend_from_slice(args![lot, member, journal, 100_i64, 100_i64, 0_i64]);
            lot_moves.extend_from_slice(args![journal, lot, "open", 100_i64]);
            purchases.extend_from_slice(args![
                member, "raw", key, "CNY", 10_000_i64, 0_i64, 100_i64, 0_i64, lot, 0_i64, 0_i64
            ]);
            *balances.entry(member).or_default() += 100;
        }
        for ((table, columns), values) in TABLES.iter().zip(&rows) {
            for chunk in values.chunks(ROWS_PER_STATEMENT * columns.len()) {
                let sql = format!(
                    "INSERT INTO {table} ({}) VALUES {}",
                    columns.join(", "),
                    placeholders(chunk.len() / columns.len(), columns.len())
                );
                tx.run(&sql, chunk).await?;
            }
        }
        let changes: Vec<Arg> = balances
            .iter()
            .flat_map(|(member, points)| [Arg::from(*member), Arg::from(*points)])
            .collect();
        for chunk in changes.chunks(ROWS_PER_STATEMENT * 2) {
            let sql = format!(
                "UPDATE members SET available = available + v.column2 FROM (VALUES {}) AS v \
                 WHERE members.id = v.column1",
                placeholders(chunk.len() / 2, 2)
            );
            tx.run(&sql, chunk).await?;
        }
        tx.commit().await?;
        done = end;
    }
    Ok(started.elapsed())
}

/// `count` ids for new rows of `table`: on SQLite counted on from the largest (the write lock
/// is held), on PostgreSQL taken from the table's sequence.
async fn new_ids(tx: &mut Tx, table: &str, count: usize) -> Result<Vec<i64>> {
    if tx.backend == Backend::Sqlite {
        let sql = format!("SELECT COALESCE(MAX(id), 0) FROM {table}");
        let last: i64 = tx.row(&sql, &[]).await?.get(0)?;
        return Ok((1..=count as i64).map(|n| last + n).collect());
    }
    let sql = format!(
        "SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, $1)"
    );
    let rows = tx.rows(&sql, args![count as i64]).await?;
    rows.iter().map(|row| row.get(0)).collect()
}

/// Fills the database with `members` members and `postings` earn postings (two entries, a
/// lot and a lot move each), spread evenly, with set-based SQL generated inside the database:
/// the scale test's starting point, millions of rows in seconds. Balances match the entries,
/// so the ledger stays consistent. Returns the first new member id.
pub async fn fill_scale(store: &Store, members: i64, postings: i64) -> Result<i64> {
    let series = |limit: &str| match store.backend {
        Backend::Sqlite => format!(
            "(WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {limit}) SELECT n FROM s) AS seq"
        ),
        Backend::Postgres => format!("(SELECT generate_series(1, {limit}) AS n) AS seq"),
    };
    let next_id = |table: &str| format!("SELECT COALESCE(MAX(id), 0) + 1 FROM {table}");
    let mut tx = store.begin().await?;
    let first_member: i64 = tx.row(&next_id("members"), &[]).await?.get(0)?;
    let first_journal: i64 = tx.row(&next_id("journal"), &[]).await?.get(0)?;
    let first_lot: i64 = tx.row(&next_id("lots"), &[]).await?.get(0)?;
    // Posting n (from 1) belongs to member first_member + (n - 1) % members, has journal id
    // first_journal + n - 1 and lot id first_lot + n - 1.
    let member_of = format!("{first_member} + (n - 1) % {members}");
    let statements = [
        format!(
            "INSERT INTO members (id, external_id, name, channel, status, available, pending, enrolled_at) \
             SELECT {first_member} + n - 1, 'scale-' || CAST({first_member} + n - 1 AS TEXT), \
             'Scale Member ' || CAST({first_member} + n - 1 AS TEXT), 'pos', 'active', \
             100 * ({postings} / {members} + CASE WHEN n <= {postings} % {members} THEN 1 ELSE 0 END), 0, 0 FROM {}",
            series(&members.to_string())
        ),
        format!(
            "INSERT INTO journal (id, member_id, kind, available_delta, pending_delta, shortfall, reason, reference, actor, effective_at, posted_at) \
             SELECT {first_journal} + n - 1, {member_of}, 'earn', 100, 0, 0, 'purchase', 'scale:' || CAST(n AS TEXT), NULL, n, n FROM {}",
            series(&postings.to_string())
        ),
        format!(
            "INSERT INTO entries (journal_id, account, member_id, amount) \
             SELECT {first_journal} + n - 1, 'member_available', {member_of}, 100 FROM {}",
            series(&postings.to_string())
        ),
        format!(
            "INSERT INTO entries (journal_id, account, member_id, amount) \
             SELECT {first_journal} + n - 1, 'program_issued', NULL, -100 FROM {}",
            series(&postings.to_string())
        ),
        format!(
            "INSERT INTO lots (id, member_id, journal_id, amount, remaining, earned_at, expires_at, pending_until) \
             SELECT {first_lot} + n - 1, {member_of}, {first_journal} + n - 1, 100, 100, n, NULL, NULL FROM {}",
            series(&postings.to_string())
        ),
        format!(
            "INSERT INTO lot_moves (journal_id, lot_id, kind, amount) \
             SELECT {first_journal} + n - 1, {first_lot} + n - 1, 'open', 100 FROM {}",
            series(&postings.to_string())
        ),
    ];
    for sql in statements {
        tx.run(&sql, &[]).await?;
    }
    if store.backend == Backend::Postgres {
        // Explicit ids bypass the identity sequences: move them past what was written.
        for table in ["members", "journal", "lots"] {
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            );
            tx.rows(&sql, &[]).await?;
        }
    }
    tx.commit().await?;
    Ok(first_member)
}

/// Bytes the database occupies on disk (SQLite: the file and its WAL; PostgreSQL: the
/// database), where it can tell.
pub async fn database_bytes(store: &Store) -> Result<i64> {
    use crate::connect::Backend;
    let sql = match store.backend {
        Backend::Sqlite => {
            "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"
        }
        Backend::Postgres => "SELECT CAST(pg_database_size(current_database()) AS BIGINT)",
    };
    let mut db = store;
    db.row(sql, &[]).await?.get(0)
}
