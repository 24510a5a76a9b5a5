//! Simulations asked for through the API or the console: checked at once, then run as a job
//! of their own (its progress readable while it runs), their report kept in the store.

use super::{Simulation, SimulationProgress, SimulationReport};
use crate::Engine;
use crate::error::{EngineError, Result};
use jiff::Timestamp;
use laurel_store::{NewSimulation, SimulationRow};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, PoisonError};
use utoipa::ToSchema;

/// Where a simulation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SimulationState {
    /// Replaying.
    Running,
    /// Its report is ready.
    Done,
    /// It failed; `error` says why.
    Failed,
    /// Its server stopped before it finished; ask again.
    Interrupted,
}

/// A simulation asked for, where it stands, and once done its report.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SimulationRun {
    /// Its id.
    pub id: i64,
    /// Where it stands.
    pub state: SimulationState,
    /// Who asked (a key's prefix or a staff member).
    pub asked_by: String,
    /// When the draft takes effect, if given (otherwise it decides the whole history).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub from: Option<Timestamp>,
    /// When the report ends, if given (otherwise when it was asked).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub to: Option<Timestamp>,
    /// When it was asked.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    /// When it finished.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub finished_at: Option<Timestamp>,
    /// Happenings replayed so far, while it runs.
    pub done: u64,
    /// Happenings to replay in all (zero until the history is read), while it runs.
    pub total: u64,
    /// The draft's program text.
    pub draft: String,
    /// The changes in behaviour stated for the draft.
    pub assumptions: Vec<super::StatedAssumption>,
    /// The report, once done (not in lists).
    pub report: Option<SimulationReport>,
    /// Why it failed.
    pub error: Option<String>,
}

/// Simulations replaying at once in this process: each holds the whole history in memory and
/// a core busy, so the others wait their turn (shown as running, nothing read yet).
const AT_ONCE: usize = 1;

/// The simulations running in this process, with their progress, and their turns.
#[derive(Debug)]
pub struct Running {
    progress: Mutex<HashMap<i64, Arc<SimulationProgress>>>,
    turns: Arc<tokio::sync::Semaphore>,
}

impl Default for Running {
    fn default() -> Running {
        Running {
            progress: Mutex::default(),
            turns: Arc::new(tokio::sync::Semaphore::new(AT_ONCE)),
        }
    }
}

impl Running {
    fn progress(&self, id: i64) -> Option<Arc<SimulationProgress>> {
        self.progress
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&id)
            .cloned()
    }

    fn start(&self, id: i64, progress: Arc<SimulationProgress>) {
        self.progress
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id, progress);
    }

    fn end(&self, id: i64) {
        self.progress
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&id);
    }
}

impl Engine {
    /// Checks the draft (refused with its problems, as [`Engine::simulate`] refuses it), then
    /// runs the simulation as a job of its own and answers it as running.
    pub async fn start_simulation(
        &self,
        request: Simulation,
        actor: &str,
    ) -> Result<SimulationRun> {
        let prepared = self.prepare(&request).await?;
        let id = self
            .store
            .insert_simulation(&NewSimulation {
                actor: actor.to_owned(),
                draft: request.draft,
                from: request.from.map(crate::as_stored),
                to: request.to.map(crate::as_stored),
                assumptions: serde_json::to_string(&request.assumptions)
                    .map_err(|e| EngineError::Internal(format!("assumptions: {e}")))?,
                created_at: crate::as_stored(Timestamp::now()),
            })
            .await?;
        let progress = Arc::new(SimulationProgress::default());
        self.simulations.start(id, progress.clone());
        let (store, running) = (self.store.clone(), self.simulations.clone());
        tokio::spawn(async move {
            // Waits for its turn; the semaphore is never closed.
            let turn = running.turns.clone().acquire_owned().await;
            let outcome = super::run(store.clone(), prepared, progress)
                .await
                .and_then(|report| {
                    serde_json::to_string(&report)
                        .map_err(|e| EngineError::Internal(format!("simulation report: {e}")))
                });
            drop(turn);
            let finished = match &outcome {
                Ok(report) => Ok(report.as_str()),
                Err(e) => {
                    tracing::warn!(simulation = id, error = %e, "a simulation failed");
                    Err(e.to_string())
                }
            };
            let stored = store
                .finish_simulation(
                    id,
                    finished.as_deref().map_err(String::as_str),
                    Timestamp::now(),
                )
                .await;
            if let Err(e) = stored {
                tracing::error!(simulation = id, error = %e, "a finished simulation could not be stored");
            }
            running.end(id);
        });
        self.simulation(id).await
    }

    /// A simulation: where it stands and, once done, its report.
    pub async fn simulation(&self, id: i64) -> Result<SimulationRun> {
        let row = self
            .store
            .simulation(id)
            .await?
            .ok_or(EngineError::UnknownSimulation(id))?;
        self.run_of(row)
    }

    /// The latest simulations, newest first, without their reports.
    pub async fn simulations(&self) -> Result<Vec<SimulationRun>> {
        self.store
            .simulations()
            .await?
            .into_iter()
            .map(|row| self.run_of(row))
            .collect()
    }

    fn run_of(&self, row: SimulationRow) -> Result<SimulationRun> {
        let progress = self.simulations.progress(row.id);
        let state = match (row.state.as_str(), &progress) {
            ("done", _) => SimulationState::Done,
            ("failed", _) => SimulationState::Failed,
            (_, Some(_)) => SimulationState::Running,
            (_, None) => SimulationState::Interrupted,
        };
        let (done, total) = progress.map_or((0, 0), |p| {
            (
                p.done.load(Ordering::Relaxed),
                p.total.load(Ordering::Relaxed),
            )
        });
        let report = row
            .report
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(|e| EngineError::Internal(format!("stored simulation {}: {e}", row.id)))?;
        Ok(SimulationRun {
            id: row.id,
            state,
            asked_by: row.asked.actor,
            from: row.asked.from,
            to: row.asked.to,
            created_at: row.asked.created_at,
            finished_at: row.finished_at,
            done,
            total,
            draft: row.asked.draft,
            assumptions: serde_json::from_str(&row.asked.assumptions)
                .map_err(|e| EngineError::Internal(format!("stored simulation {}: {e}", row.id)))?,
            report,
            error: row.error,
        })
    }
}
