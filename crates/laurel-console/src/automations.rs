//! The program's automations (admins and managers, who may change the program they are part
//! of): each one of the version in force in words, and a dry run of one — how many members it
//! would act on now, the points in all, and the first of them with what each would get —
//! which writes nothing, so it is a plain GET.

use crate::Console;
use crate::automation_words as words;
use crate::page::render;
use crate::web::{Chrome, PageError, Staff};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Timestamp;
use laurel_core::automations::{Automation, AutomationTrigger};
use laurel_engine::{EngineError, MemberRef, Permission, ProgramDefinition};

/// The most members a dry run lists (one lookup each: the engine reads members one at a time).
const LINES: usize = 50;

/// The permission both pages need: the dry run lists members, and automations change only
/// with the program, so those who may apply it (not everyone who may read it).
const PERMISSION: Permission = Permission::EditProgram;

/// An automation in words, as both pages show it.
struct AutomationRow {
    id: String,
    name: String,
    trigger: String,
    conditions: Vec<String>,
    actions: Vec<String>,
    limit: &'static str,
}

impl AutomationRow {
    /// `automation` of `definition` in `staff`'s language.
    fn of(staff: &Staff, definition: &ProgramDefinition, automation: &Automation) -> AutomationRow {
        let l = staff.locale;
        AutomationRow {
            id: automation.id.clone(),
            name: l.text(&automation.name).to_owned(),
            trigger: words::trigger(l, automation.trigger),
            conditions: automation
                .conditions
                .iter()
                .map(|c| words::condition(l, definition, c))
                .collect(),
            actions: automation
                .actions
                .iter()
                .map(|a| words::action(l, definition, a))
                .collect(),
            limit: words::limit(l, automation.limit),
        }
    }
}

#[derive(Template)]
#[template(path = "automations.html")]
struct AutomationsPage {
    chrome: Chrome,
    automations: Vec<AutomationRow>,
}

/// The automations of the program in force.
pub(crate) async fn page(
    State(console): State<Console>,
    staff: Staff,
) -> Result<Response, PageError> {
    staff.require(PERMISSION)?;
    let version = console
        .engine
        .program_in_force(Timestamp::now())
        .await
        .map_err(staff.fail())?;
    let definition = &version.definition;
    let page = AutomationsPage {
        chrome: Chrome::signed_in(&staff, "automations", "/admin/automations".into()),
        automations: definition
            .automations
            .iter()
            .map(|a| AutomationRow::of(&staff, definition, a))
            .collect(),
    };
    Ok(render(StatusCode::OK, &page))
}

/// One member a dry run would act on.
struct LineRow {
    member: i64,
    external_id: String,
    name: String,
    points: String,
    letter: bool,
}

#[derive(Template)]
#[template(path = "automation_dry_run.html")]
struct DryRunPage {
    chrome: Chrome,
    automation: AutomationRow,
    /// Whether it is set off by an event (what the dry run shows is then "if it happened now").
    on_event: bool,
    at: String,
    members: String,
    points: String,
    lines: Vec<LineRow>,
    /// "The first 50 of 1,234", when not every member is listed.
    first: Option<String>,
}

/// A dry run of the automation `id`: whom it would act on now, and how.
pub(crate) async fn dry_run(
    State(console): State<Console>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    staff.require(PERMISSION)?;
    let (l, now) = (staff.locale, Timestamp::now());
    // Reading the version in force first also picks up one another server applied.
    let version = console
        .engine
        .program_in_force(now)
        .await
        .map_err(staff.fail())?;
    let run = console
        .engine
        .automation_dry_run(&id, now, LINES)
        .await
        .map_err(staff.fail())?;
    let definition = &version.definition;
    let automation = definition
        .automations
        .iter()
        .find(|a| a.id == run.automation)
        // Only if a version applied in between dropped it.
        .ok_or_else(|| PageError::from_engine(EngineError::UnknownAutomation(id.clone()), l))?;
    let mut lines = Vec::with_capacity(run.lines.len());
    for line in &run.lines {
        let member = console
            .engine
            .member(&MemberRef::Id(line.member_id))
            .await
            .map_err(staff.fail())?;
        lines.push(LineRow {
            member: line.member_id,
            external_id: member.profile.external_id,
            name: member.profile.name.unwrap_or_default(),
            points: l.integer(line.points),
            letter: line.letter,
        });
    }
    let first = (lines.len() < run.members).then(|| {
        l.strings().fill(
            "automations.first",
            &[
                ("shown", &count(l, lines.len())),
                ("all", &count(l, run.members)),
            ],
        )
    });
    let page = DryRunPage {
        chrome: Chrome::signed_in(
            &staff,
            "automations",
            format!("/admin/automations/{}/dry-run", crate::page::encode(&id)),
        ),
        on_event: matches!(automation.trigger, AutomationTrigger::Event(_)),
        automation: AutomationRow::of(&staff, definition, automation),
        at: l.date_time(now, &definition.program.time_zone),
        members: count(l, run.members),
        points: l.integer(run.points),
        lines,
        first,
    };
    Ok(render(StatusCode::OK, &page))
}

/// A count as the locale writes numbers.
fn count(l: crate::i18n::Locale, n: usize) -> String {
    l.integer(i64::try_from(n).unwrap_or(i64::MAX))
}
