//! The Insight section's downloads, for the period its form names: every KPI with its
//! definition, this period, the one before and the change (`kpis.csv`, figures as the page
//! words them, changes as bare numbers a spreadsheet reads), a row per day with every figure
//! of the daily series (`daily.csv`, ISO days and plain numbers for charting) and a row per
//! bucket of both distributions (`distributions.csv`); and, over the months its query names,
//! a row per monthly cohort with each month's buyers and retention (`cohorts.csv`, ISO months,
//! percentages as bare numbers).

use crate::Console;
use crate::csv::Csv;
use crate::insight_cohorts::MonthsForm;
use crate::insight_distributions::Kind;
use crate::insight_period::PeriodForm;
use crate::insight_words;
use crate::web::{PageError, Staff};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Timestamp;
use jiff::civil::Date;
use laurel_core::insight::{Period, Rate};
use laurel_engine::Permission;
use rust_decimal::Decimal;

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
    let period = form.for_download(&console.engine, staff.locale, "insight.bad_period")?;
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
    let period = form.for_download(&console.engine, staff.locale, "insight.bad_period")?;
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

/// Both distributions of the period: a row per bucket with its bounds (none above the last),
/// its members and their share in percent of all the distribution counts.
pub(crate) async fn distributions(
    State(console): State<Console>,
    staff: Staff,
    Query(form): Query<PeriodForm>,
) -> Result<Response, PageError> {
    staff.require(Permission::ViewReports)?;
    let period = form.for_download(&console.engine, staff.locale, "insight.bad_period")?;
    let l = staff.locale;
    let t = l.strings();
    let spread = console
        .engine
        .distributions(period)
        .await
        .map_err(staff.fail())?;
    let mut csv = Csv::new(
        &[
            "csv_distribution",
            "csv_bucket",
            "csv_from",
            "csv_to",
            "members",
            "csv_share",
        ]
        .map(|key| t.get(&format!("insight.{key}")).to_owned()),
    );
    for kind in Kind::ALL {
        let counts = kind.counts(&spread);
        let all: i64 = counts.iter().sum();
        for (bucket, &members) in kind.buckets(l).into_iter().zip(counts) {
            csv.push(&[
                kind.heading(l),
                bucket.words,
                bucket.from.to_string(),
                bucket.to.map_or_else(String::new, |to| to.to_string()),
                members.to_string(),
                percent(Some(Rate::new(members, all))),
            ]);
        }
    }
    Ok(csv.download(&file_name("distributions", period)))
}

/// Retention by monthly cohort over the months the query names (12 by default, ending this
/// one): a row per cohort with its month and members, then each month's buyers and retention;
/// both empty for a month not reached yet.
pub(crate) async fn cohorts(
    State(console): State<Console>,
    staff: Staff,
    Query(form): Query<MonthsForm>,
) -> Result<Response, PageError> {
    staff.require(Permission::ViewReports)?;
    let months = form.months().ok_or_else(|| {
        PageError::new(StatusCode::BAD_REQUEST, staff.locale, "insight.bad_months")
    })?;
    let t = staff.locale.strings();
    let cohorts = console
        .engine
        .cohorts(months, Timestamp::now())
        .await
        .map_err(staff.fail())?;
    let width = cohorts.len();
    let mut heading = vec![
        t.get("insight.csv_cohort").to_owned(),
        t.get("insight.members").to_owned(),
    ];
    for after in 0..width {
        let after = after.to_string();
        heading.push(t.with("insight.csv_buyers", "after", &after));
        heading.push(t.with("insight.csv_retention", "after", &after));
    }
    let mut csv = Csv::new(&heading);
    for cohort in &cohorts {
        let mut record = vec![month(cohort.month), cohort.members.to_string()];
        for after in 0..width {
            match cohort.buyers.get(after) {
                Some(buyers) => {
                    record.push(buyers.to_string());
                    record.push(percent(cohort.retention(after)));
                }
                None => record.extend([String::new(), String::new()]),
            }
        }
        csv.push(&record);
    }
    let span = match (cohorts.first(), cohorts.last()) {
        (Some(first), Some(last)) => format!("{}-{}", month(first.month), month(last.month)),
        _ => months.to_string(),
    };
    Ok(csv.download(&format!("insight-cohorts-{span}.csv")))
}

/// A rate in percent as a bare number (`60.0`); empty when there is nothing to count out of.
fn percent(rate: Option<Rate>) -> String {
    rate.and_then(Rate::percent)
        .map_or_else(String::new, |p| p.to_string())
}

/// A month as ISO writes it: `2026-03`.
fn month(first: Date) -> String {
    first.strftime("%Y-%m").to_string()
}
