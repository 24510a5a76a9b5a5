//! The program: the version in force, readable by anyone who may see it, and a form to apply
//! a new version (managers and admins), with every problem listed by its key or line.

use crate::Console;
use crate::i18n::Locale;
use crate::messages::{self, Problem};
use crate::page::render;
use crate::web::{Chrome, PageError, Staff};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use laurel_engine::{Applied, ApplyProgram, EngineError, Made, Permission};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "program.html")]
struct ProgramPage {
    chrome: Chrome,
    version: String,
    effective_from: String,
    name: String,
    base: String,
    rules: Vec<String>,
    history: Vec<VersionRow>,
    tiers: Vec<String>,
    rewards: Vec<String>,
    text: String,
    draft: String,
    note: String,
    problems: Vec<Problem>,
    notice: Option<String>,
}

/// A version as the history lists it.
struct VersionRow {
    version: i64,
    effective_from: String,
    created: String,
    source: String,
    note: String,
    /// `in_force`, `scheduled` or `superseded`.
    status: &'static str,
}

#[derive(Deserialize)]
pub(crate) struct ProgramQuery {
    applied: Option<i64>,
    scheduled: Option<i64>,
    /// A change sent for approval: its request.
    sent: Option<i64>,
}

pub(crate) async fn page(
    State(console): State<Console>,
    staff: Staff,
    Query(query): Query<ProgramQuery>,
) -> Result<Response, PageError> {
    staff.require(Permission::ViewProgram)?;
    let t = staff.locale.strings();
    let notice = match (query.applied, query.scheduled, query.sent) {
        (Some(v), _, _) => Some(t.with("program.applied", "version", &v.to_string())),
        (None, Some(v), _) => Some(t.with("program.scheduled", "version", &v.to_string())),
        (None, None, Some(id)) => Some(t.with("program.sent_for_approval", "id", &id.to_string())),
        (None, None, None) => None,
    };
    let page = program_page(&console, &staff, None, String::new(), Vec::new(), notice).await?;
    Ok(render(StatusCode::OK, &page))
}

async fn program_page(
    console: &Console,
    staff: &Staff,
    draft: Option<String>,
    note: String,
    problems: Vec<Problem>,
    notice: Option<String>,
) -> Result<ProgramPage, PageError> {
    let l = staff.locale;
    let version = console
        .engine
        .program_in_force(Timestamp::now())
        .await
        .map_err(|e| PageError::from_engine(e, l))?;
    let d = &version.definition;
    let tz = &d.program.time_zone;
    let text = version
        .stored
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default();
    Ok(ProgramPage {
        chrome: Chrome::signed_in(staff, "program", "/admin/program".into()),
        version: version
            .version
            .map_or_else(|| "–".into(), |v| v.to_string()),
        effective_from: version
            .stored
            .as_ref()
            .map(|s| l.date_time(s.effective_from, tz))
            .unwrap_or_default(),
        name: l.text(&d.program.name).to_owned(),
        base: crate::program_words::base(l, &d.program),
        rules: d
            .rules
            .in_order()
            .iter()
            .map(|r| crate::program_words::rule(l, d, r))
            .collect(),
        history: history(console, l, tz, version.version).await?,
        tiers: d
            .tiers
            .as_ref()
            .map(|p| {
                p.tiers()
                    .iter()
                    .map(|t| format!("{} (≥ {})", l.text(&t.name), t.threshold.normalize()))
                    .collect()
            })
            .unwrap_or_default(),
        rewards: d
            .catalog
            .rewards()
            .iter()
            .map(|r| {
                format!(
                    "{} — {} {}",
                    l.text(&r.name),
                    l.integer(r.cost.get()),
                    l.text(&d.program.points_name)
                )
            })
            .collect(),
        draft: draft.unwrap_or_else(|| text.clone()),
        text,
        note,
        problems,
        notice,
    })
}

#[derive(Deserialize)]
pub(crate) struct ApplyFields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    note: String,
}

pub(crate) async fn apply(
    State(console): State<Console>,
    staff: Staff,
    Form(fields): Form<ApplyFields>,
) -> Result<Response, PageError> {
    staff.may_post(&fields.csrf, Permission::EditProgram)?;
    let text = form_text(&fields.text);
    let problems = match apply_text(&console, &staff, text.clone(), &fields.note, None).await? {
        Ok(done) => return Ok(done),
        Err(problems) => problems,
    };
    let page = program_page(&console, &staff, Some(text), fields.note, problems, None).await?;
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

/// A program text as a form posts it: browsers send textareas with CRLF line ends; the
/// program keeps LF.
pub(crate) fn form_text(posted: &str) -> String {
    posted.replace("\r\n", "\n")
}

/// Applies `text` as the staff member (in force from `effective_from`, now when `None`) and
/// audits it: the way to the program page saying so, or every problem to list beside the text.
pub(crate) async fn apply_text(
    console: &Console,
    staff: &Staff,
    text: String,
    note: &str,
    effective_from: Option<Timestamp>,
) -> Result<Result<Response, Vec<Problem>>, PageError> {
    let request = ApplyProgram {
        text,
        effective_from,
        note: Some(note.to_owned()),
        dry_run: false,
    };
    Ok(Err(
        match console
            .engine
            .apply_program_by(request, &staff.member())
            .await
        {
            Ok(Made::Waiting(asked)) => {
                crate::approvals::audit(console, staff, "approval.request", &asked).await;
                let to = format!("/admin/program?sent={}", asked.id);
                return Ok(Ok(Redirect::to(&to).into_response()));
            }
            Ok(Made::Done(Applied::Created(version))) => {
                let number = version.version.unwrap_or_default();
                let mut after = serde_json::json!({ "version": number, "note": note });
                if let Some(at) = effective_from {
                    after["effective_from"] = serde_json::json!(at.to_string());
                }
                staff
                    .audit(
                        console,
                        "program.apply",
                        format!("program:{number}"),
                        None,
                        after,
                    )
                    .await;
                let told = if effective_from.is_some() {
                    "scheduled"
                } else {
                    "applied"
                };
                let to = format!("/admin/program?{told}={number}");
                return Ok(Ok(Redirect::to(&to).into_response()));
            }
            Ok(_) => vec![sentence(staff.locale.strings().get("program.unchanged"))],
            Err(e) => problems_of(staff.locale, e)?,
        },
    ))
}

/// What the engine found wrong with a program text, as the page lists it: each problem of an
/// invalid text with its key and line, or the refusal; anything else is the error page's.
pub(crate) fn problems_of(l: Locale, error: EngineError) -> Result<Vec<Problem>, PageError> {
    match error {
        EngineError::InvalidProgram(issues) => Ok(issues
            .iter()
            .map(|issue| messages::problem(l, issue))
            .collect()),
        refused if refused.is_refusal() => Ok(vec![sentence(&messages::refusal(l, &refused))]),
        e => Err(PageError::from_engine(e, l)),
    }
}

/// Every stored version, newest first, with whether it is in force, scheduled or superseded.
async fn history(
    console: &Console,
    l: Locale,
    tz: &jiff::tz::TimeZone,
    in_force: Option<i64>,
) -> Result<Vec<VersionRow>, PageError> {
    let now = Timestamp::now();
    let versions = console
        .engine
        .program_versions()
        .await
        .map_err(|e| PageError::from_engine(e, l))?;
    Ok(versions
        .iter()
        .rev()
        .filter_map(|v| {
            let stored = v.stored.as_ref()?;
            let number = v.version?;
            Some(VersionRow {
                version: number,
                effective_from: l.date_time(stored.effective_from, tz),
                created: l.date_time(stored.created_at, tz),
                source: match &stored.actor {
                    Some(actor) => format!("{} · {actor}", stored.source.as_str()),
                    None => stored.source.as_str().to_owned(),
                },
                note: stored.note.clone().unwrap_or_default(),
                status: if Some(number) == in_force {
                    "in_force"
                } else if stored.effective_from > now {
                    "scheduled"
                } else {
                    "superseded"
                },
            })
        })
        .collect())
}

/// A message listed among the problems that concerns no key or line.
pub(crate) fn sentence(text: &str) -> Problem {
    Problem {
        line: None,
        key: String::new(),
        text: text.to_owned(),
    }
}
