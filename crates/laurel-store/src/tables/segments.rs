//! Saved segments (their conditions as JSON, written and read by the engine) and who is in
//! each as of its last refresh.
//!
//! A refresh marks the members it found with the segment's next generation, a chunk per
//! short transaction, then drops the rows of earlier generations and records the count: a
//! reader meanwhile sees the members of the last refresh and some of this one's, never an
//! empty segment, and purchases are never held up behind one long transaction.

use crate::db::connect::Store;
use crate::db::sql::{Arg, Row, Sql, args};
use crate::error::Result;
use crate::tables::automations::MemberState;
use crate::types::{MemberId, instant, instant_opt, micros, numbered_list, placeholders};
use crate::write::tx::Tx;
use jiff::Timestamp;

/// Members marked per transaction of a refresh.
const MEMBERS_PER_TRANSACTION: usize = 5_000;

/// Members marked per statement (two values each, within every backend's limit).
const MEMBERS_PER_STATEMENT: usize = 1_000;

/// A segment as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentRow {
    /// Its id.
    pub id: String,
    /// What staff call it.
    pub name: String,
    /// What it is for.
    pub description: Option<String>,
    /// Its conditions, as JSON.
    pub conditions: String,
    /// When it was saved first.
    pub created_at: Timestamp,
    /// When it was last changed.
    pub updated_at: Timestamp,
    /// When its members were last worked out (none: not yet).
    pub refreshed_at: Option<Timestamp>,
    /// How many members it held at that refresh.
    pub members: i64,
}

/// A member as a segment's conditions read them: what an automation reads (their profile
/// attributes among it), their last insight scores and their purchases over each window asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentInput {
    /// What an automation's conditions read.
    pub state: MemberState,
    /// Their churn-risk level at the last insight refresh, if forecast.
    pub risk: Option<String>,
    /// Their RFM segment at the last insight refresh, if scored.
    pub rfm: Option<String>,
    /// For each window asked (in the order asked): purchases and what was paid, net of
    /// refunds, in minor units.
    pub windows: Vec<(i64, i64)>,
}

const COLUMNS: &str =
    "id, name, description, conditions, created_at, updated_at, refreshed_at, members";

fn segment_from(row: &Row) -> Result<SegmentRow> {
    Ok(SegmentRow {
        id: row.get("id")?,
        name: row.get("name")?,
        description: row.get("description")?,
        conditions: row.get("conditions")?,
        created_at: instant(row.get("created_at")?)?,
        updated_at: instant(row.get("updated_at")?)?,
        refreshed_at: instant_opt(row.get("refreshed_at")?)?,
        members: row.get("members")?,
    })
}

impl Store {
    /// Saves a new segment; false if one has its id already.
    pub async fn insert_segment(&self, segment: &SegmentRow) -> Result<bool> {
        let mut db = self;
        let inserted = db
            .run(
                "INSERT INTO segments (id, name, description, conditions, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
                args![
                    segment.id.as_str(),
                    segment.name.as_str(),
                    segment.description.as_deref(),
                    segment.conditions.as_str(),
                    micros(segment.created_at),
                    micros(segment.updated_at)
                ],
            )
            .await?;
        Ok(inserted == 1)
    }

    /// Changes a segment's name, description and conditions; false if there is none by its id.
    pub async fn update_segment(&self, segment: &SegmentRow) -> Result<bool> {
        let mut db = self;
        let updated = db
            .run(
                "UPDATE segments SET name = $2, description = $3, conditions = $4, \
                 updated_at = $5 WHERE id = $1",
                args![
                    segment.id.as_str(),
                    segment.name.as_str(),
                    segment.description.as_deref(),
                    segment.conditions.as_str(),
                    micros(segment.updated_at)
                ],
            )
            .await?;
        Ok(updated == 1)
    }

    /// Deletes a segment and its members; false if there was none by its id.
    pub async fn delete_segment(&self, id: &str) -> Result<bool> {
        let mut tx = self.begin().await?;
        tx.run(
            "DELETE FROM segment_members WHERE segment_id = $1",
            args![id],
        )
        .await?;
        let deleted = tx
            .run("DELETE FROM segments WHERE id = $1", args![id])
            .await?;
        tx.commit().await?;
        Ok(deleted == 1)
    }

    /// Every segment, by id.
    pub async fn segments(&self) -> Result<Vec<SegmentRow>> {
        let mut db = self;
        db.rows(
            &format!("SELECT {COLUMNS} FROM segments ORDER BY id"),
            args![],
        )
        .await?
        .iter()
        .map(segment_from)
        .collect()
    }

    /// The segment with this id, if any.
    pub async fn segment(&self, id: &str) -> Result<Option<SegmentRow>> {
        let mut db = self;
        db.rows(
            &format!("SELECT {COLUMNS} FROM segments WHERE id = $1"),
            args![id],
        )
        .await?
        .first()
        .map(segment_from)
        .transpose()
    }

    /// The generation a refresh of the segment marks its members with: one past the last.
    pub async fn next_segment_generation(&self, id: &str) -> Result<i64> {
        let mut db = self;
        let row = db
            .row("SELECT generation FROM segments WHERE id = $1", args![id])
            .await?;
        Ok(row.get::<i64>("generation")? + 1)
    }

    /// Marks `members` as in the segment at `generation`, a chunk per transaction.
    pub async fn mark_segment_members(
        &self,
        id: &str,
        generation: i64,
        members: &[MemberId],
    ) -> Result<()> {
        for chunk in members.chunks(MEMBERS_PER_TRANSACTION) {
            let mut tx = self.begin().await?;
            for part in chunk.chunks(MEMBERS_PER_STATEMENT) {
                let sql = format!(
                    "INSERT INTO segment_members (segment_id, member_id, generation) \
                     VALUES {} ON CONFLICT (segment_id, member_id) \
                     DO UPDATE SET generation = excluded.generation",
                    placeholders(part.len(), 3)
                );
                let values: Vec<Arg> = part
                    .iter()
                    .flat_map(|m| [Arg::from(id), Arg::from(m.0), Arg::from(generation)])
                    .collect();
                tx.run(&sql, &values).await?;
            }
            tx.commit().await?;
        }
        Ok(())
    }

    /// Ends a refresh: drops the members earlier generations marked and records when, the
    /// generation and how many the segment holds.
    pub async fn finish_segment_refresh(
        &self,
        id: &str,
        generation: i64,
        at: Timestamp,
    ) -> Result<i64> {
        let mut tx = self.begin().await?;
        tx.run(
            "DELETE FROM segment_members WHERE segment_id = $1 AND generation < $2",
            args![id, generation],
        )
        .await?;
        let members: i64 = tx
            .row(
                "SELECT COUNT(*) AS n FROM segment_members WHERE segment_id = $1",
                args![id],
            )
            .await?
            .get("n")?;
        tx.run(
            "UPDATE segments SET refreshed_at = $2, generation = $3, members = $4 WHERE id = $1",
            args![id, micros(at), generation, members],
        )
        .await?;
        tx.commit().await?;
        Ok(members)
    }

    /// The segments each of `members` is in, as (member, segment id) pairs.
    pub async fn segments_of(&self, members: &[MemberId]) -> Result<Vec<(MemberId, String)>> {
        let mut found = Vec::new();
        for chunk in members.chunks(MEMBERS_PER_STATEMENT) {
            let sql = format!(
                "SELECT member_id, segment_id FROM segment_members WHERE member_id IN ({}) \
                 ORDER BY member_id, segment_id",
                numbered_list(1, chunk.len())
            );
            let values: Vec<Arg> = chunk.iter().map(|m| Arg::from(m.0)).collect();
            let mut db = self;
            for row in db.rows(&sql, &values).await? {
                found.push((MemberId(row.get("member_id")?), row.get("segment_id")?));
            }
        }
        Ok(found)
    }

    /// Members after `after` (by id), a page of at most `limit`, as segments' conditions
    /// read them, with their purchases since each of `windows` (instants, in order).
    pub async fn segment_inputs(
        &self,
        after: i64,
        limit: usize,
        windows: &[Timestamp],
    ) -> Result<Vec<SegmentInput>> {
        let states = self.member_states_after(after, limit).await?;
        let (Some(first), Some(last)) = (states.first(), states.last()) else {
            return Ok(Vec::new());
        };
        let (low, high) = (first.id.0 - 1, last.id.0);
        let mut db = self;
        let scores = db
            .rows(
                "SELECT member_id, risk, segment FROM member_insight \
                 WHERE member_id > $1 AND member_id <= $2",
                args![low, high],
            )
            .await?;
        let mut inputs: Vec<SegmentInput> = states
            .into_iter()
            .map(|state| SegmentInput {
                state,
                risk: None,
                rfm: None,
                windows: vec![(0, 0); windows.len()],
            })
            .collect();
        let position = |inputs: &[SegmentInput], member: i64| {
            inputs.binary_search_by_key(&member, |i| i.state.id.0).ok()
        };
        for row in scores {
            if let Some(at) = position(&inputs, row.get("member_id")?) {
                inputs[at].risk = row.get("risk")?;
                inputs[at].rfm = Some(row.get("segment")?);
            }
        }
        for (w, since) in windows.iter().enumerate() {
            let rows = db
                .rows(
                    "SELECT member_id, COUNT(*) AS purchases, \
                     CAST(SUM(total_minor - refunded_minor) AS BIGINT) AS paid FROM purchases \
                     WHERE member_id > $1 AND member_id <= $2 AND occurred_at > $3 \
                     GROUP BY member_id",
                    args![low, high, micros(*since)],
                )
                .await?;
            for row in rows {
                if let Some(at) = position(&inputs, row.get("member_id")?) {
                    inputs[at].windows[w] = (row.get("purchases")?, row.get("paid")?);
                }
            }
        }
        Ok(inputs)
    }
}

/// The segments one member is in, by id.
const MEMBER_SEGMENTS: &str =
    "SELECT segment_id FROM segment_members WHERE member_id = $1 ORDER BY segment_id";

impl Tx {
    /// The segments `member` is in, as of each one's last refresh, by id.
    pub async fn member_segments(&mut self, member: MemberId) -> Result<Vec<String>> {
        self.rows(MEMBER_SEGMENTS, args![member.0])
            .await?
            .iter()
            .map(|row| row.get("segment_id"))
            .collect()
    }
}

impl Store {
    /// The segments `member` is in, as of each one's last refresh, by id.
    pub async fn member_segments(&self, member: MemberId) -> Result<Vec<String>> {
        let mut db = self;
        db.rows(MEMBER_SEGMENTS, args![member.0])
            .await?
            .iter()
            .map(|row| row.get("segment_id"))
            .collect()
    }
}
