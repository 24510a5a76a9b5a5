//! Segments: every saved segment with its conditions in words and how many members it held at
//! its last refresh, each linked to the members list filtered by it and to a CSV of its
//! members; a form that saves a new one (every condition optional, those left blank unused);
//! deleting one. Saving and deleting are audited.

use crate::Console;
use crate::csv::Csv;
use crate::form_fields::{Fields, all, field, ticked};
use crate::messages::{self, Problem};
use crate::page::render;
use crate::segment_words;
use crate::web::{Chrome, PageError, Staff};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use laurel_core::insight::RfmSegment;
use laurel_core::insight::clv::ChurnRiskLevel;
use laurel_core::notices::CHANNELS;
use laurel_engine::{
    AttributeSpec, ConditionSpec, EngineError, MemberFilter, MemberId, Permission, RangeSpec,
    SegmentSpec, SegmentView, SpendSpec, WindowSpec,
};
use serde_json::json;
use std::str::FromStr;

/// Who may save and delete segments: those who shape the program, since rules will name them.
const EDIT: Permission = Permission::EditProgram;

/// A segment as the page lists it.
struct SegmentRow {
    id: String,
    name: String,
    description: String,
    conditions: Vec<String>,
    members: String,
    refreshed: String,
}

/// A box of the form's checkbox groups: its value, words and whether it is ticked.
struct Tick {
    value: String,
    words: String,
    ticked: bool,
}

#[derive(Template)]
#[template(path = "segments.html")]
struct SegmentsPage {
    chrome: Chrome,
    rows: Vec<SegmentRow>,
    fields: Fields,
    tiers: Vec<Tick>,
    risks: Vec<Tick>,
    rfm: Vec<Tick>,
    channels: Vec<&'static str>,
    problems: Vec<Problem>,
}

impl SegmentsPage {
    /// What was typed into `name`, to show it again.
    fn typed(&self, name: &str) -> &str {
        field(&self.fields, name)
    }
}

fn row(console: &Console, staff: &Staff, view: SegmentView) -> SegmentRow {
    let l = staff.locale;
    let t = l.strings();
    let definition = console.engine.definition();
    let conditions = match console.engine.checked_segment(&view.spec) {
        Ok(segment) => segment
            .conditions
            .iter()
            .map(|c| segment_words::condition(l, &definition, c))
            .collect(),
        // Saved under an earlier program (a tier since dropped): said so, not hidden.
        Err(_) => vec![t.get("segments.stale").to_owned()],
    };
    SegmentRow {
        id: view.spec.id,
        name: view.spec.name,
        description: view.spec.description.unwrap_or_default(),
        conditions,
        members: l.integer(view.members),
        refreshed: view.refreshed_at.map_or_else(
            || t.get("segments.not_refreshed").to_owned(),
            |at| l.date_time(at, &definition.program.time_zone),
        ),
    }
}

async fn segments_page(
    console: &Console,
    staff: &Staff,
    fields: Fields,
    problems: Vec<Problem>,
) -> Result<SegmentsPage, PageError> {
    let l = staff.locale;
    let t = l.strings();
    let definition = console.engine.definition();
    let views = console.engine.segments().await.map_err(staff.fail())?;
    let is_ticked = |name: &str, value: &str| ticked(&fields, name, value);
    let tiers = definition.tiers.as_ref().map_or_else(Vec::new, |policy| {
        policy
            .tiers()
            .iter()
            .map(|tier| Tick {
                value: tier.id.clone(),
                words: l.text(&tier.name).to_owned(),
                ticked: is_ticked("tiers", &tier.id),
            })
            .collect()
    });
    let risks = ChurnRiskLevel::ALL
        .iter()
        .map(|level| Tick {
            value: level.as_str().to_owned(),
            words: t
                .get(&format!("segments.risk_{}", level.as_str()))
                .to_owned(),
            ticked: is_ticked("churn_risk", level.as_str()),
        })
        .collect();
    let rfm = RfmSegment::ALL
        .iter()
        .map(|s| Tick {
            value: s.as_str().to_owned(),
            words: t.get(&format!("segments.rfm_{}", s.as_str())).to_owned(),
            ticked: is_ticked("rfm", s.as_str()),
        })
        .collect();
    Ok(SegmentsPage {
        // Part of Insight: the header marks it, and its contents link here.
        chrome: Chrome::signed_in(staff, "insight", "/admin/segments".into()),
        rows: views.into_iter().map(|v| row(console, staff, v)).collect(),
        fields,
        tiers,
        risks,
        rfm,
        channels: CHANNELS.to_vec(),
        problems,
    })
}

/// `/admin/segments`.
pub(crate) async fn page(
    State(console): State<Console>,
    staff: Staff,
) -> Result<Response, PageError> {
    staff.require(Permission::ViewReports)?;
    let page = segments_page(&console, &staff, Vec::new(), Vec::new()).await?;
    Ok(render(StatusCode::OK, &page))
}

/// The form's fields as a segment, or what could not be read, each at its field.
fn spec_of(fields: &Fields, staff: &Staff) -> Result<SegmentSpec, Vec<Problem>> {
    let t = staff.locale.strings();
    let mut problems = Vec::new();
    let mut number = |name: &str| -> Option<i64> {
        let typed = field(fields, name);
        if typed.is_empty() {
            return None;
        }
        let read = typed.parse::<i64>().ok();
        if read.is_none() {
            problems.push(problem(name, t.get("field.integer")));
        }
        read
    };
    let range = |least: Option<i64>, most: Option<i64>| {
        (least.is_some() || most.is_some()).then_some(RangeSpec {
            at_least: least,
            at_most: most,
        })
    };
    let mut conditions = Vec::new();
    let tiers = all(fields, "tiers");
    if !tiers.is_empty() {
        conditions.push(ConditionSpec::Tiers(tiers));
    }
    let pairs = [
        (
            "since_purchase",
            ConditionSpec::DaysSinceLastPurchase as fn(RangeSpec) -> ConditionSpec,
        ),
        ("since_joining", ConditionSpec::DaysSinceJoining),
        ("balance", ConditionSpec::Balance),
    ];
    for (name, make) in pairs {
        let (least, most) = (
            number(&format!("{name}_min")),
            number(&format!("{name}_max")),
        );
        if let Some(r) = range(least, most) {
            conditions.push(make(r));
        }
    }
    let consent = field(fields, "consent");
    if !consent.is_empty() {
        conditions.push(ConditionSpec::Consent(consent.to_owned()));
    }
    let (days, least, most) = (
        number("purchases_days"),
        number("purchases_min"),
        number("purchases_max"),
    );
    if let Some(r) = range(least, most) {
        conditions.push(ConditionSpec::Purchases(WindowSpec {
            days: days.unwrap_or(365),
            at_least: r.at_least,
            at_most: r.at_most,
        }));
    }
    let spend_days = number("spend_days");
    let mut amount = |name: &str| -> Option<rust_decimal::Decimal> {
        let typed = field(fields, name);
        if typed.is_empty() {
            return None;
        }
        let read = rust_decimal::Decimal::from_str(typed).ok();
        if read.is_none() {
            problems.push(problem(name, t.get("segments.bad_amount")));
        }
        read
    };
    let (least, most) = (amount("spend_min"), amount("spend_max"));
    if least.is_some() || most.is_some() {
        conditions.push(ConditionSpec::Spend(SpendSpec {
            days: spend_days.unwrap_or(365),
            at_least: least,
            at_most: most,
        }));
    }
    let key = field(fields, "attribute_key");
    if !key.is_empty() {
        conditions.push(ConditionSpec::Attribute(AttributeSpec {
            key: key.to_owned(),
            value: field(fields, "attribute_value").to_owned(),
        }));
    }
    let risks = all(fields, "churn_risk");
    if !risks.is_empty() {
        conditions.push(ConditionSpec::ChurnRisk(risks));
    }
    let rfm = all(fields, "rfm");
    if !rfm.is_empty() {
        conditions.push(ConditionSpec::Rfm(rfm));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let description = field(fields, "description");
    Ok(SegmentSpec {
        id: field(fields, "id").to_owned(),
        name: field(fields, "name").to_owned(),
        description: (!description.is_empty()).then(|| description.to_owned()),
        conditions,
    })
}

/// A problem at a field of the form.
fn problem(key: &str, text: &str) -> Problem {
    Problem {
        line: None,
        key: key.to_owned(),
        text: text.to_owned(),
    }
}

/// Saves a segment from the form, then lists its members.
pub(crate) async fn create(
    State(console): State<Console>,
    staff: Staff,
    Form(fields): Form<Fields>,
) -> Result<Response, PageError> {
    staff.may_post(field(&fields, "csrf"), EDIT)?;
    let l = staff.locale;
    let problems = match spec_of(&fields, &staff) {
        Err(problems) => problems,
        Ok(spec) => match console.engine.create_segment(spec, Timestamp::now()).await {
            Ok(saved) => {
                staff
                    .audit(
                        &console,
                        "segment.create",
                        format!("segment:{}", saved.spec.id),
                        None,
                        json!({ "id": saved.spec.id, "name": saved.spec.name }),
                    )
                    .await;
                let to = format!("/admin/members?segment={}", saved.spec.id);
                return Ok(Redirect::to(&to).into_response());
            }
            Err(EngineError::InvalidSegment(issues)) => issues
                .iter()
                .map(|issue| messages::problem(l, issue))
                .collect(),
            Err(refused) if refused.is_refusal() => {
                vec![problem("", &messages::refusal(l, &refused))]
            }
            Err(e) => return Err(PageError::from_engine(e, l)),
        },
    };
    let page = segments_page(&console, &staff, fields, problems).await?;
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

/// Deletes a segment (the list's button posts here).
pub(crate) async fn delete(
    State(console): State<Console>,
    staff: Staff,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> Result<Response, PageError> {
    staff.may_post(field(&fields, "csrf"), EDIT)?;
    let fail = staff.fail();
    let segment = console.engine.segment(&id).await.map_err(&fail)?;
    console.engine.delete_segment(&id).await.map_err(&fail)?;
    staff
        .audit(
            &console,
            "segment.delete",
            format!("segment:{id}"),
            Some(json!({ "id": id, "name": segment.spec.name })),
            json!({ "deleted": true }),
        )
        .await;
    Ok(Redirect::to("/admin/segments").into_response())
}

/// Every member of a segment as CSV, newest first, a page of the store at a time.
pub(crate) async fn members_csv(
    State(console): State<Console>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    staff.require(Permission::ViewMembers)?;
    let l = staff.locale;
    let t = l.strings();
    let fail = staff.fail();
    let segment = console.engine.segment(&id).await.map_err(&fail)?;
    let tz = console.engine.definition().program.time_zone.clone();
    let mut csv = Csv::new(
        &[
            "csv_id",
            "csv_external_id",
            "csv_name",
            "csv_email",
            "csv_phone",
            "csv_tier",
            "csv_available",
            "csv_last_purchase",
        ]
        .map(|key| t.get(&format!("segments.{key}")).to_owned()),
    );
    let filter = MemberFilter {
        segment: Some(segment.spec.id.clone()),
        ..MemberFilter::default()
    };
    let mut after: Option<MemberId> = None;
    loop {
        let page = console
            .engine
            .member_page(&filter, after, laurel_engine::MEMBER_PAGE_MAX)
            .await
            .map_err(&fail)?;
        for listed in page.members {
            let m = listed.member;
            csv.push(&[
                m.id.0.to_string(),
                m.profile.external_id,
                m.profile.name.unwrap_or_default(),
                m.profile.email.unwrap_or_default(),
                m.profile.phone.unwrap_or_default(),
                m.tier.tier.unwrap_or_default(),
                m.available.to_string(),
                listed
                    .last_purchase
                    .map(|at| tz.to_datetime(at).to_string())
                    .unwrap_or_default(),
            ]);
        }
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    Ok(csv.download(&format!("segment-{}.csv", segment.spec.id)))
}
