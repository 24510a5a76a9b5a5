//! The Insight section, for staff who may read reports: at `/admin/insight` the KPIs of a
//! period (`insight_period.rs`'s form) beside those of the period before (`insight_words.rs`),
//! then a section per breakdown (`insight_tables.rs`), the period's purchase frequency and
//! recency (`insight_distributions.rs`), retention by monthly cohort over the months the query
//! names (`insight_cohorts.rs`) and the daily charts (`charts.rs`), each with its table and a
//! CSV download (`insight_csv.rs`); at `/admin/insight/definitions` what every KPI counts. The
//! page is a list of sections with a contents list at its top, so a new analysis is one more
//! section.

use crate::Console;
use crate::charts::{self, Chart};
use crate::insight_cohorts::{self, MonthsForm};
use crate::insight_distributions::{self, Repeat};
use crate::insight_period::{self, PeriodBox, PeriodErrors, PeriodForm};
use crate::insight_tables::{self, Breakdown};
use crate::insight_words::{self, KpiRow};
use crate::page::render;
use crate::web::{Chrome, PageError, Staff};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Timestamp;
use laurel_core::insight::KpiId;
use laurel_engine::{DAILY_DAYS_MAX, Permission};

#[derive(Template)]
#[template(path = "insight.html")]
struct InsightPage {
    chrome: Chrome,
    /// The period form, keeping the cohort table's months when they are not the default.
    period_box: PeriodBox,
    /// The figures, when the period is one.
    shown: Option<Shown>,
}

/// The figures of a period as the page shows them.
struct Shown {
    /// The period and the one before, in words.
    period: String,
    /// The sections, in the page's order, for the contents list: (element id, heading).
    contents: Vec<(&'static str, String)>,
    rows: Vec<KpiRow>,
    /// The repeat-purchase rate, under the KPIs (it is the frequency's, not a KPI).
    repeat: Repeat,
    breakdowns: Vec<Breakdown>,
    distributions: Vec<insight_distributions::Section>,
    cohorts: insight_cohorts::Section,
    charts: Vec<Chart>,
    /// The charts' days in words (the last [`DAILY_DAYS_MAX`] of a longer period).
    chart_period: String,
    kpis_csv: String,
    daily_csv: String,
    distributions_csv: String,
}

#[derive(Template)]
#[template(path = "insight_definitions.html")]
struct DefinitionsPage {
    chrome: Chrome,
    /// Every KPI: (stable name, name, definition).
    kpis: Vec<(&'static str, String, String)>,
    /// The figures the section shows that are not KPIs: the repeat-purchase rate.
    others: Vec<(&'static str, String, String)>,
}

/// The section's page for the period its form names.
pub(crate) async fn page(
    State(console): State<Console>,
    staff: Staff,
    Query(form): Query<PeriodForm>,
    Query(months): Query<MonthsForm>,
) -> Result<Response, PageError> {
    staff.require(Permission::ViewReports)?;
    let l = staff.locale;
    let definition = console.engine.definition();
    let today = insight_period::today(&definition.program.time_zone);
    let asked = form.period(l, today);
    let months = months.months();
    // The cohort table's months, when not the default, go with every link to another period.
    let kept = insight_cohorts::kept(months);
    let months_kept = months.filter(|&m| m != insight_cohorts::DEFAULT_MONTHS);
    let period_box = |from: String, to: String, errors, shown| {
        let mut quick = insight_period::quick_choices(l, "/admin/insight", today, shown);
        for q in &mut quick {
            q.href.push_str(&kept);
        }
        PeriodBox {
            id: "period",
            action: "/admin/insight".into(),
            from,
            to,
            errors,
            quick,
            kept: months_kept
                .map(|m| ("months", m.to_string()))
                .into_iter()
                .collect(),
        }
    };
    let path = match &asked {
        Ok(period) => format!("/admin/insight?{}{kept}", insight_period::query(*period)),
        Err(_) => "/admin/insight".to_owned(),
    };
    let chrome = Chrome::signed_in(&staff, "insight", path);
    let (period, errors) = match asked {
        Ok(period) => (period, PeriodErrors::default()),
        // Refused next to its field, with the form to correct it and no figures.
        Err(errors) => {
            let page = InsightPage {
                chrome,
                period_box: period_box(form.from, form.to, errors, None),
                shown: None,
            };
            return Ok(render(StatusCode::BAD_REQUEST, &page));
        }
    };
    // Independent reads: at once, so the page takes the longest of them.
    let engine = &console.engine;
    let cohorts = async {
        match months {
            Some(months) => engine
                .cohorts(months, Timestamp::now())
                .await
                .map(|cohorts| Some((months, cohorts))),
            None => Ok(None),
        }
    };
    let (report, days, spread, cohorts) = tokio::try_join!(
        engine.kpis(period),
        engine.daily_series(period),
        engine.distributions(period),
        cohorts,
    )
    .map_err(staff.fail())?;
    let t = l.strings();
    let query = insight_period::query(period);
    let period_words = insight_period::words(l, period);
    let breakdowns = insight_tables::breakdowns(l, &report, &definition);
    let distributions = insight_distributions::sections(l, &spread, period, &period_words);
    let cohorts =
        insight_cohorts::section(l, &query, cohorts.as_ref().map(|(m, c)| (*m, c.as_slice())));
    let charts: Vec<Chart> = [
        charts::sales(l, &days, definition.program.currency),
        charts::points_moved(l, &days),
        charts::enrollments(l, &days),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut contents = vec![("kpis", t.get("insight.kpis").to_owned())];
    contents.extend(breakdowns.iter().map(|b| (b.id, b.heading.clone())));
    contents.extend(
        distributions
            .iter()
            .map(|d| (d.id, d.chart.heading.clone())),
    );
    contents.push(("cohorts", cohorts.heading.clone()));
    contents.extend(charts.iter().map(|c| (c.id, c.heading.clone())));
    let chart_period = match (days.first(), days.last()) {
        (Some(first), Some(last)) if period.days() > i64::from(DAILY_DAYS_MAX) => t.fill(
            "insight.chart_days_last",
            &[
                ("days", &l.integer(i64::from(DAILY_DAYS_MAX))),
                ("from", &l.date(first.date)),
                ("to", &l.date(last.date)),
            ],
        ),
        _ => period_words.clone(),
    };
    let shown = Shown {
        period: t.fill(
            "insight.period_shown",
            &[
                ("period", &period_words),
                (
                    "previous",
                    &insight_period::words(l, report.previous.period),
                ),
            ],
        ),
        contents,
        rows: insight_words::rows(l, &report),
        repeat: insight_distributions::repeat(l, &spread),
        breakdowns,
        distributions,
        cohorts,
        charts,
        chart_period,
        kpis_csv: format!("/admin/insight/kpis.csv?{query}"),
        daily_csv: format!("/admin/insight/daily.csv?{query}"),
        distributions_csv: format!("/admin/insight/distributions.csv?{query}"),
    };
    // Months refused are said in their section; the rest of the page still shows.
    let status = match months {
        Some(_) => StatusCode::OK,
        None => StatusCode::BAD_REQUEST,
    };
    let page = InsightPage {
        chrome,
        period_box: period_box(
            period.from.to_string(),
            period.to.to_string(),
            errors,
            Some(period),
        ),
        shown: Some(shown),
    };
    Ok(render(status, &page))
}

/// What every KPI counts, in the page's language.
pub(crate) async fn definitions(staff: Staff) -> Result<Response, PageError> {
    staff.require(Permission::ViewReports)?;
    let l = staff.locale;
    let t = l.strings();
    let page = DefinitionsPage {
        chrome: Chrome::signed_in(&staff, "insight", "/admin/insight/definitions".into()),
        kpis: KpiId::ALL
            .into_iter()
            .map(|kpi| {
                (
                    kpi.as_str(),
                    insight_words::name(l, kpi),
                    insight_words::definition(l, kpi),
                )
            })
            .collect(),
        others: vec![(
            "repeat_purchase_rate",
            t.get("insight.repeat_purchase_rate").to_owned(),
            t.get("insight.repeat_purchase_definition").to_owned(),
        )],
    };
    Ok(render(StatusCode::OK, &page))
}
