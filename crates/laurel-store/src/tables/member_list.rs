//! The staff's list of members: filtered, searched, newest first, a page at a time.
//!
//! Pages are keyset pages on the primary key (`id < last shown`), not offsets: any page is one
//! seek on the key and a walk of the rows after it, as fast on page 1,000 of 100,000 members
//! as on the first, and a member enrolled meanwhile shifts nothing. The filters are tests on
//! the rows walked, so a page reads only as many rows as it takes to find a page of matches;
//! a search forgives case and form (see `laurel_core::search`) and so looks inside the stored
//! keys with `LIKE`, which no index serves.

use crate::db::connect::Store;
use crate::db::sql::{Arg, Sql};
use crate::error::Result;
use crate::tables::members::{COLUMNS, member_from_row};
use crate::tables::tiers::TIER_COLUMNS;
use crate::types::{Member, MemberId, instant_opt, micros};
use jiff::Timestamp;
use laurel_core::MemberStatus;
use laurel_core::search::MemberQuery;

/// The most members one page of the list holds.
pub const MEMBER_PAGE_MAX: u32 = 200;

/// Instants from (inclusive) and to (exclusive); either end may be open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Span {
    /// At or after.
    pub from: Option<Timestamp>,
    /// Before.
    pub to: Option<Timestamp>,
}

/// Which members the list shows; everyone when nothing is set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberFilter {
    /// What was typed into the search, as compared.
    pub query: Option<MemberQuery>,
    /// Holding this tier (its id).
    pub tier: Option<String>,
    /// In this state.
    pub status: Option<MemberStatus>,
    /// Enrolled within.
    pub enrolled: Span,
    /// Last bought within (members who never bought are left out when either end is set).
    pub last_purchase: Span,
    /// Available points at least.
    pub balance_min: Option<i64>,
    /// Available points at most.
    pub balance_max: Option<i64>,
    /// In this segment (its id) as of its last refresh.
    pub segment: Option<String>,
}

/// A member as the list shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedMember {
    /// The member.
    pub member: Member,
    /// When they last bought, if ever.
    pub last_purchase: Option<Timestamp>,
}

/// One page of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberPage {
    /// On the first page of a search, members whose external id, email or whole name is
    /// what was typed, before the others (each member is listed once over all pages).
    pub members: Vec<ListedMember>,
    /// What to pass as `after` for the next page, if there is one.
    pub next: Option<MemberId>,
}

/// A value a clause binds, owned until the statement runs.
enum Value {
    Int(i64),
    Text(String),
}

/// A `WHERE` being written: its conditions and the values of their placeholders, in order.
#[derive(Default)]
struct Conditions {
    sql: Vec<String>,
    values: Vec<Value>,
}

impl Conditions {
    /// The next placeholder, bound to `value`.
    fn bind(&mut self, value: Value) -> String {
        self.values.push(value);
        format!("${}", self.values.len())
    }

    fn int(&mut self, template: &str, value: Option<i64>) {
        if let Some(value) = value {
            let mark = self.bind(Value::Int(value));
            self.sql.push(template.replace('?', &mark));
        }
    }

    fn span(&mut self, column: &str, span: Span) {
        self.int(&format!("{column} >= ?"), span.from.map(micros));
        self.int(&format!("{column} < ?"), span.to.map(micros));
    }

    fn text(&mut self, template: &str, value: Option<&str>) {
        if let Some(value) = value {
            let mark = self.bind(Value::Text(value.to_owned()));
            self.sql.push(template.replace('?', &mark));
        }
    }

    fn clause(&self) -> String {
        if self.sql.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.sql.join(" AND "))
        }
    }

    fn args(&self) -> Vec<Arg<'_>> {
        self.values
            .iter()
            .map(|v| match v {
                Value::Int(i) => Arg::from(*i),
                Value::Text(t) => Arg::from(t.as_str()),
            })
            .collect()
    }
}

/// `text` found anywhere, as a `LIKE` pattern escaped with `!`.
fn contains(text: &str) -> String {
    format!("%{}%", crate::db::sql::like_escaped(text))
}

/// Which of a search's matches a read takes: the exact ones (a whole id, email or name), the
/// rest, or all of them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Exact,
    Rest,
    All,
}

/// The `WHERE`s on the member row and on the last purchase (worked out in a subquery around
/// it), which share one numbering of placeholders, and the values bound.
fn conditions(
    filter: &MemberFilter,
    part: Part,
    after: Option<MemberId>,
) -> (Conditions, String, String) {
    let mut c = Conditions::default();
    c.text("tier = ?", filter.tier.as_deref());
    c.text("status = ?", filter.status.map(|s| s.as_str()));
    c.span("enrolled_at", filter.enrolled);
    c.int("available >= ?", filter.balance_min);
    c.int("available <= ?", filter.balance_max);
    c.int("id < ?", after.map(|a| a.0));
    c.text(
        "id IN (SELECT member_id FROM segment_members WHERE segment_id = ?)",
        filter.segment.as_deref(),
    );
    if let Some(q) = &filter.query {
        let like = c.bind(Value::Text(contains(&q.text)));
        let mut any = format!(
            "(external_key LIKE {like} ESCAPE '!' OR name_key LIKE {like} ESCAPE '!' \
             OR email_key LIKE {like} ESCAPE '!'"
        );
        if let Some(digits) = &q.phone {
            let phone = c.bind(Value::Text(contains(digits)));
            any.push_str(&format!(" OR phone_key LIKE {phone} ESCAPE '!'"));
        }
        any.push(')');
        c.sql.push(any);
        if part != Part::All {
            let exact = c.bind(Value::Text(q.text.clone()));
            c.sql.push(match part {
                // Each an index lookup.
                Part::Exact => {
                    format!("(external_key = {exact} OR email_key = {exact} OR name_key = {exact})")
                }
                // NULL keys compare as no match, not as unknown.
                _ => format!(
                    "NOT (external_key = {exact} OR COALESCE(email_key, '') = {exact} \
                     OR COALESCE(name_key, '') = {exact})"
                ),
            });
        }
    }
    let inner = c.clause();
    c.sql.clear();
    c.span("last_purchase_at", filter.last_purchase);
    let outer = c.clause();
    (c, inner, outer)
}

async fn read(
    store: &Store,
    filter: &MemberFilter,
    part: Part,
    after: Option<MemberId>,
    limit: u32,
) -> Result<Vec<ListedMember>> {
    let (c, inner, outer) = conditions(filter, part, after);
    let sql = format!(
        "SELECT {COLUMNS}, {TIER_COLUMNS}, last_purchase_at FROM (\
           SELECT m.*, (SELECT MAX(p.occurred_at) FROM purchases p WHERE p.member_id = m.id) AS last_purchase_at \
           FROM members m{inner}\
         ) listed{outer} ORDER BY id DESC LIMIT {limit}"
    );
    let mut db = store;
    let rows = db.rows(&sql, &c.args()).await?;
    rows.iter()
        .map(|row| {
            Ok(ListedMember {
                member: member_from_row(row)?,
                last_purchase: instant_opt(row.get("last_purchase_at")?)?,
            })
        })
        .collect()
}

impl Store {
    /// A page of the members `filter` lets through, newest first, after the member `after`
    /// (the previous page's `next`), at most `limit` (1 to [`MEMBER_PAGE_MAX`]).
    pub async fn member_page(
        &self,
        filter: &MemberFilter,
        after: Option<MemberId>,
        limit: u32,
    ) -> Result<MemberPage> {
        let limit = limit.clamp(1, MEMBER_PAGE_MAX);
        // A search lists its exact matches first, on the first page — when they fit on it;
        // when more match exactly than a page holds, every match is listed newest first, so
        // none is left off. Each page asks again which, by the same index lookups.
        let exact = match &filter.query {
            Some(_) => Some(read(self, filter, Part::Exact, None, limit + 1).await?)
                .filter(|exact| exact.len() <= limit as usize),
            None => None,
        };
        let (mut members, part) = match (exact, after) {
            (Some(exact), None) => (exact, Part::Rest),
            (Some(_), Some(_)) => (Vec::new(), Part::Rest),
            (None, _) => (Vec::new(), Part::All),
        };
        let room = limit - u32::try_from(members.len()).unwrap_or(limit);
        let mut rest = read(self, filter, part, after, room.max(1) + 1).await?;
        let next = if rest.len() > room as usize {
            rest.truncate(room as usize);
            // When exact matches filled the first page, the rest starts from the newest.
            Some(rest.last().map_or(MemberId(i64::MAX), |m| m.member.id))
        } else {
            None
        };
        members.extend(rest);
        Ok(MemberPage { members, next })
    }
}
