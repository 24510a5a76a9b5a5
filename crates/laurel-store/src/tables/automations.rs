//! Automation runs (one per automation, member and period) and what an automation's
//! conditions read of members.

use crate::db::connect::Store;
use crate::db::sql::{Arg, Row, Sql, args};
use crate::error::Result;
use crate::tables::members::attributes_from;
use crate::tables::tiers::{TIER_COLUMNS, tier_from_row};
use crate::types::{MemberId, instant, instant_opt, micros, numbered_list};
use crate::write::tx::Tx;
use jiff::Timestamp;
use laurel_core::MemberStatus;
use std::collections::BTreeMap;

/// A run waiting for its actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueRun {
    /// Row id.
    pub id: i64,
    /// The automation's id in the program.
    pub automation: String,
    /// Whom it acts on.
    pub member: MemberId,
    /// The period of its limit.
    pub period: String,
}

/// A run to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRun<'a> {
    /// The automation's id in the program.
    pub automation: &'a str,
    /// Whom it acts on.
    pub member: MemberId,
    /// The period of its limit.
    pub period: &'a str,
    /// The event that set it off, if one did.
    pub event: Option<i64>,
    /// When.
    pub at: Timestamp,
}

/// What an automation's conditions read of a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberState {
    /// Their id.
    pub id: MemberId,
    /// Active or suspended.
    pub status: MemberStatus,
    /// Their tier.
    pub tier: Option<String>,
    /// Points they may spend.
    pub available: i64,
    /// When they joined.
    pub enrolled_at: Timestamp,
    /// When they last bought.
    pub last_purchase_at: Option<Timestamp>,
    /// Their consents as stored (a JSON object).
    pub consents: Option<String>,
    /// Their profile attributes.
    pub attributes: BTreeMap<String, String>,
    /// The saved segments they are in, by id.
    pub segments: Vec<String>,
}

/// The most members one read of states returns.
pub const STATES_PAGE_MAX: usize = 1_000;

fn state_from(row: &Row) -> Result<MemberState> {
    let status: String = row.get("status")?;
    Ok(MemberState {
        id: MemberId(row.get("id")?),
        status: status
            .parse()
            .map_err(|e| crate::error::StoreError::Corrupt(format!("member status: {e}")))?,
        tier: tier_from_row(row)?.tier,
        available: row.get("available")?,
        enrolled_at: instant(row.get("enrolled_at")?)?,
        last_purchase_at: instant_opt(row.get("last_purchase_at")?)?,
        consents: row.get("consents")?,
        attributes: attributes_from(row.get("attributes")?)?,
        segments: Vec::new(),
    })
}

fn states_sql(filter: &str) -> String {
    format!(
        "SELECT m.id, m.status, m.available, m.enrolled_at, m.consents, m.attributes, \
         {TIER_COLUMNS}, \
         (SELECT MAX(p.occurred_at) FROM purchases p WHERE p.member_id = m.id) AS last_purchase_at \
         FROM members m WHERE {filter} ORDER BY m.id"
    )
}

impl Store {
    /// Members after `after` (by id), a page of at most [`STATES_PAGE_MAX`], as conditions
    /// read them: the daily scan's way through all members.
    pub async fn member_states_after(&self, after: i64, limit: usize) -> Result<Vec<MemberState>> {
        let mut db = self;
        let rows = db
            .rows(
                &format!("{} LIMIT $2", states_sql("m.id > $1")),
                args![after, limit.clamp(1, STATES_PAGE_MAX) as i64],
            )
            .await?;
        let states = rows.iter().map(state_from).collect::<Result<Vec<_>>>()?;
        self.with_segments(states).await
    }

    /// The members `ids` as conditions read them.
    pub async fn member_states(&self, ids: &[i64]) -> Result<Vec<MemberState>> {
        let mut all = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(STATES_PAGE_MAX) {
            let sql = states_sql(&format!("m.id IN ({})", numbered_list(1, chunk.len())));
            let values: Vec<Arg> = chunk.iter().map(|id| Arg::from(*id)).collect();
            let mut db = self;
            for row in db.rows(&sql, &values).await? {
                all.push(state_from(&row)?);
            }
        }
        self.with_segments(all).await
    }

    /// The states (in id order, as read) with the segments each member is in, in one read.
    async fn with_segments(&self, mut states: Vec<MemberState>) -> Result<Vec<MemberState>> {
        let ids: Vec<MemberId> = states.iter().map(|s| s.id).collect();
        for (member, segment) in self.segments_of(&ids).await? {
            if let Ok(at) = states.binary_search_by_key(&member.0, |s| s.id.0) {
                states[at].segments.push(segment);
            }
        }
        Ok(states)
    }

    /// Runs waiting for their actions after the run `after`, oldest first.
    pub async fn due_runs(&self, after: i64, limit: u32) -> Result<Vec<DueRun>> {
        let mut db = self;
        let rows = db
            .rows(
                "SELECT id, automation_id, member_id, period FROM automation_runs \
                 WHERE state = 'due' AND id > $1 ORDER BY id LIMIT $2",
                args![after, i64::from(limit.clamp(1, 1_000))],
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(DueRun {
                    id: row.get("id")?,
                    automation: row.get("automation_id")?,
                    member: MemberId(row.get("member_id")?),
                    period: row.get("period")?,
                })
            })
            .collect()
    }

    /// Which of `members` had a run of `automation` in `period`.
    pub async fn runs_in(
        &self,
        automation: &str,
        period: &str,
        members: &[i64],
    ) -> Result<Vec<i64>> {
        let mut had = Vec::new();
        for chunk in members.chunks(STATES_PAGE_MAX) {
            let sql = format!(
                "SELECT member_id FROM automation_runs WHERE automation_id = $1 AND period = $2 \
                 AND member_id IN ({})",
                numbered_list(3, chunk.len())
            );
            let mut values = vec![Arg::from(automation), Arg::from(period)];
            values.extend(chunk.iter().map(|id| Arg::from(*id)));
            let mut db = self;
            for row in db.rows(&sql, &values).await? {
                had.push(row.get("member_id")?);
            }
        }
        Ok(had)
    }

    /// Marks a run done.
    pub async fn finish_run(&self, id: i64, at: Timestamp) -> Result<()> {
        let mut db = self;
        db.run(
            "UPDATE automation_runs SET state = 'done', done_at = $1 WHERE id = $2",
            args![micros(at), id],
        )
        .await?;
        Ok(())
    }

    /// Drops a run whose conditions no longer hold, freeing its period.
    pub async fn drop_run(&self, id: i64) -> Result<()> {
        let mut db = self;
        db.run(
            "DELETE FROM automation_runs WHERE id = $1 AND state = 'due'",
            args![id],
        )
        .await?;
        Ok(())
    }
}

impl Tx {
    /// Makes a run due unless the member had one of the automation in that period; true if
    /// it is new.
    pub async fn insert_run(&mut self, run: &NewRun<'_>) -> Result<bool> {
        let row = self
            .row_opt(
                "INSERT INTO automation_runs (automation_id, member_id, period, state, event_id, created_at) \
                 VALUES ($1, $2, $3, 'due', $4, $5) \
                 ON CONFLICT (automation_id, member_id, period) DO NOTHING RETURNING id",
                args![
                    run.automation,
                    run.member.0,
                    run.period,
                    run.event,
                    micros(run.at)
                ],
            )
            .await?;
        Ok(row.is_some())
    }
}
