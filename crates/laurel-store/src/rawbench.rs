//! The database's own limit, for `laurel bench`: the rows one purchase writes (idempotency
//! record, purchase, journal row, two entries, lot, lot move, balance update), committed with
//! plain SQL and no engine in between, so Laurel's rate can be read against it. Each
//! transaction writes its events set-based — multi-row statements per table (the write path's
//! own INSERT and balance-update texts on SQLite) — as a hand-written bulk path would. The writes go through the same
//! connection as the engine's write path ([`Store::begin_blocking`]), so call them from a
//! thread that may block.

use crate::db::backend::Backend;
use crate::db::connect::Store;
use crate::db::sql::{Arg, Sql, args};
use crate::error::Result;
use crate::write::appends::Table;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// A stored answer the size of a purchase's (an idempotency record is most of a row's bytes).
const RESPONSE: &str = concat!(
    r#"{"purchase_id":0,"member_id":0,"points_earned":100,"grants":[{"rule_id":"base","#,
    r#""points":100,"capped_by":null,"explanation":"1 point per 1.00 spent"}],"#,
    r#""status":"available","pending_until":null,"expires_at":null,"#,
    r#""balance":{"available":100,"pending":0},"tier_change":null,"replayed":false}"#
);

/// The tables written, in the order written (each after those its rows reference).
const WRITTEN: [Table; 6] = [
    Table::Idempotency,
    Table::Journal,
    Table::Entries,
    Table::Lots,
    Table::LotMoves,
    Table::Purchases,
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
        tx.expect_rows(usize::try_from(end - done).unwrap_or(usize::MAX));
        let keys: Vec<String> = (done..end).map(|i| format!("{tag}:{i}")).collect();
        let mut rows: [Vec<Arg>; WRITTEN.len()] = Default::default();
        let mut balances: BTreeMap<i64, i64> = BTreeMap::new();
        for (i, key) in (done..end).zip(&keys) {
            // Fibonacci hashing: consecutive events land on members far apart.
            let member =
                members[(i.wrapping_mul(0x9E37_79B9_7F4A_7C15) % members.len() as u64) as usize];
            let journal = tx.next_id(Table::Journal).await?;
            let lot = tx.next_id(Table::Lots).await?;
            let purchase = tx.next_id(Table::Purchases).await?;
            let [
                idempotency,
                journal_rows,
                entries,
                lot_rows,
                lot_moves,
                purchases,
            ] = &mut rows;
            let key = key.as_str();
            let none = None::<i64>;
            idempotency.extend_from_slice(args!["raw", key, "f", RESPONSE, 0_i64]);
            journal_rows.extend_from_slice(args![
                journal, member, "earn", 100_i64, 0_i64, 0_i64, "purchase", key, none, 0_i64,
                0_i64, none
            ]);
            entries.extend_from_slice(args![journal, "program_issued", none, -100_i64]);
            entries.extend_from_slice(args![journal, "member_available", member, 100_i64]);
            lot_rows.extend_from_slice(args![
                lot, member, journal, 100_i64, 100_i64, 0_i64, none, none, none
            ]);
            lot_moves.extend_from_slice(args![journal, lot, "open", 100_i64]);
            purchases.extend_from_slice(args![
                purchase, member, "raw", key, none, "CNY", 10_000_i64, 0_i64, 100_i64, 0_i64, lot,
                0_i64, 0_i64, 0_i64, none, none
            ]);
            *balances.entry(member).or_default() += 100;
        }
        let events = usize::try_from(end - done).unwrap_or(usize::MAX);
        for (table, values) in WRITTEN.into_iter().zip(&rows) {
            // Each event is one row of every table but its two ledger entries.
            let rows = if table == Table::Entries {
                2 * events
            } else {
                events
            };
            tx.insert_rows(table, rows, values).await?;
        }
        let changes: Vec<[i64; 3]> = balances
            .into_iter()
            .map(|(member, points)| [member, points, 0])
            .collect();
        tx.update_balances(&changes).await?;
        tx.commit().await?;
        done = end;
    }
    Ok(started.elapsed())
}

/// Days of history the scale fill spreads its purchases over, ending at its `now`.
pub const SCALE_HISTORY_DAYS: i64 = 730;

/// Fills the database with `members` members and `postings` purchases, each with its earn
/// posting (two entries, a lot and a lot move), spread evenly over the
/// [`SCALE_HISTORY_DAYS`] days before `now`, and a non-member's purchase for every tenth, with
/// set-based SQL generated inside the database: the scale test's starting point, millions of
/// rows in seconds. Purchase n belongs to member n modulo `members`, so each member's previous
/// purchase is the one `members` before; each member enrolled just before their first.
/// Balances match the entries, so the ledger stays consistent. Returns the first new member id.
pub async fn fill_scale(
    store: &Store,
    members: i64,
    postings: i64,
    now: jiff::Timestamp,
) -> Result<i64> {
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
    let first_purchase: i64 = tx.row(&next_id("purchases"), &[]).await?.get(0)?;
    // Posting n (from 1) belongs to member first_member + (n - 1) % members, has journal id
    // first_journal + n - 1, lot id first_lot + n - 1 and purchase id first_purchase + n - 1,
    // and happened at `at(n)`.
    let member_of = format!("{first_member} + (n - 1) % {members}");
    let span = SCALE_HISTORY_DAYS * 24 * 3600 * 1_000_000;
    let step = span / postings.max(1);
    let start = crate::types::micros(now) - span;
    let at = |n: &str| format!("({start} + ({n}) * {step})");
    let statements = [
        format!(
            "INSERT INTO members (id, external_id, external_key, name, name_key, channel, status, available, pending, enrolled_at) \
             SELECT {first_member} + n - 1, 'scale-' || CAST({first_member} + n - 1 AS TEXT), \
             'scale-' || CAST({first_member} + n - 1 AS TEXT), \
             'Scale Member ' || CAST({first_member} + n - 1 AS TEXT), \
             'scale member ' || CAST({first_member} + n - 1 AS TEXT), 'pos', 'active', \
             100 * ({postings} / {members} + CASE WHEN n <= {postings} % {members} THEN 1 ELSE 0 END), 0, {} FROM {}",
            at("n - 1"),
            series(&members.to_string())
        ),
        format!(
            "INSERT INTO journal (id, member_id, kind, available_delta, pending_delta, shortfall, reason, reference, actor, effective_at, posted_at) \
             SELECT {first_journal} + n - 1, {member_of}, 'earn', 100, 0, 0, 'purchase', 'scale:' || CAST(n AS TEXT), NULL, {}, {} FROM {}",
            at("n"),
            at("n"),
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
             SELECT {first_lot} + n - 1, {member_of}, {first_journal} + n - 1, 100, 100, {}, NULL, NULL FROM {}",
            at("n"),
            series(&postings.to_string())
        ),
        format!(
            "INSERT INTO lot_moves (journal_id, lot_id, kind, amount) \
             SELECT {first_journal} + n - 1, {first_lot} + n - 1, 'open', 100 FROM {}",
            series(&postings.to_string())
        ),
        format!(
            "INSERT INTO purchases (id, member_id, channel, order_id, store, currency, total_minor, refunded_minor, points_earned, points_reversed, lot_id, occurred_at, recorded_at, tier_discount_minor, prev_occurred_at) \
             SELECT {first_purchase} + n - 1, {member_of}, 'pos', 'scale:' || CAST(n AS TEXT), NULL, 'CNY', 10000, 0, 100, 0, {first_lot} + n - 1, {}, {}, 0, \
                    CASE WHEN n > {members} THEN {} ELSE NULL END FROM {}",
            at("n"),
            at("n"),
            at(&format!("n - {members}")),
            series(&postings.to_string())
        ),
        format!(
            "INSERT INTO guest_purchases (channel, order_id, currency, total_minor, occurred_at, recorded_at) \
             SELECT 'pos', 'scale-guest:' || CAST(n AS TEXT), 'CNY', 8000, {}, {} FROM {}",
            at("10 * n"),
            at("10 * n"),
            series(&(postings / 10).to_string())
        ),
    ];
    // A series always yields its first row: no non-members' purchases under ten postings.
    let count = if postings >= 10 {
        statements.len()
    } else {
        statements.len() - 1
    };
    for sql in &statements[..count] {
        tx.run(sql, &[]).await?;
    }
    if store.backend == Backend::Postgres {
        // Explicit ids bypass the identity sequences: move them past what was written.
        for table in ["members", "journal", "lots", "purchases", "guest_purchases"] {
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
    let sql = match store.backend {
        Backend::Sqlite => {
            "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"
        }
        Backend::Postgres => "SELECT CAST(pg_database_size(current_database()) AS BIGINT)",
    };
    let mut db = store;
    db.row(sql, &[]).await?.get(0)
}
