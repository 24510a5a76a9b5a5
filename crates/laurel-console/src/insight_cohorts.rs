//! Insight's retention by monthly cohort (the engine's `cohorts`) as a heat map in an HTML
//! table: a row per month members joined, with how many joined; a column per month since (0 is
//! the month they joined); each cell the share of the row's members who bought in that month
//! in whole percent, shaded in proportion (`heat-0` … `heat-10` in `console.css`), its exact
//! figure and working in its title; empty cells for months not reached yet. The months end
//! with this one in the program's time zone, whatever the page's period: 12 by default, 6, 12
//! or 24 offered as links (no script), any from 1 to the core's `COHORT_MONTHS_MAX` taken.

use crate::i18n::Locale;
use crate::insight_period::Quick;
use crate::insight_words::DASH;
use jiff::ToSpan;
use jiff::civil::Date;
use laurel_core::insight::{COHORT_MONTHS_MAX, Cohort, Rate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Deserialize;

/// Months shown when the query names none.
pub const DEFAULT_MONTHS: u32 = 12;
/// The months offered.
pub const MONTH_CHOICES: [u32; 3] = [6, 12, 24];
/// A cell's shade by tenths of its share: white for none, the darkest for all.
const SHADES: [&str; 11] = [
    "heat-0", "heat-1", "heat-2", "heat-3", "heat-4", "heat-5", "heat-6", "heat-7", "heat-8",
    "heat-9", "heat-10",
];

/// How many months the query asks for; an empty field takes the default.
#[derive(Debug, Default, Deserialize)]
pub struct MonthsForm {
    /// A number of months, 1 to [`COHORT_MONTHS_MAX`].
    #[serde(default)]
    pub months: String,
}

impl MonthsForm {
    /// The months asked for; none when they are not a number from 1 to
    /// [`COHORT_MONTHS_MAX`].
    pub fn months(&self) -> Option<u32> {
        match self.months.trim() {
            "" => Some(DEFAULT_MONTHS),
            typed => typed
                .parse()
                .ok()
                .filter(|m| (1..=COHORT_MONTHS_MAX).contains(m)),
        }
    }
}

/// What a link adds to its query to keep `months`: nothing for the default.
pub fn kept(months: Option<u32>) -> String {
    match months {
        Some(m) if m != DEFAULT_MONTHS => format!("&months={m}"),
        _ => String::new(),
    }
}

/// The section: the months offered, and the heat map or why there is none.
pub struct Section {
    /// Its heading.
    pub heading: String,
    /// The months offered, linking to the page with them.
    pub choices: Vec<Quick>,
    /// The heat map, or what is wrong with the months asked for.
    pub map: Result<HeatMap, String>,
}

/// The heat map.
pub struct HeatMap {
    /// The months it covers: "Jul 2025 – Jun 2026".
    pub range: String,
    /// The columns' headings: months since joining.
    pub columns: Vec<String>,
    /// A row per cohort, oldest first.
    pub rows: Vec<Row>,
    /// Its download.
    pub csv: String,
}

/// One cohort.
pub struct Row {
    /// The month they joined.
    pub month: String,
    /// How many joined.
    pub members: String,
    /// A cell per column.
    pub cells: Vec<Cell>,
}

/// One cell.
pub struct Cell {
    /// The share in whole percent; a dash when nobody joined; empty for a month not reached.
    pub text: String,
    /// Its exact figure and working.
    pub title: Option<String>,
    /// Its shade's class.
    pub class: &'static str,
}

/// The section for `cohorts` over `months` (none when the query's were refused), the page's
/// period as `period_query` for the choices' links.
pub fn section(l: Locale, period_query: &str, shown: Option<(u32, &[Cohort])>) -> Section {
    let t = l.strings();
    let current = shown.map(|(months, _)| months);
    let choices = MONTH_CHOICES
        .into_iter()
        .map(|months| Quick {
            label: t.with("insight.cohort_months", "months", &l.integer(months.into())),
            href: format!(
                "/admin/insight?{period_query}{}#cohorts",
                kept(Some(months))
            ),
            current: current == Some(months),
        })
        .collect();
    let map = match shown {
        Some((months, cohorts)) => Ok(heat_map(l, months, cohorts)),
        None => Err(t.with(
            "insight.months_refused",
            "max",
            &l.integer(COHORT_MONTHS_MAX.into()),
        )),
    };
    Section {
        heading: t.get("insight.heading_cohorts").to_owned(),
        choices,
        map,
    }
}

/// The heat map of `cohorts` (oldest first) over `months`.
fn heat_map(l: Locale, months: u32, cohorts: &[Cohort]) -> HeatMap {
    let t = l.strings();
    let range = match (cohorts.first(), cohorts.last()) {
        (Some(first), Some(last)) => t.fill(
            "insight.months_range",
            &[
                ("from", &l.month(first.month)),
                ("to", &l.month(last.month)),
            ],
        ),
        _ => String::new(),
    };
    let width = cohorts.len();
    HeatMap {
        range,
        columns: (0..width).map(|i| l.integer(i as i64)).collect(),
        rows: cohorts
            .iter()
            .map(|c| Row {
                month: l.month(c.month),
                members: l.integer(c.members),
                cells: (0..width).map(|after| cell(l, c, after)).collect(),
            })
            .collect(),
        csv: format!("/admin/insight/cohorts.csv?months={months}"),
    }
}

/// The cell of `cohort` `after` months after joining.
fn cell(l: Locale, cohort: &Cohort, after: usize) -> Cell {
    let Some(&buyers) = cohort.buyers.get(after) else {
        return Cell {
            text: String::new(),
            title: None,
            class: "heat-later",
        };
    };
    let rate = Rate::new(buyers, cohort.members);
    // Ten places: for any cohort under 100 million members no share lies so near a half
    // percent that rounding twice would move its whole percent.
    let (Some(ratio), Some(percent)) = (rate.ratio(10), rate.percent()) else {
        return Cell {
            text: DASH.to_owned(),
            title: None,
            class: "heat-none",
        };
    };
    let shade = (ratio * Decimal::TEN)
        .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
        .to_usize()
        .and_then(|i| SHADES.get(i))
        .copied()
        .unwrap_or("heat-none");
    let t = l.strings();
    let title = t.fill(
        "insight.cohort_cell",
        &[
            ("cohort", &l.month(cohort.month)),
            ("month", &month_after(l, cohort.month, after)),
            ("after", &l.integer(after as i64)),
            ("percent", &l.percent(percent)),
            ("buyers", &l.integer(buyers)),
            ("members", &l.integer(cohort.members)),
        ],
    );
    Cell {
        text: l.percent_to(ratio * Decimal::ONE_HUNDRED, 0),
        title: Some(title),
        class: shade,
    }
}

/// The month `after` months after `first`, in words.
fn month_after(l: Locale, first: Date, after: usize) -> String {
    i64::try_from(after)
        .ok()
        .and_then(|after| first.checked_add(after.months()).ok())
        .map_or_else(String::new, |month| l.month(month))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn cohorts() -> Vec<Cohort> {
        vec![
            Cohort {
                month: date(2026, 4, 1),
                members: 4,
                buyers: vec![2, 1, 3],
            },
            Cohort {
                month: date(2026, 5, 1),
                members: 0,
                buyers: vec![0, 0],
            },
            Cohort {
                month: date(2026, 6, 1),
                members: 3,
                buyers: vec![2],
            },
        ]
    }

    fn form(months: &str) -> Option<u32> {
        MonthsForm {
            months: months.into(),
        }
        .months()
    }

    #[test]
    fn the_months_are_twelve_by_default_and_at_most_the_cores_limit() {
        assert_eq!(form(""), Some(12));
        assert_eq!(form("24"), Some(24));
        assert_eq!(form("36"), Some(36));
        for refused in ["0", "37", "-6", "twelve"] {
            assert_eq!(form(refused), None, "{refused}");
        }
        assert_eq!(kept(Some(12)), "");
        assert_eq!(kept(Some(6)), "&months=6");
    }

    #[test]
    fn each_cell_is_shaded_by_its_share_with_its_working_in_its_title() {
        let cohorts = cohorts();
        let s = section(
            Locale::En,
            "from=2026-04-01&to=2026-06-30",
            Some((3, &cohorts)),
        );
        let map = s.map.unwrap();
        assert_eq!(map.range, "Apr 2026 – Jun 2026");
        assert_eq!(map.columns, ["0", "1", "2"]);
        let texts: Vec<Vec<&str>> = map
            .rows
            .iter()
            .map(|r| r.cells.iter().map(|c| c.text.as_str()).collect())
            .collect();
        assert_eq!(
            texts,
            [
                vec!["50%", "25%", "75%"],
                vec!["–", "–", ""],
                vec!["67%", "", ""]
            ]
        );
        let classes: Vec<&str> = map.rows[0].cells.iter().map(|c| c.class).collect();
        // 25% is half way between two tenths: away from zero.
        assert_eq!(classes, ["heat-5", "heat-3", "heat-8"]);
        assert_eq!(map.rows[2].cells[0].class, "heat-7");
        assert_eq!(map.rows[1].cells[2].class, "heat-later");
        assert_eq!(
            map.rows[0].cells[1].title.as_deref(),
            Some("Joined Apr 2026, bought in May 2026 (month 1): 25.0%, 1 of 4")
        );
        assert_eq!(map.rows[1].members, "0");
        assert_eq!(map.csv, "/admin/insight/cohorts.csv?months=3");
        assert!(s.choices.iter().all(|c| !c.current));
        assert_eq!(
            s.choices[0].href,
            "/admin/insight?from=2026-04-01&to=2026-06-30&months=6#cohorts"
        );
        assert_eq!(
            s.choices[1].href,
            "/admin/insight?from=2026-04-01&to=2026-06-30#cohorts"
        );
    }

    #[test]
    fn chinese_cells_name_their_months_in_chinese_and_refused_months_say_so() {
        let cohorts = cohorts();
        let s = section(Locale::ZhCn, "", Some((12, &cohorts)));
        assert!(s.choices[1].current);
        let map = s.map.unwrap();
        assert_eq!(map.rows[0].month, "2026年4月");
        assert_eq!(
            map.rows[2].cells[0].title.as_deref(),
            Some("2026年6月加入，2026年6月（第 0 个月）有购买：66.7%，3 人中 2 人")
        );
        let refused = section(Locale::ZhCn, "", None).map.err().unwrap();
        assert!(refused.contains("36"), "{refused}");
    }
}
