//! Insight's distributions of a period (the engine's `Distributions`), each a section with a bar
//! chart and its table (`charts.rs`): purchase frequency — the members who bought, by how many
//! purchases each made (1 … 9, then 10 or more), with the repeat-purchase rate beside it — and
//! recency — members by the whole days from their last purchase to the period's end, in the
//! core's `RECENCY_BUCKETS`. The buckets' words are made here once, for the page and its
//! download (`insight_csv.rs`).

use crate::charts::{self, Buckets, Chart};
use crate::i18n::Locale;
use crate::insight_words;
use laurel_core::insight::{Distributions, FREQUENCY_POOLED_FROM, Period, RECENCY_BUCKETS, Rate};

/// A distribution the page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Members who bought, by their purchases in the period.
    Frequency,
    /// Members who ever bought, by the days from their last purchase to the period's end.
    Recency,
}

impl Kind {
    /// Both, in the page's order.
    pub const ALL: [Kind; 2] = [Kind::Frequency, Kind::Recency];

    /// Its section's element id, and the name of its words (`insight.heading_{id}`…).
    pub fn id(self) -> &'static str {
        match self {
            Kind::Frequency => "frequency",
            Kind::Recency => "recency",
        }
    }

    /// Its heading.
    pub fn heading(self, l: Locale) -> String {
        l.strings()
            .get(&format!("insight.heading_{}", self.id()))
            .to_owned()
    }

    /// Its buckets, in order.
    pub fn buckets(self, l: Locale) -> Vec<Bucket> {
        match self {
            Kind::Frequency => {
                let ends: Vec<i64> = (1..FREQUENCY_POOLED_FROM).collect();
                buckets(l, 1, &ends)
            }
            Kind::Recency => buckets(l, 0, &RECENCY_BUCKETS),
        }
    }

    /// Its members per bucket, as the engine counted them.
    pub fn counts(self, d: &Distributions) -> &[i64] {
        match self {
            Kind::Frequency => &d.frequency,
            Kind::Recency => &d.recency,
        }
    }
}

/// One bucket: the figures it holds, and its words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    /// Its lowest figure.
    pub from: i64,
    /// Its highest; none for the last, open one.
    pub to: Option<i64>,
    /// Under its bar: `8–30`, `10+`.
    pub axis: String,
    /// In the table and the download: `8–30`, `10 or more`.
    pub words: String,
}

/// The buckets from `first` up to each of `ends` (included), then one open above the last.
fn buckets(l: Locale, first: i64, ends: &[i64]) -> Vec<Bucket> {
    let t = l.strings();
    let mut from = first;
    let mut out = Vec::with_capacity(ends.len() + 1);
    for &to in ends {
        let words = if from == to {
            l.integer(from)
        } else {
            t.fill(
                "insight.bucket_range",
                &[("from", &l.integer(from)), ("to", &l.integer(to))],
            )
        };
        out.push(Bucket {
            from,
            to: Some(to),
            axis: words.clone(),
            words,
        });
        from = to + 1;
    }
    out.push(Bucket {
        from,
        to: None,
        axis: t.with("insight.bucket_open_short", "from", &l.integer(from)),
        words: t.with("insight.bucket_open", "from", &l.integer(from)),
    });
    out
}

/// The repeat-purchase rate in words.
pub struct Repeat {
    /// Its name.
    pub name: String,
    /// What it counts.
    pub definition: String,
    /// The rate, or a dash when nobody bought.
    pub figure: String,
    /// Its working: "3 of 5 members who bought".
    pub working: String,
    /// All of it in a line, as the KPIs' section gives it.
    pub line: String,
}

/// The repeat-purchase rate of `d`.
pub fn repeat(l: Locale, d: &Distributions) -> Repeat {
    let t = l.strings();
    let rate = d.repeat_purchase();
    let name = t.get("insight.repeat_purchase_rate").to_owned();
    let figure = insight_words::share(l, rate);
    let working = working(l, rate);
    Repeat {
        line: t.fill(
            "insight.repeat_beside",
            &[("name", &name), ("figure", &figure), ("working", &working)],
        ),
        name,
        definition: t.get("insight.repeat_purchase_definition").to_owned(),
        figure,
        working,
    }
}

/// A rate's working: "3 of 5 members who bought".
fn working(l: Locale, rate: Rate) -> String {
    l.strings().fill(
        "insight.repeat_working",
        &[
            ("part", &l.integer(rate.part)),
            ("whole", &l.integer(rate.whole)),
        ],
    )
}

/// A distribution as a section of the page.
pub struct Section {
    /// Its element id.
    pub id: &'static str,
    /// What it counts over, beside its heading: the period, or its end.
    pub when: String,
    /// What it counts.
    pub definition: String,
    /// The chart and its table.
    pub chart: Chart,
    /// Beside the frequency, the repeat-purchase rate.
    pub repeat: Option<Repeat>,
}

/// Both distributions of `d` over `period` (`period_words` as the page names it); one whose
/// chart failed to draw (logged) is left out, as the daily charts are.
pub fn sections(l: Locale, d: &Distributions, period: Period, period_words: &str) -> Vec<Section> {
    let t = l.strings();
    let (from, to) = (l.date(period.from), l.date(period.to));
    Kind::ALL
        .into_iter()
        .filter_map(|kind| {
            let id = kind.id();
            let counts: Vec<(String, String, i64)> = kind
                .buckets(l)
                .into_iter()
                .zip(kind.counts(d))
                .map(|(b, &n)| (b.axis, b.words, n))
                .collect();
            let figures: Vec<String> = counts
                .iter()
                .map(|(_, words, n)| {
                    t.fill(
                        "insight.bucket_members",
                        &[("bucket", words), ("members", &l.integer(*n))],
                    )
                })
                .collect();
            let summary = t.fill(
                &format!("insight.{id}_summary"),
                &[
                    ("from", &from),
                    ("to", &to),
                    ("figures", &figures.join(t.get("insight.list_separator"))),
                ],
            );
            let chart = charts::members_by_bucket(
                l,
                Buckets {
                    id: match kind {
                        Kind::Frequency => "frequency-chart",
                        Kind::Recency => "recency-chart",
                    },
                    heading: kind.heading(l),
                    summary,
                    bucket: t.get(&format!("insight.{id}_bucket")).to_owned(),
                    counts,
                },
            )?;
            Some(Section {
                id,
                when: match kind {
                    Kind::Frequency => period_words.to_owned(),
                    Kind::Recency => t.with("insight.as_of", "date", &to),
                },
                definition: t.get(&format!("insight.{id}_definition")).to_owned(),
                chart,
                repeat: (kind == Kind::Frequency).then(|| repeat(l, d)),
            })
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn the_buckets_follow_the_cores_and_read_in_both_languages() {
        let words = |kind: Kind, l| -> Vec<String> {
            kind.buckets(l).into_iter().map(|b| b.words).collect()
        };
        assert_eq!(
            words(Kind::Recency, Locale::En),
            [
                "0–7",
                "8–30",
                "31–60",
                "61–90",
                "91–180",
                "181–365",
                "366 or more"
            ]
        );
        assert_eq!(words(Kind::Frequency, Locale::ZhCn)[9], "10 及以上");
        let frequency = Kind::Frequency.buckets(Locale::En);
        assert_eq!(frequency.len(), Distributions::new([], []).frequency.len());
        assert_eq!(
            (
                frequency[0].from,
                frequency[0].to,
                frequency[0].words.as_str()
            ),
            (1, Some(1), "1")
        );
        let last = frequency.last().unwrap();
        assert_eq!((last.from, last.to, last.axis.as_str()), (10, None, "10+"));
        assert_eq!(
            Kind::Recency.buckets(Locale::En).len(),
            Distributions::new([], []).recency.len()
        );
    }

    #[test]
    fn frequency_has_the_repeat_rate_beside_it_with_its_working() {
        let d = Distributions::new([(1, 2), (2, 2), (11, 1)], [(3, 1), (20, 3)]);
        let period = Period::new(date(2026, 4, 1), date(2026, 5, 31)).unwrap();
        let shown = sections(Locale::En, &d, period, "1 Apr 2026 – 31 May 2026 (61 days)");
        assert_eq!(shown.len(), 2);
        let repeat = shown[0].repeat.as_ref().unwrap();
        assert_eq!(
            (repeat.figure.as_str(), repeat.working.as_str()),
            ("60.0%", "3 of 5 members who bought")
        );
        assert!(shown[1].repeat.is_none());
        assert_eq!(shown[1].when, "as of 31 May 2026");
        assert_eq!(shown[0].chart.table.rows[9], ["10 or more", "1", "20.0%"]);
        assert!(
            shown[1].chart.svg.contains("0–7: 1; 8–30: 3; 31–60: 0"),
            "{}",
            shown[1].chart.svg
        );
        let zh = repeat_of(Locale::ZhCn, &d);
        assert_eq!(zh, ("60.0%".to_owned(), "5 位购买会员中的 3 位".to_owned()));
        let nobody = repeat_of(Locale::En, &Distributions::new([], []));
        assert_eq!(nobody.0, insight_words::DASH);
    }

    fn repeat_of(l: Locale, d: &Distributions) -> (String, String) {
        let r = repeat(l, d);
        (r.figure, r.working)
    }
}
