//! Simulations asked for through the API or the console: stored when asked, finished with
//! their report (JSON, as the engine wrote it) or their failure.

use crate::db::connect::Store;
use crate::db::sql::{Row, Sql, args};
use crate::error::Result;
use crate::types::{instant, instant_opt, micros};
use jiff::Timestamp;

/// Simulations listed at most, newest first.
pub const SIMULATIONS_LISTED_MAX: i64 = 50;

/// A simulation as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSimulation {
    /// Who asked.
    pub actor: String,
    /// The draft's program text.
    pub draft: String,
    /// When the draft takes effect, if given.
    pub from: Option<Timestamp>,
    /// When the report ends, if given.
    pub to: Option<Timestamp>,
    /// The changes in behaviour stated for the draft, as JSON.
    pub assumptions: String,
    /// When it was asked.
    pub created_at: Timestamp,
}

/// A stored simulation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimulationRow {
    /// Its id.
    pub id: i64,
    /// As asked.
    pub asked: NewSimulation,
    /// `running`, `done` or `failed`.
    pub state: String,
    /// The report, as JSON, once done (not read for lists).
    pub report: Option<String>,
    /// Why it failed.
    pub error: Option<String>,
    /// When it finished.
    pub finished_at: Option<Timestamp>,
}

impl Store {
    /// Stores a simulation as running; its id.
    pub async fn insert_simulation(&self, new: &NewSimulation) -> Result<i64> {
        let mut db = self;
        let row = db
            .row(
                "INSERT INTO simulations (actor, draft, draft_from, report_to, assumptions, state, \
                 created_at) VALUES ($1, $2, $3, $4, $5, 'running', $6) RETURNING id",
                args![
                    &new.actor,
                    &new.draft,
                    new.from.map(micros),
                    new.to.map(micros),
                    &new.assumptions,
                    micros(new.created_at),
                ],
            )
            .await?;
        row.get(0)
    }

    /// Finishes a running simulation: `done` with its report, or `failed` with why.
    pub async fn finish_simulation(
        &self,
        id: i64,
        outcome: std::result::Result<&str, &str>,
        finished_at: Timestamp,
    ) -> Result<()> {
        let (state, report, error) = match outcome {
            Ok(report) => ("done", Some(report), None),
            Err(error) => ("failed", None, Some(error)),
        };
        let mut db = self;
        db.run(
            "UPDATE simulations SET state = $2, report = $3, error = $4, finished_at = $5 \
             WHERE id = $1",
            args![id, state, report, error, micros(finished_at)],
        )
        .await?;
        Ok(())
    }

    /// A simulation with its report, if it exists.
    pub async fn simulation(&self, id: i64) -> Result<Option<SimulationRow>> {
        let mut db = self;
        db.row_opt(
            "SELECT id, actor, draft, draft_from, report_to, assumptions, state, report, error, \
             created_at, finished_at FROM simulations WHERE id = $1",
            args![id],
        )
        .await?
        .as_ref()
        .map(simulation)
        .transpose()
    }

    /// The latest simulations, newest first, without their reports.
    pub async fn simulations(&self) -> Result<Vec<SimulationRow>> {
        let mut db = self;
        db.rows(
            "SELECT id, actor, draft, draft_from, report_to, assumptions, state, NULL AS report, \
             error, created_at, finished_at FROM simulations ORDER BY id DESC LIMIT $1",
            args![SIMULATIONS_LISTED_MAX],
        )
        .await?
        .iter()
        .map(simulation)
        .collect()
    }
}

fn simulation(r: &Row) -> Result<SimulationRow> {
    Ok(SimulationRow {
        id: r.get("id")?,
        asked: NewSimulation {
            actor: r.get("actor")?,
            draft: r.get("draft")?,
            from: instant_opt(r.get("draft_from")?)?,
            to: instant_opt(r.get("report_to")?)?,
            assumptions: r.get("assumptions")?,
            created_at: instant(r.get("created_at")?)?,
        },
        state: r.get("state")?,
        report: r.get("report")?,
        error: r.get("error")?,
        finished_at: instant_opt(r.get("finished_at")?)?,
    })
}
