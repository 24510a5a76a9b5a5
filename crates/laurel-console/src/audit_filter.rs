//! The audit log's filter form: who, what action, which member, from and to which day (in the
//! program's time zone). Read from the query as typed, checked whole before anything is read —
//! a bad field is named and nothing is shown filtered by the rest — and written back into the
//! links of the next page and the download.

use crate::audit_words::ACTIONS;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use laurel_engine::AuditFilter;
use serde::Deserialize;

/// The form as the query carried it; empty fields are no condition.
#[derive(Debug, Default, Deserialize)]
pub struct FilterForm {
    /// A staff account's id.
    #[serde(default)]
    pub who: String,
    /// An action's stable name.
    #[serde(default)]
    pub action: String,
    /// A member's id.
    #[serde(default)]
    pub member: String,
    /// The first day, `YYYY-MM-DD`.
    #[serde(default)]
    pub from: String,
    /// The last day, `YYYY-MM-DD`.
    #[serde(default)]
    pub to: String,
}

/// What is wrong with the form, by field; the values are translation keys.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct FilterErrors {
    /// The staff account is not one.
    pub who: Option<&'static str>,
    /// The action is not one the console records.
    pub action: Option<&'static str>,
    /// The member is not an id.
    pub member: Option<&'static str>,
    /// The first day is not a date.
    pub from: Option<&'static str>,
    /// The last day is not a date, or comes before the first.
    pub to: Option<&'static str>,
}

/// An optional field: `None` when empty, else the value `read` makes of it or the error `key`.
fn field<T>(
    text: &str,
    read: impl FnOnce(&str) -> Option<T>,
    key: &'static str,
) -> Result<Option<T>, &'static str> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    read(text).map(Some).ok_or(key)
}

impl FilterForm {
    /// The filter the form asks for, days taken in `tz` (the last day whole), or what is wrong.
    pub fn filter(&self, tz: &TimeZone) -> Result<AuditFilter, FilterErrors> {
        let id = |s: &str| s.parse::<i64>().ok().filter(|id| *id > 0);
        let day = |s: &str| s.parse::<Date>().ok();
        let who = field(&self.who, id, "staff_pages.bad_who");
        let action = field(
            &self.action,
            |s| ACTIONS.contains(&s).then(|| s.to_owned()),
            "staff_pages.bad_action",
        );
        let member = field(&self.member, id, "field.integer");
        let from = field(&self.from, day, "staff_pages.bad_date");
        let to = field(&self.to, day, "staff_pages.bad_date").and_then(|to| match (&from, to) {
            (Ok(Some(from)), Some(to)) if to < *from => Err("staff_pages.to_before_from"),
            (_, to) => Ok(to),
        });
        match (who, action, member, from, to) {
            (Ok(who), Ok(action), Ok(member), Ok(from), Ok(to)) => Ok(AuditFilter {
                staff_user_id: who,
                action,
                subject: member.map(|id| format!("member:{id}")),
                from: from.and_then(|day| crate::days::start_of(day, tz)),
                until: to.and_then(|day| crate::days::end_of(day, tz)),
            }),
            (who, action, member, from, to) => {
                let errors = FilterErrors {
                    who: who.err(),
                    action: action.err(),
                    member: member.err(),
                    from: from.err(),
                    to: to.err(),
                };
                Err(errors)
            }
        }
    }

    /// The form as a query string (`who=1&action=…`, empty fields left out), to which a
    /// page's cursor is added.
    pub fn query(&self) -> String {
        crate::page::query_string(&[
            ("who", &self.who),
            ("action", &self.action),
            ("member", &self.member),
            ("from", &self.from),
            ("to", &self.to),
        ])
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn form(from: &str, to: &str) -> FilterForm {
        FilterForm {
            from: from.into(),
            to: to.into(),
            ..FilterForm::default()
        }
    }

    #[test]
    fn days_are_whole_days_in_the_program_zone() {
        let tz = TimeZone::get("Asia/Shanghai").unwrap();
        let filter = form("2026-03-01", "2026-03-01").filter(&tz).unwrap();
        assert_eq!(filter.from.unwrap().to_string(), "2026-02-28T16:00:00Z");
        assert_eq!(filter.until.unwrap().to_string(), "2026-03-01T16:00:00Z");
    }

    #[test]
    fn a_bad_field_is_named_and_nothing_is_filtered() {
        let tz = TimeZone::UTC;
        let errors = form("2026-02-30", "").filter(&tz).unwrap_err();
        assert_eq!(errors.from, Some("staff_pages.bad_date"));
        let errors = form("2026-03-02", "2026-03-01").filter(&tz).unwrap_err();
        assert_eq!(
            (errors.from, errors.to),
            (None, Some("staff_pages.to_before_from"))
        );
        let bad = FilterForm {
            member: "42x".into(),
            action: "drop.tables".into(),
            ..FilterForm::default()
        };
        let errors = bad.filter(&tz).unwrap_err();
        assert!(errors.member.is_some() && errors.action.is_some());
    }

    #[test]
    fn the_query_keeps_what_was_asked_and_leaves_out_the_empty() {
        let asked = FilterForm {
            action: "points.adjust".into(),
            member: " 7 ".into(),
            ..FilterForm::default()
        };
        assert_eq!(asked.query(), "action=points.adjust&member=7");
        assert!(asked.filter(&TimeZone::UTC).is_ok());
    }
}
