//! The scale test's simulation: the whole filled history replayed through the demo program
//! (rules, tiers, referrals) beside the bench's own, as `laurel simulate` does, timed.

use anyhow::Result;
use laurel_engine::{Engine, Simulation, SimulationProgress};
use std::sync::Arc;
use std::time::Instant;

/// The draft replayed: the demo program, with rules and tiers.
const DRAFT: &str = include_str!("../../demo/program.toml");

/// Times one simulation and prints the reading and the replays apart: the replays run on one
/// core, the history before the draft once and the rest once per program.
pub async fn time(engine: &Engine) -> Result<()> {
    let started = Instant::now();
    let request = Simulation {
        draft: DRAFT.to_owned(),
        from: None,
        to: None,
        assumptions: Vec::new(),
    };
    let report = engine
        .simulate(request, Arc::new(SimulationProgress::default()))
        .await?;
    let total = started.elapsed().as_secs_f64();
    let replays = 2.0;
    println!(
        "simulation: read {} happenings ({} purchases) in {:.1} s; replayed them through two programs in {:.1} s: {:.0} purchases/s per replay on one core ({:.0} happenings/s)",
        report.happenings,
        report.purchases,
        total - report.seconds,
        report.seconds,
        replays * report.purchases as f64 / report.seconds,
        replays * report.happenings as f64 / report.seconds,
    );
    Ok(())
}
