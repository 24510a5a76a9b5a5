//! The database's own limit, for `laurel bench`: the rows one purchase writes (idempotency
//! record, purchase, journal row, two entries, lot, lot move, balance update), committed with
//! plain SQL and no engine in between, so Laurel's rate can be read against it.

use crate::connect::Store;
use crate::error::Result;
use sqlx::Row;
use std::time::{Duration, Instant};

/// Creates `count` members for raw events to belong to (not timed).
pub async fn seed_raw_members(store: &Store, count: i64) -> Result<Vec<i64>> {
    let mut tx = store.begin().await?;
    let mut ids = Vec::with_capacity(count as usize);
    for i in 0..count {
        let row = sqlx::query(
            "INSERT INTO members (external_id, channel, status, available, pending, enrolled_at) \
             VALUES ($1, 'pos', 'active', 0, 0, 0) RETURNING id",
        )
        .bind(format!("raw-{i}"))
        .fetch_one(&mut *tx.tx)
        .await?;
        ids.push(row.try_get(0)?);
    }
    tx.commit().await?;
    Ok(ids)
}

/// Commits `events` purchases' rows, `per_transaction` to a transaction, spread over
/// `members`; returns the time taken. `tag` keeps keys unique across runs.
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
        let mut tx = store.begin().await?;
        let end = (done + per_transaction).min(events);
        for i in done..end {
            let member = members[(i % members.len() as u64) as usize];
            let key = format!("{tag}:{i}");
            sqlx::query("INSERT INTO idempotency (scope, idem_key, fingerprint, response, created_at) VALUES ('raw', $1, 'f', '{}', 0)")
                .bind(key.clone())
                .execute(&mut *tx.tx)
                .await?;
            let journal: i64 = sqlx::query(
                "INSERT INTO journal (member_id, kind, available_delta, pending_delta, shortfall, reason, reference, actor, effective_at, posted_at) \
                 VALUES ($1, 'earn', 100, 0, 0, 'purchase', $2, NULL, 0, 0) RETURNING id",
            )
            .bind(member)
            .bind(key.clone())
            .fetch_one(&mut *tx.tx)
            .await?
            .try_get(0)?;
            for (account, member_id, amount) in [
                ("program_issued", None, -100_i64),
                ("member_available", Some(member), 100),
            ] {
                sqlx::query("INSERT INTO entries (journal_id, account, member_id, amount) VALUES ($1, $2, $3, $4)")
                    .bind(journal)
                    .bind(account)
                    .bind(member_id)
                    .bind(amount)
                    .execute(&mut *tx.tx)
                    .await?;
            }
            let lot: i64 = sqlx::query(
                "INSERT INTO lots (member_id, journal_id, amount, remaining, earned_at, expires_at, pending_until) \
                 VALUES ($1, $2, 100, 100, 0, NULL, NULL) RETURNING id",
            )
            .bind(member)
            .bind(journal)
            .fetch_one(&mut *tx.tx)
            .await?
            .try_get(0)?;
            sqlx::query("INSERT INTO lot_moves (journal_id, lot_id, kind, amount) VALUES ($1, $2, 'open', 100)")
                .bind(journal)
                .bind(lot)
                .execute(&mut *tx.tx)
                .await?;
            sqlx::query(
                "INSERT INTO purchases (member_id, channel, order_id, store, currency, total_minor, refunded_minor, \
                 points_earned, points_reversed, lot_id, occurred_at, recorded_at) \
                 VALUES ($1, 'raw', $2, NULL, 'CNY', 10000, 0, 100, 0, $3, 0, 0)",
            )
            .bind(member)
            .bind(key)
            .bind(lot)
            .execute(&mut *tx.tx)
            .await?;
            sqlx::query("UPDATE members SET available = available + 100 WHERE id = $1")
                .bind(member)
                .execute(&mut *tx.tx)
                .await?;
        }
        tx.commit().await?;
        done = end;
    }
    Ok(started.elapsed())
}
