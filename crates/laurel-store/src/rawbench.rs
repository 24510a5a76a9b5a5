//! The database's own limit, for `laurel bench`: the rows one purchase writes (idempotency
//! record, purchase, journal row, two entries, lot, lot move, balance update), committed with
//! plain SQL and no engine in between, so Laurel's rate can be read against it. The writes go
//! through the same connection as the engine's write path ([`Store::begin_blocking`]), so
//! call them from a thread that may block.

use crate::connect::Store;
use crate::error::Result;
use crate::sql::{Sql, args};
use std::time::{Duration, Instant};

/// A stored answer the size of a purchase's (an idempotency record is most of a row's bytes).
const RESPONSE: &str = concat!(
    r#"{"purchase_id":0,"member_id":0,"points_earned":100,"grants":[{"rule_id":"base","#,
    r#""points":100,"capped_by":null,"explanation":"1 point per 1.00 spent"}],"#,
    r#""status":"available","pending_until":null,"expires_at":null,"#,
    r#""balance":{"available":100,"pending":0},"tier_change":null,"replayed":false}"#
);

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
        let mut tx = store.begin_blocking().await?;
        let end = (done + per_transaction).min(events);
        for i in done..end {
            // Fibonacci hashing: consecutive events land on members far apart.
            let member =
                members[(i.wrapping_mul(0x9E37_79B9_7F4A_7C15) % members.len() as u64) as usize];
            let key = format!("{tag}:{i}");
            tx.run(
                "INSERT INTO idempotency (scope, idem_key, fingerprint, response, created_at) VALUES ('raw', $1, 'f', $2, 0)",
                args![&key, RESPONSE],
            )
            .await?;
            let journal: i64 = tx
                .row(
                    "INSERT INTO journal (member_id, kind, available_delta, pending_delta, shortfall, reason, reference, actor, effective_at, posted_at) \
                     VALUES ($1, 'earn', 100, 0, 0, 'purchase', $2, NULL, 0, 0) RETURNING id",
                    args![member, &key],
                )
                .await?
                .get(0)?;
            for (account, member_id, amount) in [
                ("program_issued", None, -100_i64),
                ("member_available", Some(member), 100),
            ] {
                tx.run(
                    "INSERT INTO entries (journal_id, account, member_id, amount) VALUES ($1, $2, $3, $4)",
                    args![journal, account, member_id, amount],
                )
                .await?;
            }
            let lot: i64 = tx
                .row(
                    "INSERT INTO lots (member_id, journal_id, amount, remaining, earned_at, expires_at, pending_until) \
                     VALUES ($1, $2, 100, 100, 0, NULL, NULL) RETURNING id",
                    args![member, journal],
                )
                .await?
                .get(0)?;
            tx.run(
                "INSERT INTO lot_moves (journal_id, lot_id, kind, amount) VALUES ($1, $2, 'open', 100)",
                args![journal, lot],
            )
            .await?;
            tx.run(
                "INSERT INTO purchases (member_id, channel, order_id, store, currency, total_minor, refunded_minor, \
                 points_earned, points_reversed, lot_id, occurred_at, recorded_at) \
                 VALUES ($1, 'raw', $2, NULL, 'CNY', 10000, 0, 100, 0, $3, 0, 0)",
                args![member, &key, lot],
            )
            .await?;
            tx.run(
                "UPDATE members SET available = available + 100 WHERE id = $1",
                args![member],
            )
            .await?;
        }
        tx.commit().await?;
        done = end;
    }
    Ok(started.elapsed())
}

/// Fills the database with `members` members and `postings` earn postings (two entries, a
/// lot and a lot move each), spread evenly, with set-based SQL generated inside the database:
/// the scale test's starting point, millions of rows in seconds. Balances match the entries,
/// so the ledger stays consistent. Returns the first new member id.
pub async fn fill_scale(store: &Store, members: i64, postings: i64) -> Result<i64> {
    use crate::connect::Backend;
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
