//! The books (IFRS 15), for admins and finance: at `/admin/books` the points liability as
//! money over a range of reporting periods (`books_range.rs`'s form) — the contract
//! liability rolled forward a row a period (`books_table.rs`) and drawn (`books_chart.rs`),
//! the value held in wallets rolled forward below it (`books_stored_value.rs`), the estimate
//! of the redemption rate in force and where it came from, every estimate and close, what
//! the model does in words — with the forms that record an estimate and close a
//! period (`books_forms.rs`) and the journal's download (`books_journal.rs`).

use crate::Console;
use crate::books_chart;
use crate::books_forms::{CloseForm, EstimateForm};
use crate::books_range::{self, RangeErrors, RangeForm};
use crate::books_stored_value;
use crate::books_table::{self, FIGURES, Row};
use crate::books_words;
use crate::charts::Chart;
use crate::i18n::Locale;
use crate::insight_period::PeriodBox;
use crate::page::render;
use crate::web::{Chrome, PageError, Staff};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use laurel_core::books::{ReportingPeriod, Span};
use laurel_engine::{BooksClose, BooksEstimate, BooksReport, Permission, RateSource};
use serde::Deserialize;

/// Who may read the books and act on them.
pub(crate) const BOOKS: Permission = Permission::KeepBooks;

#[derive(Template)]
#[template(path = "books.html")]
struct BooksPage {
    chrome: Chrome,
    /// The range form, its days as typed or those of the range shown.
    period_box: PeriodBox,
    /// What was just done, after a form's redirect.
    notice: Option<String>,
    /// The figures, when the range is one.
    shown: Option<Shown>,
    estimate: EstimateForm,
    close: CloseForm,
    /// The periods that may be closed: (stable name, words), newest first.
    closable: Vec<(String, String)>,
    estimates: Vec<EstimateRow>,
    closes: Vec<CloseRow>,
}

/// The figures of a range as the page shows them.
struct Shown {
    /// The range, in words.
    range: String,
    /// The roll-forward's column headings: (stable name, words).
    columns: Vec<(&'static str, String)>,
    rows: Vec<Row>,
    /// The whole range's row.
    total: Row,
    /// Absent when charts-rs failed (logged).
    chart: Option<Chart>,
    /// The estimate in force at the range's end and where it came from, in a sentence.
    in_force: String,
    /// How far the books are closed, in a sentence.
    closed: Option<String>,
    /// The journal's download.
    journal: String,
    /// The value held in wallets and gift cards, rolled forward.
    stored: books_stored_value::StoredValueTable,
}

/// An estimate as the page lists it.
struct EstimateRow {
    id: i64,
    effective_from: String,
    rate: String,
    note: String,
    who: String,
    recorded: String,
}

/// A close as the page lists it.
struct CloseRow {
    period: String,
    label: String,
    who: String,
    closed: String,
}

/// What a form just did, by the id of what it made (never text from a link).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Done {
    /// The estimate just recorded.
    estimate: Option<i64>,
    /// The close just made.
    closed: Option<i64>,
}

/// `/admin/books`.
pub(crate) async fn page(
    State(console): State<Console>,
    staff: Staff,
    Query(range): Query<RangeForm>,
    Query(done): Query<Done>,
) -> Result<Response, PageError> {
    staff.require(BOOKS)?;
    let forms = Forms {
        done,
        ..Forms::default()
    };
    respond(&console, &staff, &range, forms, StatusCode::OK).await
}

/// The page's forms as posted and refused, and what one just did.
#[derive(Default)]
pub(crate) struct Forms {
    /// The estimate form.
    pub estimate: EstimateForm,
    /// The close form.
    pub close: CloseForm,
    /// What a form just did.
    pub done: Done,
}

/// The page for `range` with `forms` as they stand, answered with `status` (a range refused
/// is a bad request whatever the forms say).
pub(crate) async fn respond(
    console: &Console,
    staff: &Staff,
    range: &RangeForm,
    forms: Forms,
    status: StatusCode,
) -> Result<Response, PageError> {
    let l = staff.locale;
    let engine = &console.engine;
    let definition = engine.definition();
    let tz = definition.program.time_zone.clone();
    let kind = definition.books_policy().period;
    let now = Timestamp::now();
    let asked = range.page_range(engine, l);
    let report = async {
        match &asked {
            Ok(range) => engine.books_report(*range).await.map(Some),
            Err(_) => Ok(None),
        }
    };
    // Independent reads: at once, so the page takes the longest of them.
    let (report, estimates, closes) =
        tokio::try_join!(report, engine.books_estimates(), engine.books_closes())
            .map_err(staff.fail())?;
    let (from, to, days, path) = match &report {
        Some(report) => {
            let days = books_range::days(report.range, &tz);
            let path = format!("/admin/books?{}", books_range::query(days));
            (days.0.to_string(), days.1.to_string(), Some(days), path)
        }
        // Refused next to its field, with the form to correct it and no figures.
        None => (
            range.from.clone(),
            range.to.clone(),
            None,
            "/admin/books".to_owned(),
        ),
    };
    let errors = asked.err().unwrap_or_default();
    let status = if errors == RangeErrors::default() {
        status
    } else {
        StatusCode::BAD_REQUEST
    };
    let closed_through = closes.last().map(|c| c.period_end);
    let page = BooksPage {
        chrome: Chrome::signed_in(staff, "books", path),
        notice: notice(l, &forms.done, &estimates, &closes, &tz),
        shown: report.map(|r| shown(l, &r, &estimates, &tz)),
        period_box: PeriodBox {
            id: "range",
            action: "/admin/books".into(),
            from,
            to,
            errors,
            quick: books_range::quick_choices(l, kind, &tz, now, days),
            kept: Vec::new(),
        },
        estimate: forms.estimate,
        close: forms.close,
        closable: books_range::closable(kind, &tz, now, closed_through)
            .iter()
            .map(|s| (s.label.clone(), books_words::period(l, kind, s, &tz)))
            .collect(),
        estimates: estimates.iter().map(|e| estimate_row(l, e, &tz)).collect(),
        closes: closes.iter().map(|c| close_row(l, kind, c, &tz)).collect(),
    };
    Ok(render(status, &page))
}

/// The figures of `report` in the page's words.
fn shown(l: Locale, report: &BooksReport, estimates: &[BooksEstimate], tz: &TimeZone) -> Shown {
    let t = l.strings();
    let labels: Vec<String> = report
        .periods
        .iter()
        .map(|p| books_words::period(l, report.period, &p.span, tz))
        .collect();
    let mut columns: Vec<(&'static str, String)> = FIGURES
        .iter()
        .map(|(name, key, _)| (*name, t.get(key).to_owned()))
        .collect();
    columns.push(("provision", t.get("books.provision").to_owned()));
    let days = books_range::days(report.range, tz);
    Shown {
        range: books_words::days(l, report.range.from, report.range.to, tz),
        columns,
        rows: books_table::rows(l, report, &labels, tz),
        total: books_table::total(l, report),
        chart: books_chart::liability(l, report, &labels),
        in_force: in_force(l, report, estimates, tz),
        closed: report.closed_through.map(|through| {
            let last = books_range::last_day(through, tz);
            t.with("books.closed_through", "through", &l.date(last))
        }),
        journal: format!("/admin/books/journal.csv?{}", books_range::query(days)),
        stored: books_stored_value::table(l, report, &labels),
    }
}

/// The estimate in force at the end of `report`'s range, and where it came from.
fn in_force(l: Locale, report: &BooksReport, estimates: &[BooksEstimate], tz: &TimeZone) -> String {
    let t = l.strings();
    let rate = books_words::rate(report.estimate.rate);
    let end = l.date(books_range::last_day(report.range.to, tz));
    let recorded = match report.estimate.source {
        RateSource::Estimate(id) => estimates.iter().find(|e| e.id == id),
        RateSource::Program => None,
    };
    match recorded {
        Some(e) => t.fill(
            "books.in_force_estimate",
            &[
                ("end", &end),
                ("rate", &rate),
                ("from", &l.date_time(e.effective_from, tz)),
                ("who", &books_words::actor(l, &e.actor)),
                ("note", &e.note),
            ],
        ),
        None => t.fill("books.in_force_program", &[("end", &end), ("rate", &rate)]),
    }
}

/// An estimate in the page's words.
fn estimate_row(l: Locale, e: &BooksEstimate, tz: &TimeZone) -> EstimateRow {
    EstimateRow {
        id: e.id,
        effective_from: l.date_time(e.effective_from, tz),
        rate: books_words::rate(e.rate),
        note: e.note.clone(),
        who: books_words::actor(l, &e.actor),
        recorded: l.date_time(e.recorded_at, tz),
    }
}

/// A close in the page's words.
fn close_row(l: Locale, kind: ReportingPeriod, c: &BooksClose, tz: &TimeZone) -> CloseRow {
    let span = Span {
        label: c.period.clone(),
        start: c.period_start,
        end: c.period_end,
        whole: true,
    };
    CloseRow {
        period: c.period.clone(),
        label: books_words::period(l, kind, &span, tz),
        who: books_words::actor(l, &c.actor),
        closed: l.date_time(c.closed_at, tz),
    }
}

/// What a form just did, in a sentence: found by the id its redirect carried.
fn notice(
    l: Locale,
    done: &Done,
    estimates: &[BooksEstimate],
    closes: &[BooksClose],
    tz: &TimeZone,
) -> Option<String> {
    let t = l.strings();
    if let Some(e) = done
        .estimate
        .and_then(|id| estimates.iter().find(|e| e.id == id))
    {
        return Some(t.fill(
            "books.estimate_recorded",
            &[
                ("rate", &books_words::rate(e.rate)),
                ("from", &l.date_time(e.effective_from, tz)),
            ],
        ));
    }
    let c = done
        .closed
        .and_then(|id| closes.iter().find(|c| c.id == id))?;
    Some(t.with("books.period_closed", "period", &c.period))
}
