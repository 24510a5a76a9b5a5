//! Saved segments: created, changed and deleted by staff or the API, their members worked out
//! by a refresh (on saving, and on the daily schedule after the insight refresh whose scores
//! they read) and listed as the staff's member list filtered by segment.

mod refresh;
mod spec;

pub use refresh::SegmentRefresh;
pub use spec::{AttributeSpec, ConditionSpec, RangeSpec, SegmentSpec, SpendSpec, WindowSpec};

use crate::Engine;
use crate::error::{EngineError, Result};
use jiff::Timestamp;
use laurel_core::segments::{Segment, named_segments};
use laurel_store::SegmentRow;

/// A saved segment as callers see it.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentView {
    /// Its id, name, description and conditions as written.
    pub spec: SegmentSpec,
    /// When it was saved first.
    pub created_at: Timestamp,
    /// When it was last changed.
    pub updated_at: Timestamp,
    /// When its members were last worked out (none: not yet).
    pub refreshed_at: Option<Timestamp>,
    /// How many members it held then.
    pub members: i64,
}

impl SegmentView {
    fn of(row: SegmentRow) -> Result<SegmentView> {
        let conditions = serde_json::from_str(&row.conditions).map_err(|e| {
            EngineError::Internal(format!("segment `{}`'s stored conditions: {e}", row.id))
        })?;
        Ok(SegmentView {
            spec: SegmentSpec {
                id: row.id,
                name: row.name,
                description: row.description,
                conditions,
            },
            created_at: row.created_at,
            updated_at: row.updated_at,
            refreshed_at: row.refreshed_at,
            members: row.members,
        })
    }
}

impl Engine {
    /// The spec checked against the program in force: the core's segment, or every problem.
    pub fn checked_segment(&self, spec: &SegmentSpec) -> Result<Segment> {
        let definition = self.definition();
        let tier_ids: Vec<String> = definition
            .tiers
            .as_ref()
            .map(|t| t.tiers().iter().map(|tier| tier.id.clone()).collect())
            .unwrap_or_default();
        spec.to_segment(definition.program.currency, &tier_ids)
    }

    fn segment_row(spec: &SegmentSpec, segment: &Segment, now: Timestamp) -> Result<SegmentRow> {
        Ok(SegmentRow {
            id: segment.id.clone(),
            name: segment.name.clone(),
            description: segment.description.clone(),
            conditions: serde_json::to_string(&spec.conditions)
                .map_err(|e| EngineError::Internal(format!("segment conditions: {e}")))?,
            created_at: now,
            updated_at: now,
            refreshed_at: None,
            members: 0,
        })
    }

    /// Saves a new segment and works out its members at once.
    pub async fn create_segment(&self, spec: SegmentSpec, now: Timestamp) -> Result<SegmentView> {
        let segment = self.checked_segment(&spec)?;
        let now = crate::as_stored(now);
        let row = Self::segment_row(&spec, &segment, now)?;
        if !self.store.insert_segment(&row).await? {
            return Err(EngineError::SegmentExists(segment.id));
        }
        self.refresh_one(&segment, now).await?;
        self.segment(&segment.id).await
    }

    /// Changes a segment's name, description and conditions (its id stays) and works out its
    /// members again.
    pub async fn update_segment(&self, spec: SegmentSpec, now: Timestamp) -> Result<SegmentView> {
        let segment = self.checked_segment(&spec)?;
        let now = crate::as_stored(now);
        let row = Self::segment_row(&spec, &segment, now)?;
        if !self.store.update_segment(&row).await? {
            return Err(EngineError::UnknownSegment(segment.id));
        }
        self.refresh_one(&segment, now).await?;
        self.segment(&segment.id).await
    }

    /// Deletes a segment with its members; refused while the program in force or a version
    /// scheduled after it names the segment.
    pub async fn delete_segment(&self, id: &str) -> Result<()> {
        self.reload_programs().await?;
        let timeline = self.programs.snapshot();
        let in_force = timeline.in_force(Timestamp::now());
        let named = timeline
            .versions()
            .iter()
            .filter(|v| v.effective_from >= in_force.effective_from)
            .any(|v| {
                let d = &v.definition;
                named_segments(&d.rules, &d.catalog, &d.automations)
                    .iter()
                    .any(|(_, named)| named == id)
            });
        if named {
            return Err(EngineError::SegmentInUse(id.to_owned()));
        }
        if self.store.delete_segment(id).await? {
            Ok(())
        } else {
            Err(EngineError::UnknownSegment(id.to_owned()))
        }
    }

    /// Every saved segment, by id, with its count at its last refresh.
    pub async fn segments(&self) -> Result<Vec<SegmentView>> {
        self.store
            .segments()
            .await?
            .into_iter()
            .map(SegmentView::of)
            .collect()
    }

    /// One saved segment.
    pub async fn segment(&self, id: &str) -> Result<SegmentView> {
        match self.store.segment(id).await? {
            Some(row) => SegmentView::of(row),
            None => Err(EngineError::UnknownSegment(id.to_owned())),
        }
    }
}
