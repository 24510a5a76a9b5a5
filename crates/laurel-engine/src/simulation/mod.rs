//! What if: the stored history replayed through a draft program beside the versions actually
//! in force, in memory, writing nothing; and the replay of the versions in force alone, which
//! must reproduce the ledger exactly (the simulation's proof of honesty, and a second audit
//! of the write path).
//!
//! `history.rs` turns the stored rows into the core's happenings in the order the write path
//! decided them; `versions.rs` says which program decides each; `report.rs` the answer.

mod history;
mod report;
mod runs;
mod stated;
mod versions;

pub use report::{
    AFFECTED_MAX, AffectedMember, LimitHit, PeriodFigures, ProgramOutcome, SimulationReport,
    TierCount,
};
pub use runs::{Running, SimulationRun, SimulationState};
pub use stated::{ASSUMPTIONS_MAX, StatedAssumption};

use crate::Engine;
use crate::error::{EngineError, Result};
use crate::program_file::ProgramDefinition;
use crate::programs::{Pinned, Timeline, check_change, parse_text};
use jiff::Timestamp;
use laurel_core::simulation::{Happening, Replay, Tally, What};
use laurel_store::Store;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use versions::Deciding;

/// What to simulate: a draft program, in force from `from` (the first happening recorded,
/// if not given), reported up to `to` (now, if not given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Simulation {
    /// The draft's program text.
    pub draft: String,
    /// When the draft takes effect and the report begins.
    pub from: Option<Timestamp>,
    /// The instant after the report's last.
    pub to: Option<Timestamp>,
    /// Changes in behaviour stated for the draft, applied to its replay only.
    pub assumptions: Vec<StatedAssumption>,
}

/// How far a simulation has got: happenings replayed of those to replay (the history before
/// `from` once, the rest once per program). Read while it runs for a progress bar.
#[derive(Debug, Default)]
pub struct SimulationProgress {
    /// Replayed so far.
    pub done: AtomicU64,
    /// To replay in all; zero until the history is read.
    pub total: AtomicU64,
}

/// What the replay holds fixed or takes as given, each by a stable code (pages word it in
/// their language) with its English, which the report carries.
pub const SIMULATION_ASSUMPTIONS: [(&str, &str); 5] = [
    (
        "behaviour_fixed",
        "Members behave as they did: the same purchases, events, refunds and redemptions happen; a redemption the member can no longer afford, or a reward the program no longer offers, is refused and counted.",
    ),
    (
        "staff_postings_as_made",
        "Staff adjustments, birthday gifts and automations' points are replayed as they were made.",
    ),
    (
        "profiles_as_now",
        "Members' profile attributes and birthdays are as they are now; saved segments as of their last refresh.",
    ),
    (
        "jobs_as_run",
        "Scheduled jobs (expiry, release, tier reviews) run when they ran; runs that found nothing due are known once an hour, so points only the draft makes due may expire up to an hour late.",
    ),
    (
        "months_by_effect",
        "Months are calendar months in the program's time zone; a purchase counts in the month it happened, everything else in the month it was recorded.",
    ),
];

impl Engine {
    /// Replays the stored history through `request.draft` and through the versions in
    /// force, and reports both. A draft with problems is refused with them, as
    /// `apply_program` reports them, before anything is replayed.
    pub async fn simulate(
        &self,
        request: Simulation,
        progress: Arc<SimulationProgress>,
    ) -> Result<SimulationReport> {
        let prepared = self.prepare(&request).await?;
        run(self.store.clone(), prepared, progress).await
    }

    /// A draft checked as `apply_program` checks one (its problems, segments it names that
    /// are not saved, a change of currency), with the versions to replay beside it.
    async fn prepare(&self, request: &Simulation) -> Result<Prepared> {
        let draft = parse_text(&request.draft).map_err(EngineError::InvalidProgram)?;
        self.check_segments_saved(&draft).await?;
        let to = request.to.unwrap_or_else(Timestamp::now);
        if request.from.is_some_and(|from| from >= to) {
            return Err(EngineError::invalid(
                "from",
                crate::error_code::ErrorCode::InvalidField,
                "must be before `to` (or now, without one)",
            ));
        }
        let timeline = self.programs.snapshot();
        let in_force = timeline
            .in_force(request.from.unwrap_or(to))
            .definition
            .clone();
        check_change(&in_force, &draft, &Pinned::default())?;
        let tiers: Vec<&str> = draft
            .tiers
            .as_ref()
            .map(|p| p.tiers().iter().map(|t| t.id.as_str()).collect())
            .unwrap_or_default();
        stated::check(&request.assumptions, &tiers)?;
        Ok(Prepared {
            assumptions: request.assumptions.clone(),
            draft: Arc::new(draft),
            timeline,
            from: request.from,
            to,
        })
    }

    /// The stored history up to `until` replayed through the versions actually in force,
    /// telling `watch` every posting, grant and tier change: the ledger, tiers and grants it
    /// ends with must be the stored ones.
    pub async fn replay_history<W>(&self, until: Timestamp, mut watch: W) -> Result<(Replay, W)>
    where
        W: laurel_core::simulation::Watch + Send + 'static,
    {
        let timeline = self.programs.snapshot();
        let happenings = happenings(&self.store, &timeline, until).await?;
        tokio::task::spawn_blocking(move || {
            let live = Deciding {
                timeline: &timeline,
                draft: None,
            };
            let mut state = Replay::new();
            let progress = SimulationProgress::default();
            replay(&mut state, &happenings, &live, &mut watch, &progress)?;
            Ok((state, watch))
        })
        .await
        .map_err(|e| EngineError::Internal(format!("replay: {e}")))?
    }
}

/// A draft checked, with the versions it is replayed beside.
pub(crate) struct Prepared {
    assumptions: Vec<StatedAssumption>,
    draft: Arc<ProgramDefinition>,
    timeline: Arc<Timeline>,
    from: Option<Timestamp>,
    to: Timestamp,
}

/// The stored history before `until`, in the order it was decided.
async fn happenings(
    store: &Store,
    timeline: &Timeline,
    until: Timestamp,
) -> Result<Vec<Happening>> {
    let stored = store.history().await?;
    let currency = timeline.in_force(until).definition.program.currency;
    Ok(history::happenings(stored, currency, until))
}

/// Replays the history through the versions in force and through the draft, on a thread
/// of its own: the history before the draft takes effect once, the rest once per program.
pub(crate) async fn run(
    store: Store,
    prepared: Prepared,
    progress: Arc<SimulationProgress>,
) -> Result<SimulationReport> {
    let Prepared {
        assumptions,
        draft,
        timeline,
        from,
        to,
    } = prepared;
    let happenings = happenings(&store, &timeline, to).await?;
    // Without a `from`, the draft decides everything, history brought in late included,
    // and the report begins with the first thing that took effect.
    let draft_from = from.unwrap_or(Timestamp::MIN);
    let from = from.or_else(|| earliest(&happenings)).unwrap_or(to);
    let compute = move || -> Result<SimulationReport> {
        let started = std::time::Instant::now();
        let split = happenings.partition_point(|h| h.at < draft_from);
        let (before, after) = happenings.split_at(split);
        let total = before.len() + 2 * after.len();
        progress.total.store(total as u64, Ordering::Relaxed);
        let tz = &draft.program.time_zone;
        let live = Deciding {
            timeline: &timeline,
            draft: None,
        };
        let mut tally = Tally::new(tz.clone(), from);
        let mut current = Replay::new();
        replay(&mut current, before, &live, &mut tally, &progress)?;
        let (mut draft_replay, mut draft_tally) = (current.clone(), tally.clone());
        draft_replay.assume(laurel_core::simulation::Assumptions(
            assumptions
                .iter()
                .map(StatedAssumption::assumption)
                .collect(),
        ));
        replay(&mut current, after, &live, &mut tally, &progress)?;
        let drafted = Deciding {
            timeline: &timeline,
            draft: Some((&draft, draft_from)),
        };
        replay(
            &mut draft_replay,
            after,
            &drafted,
            &mut draft_tally,
            &progress,
        )?;
        let seconds = started.elapsed().as_secs_f64();
        let (current_tally, draft_tally) = (tally.finish(), draft_tally.finish());
        let in_force_at_end = &timeline.in_force(to).definition.program;
        Ok(SimulationReport {
            from,
            to,
            currency: draft.program.currency.code().to_owned(),
            happenings: happenings.len() as u64,
            purchases: happenings
                .iter()
                .filter(|h| matches!(h.what, What::Purchased { .. }))
                .count() as u64,
            seconds,
            current: ProgramOutcome::of(&current_tally, in_force_at_end),
            draft: ProgramOutcome::of(&draft_tally, &draft.program),
            most_affected: report::most_affected(
                (&current_tally, current.members()),
                (&draft_tally, draft_replay.members()),
            ),
            assumptions: SIMULATION_ASSUMPTIONS
                .iter()
                .map(|(_, a)| (*a).to_owned())
                .chain(assumptions.iter().map(StatedAssumption::words))
                .collect(),
            stated: assumptions,
        })
    };
    tokio::task::spawn_blocking(compute)
        .await
        .map_err(|e| EngineError::Internal(format!("simulation: {e}")))?
}

/// The first instant anything in `happenings` took effect: when the first member joined or
/// the first purchase or event happened, however late they were recorded.
fn earliest(happenings: &[Happening]) -> Option<Timestamp> {
    happenings
        .iter()
        .map(|h| match &h.what {
            What::Enrolled { enrolled_at, .. } => *enrolled_at,
            What::Purchased { occurred_at, .. } | What::Event { occurred_at, .. } => *occurred_at,
            _ => h.at,
        })
        .min()
}

/// Happenings replayed between two reports of progress.
const PROGRESS_EVERY: usize = 4096;

/// Replays `happenings` in order, telling `watch`.
fn replay<W: laurel_core::simulation::Watch>(
    state: &mut Replay,
    happenings: &[Happening],
    versions: &Deciding<'_>,
    watch: &mut W,
    progress: &SimulationProgress,
) -> Result<()> {
    for chunk in happenings.chunks(PROGRESS_EVERY) {
        for h in chunk {
            state
                .apply(h, versions, watch)
                .map_err(|e| EngineError::Internal(format!("replay at {}: {e}", h.at)))?;
        }
        progress
            .done
            .fetch_add(chunk.len() as u64, Ordering::Relaxed);
    }
    Ok(())
}
