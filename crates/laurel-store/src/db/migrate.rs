//! Schema migrations: numbered SQL files compiled into the binary, applied in order, once.
//!
//! One file serves both dialects: the only difference, the auto-assigned id column, is written
//! `@ID@` and filled in here.

use crate::db::backend::Backend;
use crate::db::connect::Store;
use crate::error::Result;
use crate::types::micros;
use sqlx::{AssertSqlSafe, Executor};

/// (version, name, SQL) of every migration, in order.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "initial",
        include_str!("../../migrations/0001_initial.sql"),
    ),
    (
        2,
        "earn_grants",
        include_str!("../../migrations/0002_earn_grants.sql"),
    ),
    (3, "tiers", include_str!("../../migrations/0003_tiers.sql")),
    (
        4,
        "member_attributes",
        include_str!("../../migrations/0004_member_attributes.sql"),
    ),
    (
        5,
        "rewards",
        include_str!("../../migrations/0005_rewards.sql"),
    ),
    (
        6,
        "referrals",
        include_str!("../../migrations/0006_referrals.sql"),
    ),
    (
        7,
        "program_versions",
        include_str!("../../migrations/0007_program_versions.sql"),
    ),
    (
        8,
        "console",
        include_str!("../../migrations/0008_console.sql"),
    ),
    (
        9,
        "portal",
        include_str!("../../migrations/0009_portal.sql"),
    ),
    (
        10,
        "console_admin",
        include_str!("../../migrations/0010_console_admin.sql"),
    ),
    (
        11,
        "leaner_indexes",
        include_str!("../../migrations/0011_leaner_indexes.sql"),
    ),
    (
        12,
        "campaign_index_by_journal",
        include_str!("../../migrations/0012_campaign_index_by_journal.sql"),
    ),
    (
        13,
        "grant_basis_and_tier_discount",
        include_str!("../../migrations/0013_grant_basis_and_tier_discount.sql"),
    ),
    (
        14,
        "referral_reversal",
        include_str!("../../migrations/0014_referral_reversal.sql"),
    ),
    (
        15,
        "dashboard_and_audit_reads",
        include_str!("../../migrations/0015_dashboard_and_audit_reads.sql"),
    ),
    (
        16,
        "member_search",
        include_str!("../../migrations/0016_member_search.sql"),
    ),
    (
        17,
        "report_threads_and_contact_changes",
        include_str!("../../migrations/0017_report_threads_and_contact_changes.sql"),
    ),
    (
        18,
        "staff_notes",
        include_str!("../../migrations/0018_staff_notes.sql"),
    ),
    (
        19,
        "events_and_webhooks",
        include_str!("../../migrations/0019_events_and_webhooks.sql"),
    ),
    (
        20,
        "notices",
        include_str!("../../migrations/0020_notices.sql"),
    ),
    (
        21,
        "automation_runs",
        include_str!("../../migrations/0021_automation_runs.sql"),
    ),
    (
        22,
        "insight",
        include_str!("../../migrations/0022_insight.sql"),
    ),
    (
        23,
        "member_insight",
        include_str!("../../migrations/0023_member_insight.sql"),
    ),
    (
        24,
        "segments",
        include_str!("../../migrations/0024_segments.sql"),
    ),
    (
        25,
        "churn_list",
        include_str!("../../migrations/0025_churn_list.sql"),
    ),
    (
        26,
        "history",
        include_str!("../../migrations/0026_history.sql"),
    ),
    (
        27,
        "simulations",
        include_str!("../../migrations/0027_simulations.sql"),
    ),
    (28, "books", include_str!("../../migrations/0028_books.sql")),
    (
        29,
        "wallets",
        include_str!("../../migrations/0029_wallets.sql"),
    ),
    (
        30,
        "memberships",
        include_str!("../../migrations/0030_memberships.sql"),
    ),
    (
        31,
        "transfers",
        include_str!("../../migrations/0031_transfers.sql"),
    ),
    (
        32,
        "point_holds",
        include_str!("../../migrations/0032_point_holds.sql"),
    ),
    (
        33,
        "households",
        include_str!("../../migrations/0033_households.sql"),
    ),
    (
        34,
        "partners",
        include_str!("../../migrations/0034_partners.sql"),
    ),
    (
        35,
        "lends_paid",
        include_str!("../../migrations/0035_lends_paid.sql"),
    ),
    (
        36,
        "gives_back",
        include_str!("../../migrations/0036_gives_back.sql"),
    ),
    (
        37,
        "erasure",
        include_str!("../../migrations/0037_erasure.sql"),
    ),
    (
        38,
        "staff_two_factor",
        include_str!("../../migrations/0038_staff_two_factor.sql"),
    ),
    (
        39,
        "key_expiry",
        include_str!("../../migrations/0039_key_expiry.sql"),
    ),
    (
        40,
        "consent_history",
        include_str!("../../migrations/0040_consent_history.sql"),
    ),
    (
        41,
        "fraud_cases",
        include_str!("../../migrations/0041_fraud_cases.sql"),
    ),
    (
        42,
        "approvals",
        include_str!("../../migrations/0042_approvals.sql"),
    ),
    (
        43,
        "fraud_signals",
        include_str!("../../migrations/0043_fraud_signals.sql"),
    ),
];

fn dialect(sql: &str, backend: Backend) -> String {
    let id = match backend {
        Backend::Sqlite => "INTEGER PRIMARY KEY",
        Backend::Postgres => "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
    };
    sql.replace("@ID@", id)
}

impl Store {
    /// Applies the migrations not applied yet; returns how many ran. Each runs in its own
    /// transaction with its bookkeeping row, so a failed one leaves nothing behind.
    pub async fn migrate(&self) -> Result<usize> {
        self.pool
            .execute(
                "CREATE TABLE IF NOT EXISTS laurel_migrations \
                 (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
            )
            .await?;
        let mut applied = 0;
        for &(version, name, sql) in MIGRATIONS {
            let mut tx = self.pool.begin_with(self.backend.begin_write()).await?;
            let done: Option<(i64,)> =
                sqlx::query_as("SELECT version FROM laurel_migrations WHERE version = $1")
                    .bind(version)
                    .fetch_optional(&mut *tx)
                    .await?;
            if done.is_some() {
                continue;
            }
            tracing::info!(version, name, "applying migration");
            tx.execute(AssertSqlSafe(dialect(sql, self.backend)))
                .await?;
            sqlx::query(
                "INSERT INTO laurel_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
            )
            .bind(version)
            .bind(name)
            .bind(micros(jiff::Timestamp::now()))
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            applied += 1;
        }
        Ok(applied)
    }
}
