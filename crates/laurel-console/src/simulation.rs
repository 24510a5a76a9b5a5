//! What if: a draft simulated from the draft page (`simulate`), and its page — the progress
//! while it replays (the page refreshes itself, no script), then the draft beside the program
//! in force: in total, month by month, points by rule, the tier mix, limits hit, refusals and
//! the members it changes most.

use crate::Console;
use crate::i18n::Locale;
use crate::page::render;
use crate::simulation_tables as tables;
use crate::table::Table;
use crate::web::{Chrome, PageError, Staff};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use laurel_engine::{
    Permission, SIMULATION_ASSUMPTIONS, SimulationReport, SimulationRun, SimulationState,
    StatedAssumption,
};

/// Who may simulate and read simulations: those who may change the program.
pub(crate) const SIMULATE: Permission = Permission::EditProgram;

/// Seconds between the page's refreshes while the simulation runs.
const REFRESH_SECONDS: u32 = 1;

#[derive(Template)]
#[template(path = "program_simulation.html")]
struct SimulationPage {
    chrome: Chrome,
    id: i64,
    /// `running`, `done`, `failed` or `interrupted`.
    state: &'static str,
    refresh: Option<u32>,
    /// Replayed so far and in all, while it runs.
    progress: Option<(u64, u64)>,
    progress_text: String,
    summary: String,
    tables: Vec<Table>,
    refused: Vec<String>,
    assumptions: Vec<String>,
    draft: String,
}

impl SimulationPage {
    /// A table of the page by its id, for the template to place.
    fn table(&self, id: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.id == id)
    }
}

/// A simulation's page.
pub(crate) async fn page(
    State(console): State<Console>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    staff.require(SIMULATE)?;
    let l = staff.locale;
    let run = console
        .engine
        .simulation(id)
        .await
        .map_err(|e| PageError::from_engine(e, l))?;
    let page = simulation_page(&console, &staff, run);
    Ok(render(StatusCode::OK, &page))
}

fn simulation_page(console: &Console, staff: &Staff, run: SimulationRun) -> SimulationPage {
    let l = staff.locale;
    let t = l.strings();
    let mut page = SimulationPage {
        chrome: Chrome::signed_in(
            staff,
            "program",
            format!("/admin/program/simulations/{}", run.id),
        ),
        id: run.id,
        state: match run.state {
            SimulationState::Running => "running",
            SimulationState::Done => "done",
            SimulationState::Failed => "failed",
            SimulationState::Interrupted => "interrupted",
        },
        refresh: None,
        progress: None,
        progress_text: String::new(),
        summary: String::new(),
        tables: Vec::new(),
        refused: Vec::new(),
        assumptions: SIMULATION_ASSUMPTIONS
            .iter()
            .map(|(code, _)| t.get(&format!("simulation.assumption_{code}")).to_owned())
            .chain(run.assumptions.iter().map(|a| stated_words(l, a)))
            .collect(),
        draft: run.draft.clone(),
    };
    if run.state == SimulationState::Running {
        page.refresh = Some(REFRESH_SECONDS);
        page.progress = (run.total > 0).then_some((run.done, run.total));
        page.progress_text = if run.total == 0 {
            t.get("simulation.reading").to_owned()
        } else {
            t.fill(
                "simulation.running",
                &[
                    ("done", &l.integer(clamp(run.done))),
                    ("total", &l.integer(clamp(run.total))),
                ],
            )
        };
    }
    if let Some(report) = &run.report {
        let program = &console.engine.definition().program;
        let currency = report.currency.parse().unwrap_or(program.currency);
        page.summary = summary(l, report, &program.time_zone);
        page.tables = tables::all(l, report, currency);
        page.refused = refusals(l, report);
    }
    page
}

/// The report's span and what was replayed, in a sentence.
fn summary(l: Locale, report: &SimulationReport, tz: &jiff::tz::TimeZone) -> String {
    l.strings().fill(
        "simulation.summary",
        &[
            ("from", &l.date_time(report.from, tz)),
            ("to", &l.date_time(report.to, tz)),
            ("happenings", &l.integer(clamp(report.happenings))),
            ("purchases", &l.integer(clamp(report.purchases))),
            (
                "seconds",
                &l.fixed(
                    rust_decimal::Decimal::from_f64_retain(report.seconds).unwrap_or_default(),
                    2,
                ),
            ),
        ],
    )
}

/// What the history did that each program refuses, in words.
fn refusals(l: Locale, report: &SimulationReport) -> Vec<String> {
    let t = l.strings();
    [
        ("simulation.in_force", &report.current.total),
        ("simulation.draft", &report.draft.total),
    ]
    .iter()
    .flat_map(|(program, figures)| {
        figures.refused.iter().map(move |(code, count)| {
            t.fill(
                "simulation.refused_line",
                &[
                    ("program", t.get(program)),
                    ("what", t.get(&format!("simulation.refusal_{code}"))),
                    ("count", &l.integer(clamp(*count))),
                ],
            )
        })
    })
    .collect()
}

/// A change in behaviour stated for the draft, in words.
fn stated_words(l: Locale, stated: &StatedAssumption) -> String {
    let t = l.strings();
    let percent = l.signed_fixed(stated.percent(), 1);
    match stated {
        StatedAssumption::Visits {
            tier: Some(tier), ..
        } => t.fill(
            "simulation.stated_visits_tier",
            &[("tier", tier), ("percent", &percent)],
        ),
        StatedAssumption::Visits { tier: None, .. } => {
            t.with("simulation.stated_visits", "percent", &percent)
        }
        StatedAssumption::Redemptions { .. } => {
            t.with("simulation.stated_redemptions", "percent", &percent)
        }
    }
}

/// A count as the locale's integers take it.
pub(crate) fn clamp(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
