//! The books page's forms, each posted back to the range the page showed and answered with
//! a redirect to it: recording an estimate of the redemption rate (each field refused next to
//! it, in the page's language, nothing recorded), and closing a period after a page that says
//! what closing it locks. The engine audits both in the same transaction as the change, so
//! the console does not audit them again.

use crate::Console;
use crate::books::{self, BOOKS, Forms};
use crate::books_range::{self, RangeForm};
use crate::books_words;
use crate::form_fields::{Fields, field};
use crate::messages;
use crate::page::render;
use crate::web::{Chrome, PageError, Staff};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use laurel_engine::{BooksRange, EngineError, NewEstimate};
use rust_decimal::Decimal;
use serde::Deserialize;

/// The estimate form: what was typed, and the errors next to the fields.
#[derive(Default)]
pub(crate) struct EstimateForm {
    /// When it takes effect: a day, or an RFC 3339 instant.
    pub effective_from: String,
    /// The rate: a share (`0.72`) or a percentage (`72%`).
    pub rate: String,
    /// Why.
    pub note: String,
    /// What is wrong with each.
    pub effective_from_error: Option<String>,
    pub rate_error: Option<String>,
    pub note_error: Option<String>,
}

/// The close form: the period chosen, and why it could not be closed.
#[derive(Default)]
pub(crate) struct CloseForm {
    /// Its stable name (`2026-03`).
    pub period: String,
    /// Why not.
    pub error: Option<String>,
}

/// The range a form came from, carried in its hidden fields.
fn range_of(fields: &Fields) -> RangeForm {
    RangeForm {
        from: field(fields, "from").to_owned(),
        to: field(fields, "to").to_owned(),
    }
}

/// A rate as typed: a share (`0.72`) or a percentage (`72%`).
fn rate(typed: &str) -> Option<Decimal> {
    match typed.strip_suffix('%') {
        Some(percent) => percent
            .trim()
            .parse::<Decimal>()
            .ok()
            .map(|p| p / Decimal::ONE_HUNDRED),
        None => typed.parse().ok(),
    }
}

/// Why the books refused a change dated before `through`, the end of the last close, in
/// words: the instant in the program's time zone.
fn closed_through(staff: &Staff, console: &Console, through: Timestamp) -> String {
    let l = staff.locale;
    let tz = &console.engine.definition().program.time_zone;
    l.strings().with(
        "code.books_period_closed",
        "through",
        &l.date_time(through, tz),
    )
}

/// Records an estimate from the form, then shows it.
pub(crate) async fn record_estimate(
    State(console): State<Console>,
    staff: Staff,
    Form(fields): Form<Fields>,
) -> Result<Response, PageError> {
    staff.may_post(field(&fields, "csrf"), BOOKS)?;
    let l = staff.locale;
    let t = l.strings();
    let range = range_of(&fields);
    let engine = &console.engine;
    let mut form = EstimateForm {
        effective_from: field(&fields, "effective_from").to_owned(),
        rate: field(&fields, "rate").to_owned(),
        note: field(&fields, "note").to_owned(),
        ..EstimateForm::default()
    };
    let required = || Some(t.get("field.required").to_owned());
    let effective_from = engine.books_instant("effective_from", &form.effective_from);
    let read_rate = rate(&form.rate);
    form.effective_from_error = match (&effective_from, form.effective_from.is_empty()) {
        (_, true) => required(),
        (Err(_), false) => Some(t.get("books.bad_instant").to_owned()),
        (Ok(_), false) => None,
    };
    form.rate_error = match (read_rate, form.rate.is_empty()) {
        (_, true) => required(),
        (None, false) => Some(t.get("books.bad_rate").to_owned()),
        (Some(_), false) => None,
    };
    form.note_error = form.note.is_empty().then(required).flatten();
    if let (Ok(effective_from), Some(rate), None) = (effective_from, read_rate, &form.note_error) {
        let estimate = NewEstimate {
            effective_from,
            rate,
            note: form.note.clone(),
        };
        match engine
            .record_books_estimate(estimate, &staff.acting())
            .await
        {
            Ok(recorded) => {
                let id = recorded.id.to_string();
                let to = range.link("/admin/books", &[("estimate", &id)]);
                return Ok(Redirect::to(&to).into_response());
            }
            Err(EngineError::InvalidField { field, code, .. }) => match field.as_str() {
                "note" => form.note_error = Some(messages::message_refused(l, code)),
                _ => form.rate_error = Some(t.get("books.bad_rate").to_owned()),
            },
            Err(EngineError::BooksPeriodClosed { through }) => {
                form.effective_from_error = Some(closed_through(&staff, &console, through));
            }
            Err(e) => return Err(PageError::from_engine(e, l)),
        }
    }
    let forms = Forms {
        estimate: form,
        ..Forms::default()
    };
    books::respond(
        &console,
        &staff,
        &range,
        forms,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[derive(Template)]
#[template(path = "books_close.html")]
struct ConfirmPage {
    chrome: Chrome,
    /// The period's stable name.
    period: String,
    /// What closing it locks, in a sentence.
    locks: String,
    /// Where the books stand at its end: (words, amount).
    standing: Vec<(String, String)>,
    /// The range the page came from, to go back to.
    from: String,
    to: String,
    back: String,
}

/// The close form as the books page sends it to be confirmed.
#[derive(Deserialize)]
pub(crate) struct CloseQuery {
    #[serde(default)]
    period: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// The page that asks before a period is closed: what closing it locks, and where the books
/// stand at its end. A period that may not be closed is refused on the books page, next to
/// the form.
pub(crate) async fn confirm_close(
    State(console): State<Console>,
    staff: Staff,
    Query(query): Query<CloseQuery>,
) -> Result<Response, PageError> {
    staff.require(BOOKS)?;
    let l = staff.locale;
    let t = l.strings();
    let engine = &console.engine;
    let range = RangeForm {
        from: query.from,
        to: query.to,
    };
    let definition = engine.definition();
    let tz = definition.program.time_zone.clone();
    let kind = definition.books_policy().period;
    let closes = engine.books_closes().await.map_err(staff.fail())?;
    let through = closes.last().map(|c| c.period_end);
    let chosen = query.period.trim();
    let Some(span) = books_range::closable(kind, &tz, Timestamp::now(), through)
        .into_iter()
        .find(|s| s.label == chosen)
    else {
        let forms = Forms {
            close: CloseForm {
                period: chosen.to_owned(),
                error: Some(t.get("books.choose_period").to_owned()),
            },
            ..Forms::default()
        };
        return books::respond(&console, &staff, &range, forms, StatusCode::BAD_REQUEST).await;
    };
    let at_end = engine
        .books_report(BooksRange {
            from: span.start,
            to: span.end,
        })
        .await
        .map_err(staff.fail())?;
    let money = |amount| l.amount(amount, at_end.currency);
    let page = ConfirmPage {
        chrome: Chrome::signed_in(
            &staff,
            "books",
            range.link("/admin/books/close", &[("period", &span.label)]),
        ),
        locks: t.fill(
            "books.close_locks",
            &[
                ("period", &books_words::period(l, kind, &span, &tz)),
                ("end", &l.date(books_range::last_day(span.end, &tz))),
            ],
        ),
        standing: vec![
            (
                t.get("books.closing").to_owned(),
                money(at_end.total.sales.closing),
            ),
            (
                t.get("books.provision").to_owned(),
                money(at_end.total.given.closing),
            ),
            (
                t.get("books.rate").to_owned(),
                books_words::rate(at_end.total.rate),
            ),
        ],
        period: span.label,
        back: range.link("/admin/books", &[]),
        from: range.from,
        to: range.to,
    };
    Ok(render(StatusCode::OK, &page))
}

/// Closes the period the confirming page names, then shows it closed.
pub(crate) async fn close(
    State(console): State<Console>,
    staff: Staff,
    Form(fields): Form<Fields>,
) -> Result<Response, PageError> {
    staff.may_post(field(&fields, "csrf"), BOOKS)?;
    let l = staff.locale;
    let range = range_of(&fields);
    let period = field(&fields, "period");
    let error = match console
        .engine
        .close_books_period(period, &staff.acting())
        .await
    {
        Ok(closed) => {
            let id = closed.id.to_string();
            let to = range.link("/admin/books", &[("closed", &id)]);
            return Ok(Redirect::to(&to).into_response());
        }
        Err(EngineError::InvalidField { .. }) => l.strings().get("books.choose_period").to_owned(),
        Err(EngineError::BooksPeriodClosed { through }) => {
            closed_through(&staff, &console, through)
        }
        Err(refused) if refused.is_refusal() => messages::refusal(l, &refused),
        Err(e) => return Err(PageError::from_engine(e, l)),
    };
    let forms = Forms {
        close: CloseForm {
            period: period.to_owned(),
            error: Some(error),
        },
        ..Forms::default()
    };
    books::respond(
        &console,
        &staff,
        &range,
        forms,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::rate;

    #[test]
    fn a_rate_is_a_share_or_a_percentage() {
        assert_eq!(rate("0.72"), Some("0.72".parse().unwrap()));
        assert_eq!(rate("72.5 %"), Some("0.725".parse().unwrap()));
        assert_eq!(rate("72%"), Some("0.72".parse().unwrap()));
        assert_eq!(rate("most"), None);
    }
}
