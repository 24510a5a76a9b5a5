//! The letters the program writes to members by itself (`[notices]`), previewed as a member
//! would read them, in either language whatever the page's: the subject, the text and the
//! HTML (in a sandboxed frame). Admins and managers, who may change the program that sends
//! them.

use crate::Console;
use crate::i18n::Locale;
use crate::page::render;
use crate::web::{Chrome, PageError, Staff};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use laurel_core::notices::NoticeKind;
use laurel_engine::{LetterPreview, Permission};
use serde::Deserialize;

/// A choice among the kinds or the languages, as a link.
struct Choice {
    /// The query value.
    value: &'static str,
    /// What the link says.
    label: String,
    /// Whether it is the one shown.
    chosen: bool,
}

#[derive(Template)]
#[template(path = "letters.html")]
struct LettersPage {
    chrome: Chrome,
    kinds: Vec<Choice>,
    languages: Vec<Choice>,
    kind: &'static str,
    language: &'static str,
    letter: LetterPreview,
}

/// Which letter, in which language.
#[derive(Deserialize)]
pub(crate) struct LetterQuery {
    kind: Option<String>,
    lang: Option<String>,
}

/// The kinds of letter the program writes by itself (the codes members ask for are not
/// among them: their words are the portal's).
fn kinds() -> impl Iterator<Item = NoticeKind> {
    NoticeKind::ALL.iter().copied().filter(|k| k.is_marketing())
}

/// A letter's preview (the program's points about to expire, unless another is asked for).
pub(crate) async fn page(
    State(console): State<Console>,
    staff: Staff,
    Query(query): Query<LetterQuery>,
) -> Result<Response, PageError> {
    staff.require(Permission::EditProgram)?;
    let kind = kinds()
        .find(|k| query.kind.as_deref() == Some(k.as_str()))
        .unwrap_or(NoticeKind::PointsExpiring);
    let language = query
        .lang
        .as_deref()
        .and_then(Locale::from_tag)
        .unwrap_or(staff.locale);
    let letter = console
        .engine
        .letter_preview(kind, language.tag())
        .map_err(staff.fail())?;
    let t = staff.locale.strings();
    let page = LettersPage {
        chrome: Chrome::signed_in(&staff, "automations", "/admin/letters".into()),
        kinds: kinds()
            .map(|k| Choice {
                value: k.as_str(),
                label: t.get(&format!("letters.kind_{}", k.as_str())).to_owned(),
                chosen: k == kind,
            })
            .collect(),
        languages: Locale::ALL
            .iter()
            .map(|l| Choice {
                value: l.tag(),
                label: l.native_name().to_owned(),
                chosen: *l == language,
            })
            .collect(),
        kind: kind.as_str(),
        language: language.tag(),
        letter,
    };
    Ok(render(StatusCode::OK, &page))
}
