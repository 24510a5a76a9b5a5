//! The member's household (`/portal/household`, linked from home when the program offers
//! households). Without one, the member makes one (its name) or asks to join one by its
//! owner's member code, under the program's terms in words (who spends whose points, how many
//! may belong). With one: its name, who spends whose points, every member with their role and
//! points, the points they have together, what this member may spend with the household's
//! help, and what was lent within it; the owner shares their member code, approves or declines
//! those who asked, removes members and may end it (after a second page asking to be sure);
//! a member leaves; one who asked sees they wait for the owner and may withdraw. Every form
//! posts with the session's CSRF token; a refusal is said next to its field, or above the
//! household when it is about none, with nothing changed. Without `[households]` the page says
//! the program offers none.

use super::home::Activity;
use super::web::{Chrome, Member, PortalError};
use crate::Console;
use crate::form_fields::Field;
use crate::household_words::{HouseholdWords, member_name, mode_words, role_of, spendable};
use crate::i18n::Locale;
use crate::messages::refusal;
use crate::page::render;
use crate::transfer_words::{TRANSFERS_SHOWN, TransferLine};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use laurel_engine::{EngineError, ErrorCode, HouseholdView};
use serde::Deserialize;

/// Where the page is.
const PATH: &str = "/portal/household";

/// The forms of a member in no household: making one, asking to join one.
pub(crate) struct Forms {
    /// The new household's name.
    name: Field,
    /// The owner's member code.
    code: Field,
}

impl Forms {
    /// Both forms empty.
    fn blank(l: Locale) -> Forms {
        let t = l.strings();
        Forms {
            name: Field::new(
                "household-name",
                "name",
                t.get("households.name"),
                r#"required autocomplete="off" maxlength="200""#,
            )
            .hint(t.get("households.name_hint").to_owned()),
            code: Field::new(
                "household-code",
                "code",
                t.get("households.code"),
                r#"required autocomplete="off" autocapitalize="characters" maxlength="64""#,
            )
            .hint(t.get("households.code_hint").to_owned()),
        }
    }
}

#[derive(Template)]
#[template(path = "portal/household.html")]
struct HouseholdPage {
    chrome: Chrome,
    /// Whether the program offers households.
    offered: bool,
    /// The program's terms, each a sentence: who spends whose points, how many may belong.
    terms: Vec<String>,
    household: Option<HouseholdWords>,
    /// The member's role in it: `owner`, `member` or `requested`.
    role: String,
    /// The member's own id (their line in the list has no remove button).
    me: i64,
    /// The member's own member code: the owner shares it; shown to a member in none too.
    code: String,
    /// What the member may spend with the household's help, in a sentence.
    spendable: Option<String>,
    /// That the member waits for the owner's consent, in a sentence.
    waiting_for: Option<String>,
    forms: Forms,
    /// A refusal about no field (approving, removing, leaving).
    error: Option<String>,
    /// What was just done, in words.
    done: Option<String>,
    /// What was lent within the household to or by the member, newest first.
    lends: Vec<Activity>,
}

#[derive(Deserialize)]
pub(crate) struct PageQuery {
    done: Option<String>,
}

/// `member`'s own spendable points as the household lists them.
fn role_available(view: &HouseholdView, member: i64) -> Option<i64> {
    view.members
        .iter()
        .find(|m| m.member_id == member)
        .map(|m| m.available)
}

/// What was just done, in words.
fn done_words(l: Locale, done: Option<&str>) -> Option<String> {
    let key = match done? {
        "made" => "households.done_made",
        "asked" => "households.done_asked",
        "approved" => "households.done_approved",
        "declined" => "households.done_declined",
        "removed" => "households.done_removed",
        "left" => "households.done_left",
        "withdrawn" => "households.done_withdrawn",
        "ended" => "households.done_ended",
        _ => return None,
    };
    Some(l.strings().get(key).to_owned())
}

/// Back to the page, saying what was done.
fn done(what: &str) -> Response {
    Redirect::to(&format!("{PATH}?done={what}#household-done")).into_response()
}

/// The page with the forms as given and a refusal about no field.
async fn household_page(
    console: &Console,
    member: &Member,
    done: Option<&str>,
    forms: Forms,
    error: Option<String>,
) -> Result<HouseholdPage, PortalError> {
    let l = member.locale;
    let t = l.strings();
    let fail = member.fail();
    let engine = &console.engine;
    let me = member.id();
    let policy = engine.household_policy();
    // Read whether or not the program still offers households: one made while it did may
    // still be left.
    let view = engine.household_of(me).await.map_err(&fail)?;
    let role = view
        .as_ref()
        .and_then(|v| role_of(v, me))
        .unwrap_or_default()
        .to_owned();
    let code = match (&policy, role.as_str()) {
        (Some(_), "" | "owner") => engine.referrals(me, 1).await.map_err(&fail)?.code,
        _ => String::new(),
    };
    let tz = &engine.definition().program.time_zone;
    let lends = match &view {
        Some(v) if role != "requested" => engine
            .transfers_of(me, None, TRANSFERS_SHOWN)
            .await
            .map_err(&fail)?
            .transfers
            .iter()
            .filter(|tr| tr.household == Some(v.id))
            .map(|tr| {
                let line = TransferLine::of(l, tz, me, tr, crate::transfer_words::member_name);
                Activity {
                    when: line.when,
                    what: line.headline,
                    detail: String::new(),
                    grants: Vec::new(),
                    points: line.points,
                    sign: line.sign,
                }
            })
            .collect(),
        _ => Vec::new(),
    };
    let household = view
        .as_ref()
        .map(|v| HouseholdWords::of(l, tz, v, member_name));
    let waiting_for = household.as_ref().filter(|_| role == "requested").map(|h| {
        t.fill(
            "households.waiting_for",
            &[("name", &h.name), ("owner", &h.owner)],
        )
    });
    Ok(HouseholdPage {
        chrome: Chrome::signed_in(member, "home", PATH.to_owned()),
        waiting_for,
        offered: policy.is_some(),
        terms: policy
            .map(|p| {
                vec![
                    mode_words(l, p.mode.as_str()),
                    t.with(
                        "households.max_members",
                        "max",
                        &l.integer(i64::from(p.max_members)),
                    ),
                ]
            })
            .unwrap_or_default(),
        // Said when the household adds to what the member has.
        spendable: view
            .as_ref()
            .and_then(|v| Some((spendable(v, me)?, role_available(v, me)?)))
            .filter(|(may, own)| may > own)
            .map(|(n, _)| t.with("households.you_may_spend", "points", &l.integer(n))),
        household,
        role,
        me,
        code,
        forms,
        error,
        done: done_words(l, done),
        lends,
    })
}

/// The most the signed-in member may spend with their household's help, when they belong to
/// one (the catalog offers what the household can pay for).
pub(super) async fn spendable_with_household(
    console: &Console,
    member: &Member,
) -> Result<Option<i64>, PortalError> {
    let engine = &console.engine;
    if engine.household_policy().is_none() {
        return Ok(None);
    }
    let view = engine
        .household_of(member.id())
        .await
        .map_err(member.fail())?;
    Ok(view.and_then(|v| spendable(&v, member.id())))
}

/// The page.
pub(crate) async fn page(
    State(console): State<Console>,
    member: Member,
    Query(query): Query<PageQuery>,
) -> Result<Response, PortalError> {
    let forms = Forms::blank(member.locale);
    let page = household_page(&console, &member, query.done.as_deref(), forms, None).await?;
    Ok(render(StatusCode::OK, &page))
}

/// The page again, refused: what was typed kept, the refusal where it belongs.
async fn refused(
    console: &Console,
    member: &Member,
    forms: Forms,
    error: Option<String>,
) -> Result<Response, PortalError> {
    let page = household_page(console, member, None, forms, error).await?;
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

#[derive(Deserialize)]
pub(crate) struct MakeFields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
}

/// Makes a household owned by the signed-in member.
pub(crate) async fn make(
    State(console): State<Console>,
    member: Member,
    Form(fields): Form<MakeFields>,
) -> Result<Response, PortalError> {
    member.check_csrf(&fields.csrf)?;
    let l = member.locale;
    let name = fields.name.trim();
    let blank = Forms::blank(l);
    let mut forms = Forms {
        name: blank.name.typed(name),
        ..blank
    };
    if name.is_empty() {
        forms.name.error = Some(l.strings().get("field.required").to_owned());
        return refused(&console, &member, forms, None).await;
    }
    match console
        .engine
        .create_household(member.id(), name.to_owned())
        .await
    {
        Ok(_) => Ok(done("made")),
        Err(e @ EngineError::InvalidField { .. }) => {
            forms.name.error = Some(refusal(l, &e));
            refused(&console, &member, forms, None).await
        }
        // About no field (say, a household made meanwhile): above whatever the page shows.
        Err(e) if e.is_refusal() => refused(&console, &member, forms, Some(refusal(l, &e))).await,
        Err(e) => Err(member.fail()(e)),
    }
}

#[derive(Deserialize)]
pub(crate) struct AskFields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
}

/// The signed-in member asks to join the household whose owner's member code they typed.
pub(crate) async fn ask(
    State(console): State<Console>,
    member: Member,
    Form(fields): Form<AskFields>,
) -> Result<Response, PortalError> {
    member.check_csrf(&fields.csrf)?;
    let l = member.locale;
    let t = l.strings();
    let engine = &console.engine;
    let fail = member.fail();
    let code = fields.code.trim();
    let blank = Forms::blank(l);
    let mut forms = Forms {
        code: blank.code.typed(code),
        ..blank
    };
    let refusal_key = if code.is_empty() {
        Some("field.required")
    } else {
        match engine.member_by_code(code).await.map_err(&fail)? {
            None => Some("households.unknown_code"),
            Some(owner) if owner == member.id() => Some("households.own_code"),
            Some(owner) => match engine.household_of(owner).await.map_err(&fail)? {
                None => Some("households.no_household"),
                Some(h) if h.owner_id != owner => Some("households.not_owner"),
                Some(h) => match engine.join_household(h.id, member.id()).await {
                    Ok(_) => return Ok(done("asked")),
                    // In a household meanwhile: the page shows it, the refusal above it.
                    Err(e) if e.code() == ErrorCode::InAnotherHousehold => {
                        return refused(&console, &member, forms, Some(refusal(l, &e))).await;
                    }
                    Err(e) if e.is_refusal() => {
                        forms.code.error = Some(refusal(l, &e));
                        None
                    }
                    Err(e) => return Err(fail(e)),
                },
            },
        }
    };
    if let Some(key) = refusal_key {
        forms.code.error = Some(t.get(key).to_owned());
    }
    refused(&console, &member, forms, None).await
}

#[derive(Deserialize)]
pub(crate) struct MemberFields {
    #[serde(default)]
    csrf: String,
    /// The household member the button is about.
    #[serde(default)]
    member: i64,
}

/// The signed-in member's household, if they are in one.
async fn household_of(
    console: &Console,
    member: &Member,
) -> Result<Option<HouseholdView>, PortalError> {
    console
        .engine
        .household_of(member.id())
        .await
        .map_err(member.fail())
}

/// The signed-in member's household, refused as not found when they are in none.
async fn mine(console: &Console, member: &Member) -> Result<HouseholdView, PortalError> {
    household_of(console, member)
        .await?
        .ok_or_else(|| PortalError::new(StatusCode::NOT_FOUND, member.locale, "error.not_found"))
}

/// The signed-in member's household when they own it; else not found.
async fn owned(console: &Console, member: &Member) -> Result<HouseholdView, PortalError> {
    let household = mine(console, member).await?;
    if household.owner_id != member.id() {
        return Err(PortalError::new(
            StatusCode::NOT_FOUND,
            member.locale,
            "error.not_found",
        ));
    }
    Ok(household)
}

/// The owner consents to a member's joining.
pub(crate) async fn approve(
    State(console): State<Console>,
    member: Member,
    Form(fields): Form<MemberFields>,
) -> Result<Response, PortalError> {
    member.check_csrf(&fields.csrf)?;
    let household = owned(&console, &member).await?;
    match console
        .engine
        .approve_household_member(household.id, fields.member)
        .await
    {
        Ok(_) => Ok(done("approved")),
        Err(e) if e.is_refusal() => {
            let words = Some(refusal(member.locale, &e));
            refused(&console, &member, Forms::blank(member.locale), words).await
        }
        Err(e) => Err(member.fail()(e)),
    }
}

/// A member leaves (or withdraws their request); the owner declines a request or removes a
/// member. The owner leaving ends the household: that is [`end`]'s, after asking.
pub(crate) async fn remove(
    State(console): State<Console>,
    member: Member,
    Form(fields): Form<MemberFields>,
) -> Result<Response, PortalError> {
    member.check_csrf(&fields.csrf)?;
    let me = member.id();
    // A second press of the button (the first left, or the household ended) is answered as
    // the first was, not with an error.
    let Some(household) = household_of(&console, &member).await? else {
        return Ok(done(if fields.member == me {
            "left"
        } else {
            "removed"
        }));
    };
    let role = role_of(&household, fields.member);
    let what = match (fields.member == me, household.owner_id == me, role) {
        (true, true, _) => return Ok(Redirect::to(&format!("{PATH}/end")).into_response()),
        (false, true, None) => return Ok(done("removed")),
        (true, false, Some("requested")) => "withdrawn",
        (true, false, _) => "left",
        (false, true, Some("requested")) => "declined",
        (false, true, _) => "removed",
        // Only the owner removes someone else.
        (false, false, _) => {
            return Err(PortalError::new(
                StatusCode::NOT_FOUND,
                member.locale,
                "error.not_found",
            ));
        }
    };
    match console
        .engine
        .leave_household(household.id, fields.member)
        .await
    {
        Ok(_) => Ok(done(what)),
        Err(e) if e.is_refusal() => {
            let words = Some(refusal(member.locale, &e));
            refused(&console, &member, Forms::blank(member.locale), words).await
        }
        Err(e) => Err(member.fail()(e)),
    }
}

#[derive(Template)]
#[template(path = "portal/household_end.html")]
struct EndPage {
    chrome: Chrome,
    household: HouseholdWords,
}

/// The second page before the owner ends the household: what ending it does, and the button.
pub(crate) async fn confirm_end(
    State(console): State<Console>,
    member: Member,
) -> Result<Response, PortalError> {
    let household = owned(&console, &member).await?;
    let l = member.locale;
    let tz = &console.engine.definition().program.time_zone;
    let page = EndPage {
        chrome: Chrome::signed_in(&member, "home", format!("{PATH}/end")),
        household: HouseholdWords::of(l, tz, &household, member_name),
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Deserialize)]
pub(crate) struct EndFields {
    #[serde(default)]
    csrf: String,
}

/// The owner ends the household: every member leaves it, keeping their own points.
pub(crate) async fn end(
    State(console): State<Console>,
    member: Member,
    Form(fields): Form<EndFields>,
) -> Result<Response, PortalError> {
    member.check_csrf(&fields.csrf)?;
    // A second press, after the household ended, is answered as the first was.
    if household_of(&console, &member).await?.is_none() {
        return Ok(done("ended"));
    }
    let household = owned(&console, &member).await?;
    console
        .engine
        .leave_household(household.id, member.id())
        .await
        .map_err(member.fail())?;
    Ok(done("ended"))
}
