//! Drafting a program change without writing TOML (`/admin/program/draft`): the draft is a
//! program text carried in the page's one form (still editable by hand), which forms for an
//! earning rule, a tier and a reward rewrite through the engine's `program_file::edit`. After
//! every step the draft is checked as applying it would be, its problems listed with their
//! lines; from the page it is applied now or scheduled, as the program page applies.
//!
//! One form holds the text and every sub-form, each button naming its action, so no
//! JavaScript is needed and nothing is stored until it is applied.

use crate::Console;
use crate::form_fields::{Fields, field, raw, ticked};
use crate::i18n::Locale;
use crate::messages::Problem;
use crate::page::render;
use crate::program::{apply_text, form_text, problems_of, sentence};
use crate::web::{Chrome, PageError, Staff};
use crate::{draft_reward, draft_rule, draft_tier};
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use jiff::civil::DateTime;
use laurel_core::Channel;
use laurel_core::rules::{LimitKind, STANDARD_EVENT_KINDS};
use laurel_engine::program_file::WEEKDAYS;
use laurel_engine::program_file::edit::{Draft, DraftError, Part};
use laurel_engine::{Applied, ApplyProgram, Permission, Simulation, StatedAssumption};

/// Who may draft: those who may apply what they draft.
const EDIT: Permission = Permission::EditProgram;

#[derive(Template)]
#[template(path = "program_draft.html")]
struct DraftPage {
    chrome: Chrome,
    /// The draft program text.
    text: String,
    /// The sub-forms' fields as posted, or as loaded from an item.
    fields: Fields,
    /// What the last step could not do.
    refused: Vec<Problem>,
    /// The draft's problems, as applying it would report them.
    problems: Vec<Problem>,
    /// What the last step did.
    notice: Option<String>,
    rule_ids: Vec<String>,
    tier_ids: Vec<String>,
    reward_ids: Vec<String>,
    /// The program's time zone, which a schedule's date and time are in.
    time_zone: String,
    channels: Vec<&'static str>,
    weekdays: Vec<(&'static str, String)>,
    effects: [&'static str; 4],
    limits: Vec<&'static str>,
    birthdays: [&'static str; 3],
    kinds: [&'static str; 6],
    events: [&'static str; 4],
}

impl DraftPage {
    /// What `name` holds, to show it again.
    fn typed(&self, name: &str) -> &str {
        field(&self.fields, name)
    }

    /// Whether `value` is ticked or chosen under `name`.
    fn on(&self, name: &str, value: &str) -> bool {
        ticked(&self.fields, name, value)
    }
}

/// `/admin/program/draft`: a draft of the version in force.
pub(crate) async fn page(
    State(console): State<Console>,
    staff: Staff,
) -> Result<Response, PageError> {
    staff.require(EDIT)?;
    let version = console
        .engine
        .program_in_force(Timestamp::now())
        .await
        .map_err(staff.fail())?;
    let text = version
        .stored
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default();
    let page = draft_page(&console, &staff, text, Vec::new(), Step::default()).await?;
    Ok(render(StatusCode::OK, &page))
}

/// What a step on the page came to, besides the draft's text.
#[derive(Default)]
struct Step {
    refused: Vec<Problem>,
    notice: Option<String>,
}

/// A step on the draft: the button pressed (`action`) says which.
pub(crate) async fn act(
    State(console): State<Console>,
    staff: Staff,
    Form(mut fields): Form<Fields>,
) -> Result<Response, PageError> {
    staff.may_post(field(&fields, "csrf"), EDIT)?;
    let l = staff.locale;
    let t = l.strings();
    let mut text = form_text(raw(&fields, "text"));
    let action = field(&fields, "action").to_owned();
    let (part, verb) = action.split_once('_').unwrap_or((action.as_str(), ""));
    let mut step = Step::default();
    match (part, verb) {
        ("apply" | "schedule", _) => {
            let when = if part == "schedule" {
                match schedule_at(&console, &fields) {
                    Some(at) => Some(at),
                    None => {
                        step.refused.push(sentence(t.get("draft.schedule_when")));
                        return respond(&console, &staff, text, fields, step).await;
                    }
                }
            } else {
                None
            };
            let note = field(&fields, "note").to_owned();
            match apply_text(&console, &staff, text.clone(), &note, when).await? {
                Ok(done) => return Ok(done),
                Err(problems) => step.refused = problems,
            }
        }
        ("simulate", _) => {
            let from = match field(&fields, "simulate_from") {
                "" => None,
                day => match day_start(&console, day) {
                    Some(at) => Some(at),
                    None => {
                        step.refused.push(sentence(t.get("draft.simulate_when")));
                        return respond(&console, &staff, text, fields, step).await;
                    }
                },
            };
            let Some(assumptions) = stated(&fields) else {
                step.refused
                    .push(sentence(t.get("draft.assume_not_number")));
                return respond(&console, &staff, text, fields, step).await;
            };
            let request = Simulation {
                draft: text.clone(),
                from,
                to: None,
                assumptions,
            };
            match console
                .engine
                .start_simulation(request, &staff.actor())
                .await
            {
                Ok(run) => {
                    let to = format!("/admin/program/simulations/{}", run.id);
                    return Ok(Redirect::to(&to).into_response());
                }
                Err(e) => step.refused = problems_of(l, e)?,
            }
        }
        ("rule" | "tier" | "reward", "load") => match load(part, &text, &fields) {
            Ok(loaded) => {
                if !loaded.shown_whole {
                    step.notice = Some(t.get("draft.not_all_shown").to_owned());
                }
                let prefix = prefix_of(part);
                fields.retain(|(k, _)| !k.starts_with(prefix));
                fields.extend(loaded.fields);
            }
            Err(e) => step.refused = refusal(l, &e),
        },
        ("rule" | "tier" | "reward", "remove") => {
            let id = field(&fields, &format!("{part}_pick")).to_owned();
            match Draft::parse(&text).and_then(|mut d| d.remove(part_of(part), &id).map(|()| d)) {
                Ok(draft) => {
                    text = draft.text();
                    step.notice = Some(t.with("draft.removed", "id", &id));
                }
                Err(e) => step.refused = refusal(l, &e),
            }
        }
        ("rule" | "tier" | "reward", "save") => match save(part, &text, &fields, l) {
            Ok((written, id)) => {
                text = written;
                step.notice = Some(t.with("draft.written", "id", &id));
                // Written, the item has the form's id: saving again changes it, and a new id
                // adds another rather than renaming it.
                let editing = format!("{part}_editing");
                fields.retain(|(k, _)| *k != editing);
            }
            Err(problems) => step.refused = problems,
        },
        // `check`, the form's first button (what Enter presses): the draft checked as it is.
        _ => {}
    }
    respond(&console, &staff, text, fields, step).await
}

/// The page after a step: 422 when the step was refused.
async fn respond(
    console: &Console,
    staff: &Staff,
    text: String,
    fields: Fields,
    step: Step,
) -> Result<Response, PageError> {
    let status = if step.refused.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = draft_page(console, staff, text, fields, step).await?;
    Ok(render(status, &page))
}

/// The changes in behaviour stated in the simulate section's fields (an empty field states
/// nothing); `None` when one is not a number.
fn stated(fields: &Fields) -> Option<Vec<StatedAssumption>> {
    let percent = |name: &str| match field(fields, name).trim() {
        "" => Some(None),
        typed => typed.parse::<rust_decimal::Decimal>().ok().map(Some),
    };
    let mut stated = Vec::new();
    if let Some(percent) = percent("assume_visits")? {
        let tier = Some(field(fields, "assume_visits_tier").to_owned()).filter(|t| !t.is_empty());
        stated.push(StatedAssumption::Visits { tier, percent });
    }
    if let Some(percent) = percent("assume_redemptions")? {
        stated.push(StatedAssumption::Redemptions { percent });
    }
    Some(stated)
}

/// The start of a day typed as `YYYY-MM-DD`, in the program's time zone.
fn day_start(console: &Console, typed: &str) -> Option<Timestamp> {
    let day = typed.parse::<jiff::civil::Date>().ok()?;
    laurel_core::rules::start_of_day(day, &console.engine.definition().program.time_zone)
}

/// When the draft is to take effect: the date and time typed, in the program's time zone.
fn schedule_at(console: &Console, fields: &Fields) -> Option<Timestamp> {
    let typed = field(fields, "schedule_at").parse::<DateTime>().ok()?;
    let tz = console.engine.definition().program.time_zone.clone();
    typed.to_zoned_datetime(tz).ok().map(|z| z.timestamp())
}

/// A sub-form's item loaded from the draft.
struct Loaded {
    fields: Fields,
    /// False when the form cannot show all of it.
    shown_whole: bool,
}

/// The item picked in `part`'s list (`rule_pick`), as its form's fields.
fn load(part: &str, text: &str, fields: &Fields) -> Result<Loaded, DraftError> {
    let id = field(fields, &format!("{part}_pick"));
    let draft = Draft::parse(text)?;
    Ok(match part_of(part) {
        Part::Rule => {
            let (fields, shown_whole) = draft_rule::fields_of(&draft.rule(id)?, id);
            Loaded {
                fields,
                shown_whole,
            }
        }
        Part::Tier => Loaded {
            fields: draft_tier::fields_of(&draft.tier(id)?, id),
            shown_whole: true,
        },
        Part::Reward => Loaded {
            fields: draft_reward::fields_of(&draft.reward(id)?, id, &draft.time_zone()),
            shown_whole: true,
        },
    })
}

/// The draft with `part`'s form written into it, and the id written; or what stopped it.
fn save(
    part: &str,
    text: &str,
    fields: &Fields,
    l: Locale,
) -> Result<(String, String), Vec<Problem>> {
    let mut draft = Draft::parse(text).map_err(|e| refusal(l, &e))?;
    let editing = field(fields, &format!("{part}_editing"));
    let replacing = (!editing.is_empty()).then_some(editing);
    let id = match part_of(part) {
        Part::Rule => {
            let rule = draft_rule::read(fields, l)?;
            draft.put_rule(&rule, replacing).map(|()| rule.id)
        }
        Part::Tier => {
            let tier = draft_tier::read(fields, l)?;
            draft.put_tier(&tier, replacing).map(|()| tier.id)
        }
        Part::Reward => {
            let reward = draft_reward::read(fields, l, &draft.time_zone())?;
            draft.put_reward(&reward, replacing).map(|()| reward.id)
        }
    }
    .map_err(|e| refusal(l, &e))?;
    Ok((draft.text(), id))
}

fn part_of(part: &str) -> Part {
    match part {
        "tier" => Part::Tier,
        "reward" => Part::Reward,
        _ => Part::Rule,
    }
}

fn prefix_of(part: &str) -> &'static str {
    match part_of(part) {
        Part::Rule => draft_rule::PREFIX,
        Part::Tier => draft_tier::PREFIX,
        Part::Reward => draft_reward::PREFIX,
    }
}

/// Why a draft could not be changed, in the page's words.
fn refusal(l: Locale, error: &DraftError) -> Vec<Problem> {
    let t = l.strings();
    match error {
        DraftError::Unreadable => vec![sentence(t.get("draft.unreadable"))],
        DraftError::NotTables(part) => {
            vec![sentence(&t.with("draft.not_tables", "key", part.key()))]
        }
        DraftError::NotFound(_, id) => vec![sentence(&t.with("draft.not_found", "id", id))],
        DraftError::Invalid(_, _, issues) => issues
            .iter()
            .map(|issue| crate::messages::problem(l, issue))
            .collect(),
    }
}

/// The page: the draft checked as applying it would be (nothing is stored).
async fn draft_page(
    console: &Console,
    staff: &Staff,
    text: String,
    fields: Fields,
    step: Step,
) -> Result<DraftPage, PageError> {
    let l = staff.locale;
    let t = l.strings();
    let check = ApplyProgram {
        text: text.clone(),
        effective_from: None,
        note: None,
        dry_run: true,
    };
    let problems = match console.engine.apply_program(check, &staff.actor()).await {
        Ok(Applied::Checked(_) | Applied::Unchanged(_) | Applied::Created(_)) => Vec::new(),
        Err(e) => problems_of(l, e)?,
    };
    // A refused apply lists the draft's own problems once, below.
    let mut refused = step.refused;
    refused.retain(|p| !problems.contains(p));
    let draft = Draft::parse(&text).ok();
    let ids = |part| draft.as_ref().map(|d| d.ids(part)).unwrap_or_default();
    Ok(DraftPage {
        chrome: Chrome::signed_in(staff, "program", "/admin/program/draft".into()),
        rule_ids: ids(Part::Rule),
        tier_ids: ids(Part::Tier),
        reward_ids: ids(Part::Reward),
        text,
        fields,
        refused,
        problems,
        notice: step.notice,
        time_zone: console
            .engine
            .definition()
            .program
            .time_zone
            .iana_name()
            .unwrap_or("UTC")
            .to_owned(),
        channels: Channel::ALL.iter().map(|c| c.as_str()).collect(),
        weekdays: WEEKDAYS
            .iter()
            .map(|(short, day)| {
                (
                    *short,
                    t.get(&format!("words.day{}", day.to_monday_zero_offset()))
                        .to_owned(),
                )
            })
            .collect(),
        effects: draft_rule::EFFECTS,
        limits: LimitKind::ALL.iter().map(|k| k.as_str()).collect(),
        birthdays: draft_rule::BIRTHDAYS,
        kinds: draft_reward::KINDS,
        events: STANDARD_EVENT_KINDS,
    })
}
