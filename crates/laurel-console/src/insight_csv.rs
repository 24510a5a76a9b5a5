//! The Insight section's downloads, for the period its form names: every KPI with its
//! definition, this period, the one before and the change (`kpis.csv`, figures as the page
//! words them, changes as bare numbers a spreadsheet reads), and a row per day with every
//! figure of the daily series (`daily.csv`, ISO days and plain numbers for charting).

use crate::Console;
use crate::csv::Csv;
use crate::insight_period::{self, PeriodForm};
use crate::insight_words;
use crate::web::{PageError, Staff};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use laurel_core::insight::Period;
use laurel_engine::Permission;
use rust_decimal::Decimal;

/// The period the form names; a bad one is refused with a page pointing to the form, which
/// names the field.
fn period(console: &Console, staff: &Staff, form: &PeriodForm) -> Result<Period, PageError> {
    let today = insight_period::today(&console.engine.definition().program.time_zone);
    form.period(staff.locale, today)
        .map_err(|_| PageError::new(StatusCode::BAD_REQUEST, staff.locale, "insight.bad_period"))
}

/// The file name of a download of `what` over `period`.
fn file_name(what: &str, period: Period) -> String {
    format!("insight-{what}-{}-{}.csv", period.from, period.to)
}

/// Every KPI of the period and the one before.
pub(crate) async fn kpis(
    State(console): State<Console>,
    staff: Staff,
    Query(form): Query<PeriodForm>,
) -> Result<Response, PageError> {
    staff.require(Permission::ViewReports)?;
    let period = period(&console, &staff, &form)?;
    let l = staff.locale;
    let t = l.strings();
    let report = console.engine.kpis(period).await.map_err(staff.fail())?;
    let mut csv = Csv::new(
        &[
            "csv_kpi",
            "kpi",
            "definition",
            "this_period",
            "previous_period",
            "csv_change",
        ]
        .map(|key| t.get(&format!("insight.{key}")).to_owned()),
    );
    for row in insight_words::rows(l, &report) {
        csv.push(&[
            row.id.to_owned(),
            row.name,
            row.definition,
            row.current,
            row.previous,
            row.change_figure,
        ]);
    }
    Ok(csv.download(&file_name("kpis", period)))
}

/// Every day of the period (its last days, when longer than the daily series goes), with
/// every figure of its activity.
pub(crate) async fn daily(
    State(console): State<Console>,
    staff: Staff,
    Query(form): Query<PeriodForm>,
) -> Result<Response, PageError> {
    staff.require(Permission::ViewReports)?;
    let period = period(&console, &staff, &form)?;
    let t = staff.locale.strings();
    let days = console
        .engine
        .daily_series(period)
        .await
        .map_err(staff.fail())?;
    let currency = console.engine.definition().program.currency;
    let digits = currency.minor_digits();
    let money = |minor: i64| Decimal::new(minor, digits).to_string();
    let mut csv = Csv::new(
        &[
            ("insight.day", ""),
            ("dashboard.issued", ""),
            ("dashboard.redeemed", ""),
            ("dashboard.expired", ""),
            ("dashboard.new_members", ""),
            ("insight.member_purchases", ""),
            ("insight.member_sales", currency.code()),
            ("insight.guest_purchases", ""),
            ("insight.guest_sales", currency.code()),
        ]
        .map(|(key, unit)| match unit {
            "" => t.get(key).to_owned(),
            unit => format!("{} ({unit})", t.get(key)),
        }),
    );
    for day in days {
        let a = day.activity;
        csv.push(&[
            day.date.to_string(),
            a.issued.to_string(),
            a.redeemed.to_string(),
            a.expired.to_string(),
            a.enrolled.to_string(),
            a.purchases.to_string(),
            money(a.sales_minor),
            a.guest_purchases.to_string(),
            money(a.guest_sales_minor),
        ]);
    }
    Ok(csv.download(&file_name("daily", period)))
}
