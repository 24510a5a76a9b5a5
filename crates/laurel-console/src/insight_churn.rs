//! The churn-risk list at `/admin/insight/churn` (staff who may read reports): the members the
//! last daily refresh put at risk — high first, then medium, within a level the least likely
//! still active first — filtered by level, 50 a page on the engine's keys, each linked to
//! their page with their tier, days since their last purchase against their usual gap, the
//! probability still active, the value at stake and the reason in words; and the whole
//! filtered list as CSV (`churn.csv`), read a store page at a time.

use crate::Console;
use crate::csv::Csv;
use crate::i18n::Locale;
use crate::member_insight_words as words;
use crate::page::render;
use crate::web::{Chrome, PageError, Staff};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Timestamp;
use laurel_engine::{AtRisk, CHURN_PAGE_MAX, ChurnFilter, ChurnKey, Permission, ProgramDefinition};
use serde::Deserialize;

/// Members a page shows.
const PAGE: u32 = 50;

/// The list's query: the level (`high`, `medium`, empty for both) and where the page starts.
#[derive(Deserialize, Default)]
pub(crate) struct ChurnQuery {
    #[serde(default)]
    level: String,
    after: Option<String>,
}

impl ChurnQuery {
    /// The filter and the page's start; a level or key that is not one is refused.
    fn read(&self, l: Locale) -> Result<(ChurnFilter, Option<ChurnKey>), PageError> {
        let refused = || PageError::new(StatusCode::BAD_REQUEST, l, "churn.bad_page");
        let filter = ChurnFilter::parse(Some(&self.level)).ok_or_else(refused)?;
        let after = self
            .after
            .as_deref()
            .map(str::parse::<ChurnKey>)
            .transpose()
            .map_err(|_| refused())?;
        Ok((filter, after))
    }
}

/// A member as the list shows them.
struct Row {
    id: i64,
    /// Their name, or their external id when they have none.
    name: String,
    external_id: String,
    tier: String,
    risk_id: &'static str,
    risk: String,
    days_since: String,
    usual_gap: String,
    p_alive: String,
    value: String,
    reason: String,
}

/// A level to filter by: its parameter, its words and whether it is shown.
struct Choice {
    value: &'static str,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "insight_churn.html")]
struct ChurnListPage {
    chrome: Chrome,
    choices: Vec<Choice>,
    /// When the list's refresh ran, in words; none before the first.
    as_of: Option<String>,
    rows: Vec<Row>,
    first: Option<String>,
    next: Option<String>,
    csv: String,
}

/// A member of the list in the page's words, days counted to `now`.
fn row(l: Locale, definition: &ProgramDefinition, at_risk: AtRisk, now: Timestamp) -> Row {
    let t = l.strings();
    let m = at_risk.member;
    let days = laurel_engine::days_since(now, m.last_purchase_at);
    // A tier the program no longer has is still named, by its id.
    let tier = m.tier.map_or_else(
        || t.get("insight.no_tier").to_owned(),
        |id| {
            definition
                .tiers
                .as_ref()
                .and_then(|p| p.tiers().iter().find(|tier| tier.id == id))
                .map_or(id.clone(), |tier| l.text(&tier.name).to_owned())
        },
    );
    Row {
        id: m.member.0,
        name: m.name.unwrap_or_else(|| m.external_id.clone()),
        external_id: m.external_id,
        tier,
        risk_id: at_risk.level.as_str(),
        risk: words::risk(l, at_risk.level.as_str()),
        days_since: l.integer(days),
        usual_gap: m
            .usual_gap_days
            .map_or_else(|| crate::insight_words::DASH.to_owned(), |g| l.integer(g)),
        p_alive: words::p_alive(l, m.p_alive_ppm),
        value: words::money(l, m.value_12m_minor, definition.program.currency),
        reason: words::reason(l, days, m.usual_gap_days),
    }
}

/// `/admin/insight/churn`: a page of the list.
pub(crate) async fn page(
    State(console): State<Console>,
    staff: Staff,
    Query(query): Query<ChurnQuery>,
) -> Result<Response, PageError> {
    staff.require(Permission::ViewReports)?;
    let l = staff.locale;
    let t = l.strings();
    let (filter, after) = query.read(l)?;
    let page = console
        .engine
        .churn_risk(filter, after, PAGE)
        .await
        .map_err(staff.fail())?;
    let definition = console.engine.definition();
    let tz = &definition.program.time_zone;
    let now = Timestamp::now();
    let level = filter.as_str();
    let base = format!("/admin/insight/churn?level={level}");
    let page = ChurnListPage {
        chrome: Chrome::signed_in(&staff, "insight", base.clone()),
        choices: [ChurnFilter::AtRisk, ChurnFilter::High, ChurnFilter::Medium]
            .into_iter()
            .map(|f| Choice {
                value: f.as_str(),
                label: t
                    .get(&format!(
                        "churn.level_{}",
                        if f.as_str().is_empty() {
                            "all"
                        } else {
                            f.as_str()
                        }
                    ))
                    .to_owned(),
                selected: f == filter,
            })
            .collect(),
        as_of: page
            .refreshed_at
            .map(|at| t.with("churn.as_of", "when", &l.date_time(at, tz))),
        rows: page
            .members
            .into_iter()
            .map(|m| row(l, &definition, m, now))
            .collect(),
        first: after.map(|_| base.clone()),
        next: page.next.map(|key| format!("{base}&after={key}")),
        csv: format!("/admin/insight/churn.csv?level={level}"),
    };
    Ok(render(StatusCode::OK, &page))
}

/// `/admin/insight/churn.csv`: the whole filtered list, in the list's order, figures as
/// spreadsheets read them (ISO instants, bare numbers, amounts in the currency's minor digits).
pub(crate) async fn download(
    State(console): State<Console>,
    staff: Staff,
    Query(query): Query<ChurnQuery>,
) -> Result<Response, PageError> {
    staff.require(Permission::ViewReports)?;
    let l = staff.locale;
    let t = l.strings();
    let (filter, _) = query.read(l)?;
    let definition = console.engine.definition();
    let currency = definition.program.currency;
    let mut csv = Csv::new(
        &[
            "churn.csv_member_id",
            "churn.csv_external_id",
            "churn.csv_name",
            "churn.tier",
            "churn.csv_risk",
            "churn.csv_last_purchase",
            "churn.days_since",
            "churn.usual_gap",
            "churn.csv_p_alive",
            "churn.csv_value",
            "churn.reason",
        ]
        .map(|key| match key {
            "churn.csv_value" => format!("{} ({})", t.get(key), currency.code()),
            key => t.get(key).to_owned(),
        }),
    );
    let now = Timestamp::now();
    let digits = currency.minor_digits();
    let mut after = None;
    loop {
        let page = console
            .engine
            .churn_risk(filter, after, CHURN_PAGE_MAX)
            .await
            .map_err(staff.fail())?;
        for m in page.members {
            let shown = row(l, &definition, m.clone(), now);
            let m = m.member;
            csv.push(&[
                m.member.0.to_string(),
                m.external_id,
                m.name.unwrap_or_default(),
                shown.tier,
                shown.risk,
                m.last_purchase_at.to_string(),
                laurel_engine::days_since(now, m.last_purchase_at).to_string(),
                m.usual_gap_days.map_or_else(String::new, |g| g.to_string()),
                rust_decimal::Decimal::new(m.p_alive_ppm, 4).to_string(),
                rust_decimal::Decimal::new(m.value_12m_minor, digits).to_string(),
                shown.reason,
            ]);
        }
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    let name = match filter.as_str() {
        "" => "at-risk",
        level => level,
    };
    Ok(csv.download(&format!("churn-risk-{name}.csv")))
}
