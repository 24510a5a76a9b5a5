//! Working out who is in each segment: one pass over every member a page at a time, each
//! read as the conditions see them (their purchases counted over every window any segment
//! names), every segment judged by the core; then each segment's members marked and the
//! earlier refresh's dropped (see the store's `segments`). Members who withdrew from
//! profiling are in none.

use crate::Engine;
use crate::error::{EngineError, Result};
use crate::privacy::consents::Consents;
use jiff::{SignedDuration, Timestamp};
use laurel_core::insight::RfmSegment;
use laurel_core::insight::clv::ChurnRiskLevel;
use laurel_core::segments::{Segment, SegmentFacts, WindowFacts};
use laurel_store::{MemberId, STATES_PAGE_MAX, SegmentInput};

/// What a refresh of every segment did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentRefresh {
    /// Each segment refreshed and the members it holds now.
    pub members: Vec<(String, i64)>,
    /// Segments left as they were, with why: their stored conditions no longer hold up
    /// against the program in force (a tier it names was dropped).
    pub skipped: Vec<(String, String)>,
}

impl Engine {
    /// Works out the members of every segment as of `now`.
    pub async fn refresh_segments(&self, now: Timestamp) -> Result<SegmentRefresh> {
        let mut segments = Vec::new();
        let mut skipped = Vec::new();
        for view in self.segments().await? {
            match self.checked_segment(&view.spec) {
                Ok(segment) => segments.push(segment),
                Err(e) => skipped.push((view.spec.id, e.to_string())),
            }
        }
        let counts = self.refresh_all_of(&segments, now).await?;
        Ok(SegmentRefresh {
            members: segments.into_iter().map(|s| s.id).zip(counts).collect(),
            skipped,
        })
    }

    /// Works out one segment's members as of `now`; how many it holds.
    pub(super) async fn refresh_one(&self, segment: &Segment, now: Timestamp) -> Result<i64> {
        let counts = self
            .refresh_all_of(std::slice::from_ref(segment), now)
            .await?;
        Ok(counts.first().copied().unwrap_or(0))
    }

    async fn refresh_all_of(&self, segments: &[Segment], now: Timestamp) -> Result<Vec<i64>> {
        if segments.is_empty() {
            return Ok(Vec::new());
        }
        let mut days: Vec<i64> = segments.iter().flat_map(Segment::windows).collect();
        days.sort_unstable();
        days.dedup();
        let since: Vec<Timestamp> = days
            .iter()
            .map(|d| now - SignedDuration::from_hours(24 * d))
            .collect();
        let mut found: Vec<Vec<MemberId>> = vec![Vec::new(); segments.len()];
        let mut after = 0;
        loop {
            let page = self
                .store
                .segment_inputs(after, STATES_PAGE_MAX, &since)
                .await?;
            for input in &page {
                // Placing a member in segments is profiling: none for those who withdrew.
                if !Consents::parse(input.state.consents.as_deref())?.profiling() {
                    continue;
                }
                let facts = facts_of(input, &days)?;
                for (segment, members) in segments.iter().zip(found.iter_mut()) {
                    if facts.meet(&segment.conditions, now) {
                        members.push(input.state.id);
                    }
                }
            }
            match page.last() {
                Some(last) if page.len() == STATES_PAGE_MAX => after = last.state.id.0,
                _ => break,
            }
        }
        let mut counts = Vec::with_capacity(segments.len());
        for (segment, members) in segments.iter().zip(found) {
            let generation = self.store.next_segment_generation(&segment.id).await?;
            self.store
                .mark_segment_members(&segment.id, generation, &members)
                .await?;
            counts.push(
                self.store
                    .finish_segment_refresh(&segment.id, generation, now)
                    .await?,
            );
        }
        Ok(counts)
    }
}

/// A member as the conditions read them, with their purchases over each of `days`.
fn facts_of(input: &SegmentInput, days: &[i64]) -> Result<SegmentFacts> {
    let corrupt = |what: &str, e: &dyn std::fmt::Display| {
        EngineError::Internal(format!("member {}'s {what}: {e}", input.state.id.0))
    };
    Ok(SegmentFacts {
        member: crate::automations::facts_of(&input.state)?,
        windows: days
            .iter()
            .zip(&input.windows)
            .map(|(&days, &(purchases, spend_minor))| WindowFacts {
                days,
                purchases,
                spend_minor,
            })
            .collect(),
        attributes: input.state.attributes.clone(),
        risk: input.risk.as_deref().and_then(ChurnRiskLevel::parse),
        rfm: input
            .rfm
            .as_deref()
            .map(|s| s.parse::<RfmSegment>())
            .transpose()
            .map_err(|e| corrupt("RFM segment", &e))?,
    })
}
