//! The charts of the dashboard and the Insight section, drawn on the server as SVG (charts-rs):
//! from the daily series, points issued, redeemed (and expired), new members, and members'
//! sales against non-members'; and members counted in buckets (Insight's distributions) as a
//! bar each. Inlined in the page, they need no JavaScript and print. They are made of numbers,
//! dates and our own translated labels only, and charts-rs escapes every text and attribute it
//! writes, so the markup is safe to inline. Each chart comes with the same figures as a table
//! (`table.rs`), for readers who cannot see it.

use crate::i18n::Locale;
use crate::insight_words;
use crate::table::Table;
use charts_rs::{BarChart, Color, LineChart, Series, Symbol, YAxisConfig};
use laurel_core::insight::Rate;
use laurel_core::{Currency, Money};
use laurel_engine::{Activity, DayActivity};

/// The drawing's width in SVG units: about a wide card's, so its text is drawn near the page's
/// size; the page scales it to the card.
const WIDTH: f32 = 1000.0;
/// A chart of lines' height in SVG units.
const LINES_HEIGHT: f32 = 280.0;
/// A chart of bars' height in SVG units.
const BARS_HEIGHT: f32 = 200.0;
/// A chart of buckets' width in SVG units: narrower than a day chart's, so that its few
/// labels are drawn larger beside the repeat-purchase rate.
const BUCKETS_WIDTH: f32 = 800.0;
/// A chart of buckets' height in SVG units: few bars, each labelled with its count.
const BUCKETS_HEIGHT: f32 = 260.0;
/// Room above a chart of buckets' plot for the count over its highest bar.
const BUCKETS_TOP_MARGIN: f32 = 24.0;
/// The colour of members counted, in bars and in the legend (`console.css`).
pub(crate) const MEMBERS_COLOUR: &str = "#2f5f9e";
/// The colour of points issued, in lines and in the legend (`swatch-issued`).
pub(crate) const ISSUED_COLOUR: &str = "#1f6f4a";
/// The colour of points redeemed, in lines and in the legend (`swatch-redeemed`).
pub(crate) const REDEEMED_COLOUR: &str = "#b5540f";
/// Room right of the plot for half of the last day's date, which is centred on the edge.
const RIGHT_MARGIN: f32 = 36.0;
/// Fewest days between dated ticks on the x axis. charts-rs measures text with its own Latin
/// font, so it would space Chinese dates too tightly; with this few labels even those never
/// touch.
const LABEL_EVERY_DAYS: usize = 14;
/// Most dated ticks on the x axis: a year's chart dates every eighth week, not every second.
const LABELS_MAX: usize = 7;
/// The charts' text in the page's fonts, with Chinese fallbacks (as `console.css`).
const FONTS: &str = "system-ui, \"PingFang SC\", \"Noto Sans CJK SC\", \"WenQuanYi Micro Hei\", \"Microsoft YaHei\", sans-serif";

/// A chart ready for the page.
pub struct Chart {
    /// The element id prefix in the page.
    pub id: &'static str,
    /// Its heading.
    pub heading: String,
    /// Its legend: (swatch class, label).
    pub legend: Vec<(&'static str, String)>,
    /// The `<svg>` element, named by a `<title>` that says what it shows in figures.
    pub svg: String,
    /// The same figures, a row a day.
    pub table: Table,
}

/// One figure of a day that a chart draws as a series. Its colour and the legend's swatch
/// class (in `console.css`) are the same.
struct Figure {
    /// Its label's translation key.
    label: &'static str,
    /// Its total's name in the summary's template (`{issued}`).
    name: &'static str,
    /// The legend's swatch class.
    swatch: &'static str,
    /// The series' colour.
    colour: &'static str,
    /// Its value on a day.
    value: fn(&Activity) -> i64,
}

/// Points issued.
const ISSUED: Figure = Figure {
    label: "dashboard.issued",
    name: "issued",
    swatch: "swatch-issued",
    colour: ISSUED_COLOUR,
    value: |a| a.issued,
};
/// Points redeemed, less those cancellations gave back.
const REDEEMED: Figure = Figure {
    label: "dashboard.redeemed",
    name: "redeemed",
    swatch: "swatch-redeemed",
    colour: REDEEMED_COLOUR,
    value: |a| a.redeemed,
};
/// Points expired.
const EXPIRED: Figure = Figure {
    label: "dashboard.expired",
    name: "expired",
    swatch: "swatch-expired",
    colour: "#6b4c9a",
    value: |a| a.expired,
};
/// Members enrolled.
const ENROLLED: Figure = Figure {
    label: "dashboard.new_members",
    name: "enrolled",
    swatch: "swatch-enrolled",
    colour: MEMBERS_COLOUR,
    value: |a| a.enrolled,
};
/// Members' sales, drawn in the issued points' colour (members' side).
const MEMBER_SALES: Figure = Figure {
    label: "insight.member_sales",
    name: "members",
    swatch: "swatch-issued",
    colour: ISSUED_COLOUR,
    value: |a| a.sales_minor,
};
/// Non-members' sales.
const GUEST_SALES: Figure = Figure {
    label: "insight.guest_sales",
    name: "guests",
    swatch: "swatch-guests",
    colour: "#8a5a00",
    value: |a| a.guest_sales_minor,
};

/// How a chart draws its series.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// Lines, without a marker per day.
    Lines,
    /// Bars, a day each.
    Bars,
    /// Bars, a bucket each: fewer, taller, each labelled with its figure.
    Buckets,
}

/// What a chart's figures count.
#[derive(Clone, Copy)]
pub(crate) enum Unit {
    /// Points or members.
    Count,
    /// Minor units of the program's currency, drawn in whole units.
    Money(Currency),
}

/// A chart: what it draws, how, and its words' keys.
struct Spec {
    /// The element id prefix.
    id: &'static str,
    /// Its heading's key.
    heading: &'static str,
    /// Its summary's key: a template of `{from}`, `{to}` and each figure's total by name.
    summary: &'static str,
    /// Lines or bars.
    shape: Shape,
    /// Its series.
    figures: &'static [Figure],
}

/// Points issued and redeemed per day, as two lines (the dashboard's).
pub fn points(locale: Locale, days: &[DayActivity]) -> Option<Chart> {
    const SPEC: Spec = Spec {
        id: "points-chart",
        heading: "dashboard.points_chart",
        summary: "dashboard.points_chart_summary",
        shape: Shape::Lines,
        figures: &[ISSUED, REDEEMED],
    };
    draw(&SPEC, Unit::Count, locale, days)
}

/// Points issued, redeemed and expired per day, as three lines (Insight's).
pub fn points_moved(locale: Locale, days: &[DayActivity]) -> Option<Chart> {
    const SPEC: Spec = Spec {
        id: "points-moved-chart",
        heading: "insight.points_chart",
        summary: "insight.points_chart_summary",
        shape: Shape::Lines,
        figures: &[ISSUED, REDEEMED, EXPIRED],
    };
    draw(&SPEC, Unit::Count, locale, days)
}

/// New members per day, as bars.
pub fn enrollments(locale: Locale, days: &[DayActivity]) -> Option<Chart> {
    const SPEC: Spec = Spec {
        id: "members-chart",
        heading: "dashboard.members_chart",
        summary: "dashboard.members_chart_summary",
        shape: Shape::Bars,
        figures: &[ENROLLED],
    };
    draw(&SPEC, Unit::Count, locale, days)
}

/// Members' and non-members' sales per day in `currency`, as two lines.
pub fn sales(locale: Locale, days: &[DayActivity], currency: Currency) -> Option<Chart> {
    const SPEC: Spec = Spec {
        id: "sales-chart",
        heading: "insight.sales_chart",
        summary: "insight.sales_chart_summary",
        shape: Shape::Lines,
        figures: &[MEMBER_SALES, GUEST_SALES],
    };
    draw(&SPEC, Unit::Money(currency), locale, days)
}

/// Members counted in buckets (purchases made, days since the last purchase), in order.
pub struct Buckets {
    /// The element id prefix.
    pub id: &'static str,
    /// Its heading.
    pub heading: String,
    /// What the drawing shows, in figures: its `<title>`.
    pub summary: String,
    /// What a bucket is: the table's first column's heading.
    pub bucket: String,
    /// Each bucket: (its label under its bar, its words in the table, its members).
    pub counts: Vec<(String, String, i64)>,
}

/// Members per bucket as a bar each, labelled with its count, with a table of every bucket's
/// members and their share of all counted; `None`, logged, when charts-rs failed.
pub fn members_by_bucket(locale: Locale, buckets: Buckets) -> Option<Chart> {
    let t = locale.strings();
    let members = t.get("insight.members");
    // Counts of members are far below 2^24: exact in `f32`.
    let values: Vec<f32> = buckets.counts.iter().map(|c| c.2 as f32).collect();
    let labels = buckets.counts.iter().map(|c| c.0.clone()).collect();
    let drawn = render(
        Shape::Buckets,
        Unit::Count,
        vec![(members, values).into()],
        labels,
        vec![Color::from(MEMBERS_COLOUR)],
    );
    let svg = accessible(drawn, buckets.id, &buckets.summary)?;
    let all: i64 = buckets.counts.iter().map(|c| c.2).sum();
    let mut table = Table::of_figures(
        &format!("{}-table", buckets.id),
        vec![
            buckets.bucket,
            members.to_owned(),
            t.get("insight.share_counted").to_owned(),
        ],
    );
    table.rows = buckets
        .counts
        .into_iter()
        .map(|(_, words, n)| {
            vec![
                words,
                locale.integer(n),
                insight_words::share(locale, Rate::new(n, all)),
            ]
        })
        .collect();
    Some(Chart {
        id: buckets.id,
        heading: buckets.heading,
        legend: vec![("swatch-enrolled", members.to_owned())],
        svg,
        table,
    })
}

/// The chart `spec` of `days`, its figures counting `unit`; `None`, logged, when charts-rs
/// failed.
fn draw(spec: &Spec, unit: Unit, locale: Locale, days: &[DayActivity]) -> Option<Chart> {
    let t = locale.strings();
    let series: Vec<Series> = spec
        .figures
        .iter()
        .map(|f| series(t.get(f.label), days, f.value, unit))
        .collect();
    let labels = axis_labels(locale, days);
    let colours: Vec<Color> = spec.figures.iter().map(|f| Color::from(f.colour)).collect();
    let drawn = render(spec.shape, unit, series, labels, colours);
    let (from, to) = period(locale, days);
    let totals: Vec<String> = spec
        .figures
        .iter()
        .map(|f| {
            shown(
                locale,
                unit,
                days.iter().map(|d| (f.value)(&d.activity)).sum(),
            )
        })
        .collect();
    let mut values: Vec<(&str, &str)> = vec![("from", &from), ("to", &to)];
    values.extend(
        spec.figures
            .iter()
            .zip(&totals)
            .map(|(f, total)| (f.name, total.as_str())),
    );
    let summary = t.fill(spec.summary, &values);
    let svg = accessible(drawn, spec.id, &summary)?;
    Some(Chart {
        id: spec.id,
        heading: t.get(spec.heading).to_owned(),
        legend: spec
            .figures
            .iter()
            .map(|f| (f.swatch, t.get(f.label).to_owned()))
            .collect(),
        svg,
        table: table(spec, unit, locale, days),
    })
}

/// The drawing of `series` over `labels` as `shape` in `colours`, its value axis from zero
/// (or below it, for a figure below zero), styled as every chart. In a chart of bars, a series
/// whose category is a line is drawn as one over them.
pub(crate) fn render(
    shape: Shape,
    unit: Unit,
    series: Vec<Series>,
    labels: Vec<String>,
    colours: Vec<Color>,
) -> Result<String, charts_rs::Error> {
    let values = || series.iter().flat_map(|s| s.data.iter().flatten());
    let top = values().fold(0.0_f32, |top, &value| top.max(value));
    let bottom = values().fold(0.0_f32, |bottom, &value| bottom.min(value));
    let splits = splits(unit, top);
    let axis = |theme: Option<&YAxisConfig>| y_axis(theme, splits, bottom);
    match shape {
        Shape::Lines => {
            let mut chart = LineChart::new(series, labels);
            chart.base.height = LINES_HEIGHT;
            chart.base.series.colors = colours;
            // A marker a day would hide the lines.
            chart.base.series.symbol = Some(Symbol::None);
            chart.y_axis_configs = vec![axis(chart.y_axis_configs.first())];
            style(&mut chart.base);
            chart.svg()
        }
        Shape::Bars => {
            let mut chart = BarChart::new(series, labels);
            chart.base.height = BARS_HEIGHT;
            chart.base.series.colors = colours;
            chart.y_axis_configs = vec![axis(chart.y_axis_configs.first())];
            style(&mut chart.base);
            chart.svg()
        }
        Shape::Buckets => {
            let labelled = series
                .into_iter()
                .map(|mut s| {
                    s.label_show = true;
                    s
                })
                .collect();
            let mut chart = BarChart::new(labelled, labels);
            chart.base.height = BUCKETS_HEIGHT;
            chart.base.series.colors = colours;
            chart.base.series.label.font.size = 12.0;
            chart.y_axis_configs = vec![axis(chart.y_axis_configs.first())];
            style(&mut chart.base);
            chart.base.width = BUCKETS_WIDTH;
            chart.base.margin.top = BUCKETS_TOP_MARGIN;
            chart.svg()
        }
    }
}

/// Intervals on the value axis: for counts up to 6, one per whole number, since charts-rs splits
/// the axis in six and rounds a step under 1.2 to tenths ("0.4 members"); its own otherwise,
/// when its steps are whole.
fn splits(unit: Unit, top: f32) -> Option<usize> {
    match unit {
        // `top` is a count no higher than 6 here: the cast is exact.
        Unit::Count if top <= 6.0 => Some((top.ceil() as usize).max(1)),
        _ => None,
    }
}

/// The chart's figures as a table: the day, then each series.
fn table(spec: &Spec, unit: Unit, locale: Locale, days: &[DayActivity]) -> Table {
    let t = locale.strings();
    let labels = std::iter::once(t.get("insight.day"))
        .chain(spec.figures.iter().map(|f| t.get(f.label)))
        .map(str::to_owned)
        .collect();
    let mut table = Table::of_figures(&format!("{}-table", spec.id), labels);
    table.rows = days
        .iter()
        .map(|d| {
            std::iter::once(locale.date(d.date))
                .chain(
                    spec.figures
                        .iter()
                        .map(|f| shown(locale, unit, (f.value)(&d.activity))),
                )
                .collect()
        })
        .collect();
    table
}

/// A figure as the table and the summary show it.
fn shown(locale: Locale, unit: Unit, figure: i64) -> String {
    match unit {
        Unit::Count => locale.integer(figure),
        Unit::Money(currency) => locale.money(Money::from_minor(figure, currency)),
    }
}

/// One figure of every day as a series, money in whole units. Charts draw in `f32`: a day's
/// figure beyond 2^24 is drawn a little off, which no one can see; the summary and the table
/// give exact figures.
fn series(name: &str, days: &[DayActivity], figure: fn(&Activity) -> i64, unit: Unit) -> Series {
    let scale = match unit {
        Unit::Count => 1.0,
        Unit::Money(currency) => 10f32.powi(i32::try_from(currency.minor_digits()).unwrap_or(0)),
    };
    let values: Vec<f32> = days
        .iter()
        .map(|d| figure(&d.activity) as f32 / scale)
        .collect();
    (name, values).into()
}

/// A date under every so many days counting back from the last (today), none under the
/// others: every [`LABEL_EVERY_DAYS`] days, or further apart so that at most about
/// [`LABELS_MAX`] are dated.
fn axis_labels(locale: Locale, days: &[DayActivity]) -> Vec<String> {
    let last = days.len().saturating_sub(1);
    let every = LABEL_EVERY_DAYS.max(days.len().div_ceil(LABELS_MAX));
    days.iter()
        .enumerate()
        .map(|(i, d)| {
            if (last - i).is_multiple_of(every) {
                locale.day_month(d.date)
            } else {
                String::new()
            }
        })
        .collect()
}

/// The value axis: grouped thousands (`1,200`, not `1.2k`), small text, starting at zero (or
/// at `bottom`, below it), in `splits` intervals when given.
fn y_axis(theme: Option<&YAxisConfig>, splits: Option<usize>, bottom: f32) -> YAxisConfig {
    let mut axis = theme.cloned().unwrap_or_default();
    if let Some(splits) = splits {
        axis.split_number = splits;
    }
    axis.formatter = Some("{t}".into());
    axis.font.size = 12.0;
    axis.min = Some(bottom.min(0.0));
    axis
}

/// What every chart shares: its width, the page's fonts, no legend inside the drawing (the page shows one
/// in HTML, where Chinese is measured right), compact markup.
fn style(base: &mut charts_rs::ChartBase) {
    base.width = WIDTH;
    base.font_family = FONTS.into();
    base.legend.show = Some(false);
    base.x_axis.font.size = 12.0;
    base.compact = true;
    base.margin.right = RIGHT_MARGIN;
}

/// The first and last day, as the summary names them.
fn period(locale: Locale, days: &[DayActivity]) -> (String, String) {
    let date = |d: Option<&DayActivity>| d.map(|d| locale.date(d.date)).unwrap_or_default();
    (date(days.first()), date(days.last()))
}

/// The drawing as an image for assistive technology, named by a `<title>` (which browsers
/// also show on hover) with `summary`; `None`, logged, when charts-rs failed.
pub(crate) fn accessible(
    drawn: Result<String, charts_rs::Error>,
    id: &str,
    summary: &str,
) -> Option<String> {
    let svg = drawn
        .map_err(|e| tracing::error!(error = %e, chart = id, "a chart failed to draw"))
        .ok()?;
    let Some((open, rest)) = svg
        .strip_prefix("<svg ")
        .and_then(|body| body.split_once('>'))
    else {
        tracing::error!(chart = id, "a chart is not an <svg> element");
        return None;
    };
    Some(format!(
        "<svg class=\"chart\" role=\"img\" aria-labelledby=\"{id}-title\" {open}><title id=\"{id}-title\">{}</title>{rest}",
        escape(summary)
    ))
}

/// Text for XML: the five characters that could end it.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use jiff::ToSpan;
    use jiff::civil::date;
    use laurel_engine::Activity;

    fn days(count: usize) -> Vec<DayActivity> {
        date(2026, 3, 1)
            .series(1.day())
            .take(count)
            .enumerate()
            .map(|(i, date)| DayActivity {
                date,
                activity: Activity {
                    issued: i64::try_from(i).unwrap() * 10,
                    redeemed: 5,
                    enrolled: 1,
                    ..Activity::default()
                },
            })
            .collect()
    }

    #[test]
    fn the_points_chart_is_an_svg_image_named_by_its_figures() {
        let chart = points(Locale::En, &days(90)).unwrap();
        assert!(chart.svg.starts_with(
            "<svg class=\"chart\" role=\"img\" aria-labelledby=\"points-chart-title\" "
        ));
        assert!(chart.svg.contains(
            "<title id=\"points-chart-title\">Points issued and redeemed per day from 1 Mar 2026 to 29 May 2026: 40,050 issued and 450 redeemed.</title>"
        ), "{}", chart.svg);
        assert!(chart.svg.trim_end().ends_with("</svg>"));
        // The last day is dated, and one every two weeks before it.
        assert!(chart.svg.contains(">29 May<") && chart.svg.contains(">15 May<"));
        assert!(!chart.svg.contains(">28 May<"));
    }

    #[test]
    fn the_charts_speak_the_page_language() {
        let chart = enrollments(Locale::ZhCn, &days(90)).unwrap();
        assert!(chart.svg.contains(">5月29日<"), "{}", chart.svg);
        assert!(chart.svg.contains("2026年3月1日"));
        assert_eq!(chart.legend, vec![("swatch-enrolled", "新会员".to_owned())]);
    }

    #[test]
    fn an_empty_period_still_draws() {
        let quiet: Vec<DayActivity> = days(90)
            .into_iter()
            .map(|d| DayActivity {
                activity: Activity::default(),
                ..d
            })
            .collect();
        assert!(points(Locale::En, &quiet).is_some());
        assert!(enrollments(Locale::En, &quiet).is_some());
        assert!(points(Locale::En, &[]).is_some());
    }

    #[test]
    fn sales_are_drawn_in_whole_units_and_told_in_money() {
        let mut week = days(7);
        week[6].activity.sales_minor = 12_050;
        week[6].activity.guest_sales_minor = 9_900;
        let chart = sales(Locale::ZhCn, &week, "CNY".parse().unwrap()).unwrap();
        assert!(
            chart
                .svg
                .contains("：会员 ¥120.50，非会员 ¥99.00。</title>"),
            "{}",
            chart.svg
        );
        let last = chart.table.rows.last().unwrap();
        assert_eq!(last, &["2026年3月7日", "¥120.50", "¥99.00"]);
        assert_eq!(chart.table.id, "sales-chart-table");
    }

    #[test]
    fn every_chart_has_its_figures_as_a_table_a_row_a_day() {
        let chart = points_moved(Locale::En, &days(90)).unwrap();
        let heads: Vec<&str> = chart
            .table
            .columns
            .iter()
            .map(|c| c.label.as_str())
            .collect();
        assert_eq!(
            heads,
            ["Day", "Points issued", "Points redeemed", "Points expired"]
        );
        assert_eq!(chart.table.rows.len(), 90);
        assert_eq!(chart.table.rows[1], ["2 Mar 2026", "10", "5", "0"]);
    }

    #[test]
    fn a_year_dates_few_enough_days_for_chinese_dates_not_to_touch() {
        let year = days(365);
        let labels = axis_labels(Locale::ZhCn, &year);
        let dated = labels.iter().filter(|l| !l.is_empty()).count();
        assert!(dated <= LABELS_MAX + 1, "{dated} dated days");
        assert!(!labels[364].is_empty(), "the last day is dated");
    }

    fn frequency(counts: &[i64]) -> Buckets {
        let mut words: Vec<(String, String, i64)> = counts
            .iter()
            .enumerate()
            .map(|(i, &n)| ((i + 1).to_string(), (i + 1).to_string(), n))
            .collect();
        if let Some(last) = words.last_mut() {
            *last = ("3+".into(), "3 or more".into(), last.2);
        }
        Buckets {
            id: "frequency-chart",
            heading: "Purchase frequency".into(),
            summary: "Members by purchases: <all>.".into(),
            bucket: "Purchases".into(),
            counts: words,
        }
    }

    #[test]
    fn buckets_are_bars_labelled_with_their_counts_beside_a_table_of_shares() {
        let chart = members_by_bucket(Locale::En, frequency(&[2, 1, 0])).unwrap();
        assert!(
            chart.svg.contains(
                "<title id=\"frequency-chart-title\">Members by purchases: &lt;all&gt;.</title>"
            ),
            "{}",
            chart.svg
        );
        assert!(chart.svg.contains(">3+<"), "the buckets under their bars");
        let heads: Vec<&str> = chart
            .table
            .columns
            .iter()
            .map(|c| c.label.as_str())
            .collect();
        assert_eq!(heads, ["Purchases", "Members", "Share"]);
        assert_eq!(
            chart.table.rows,
            [
                ["1", "2", "66.7%"],
                ["2", "1", "33.3%"],
                ["3 or more", "0", "0.0%"]
            ]
        );
        assert_eq!(chart.table.id, "frequency-chart-table");
        let nobody = members_by_bucket(Locale::En, frequency(&[0, 0, 0])).unwrap();
        assert_eq!(nobody.table.rows[0], ["1", "0", "–"], "no share of nobody");
    }

    #[test]
    fn an_axis_of_a_few_members_counts_in_whole_members() {
        for counts in [[2, 1, 0], [5, 6, 1], [7, 0, 0], [0, 0, 0]] {
            let svg = members_by_bucket(Locale::En, frequency(&counts))
                .unwrap()
                .svg;
            assert!(
                !svg.contains(".2<") && !svg.contains(".4<") && !svg.contains(".5<"),
                "{counts:?}: {svg}"
            );
        }
        assert_eq!(splits(Unit::Count, 2.0), Some(2));
        assert_eq!(splits(Unit::Count, 0.0), Some(1));
        assert_eq!(splits(Unit::Count, 40.0), None);
    }

    #[test]
    fn summaries_are_escaped() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
