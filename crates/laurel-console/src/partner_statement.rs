//! A partner's settlement statement (`/admin/partners/{code}`, for those who keep the books):
//! the period form (Insight's: its days, its default and its quick choices), what the partner
//! issued and what was burned there with their worth, who owes whom the difference, and every
//! line oldest first, a page at a time on the engine's cursor, with the whole statement's
//! download (`partner_csv.rs`). An unknown code is the not-found page.

use crate::Console;
use crate::books::BOOKS;
use crate::i18n::Locale;
use crate::insight_period::{self, PeriodBox, PeriodErrors, PeriodForm};
use crate::page::render;
use crate::partner_words::{LineWords, PartnerWords, TotalsWords};
use crate::table::Table;
use crate::web::{Chrome, PageError, Staff};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::tz::TimeZone;
use laurel_core::insight::Period;
use laurel_engine::PartnerStatement;
use serde::Deserialize;

/// Lines a page lists.
pub(crate) const LINES_PAGE: u32 = 25;

/// Which page of lines: the statement's cursor.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct LinesQuery {
    /// The last line of the page before.
    after: Option<i64>,
}

#[derive(Template)]
#[template(path = "partner_statement.html")]
struct StatementPage {
    chrome: Chrome,
    partner: PartnerWords,
    period_box: PeriodBox,
    /// The statement, when the period is one.
    shown: Option<Shown>,
}

/// A statement as the page shows it.
struct Shown {
    /// Its days, in words.
    period: String,
    /// The totals each way, as a table of figures.
    totals: Table,
    /// `partner_owes`, `program_owes` or `settled`.
    direction: &'static str,
    /// Who owes whom the difference, in a sentence.
    due: String,
    /// How many lines in all, in a sentence.
    count: String,
    lines: Vec<LineWords>,
    first: Option<String>,
    next: Option<String>,
    /// The whole statement's download.
    csv: String,
}

/// `/admin/partners/{code}`.
pub(crate) async fn page(
    State(console): State<Console>,
    staff: Staff,
    Path(code): Path<String>,
    Query(form): Query<PeriodForm>,
    Query(lines): Query<LinesQuery>,
) -> Result<Response, PageError> {
    staff.require(BOOKS)?;
    let l = staff.locale;
    let engine = &console.engine;
    let partner = engine.partner(&code).map_err(staff.fail())?;
    let definition = engine.definition();
    let currency = definition.program.currency;
    // From here the code is the program's own, safe in links.
    let path = format!("/admin/partners/{}", partner.code);
    let tz = &definition.program.time_zone;
    let today = insight_period::today(tz);
    let asked = form.period(l, today);
    let quick = |shown| insight_period::quick_choices(l, &path, today, shown);
    let (period, statement) = match asked {
        Ok(period) => {
            let statement = engine
                .partner_statement(&partner.code, period, lines.after, LINES_PAGE)
                .await
                .map_err(staff.fail())?;
            (period, statement)
        }
        // Refused next to its field, with the form to correct it and no figures.
        Err(errors) => {
            let page = StatementPage {
                chrome: Chrome::signed_in(&staff, "partners", path.clone()),
                partner: PartnerWords::of(l, &partner, currency),
                period_box: period_box(&path, form.from, form.to, errors, quick(None)),
                shown: None,
            };
            return Ok(render(StatusCode::BAD_REQUEST, &page));
        }
    };
    let query = insight_period::query(period);
    let at = |after: Option<i64>| match after {
        Some(after) => format!("{path}?{query}&after={after}"),
        None => format!("{path}?{query}"),
    };
    let shown = shown(l, tz, &statement, lines.after, &at);
    let page = StatementPage {
        chrome: Chrome::signed_in(&staff, "partners", at(lines.after)),
        partner: PartnerWords::of(l, &partner, currency),
        period_box: period_box(
            &path,
            period.from.to_string(),
            period.to.to_string(),
            PeriodErrors::default(),
            quick(Some(period)),
        ),
        shown: Some(shown),
    };
    Ok(render(StatusCode::OK, &page))
}

/// The statement's form asking `path`.
fn period_box(
    path: &str,
    from: String,
    to: String,
    errors: PeriodErrors,
    quick: Vec<insight_period::Quick>,
) -> PeriodBox {
    PeriodBox {
        id: "period",
        action: path.to_owned(),
        from,
        to,
        errors,
        quick,
        kept: Vec::new(),
    }
}

/// `statement` in `l`, its times in `tz`, as the page shows the lines after `after`; `at`
/// links the page of lines after a line (the first page after none).
fn shown(
    l: Locale,
    tz: &TimeZone,
    statement: &PartnerStatement,
    after: Option<i64>,
    at: &dyn Fn(Option<i64>) -> String,
) -> Shown {
    let t = l.strings();
    let currency = statement.currency;
    let totals = TotalsWords::of(l, &statement.settlement, currency);
    let period = Period {
        from: statement.from,
        to: statement.to,
    };
    Shown {
        period: t.with(
            "partners.statement_period",
            "period",
            &insight_period::words(l, period),
        ),
        totals: totals.table(l, "statement-totals"),
        direction: totals.direction,
        due: totals.due,
        count: t.with(
            "partners.lines_count",
            "count",
            &l.integer(statement.lines_total),
        ),
        lines: statement
            .lines
            .iter()
            .map(|line| LineWords::of(l, tz, currency, line))
            .collect(),
        first: after.is_some().then(|| at(None)),
        next: statement.next.map(|next| at(Some(next))),
        csv: format!(
            "/admin/partners/{}/settlement.csv?{}",
            statement.partner.code,
            insight_period::query(period)
        ),
    }
}
