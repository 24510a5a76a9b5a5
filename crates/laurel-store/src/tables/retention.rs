//! Inactive members, for the retention policy: when each member not yet erased last did
//! anything themselves — joined, bought, recorded an event, spent or sent points, signed in
//! to the portal (`members.last_seen_at`) — and when they were warned of it.

use crate::db::connect::Store;
use crate::db::sql::{Sql, args};
use crate::error::Result;
use crate::types::{MemberId, instant, instant_opt, micros};
use crate::write::tx::Tx;
use jiff::Timestamp;

/// What a member does themselves, among postings: the rest are the program's (expiry,
/// release, forfeiture) or staff's.
const OWN_POSTINGS: &str = "('redeem', 'transfer_out', 'hold', 'hold_capture')";

/// The notice warning a member of their erasure, as `notices_sent` records it.
pub const RETENTION_WARNING: &str = "retention_warning";

impl Store {
    /// Members not erased whose last activity was before `before`, with it, oldest first.
    /// One pass over each table of activity, whatever the number of members.
    pub async fn inactive_members(&self, before: Timestamp) -> Result<Vec<(MemberId, Timestamp)>> {
        let greatest = match self.backend() {
            crate::Backend::Sqlite => "MAX",
            crate::Backend::Postgres => "GREATEST",
        };
        let sql = format!(
            "SELECT id, last_active FROM (SELECT m.id, {greatest}(m.enrolled_at, \
             COALESCE(p.last, 0), COALESCE(e.last, 0), COALESCE(j.last, 0), \
             COALESCE(m.last_seen_at, 0)) \
             AS last_active FROM members m \
             LEFT JOIN (SELECT member_id, MAX(occurred_at) AS last FROM purchases \
                 GROUP BY member_id) p ON p.member_id = m.id \
             LEFT JOIN (SELECT member_id, MAX(occurred_at) AS last FROM activity_events \
                 GROUP BY member_id) e ON e.member_id = m.id \
             LEFT JOIN (SELECT member_id, MAX(effective_at) AS last FROM journal \
                 WHERE kind IN {OWN_POSTINGS} GROUP BY member_id) j ON j.member_id = m.id \
             WHERE m.status <> 'erased') activity \
             WHERE last_active < $1 ORDER BY last_active, id"
        );
        let mut db = self;
        db.rows(&sql, args![micros(before)])
            .await?
            .iter()
            .map(|row| Ok((MemberId(row.get(0)?), instant(row.get(1)?)?)))
            .collect()
    }

    /// When the member was warned of erasure for inactivity since `last_active`, if they were.
    pub async fn retention_warned_at(
        &self,
        member: MemberId,
        last_active: Timestamp,
    ) -> Result<Option<Timestamp>> {
        let mut db = self;
        let row = db
            .row_opt(
                "SELECT sent_at FROM notices_sent WHERE member_id = $1 AND kind = $2 \
                 AND notice_key = $3",
                args![member.0, RETENTION_WARNING, &retention_key(last_active)],
            )
            .await?;
        instant_opt(row.map(|r| r.get(0)).transpose()?)
    }
}

impl Tx {
    /// When the member last did anything themselves (under their lock: what an erasure for
    /// inactivity checks again before it erases).
    pub async fn last_active(&mut self, member: MemberId) -> Result<Timestamp> {
        let sql = format!(
            "SELECT m.enrolled_at, \
             (SELECT MAX(occurred_at) FROM purchases WHERE member_id = m.id), \
             (SELECT MAX(occurred_at) FROM activity_events WHERE member_id = m.id), \
             (SELECT MAX(effective_at) FROM journal WHERE member_id = m.id \
                 AND kind IN {OWN_POSTINGS}), \
             m.last_seen_at FROM members m WHERE m.id = $1"
        );
        let row = self.row(&sql, args![member.0]).await?;
        let mut last: i64 = row.get(0)?;
        for column in 1..5 {
            if let Some(at) = row.get::<Option<i64>>(column)? {
                last = last.max(at);
            }
        }
        instant(last)
    }
}

/// The key of the warning for inactivity since `last_active`: a new spell of inactivity is
/// warned of again.
pub fn retention_key(last_active: Timestamp) -> String {
    micros(last_active).to_string()
}
