//! The books page's chart: per period, what sales deferred and what left the contract
//! liability as revenue (recognised and breakage) as bars, with the liability at the period's
//! end as a line over them; drawn as every chart is (`charts.rs`), named by its figures, with
//! the same figures as a table.

use crate::charts::{self, Chart, ISSUED_COLOUR, MEMBERS_COLOUR, REDEEMED_COLOUR, Shape, Unit};
use crate::i18n::Locale;
use crate::table::Table;
use charts_rs::{Color, Series, SeriesCategory};
use laurel_core::books::Roll;
use laurel_engine::BooksReport;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// The element id prefix.
const ID: &str = "books-chart";

/// A figure the chart draws: its label's key, its total's name in the summary, the legend's
/// swatch class, its colour, whether it is the line, and its value in a period.
struct Figure {
    label: &'static str,
    name: &'static str,
    swatch: &'static str,
    colour: &'static str,
    line: bool,
    value: fn(&Roll) -> Decimal,
}

/// Deferred, recognised with breakage, and the closing liability.
const FIGURES: [Figure; 3] = [
    Figure {
        label: "books.deferred",
        name: "deferred",
        swatch: "swatch-issued",
        colour: ISSUED_COLOUR,
        line: false,
        value: |r| r.put_in,
    },
    Figure {
        label: "books.to_revenue",
        name: "revenue",
        swatch: "swatch-redeemed",
        colour: REDEEMED_COLOUR,
        line: false,
        value: |r| r.recognised + r.breakage,
    },
    Figure {
        label: "books.closing",
        name: "closing",
        swatch: "swatch-enrolled",
        colour: MEMBERS_COLOUR,
        line: true,
        value: |r| r.closing,
    },
];

/// The chart of `report`'s periods, named `labels` (one a period); `None`, logged, when
/// charts-rs failed.
pub fn liability(l: Locale, report: &BooksReport, labels: &[String]) -> Option<Chart> {
    let t = l.strings();
    let currency = report.currency;
    let series: Vec<Series> = FIGURES
        .iter()
        .map(|f| {
            // A period's figure beyond f32's exact range is drawn a hair off; the table and
            // the summary give it exactly.
            let values: Vec<f32> = report
                .periods
                .iter()
                .map(|p| (f.value)(&p.sales).to_f32().unwrap_or(0.0))
                .collect();
            let mut series: Series = (t.get(f.label), values).into();
            if f.line {
                series.category = Some(SeriesCategory::Line);
            }
            series
        })
        .collect();
    let colours = FIGURES.iter().map(|f| Color::from(f.colour)).collect();
    let drawn = charts::render(
        Shape::Bars,
        Unit::Money(currency),
        series,
        labels.to_vec(),
        colours,
    );
    let totals: Vec<String> = FIGURES
        .iter()
        .map(|f| l.amount((f.value)(&report.total.sales), currency))
        .collect();
    let first = labels.first().cloned().unwrap_or_default();
    let last = labels.last().cloned().unwrap_or_default();
    let mut values: Vec<(&str, &str)> = vec![("from", &first), ("to", &last)];
    values.extend(
        FIGURES
            .iter()
            .zip(&totals)
            .map(|(f, v)| (f.name, v.as_str())),
    );
    let svg = charts::accessible(drawn, ID, &t.fill("books.chart_summary", &values))?;
    let mut table = Table::of_figures(
        &format!("{ID}-table"),
        std::iter::once(t.get("books.period"))
            .chain(FIGURES.iter().map(|f| t.get(f.label)))
            .map(str::to_owned)
            .collect(),
    );
    table.rows = report
        .periods
        .iter()
        .zip(labels)
        .map(|(p, label)| {
            std::iter::once(label.clone())
                .chain(
                    FIGURES
                        .iter()
                        .map(|f| l.amount((f.value)(&p.sales), currency)),
                )
                .collect()
        })
        .collect();
    Some(Chart {
        id: ID,
        heading: t.get("books.chart").to_owned(),
        legend: FIGURES
            .iter()
            .map(|f| (f.swatch, t.get(f.label).to_owned()))
            .collect(),
        svg,
        table,
    })
}
