//! The dashboard's charts, drawn on the server as SVG (charts-rs) from the daily series: points
//! issued against points redeemed, and new members. Inlined in the page, they need no
//! JavaScript and print. They are made of numbers, dates and our own translated labels only,
//! and charts-rs escapes every text and attribute it writes, so the markup is safe to inline.

use crate::i18n::Locale;
use charts_rs::{BarChart, Color, LineChart, Series, Symbol, YAxisConfig};
use laurel_engine::DayActivity;

/// The drawing's width in SVG units: about a wide card's, so its text is drawn near the page's
/// size; the page scales it to the card.
const WIDTH: f32 = 1000.0;
/// The points chart's height in SVG units.
const POINTS_HEIGHT: f32 = 280.0;
/// The new-members chart's height in SVG units.
const MEMBERS_HEIGHT: f32 = 200.0;
/// Room right of the plot for half of the last day's date, which is centred on the edge.
const RIGHT_MARGIN: f32 = 36.0;
/// Days between dated ticks on the x axis. charts-rs measures text with its own Latin font,
/// so it would space Chinese dates too tightly; with this few labels even those never touch.
const LABEL_EVERY_DAYS: usize = 14;
/// The charts' text in the page's fonts, with Chinese fallbacks (as `console.css`).
const FONTS: &str = "system-ui, \"PingFang SC\", \"Noto Sans CJK SC\", \"WenQuanYi Micro Hei\", \"Microsoft YaHei\", sans-serif";
/// The series' colours; the legend's swatches in `console.css` use the same.
const ISSUED: &str = "#1f6f4a";
/// Points redeemed.
const REDEEMED: &str = "#b5540f";
/// New members.
const ENROLLED: &str = "#2f5f9e";

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
}

/// Points issued and redeemed per day, as two lines.
pub fn points(locale: Locale, days: &[DayActivity]) -> Option<Chart> {
    let t = locale.strings();
    let (issued_label, redeemed_label) = (t.get("dashboard.issued"), t.get("dashboard.redeemed"));
    let issued: i64 = days.iter().map(|d| d.activity.issued).sum();
    let redeemed: i64 = days.iter().map(|d| d.activity.redeemed).sum();
    let mut chart = LineChart::new(
        vec![
            series(issued_label, days, |d| d.activity.issued),
            series(redeemed_label, days, |d| d.activity.redeemed),
        ],
        axis_labels(locale, days),
    );
    chart.base.width = WIDTH;
    chart.base.height = POINTS_HEIGHT;
    chart.base.series.colors = vec![Color::from(ISSUED), Color::from(REDEEMED)];
    // Ninety markers would hide the lines.
    chart.base.series.symbol = Some(Symbol::None);
    chart.y_axis_configs = vec![y_axis(chart.y_axis_configs.first())];
    style(&mut chart.base);
    let (from, to) = period(locale, days);
    let summary = t.fill(
        "dashboard.points_chart_summary",
        &[
            ("from", &from),
            ("to", &to),
            ("issued", &locale.integer(issued)),
            ("redeemed", &locale.integer(redeemed)),
        ],
    );
    let svg = accessible(chart.svg(), "points-chart", &summary)?;
    Some(Chart {
        id: "points-chart",
        heading: t.get("dashboard.points_chart").to_owned(),
        legend: vec![
            ("swatch-issued", issued_label.to_owned()),
            ("swatch-redeemed", redeemed_label.to_owned()),
        ],
        svg,
    })
}

/// New members per day, as bars.
pub fn enrollments(locale: Locale, days: &[DayActivity]) -> Option<Chart> {
    let t = locale.strings();
    let label = t.get("dashboard.new_members");
    let enrolled: i64 = days.iter().map(|d| d.activity.enrolled).sum();
    let mut chart = BarChart::new(
        vec![series(label, days, |d| d.activity.enrolled)],
        axis_labels(locale, days),
    );
    chart.base.width = WIDTH;
    chart.base.height = MEMBERS_HEIGHT;
    chart.base.series.colors = vec![Color::from(ENROLLED)];
    chart.y_axis_configs = vec![y_axis(chart.y_axis_configs.first())];
    style(&mut chart.base);
    let (from, to) = period(locale, days);
    let summary = t.fill(
        "dashboard.members_chart_summary",
        &[
            ("from", &from),
            ("to", &to),
            ("enrolled", &locale.integer(enrolled)),
        ],
    );
    let svg = accessible(chart.svg(), "members-chart", &summary)?;
    Some(Chart {
        id: "members-chart",
        heading: t.get("dashboard.members_chart").to_owned(),
        legend: vec![("swatch-enrolled", label.to_owned())],
        svg,
    })
}

/// One figure of every day as a series. Charts draw in `f32`: a day's figure beyond 2^24 is
/// drawn a few points off, which no one can see; the summary gives exact totals.
fn series(name: &str, days: &[DayActivity], figure: fn(&DayActivity) -> i64) -> Series {
    let values: Vec<f32> = days.iter().map(|d| figure(d) as f32).collect();
    (name, values).into()
}

/// A date under every [`LABEL_EVERY_DAYS`]th day counting back from the last (today), none
/// under the others.
fn axis_labels(locale: Locale, days: &[DayActivity]) -> Vec<String> {
    let last = days.len().saturating_sub(1);
    days.iter()
        .enumerate()
        .map(|(i, d)| {
            if (last - i).is_multiple_of(LABEL_EVERY_DAYS) {
                locale.day_month(d.date)
            } else {
                String::new()
            }
        })
        .collect()
}

/// The value axis: grouped thousands (`1,200`, not `1.2k`), small text, starting at zero.
fn y_axis(theme: Option<&YAxisConfig>) -> YAxisConfig {
    let mut axis = theme.cloned().unwrap_or_default();
    axis.formatter = Some("{t}".into());
    axis.font.size = 12.0;
    axis.min = Some(0.0);
    axis
}

/// What both charts share: the page's fonts, no legend inside the drawing (the page shows one
/// in HTML, where Chinese is measured right), compact markup.
fn style(base: &mut charts_rs::ChartBase) {
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
fn accessible(drawn: Result<String, charts_rs::Error>, id: &str, summary: &str) -> Option<String> {
    let svg = drawn
        .map_err(|e| tracing::error!(error = %e, chart = id, "a dashboard chart failed to draw"))
        .ok()?;
    let Some((open, rest)) = svg
        .strip_prefix("<svg ")
        .and_then(|body| body.split_once('>'))
    else {
        tracing::error!(chart = id, "a dashboard chart is not an <svg> element");
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
    fn summaries_are_escaped() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
