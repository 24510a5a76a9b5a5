//! The members list: everyone, newest first, narrowed by filters (tier, status, when they
//! enrolled and last bought, their balance) and a forgiving search, a page at a time.

use crate::Console;
use crate::i18n::Locale;
use crate::page::render;
use crate::web::{Chrome, PageError, Staff};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use laurel_core::MemberStatus;
use laurel_core::search::MemberQuery;
use laurel_engine::{ListedMember, MemberFilter, MemberId, Permission, Span};
use serde::Deserialize;

/// Members one page lists.
const PAGE: u32 = 50;

/// The list's query string: the filter form's fields as typed, and where the page starts.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ListQuery {
    q: String,
    tier: String,
    status: String,
    enrolled_from: String,
    enrolled_to: String,
    bought_from: String,
    bought_to: String,
    balance_min: String,
    balance_max: String,
    segment: String,
    after: Option<i64>,
}

impl ListQuery {
    /// The fields as a query string (without `after`), for the page links.
    fn encoded(&self) -> String {
        crate::page::query_string(&self.fields())
    }

    fn fields(&self) -> [(&'static str, &str); 10] {
        [
            ("q", &self.q),
            ("tier", &self.tier),
            ("status", &self.status),
            ("enrolled_from", &self.enrolled_from),
            ("enrolled_to", &self.enrolled_to),
            ("bought_from", &self.bought_from),
            ("bought_to", &self.bought_to),
            ("balance_min", &self.balance_min),
            ("balance_max", &self.balance_max),
            ("segment", &self.segment),
        ]
    }
}

/// A field the form could not read, and what to tell the staff member next to it.
struct FieldError {
    field: &'static str,
    message: String,
}

/// The filter the form asks for, or what is wrong with it: every field is checked, and
/// nothing is listed until all of them read.
fn filter(
    query: &ListQuery,
    l: Locale,
    tz: &TimeZone,
    tiers: &[Choice],
    segments: &[Choice],
) -> Result<MemberFilter, Vec<FieldError>> {
    let t = l.strings();
    let mut errors = Vec::new();
    let mut fail = |field: &'static str, key: &str| {
        errors.push(FieldError {
            field,
            message: t.get(key).to_owned(),
        });
    };
    let mut day = |field: &'static str, typed: &str, next: bool| -> Option<Timestamp> {
        let typed = typed.trim();
        if typed.is_empty() {
            return None;
        }
        let at = typed.parse::<Date>().ok().and_then(|d| {
            if next {
                crate::days::end_of(d, tz)
            } else {
                crate::days::start_of(d, tz)
            }
        });
        if at.is_none() {
            fail(field, "finding.bad_date");
        }
        at
    };
    let enrolled = Span {
        from: day("enrolled_from", &query.enrolled_from, false),
        to: day("enrolled_to", &query.enrolled_to, true),
    };
    let last_purchase = Span {
        from: day("bought_from", &query.bought_from, false),
        to: day("bought_to", &query.bought_to, true),
    };
    let mut points = |field: &'static str, typed: &str| -> Option<i64> {
        let typed = typed.trim();
        if typed.is_empty() {
            return None;
        }
        let read = typed.parse::<i64>().ok();
        if read.is_none() {
            fail(field, "field.integer");
        }
        read
    };
    let balance_min = points("balance_min", &query.balance_min);
    let balance_max = points("balance_max", &query.balance_max);
    let tier = match query.tier.as_str() {
        "" => None,
        id if tiers.iter().any(|c| c.value == id) => Some(id.to_owned()),
        _ => {
            fail("tier", "finding.bad_choice");
            None
        }
    };
    let segment = match query.segment.as_str() {
        "" => None,
        id if segments.iter().any(|c| c.value == id) => Some(id.to_owned()),
        _ => {
            fail("segment", "finding.bad_choice");
            None
        }
    };
    let status = match query.status.as_str() {
        "" => None,
        typed => {
            let read = typed.parse::<MemberStatus>().ok();
            if read.is_none() {
                fail("status", "finding.bad_choice");
            }
            read
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(MemberFilter {
        query: MemberQuery::parse(&query.q),
        tier,
        status,
        enrolled,
        last_purchase,
        balance_min,
        balance_max,
        segment,
    })
}

/// One option of a select.
pub(crate) struct Choice {
    value: String,
    label: String,
}

/// One member in the list.
struct MemberRow {
    id: i64,
    external_id: String,
    name: String,
    tier: String,
    status: String,
    available: String,
    last_purchase: String,
}

#[derive(Template)]
#[template(path = "members.html")]
struct ListPage {
    chrome: Chrome,
    query: ListQuery,
    tiers: Vec<Choice>,
    statuses: Vec<Choice>,
    segments: Vec<Choice>,
    errors: Vec<FieldError>,
    rows: Vec<MemberRow>,
    /// The link to the next page, if there is one.
    next: Option<String>,
    /// The link back to the first page, when this is not it.
    first: Option<String>,
}

/// One of the form's typed filters.
struct Input<'a> {
    name: &'static str,
    value: &'a str,
    /// The input's type: `date` or `number`.
    kind: &'static str,
}

impl Input<'_> {
    /// The key of its label: `finding.` and its name.
    fn label(&self) -> String {
        format!("finding.{}", self.name)
    }
}

impl ListPage {
    /// The filters typed rather than chosen, in the form's order.
    fn inputs(&self) -> [Input<'_>; 6] {
        let q = &self.query;
        let input = |name, value, kind| Input { name, value, kind };
        [
            input("enrolled_from", q.enrolled_from.as_str(), "date"),
            input("enrolled_to", q.enrolled_to.as_str(), "date"),
            input("bought_from", q.bought_from.as_str(), "date"),
            input("bought_to", q.bought_to.as_str(), "date"),
            input("balance_min", q.balance_min.as_str(), "number"),
            input("balance_max", q.balance_max.as_str(), "number"),
        ]
    }

    /// Whether a filter is set or refused, so the form shows them open.
    fn filtering(&self) -> bool {
        !self.errors.is_empty()
            || self
                .query
                .fields()
                .iter()
                .any(|(name, value)| *name != "q" && !value.is_empty())
    }

    /// What is wrong with `field`, if anything.
    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

fn row(l: Locale, tz: &TimeZone, tiers: &[Choice], listed: ListedMember) -> MemberRow {
    let t = l.strings();
    let m = listed.member;
    let tier = m.tier.tier.unwrap_or_default();
    MemberRow {
        id: m.id.0,
        external_id: m.profile.external_id,
        name: m.profile.name.unwrap_or_default(),
        // A tier the program no longer has is still named, by its id.
        tier: tiers
            .iter()
            .find(|c| c.value == tier)
            .map_or(tier, |c| c.label.clone()),
        status: t.get(&format!("members.status_{}", m.status)).to_owned(),
        available: l.integer(m.available),
        last_purchase: listed.last_purchase.map_or_else(
            || t.get("finding.never_bought").to_owned(),
            |at| l.date_time(at, tz),
        ),
    }
}

/// `/admin/members`: the list, filtered and paged.
pub(crate) async fn list(
    State(console): State<Console>,
    staff: Staff,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    staff.require(Permission::ViewMembers)?;
    let l = staff.locale;
    let t = l.strings();
    let definition = console.engine.definition();
    let tz = &definition.program.time_zone;
    let tiers: Vec<Choice> = definition.tiers.as_ref().map_or_else(Vec::new, |policy| {
        policy
            .tiers()
            .iter()
            .map(|tier| Choice {
                value: tier.id.clone(),
                label: l.text(&tier.name).to_owned(),
            })
            .collect()
    });
    let statuses = [MemberStatus::Active, MemberStatus::Suspended]
        .into_iter()
        .map(|s| Choice {
            value: s.as_str().to_owned(),
            label: t.get(&format!("members.status_{s}")).to_owned(),
        })
        .collect();
    let segments: Vec<Choice> = console
        .engine
        .segments()
        .await
        .map_err(|e| PageError::from_engine(e, l))?
        .into_iter()
        .map(|s| Choice {
            value: s.spec.id,
            label: s.spec.name,
        })
        .collect();
    let encoded = query.encoded();
    let path = format!("/admin/members?{encoded}");
    let (rows, next, errors, status) = match filter(&query, l, tz, &tiers, &segments) {
        Ok(filter) => {
            let page = console
                .engine
                .member_page(&filter, query.after.map(MemberId), PAGE)
                .await
                .map_err(|e| PageError::from_engine(e, l))?;
            let rows = page
                .members
                .into_iter()
                .map(|m| row(l, tz, &tiers, m))
                .collect();
            let next = page
                .next
                .map(|after| format!("/admin/members?{encoded}&after={}", after.0));
            (rows, next, Vec::new(), StatusCode::OK)
        }
        Err(errors) => (Vec::new(), None, errors, StatusCode::UNPROCESSABLE_ENTITY),
    };
    let first = query
        .after
        .is_some()
        .then(|| format!("/admin/members?{encoded}"));
    let page = ListPage {
        chrome: Chrome::signed_in(&staff, "members", path),
        query,
        tiers,
        statuses,
        segments,
        errors,
        rows,
        next,
        first,
    };
    Ok(render(status, &page))
}
