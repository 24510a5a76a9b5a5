//! An audit-log entry in the page's language: what was done, on what, and what changed, worded
//! from the action's stable name and the state it recorded before and after — never the raw
//! name or JSON.

use crate::i18n::Locale;
use crate::webhook_words;
use serde_json::Value;

/// The actions staff can take in the console, by their stable names, in the order the filter
/// offers them.
pub const ACTIONS: [&str; 34] = [
    "points.adjust",
    "tier.assign",
    "member.suspend",
    "member.reactivate",
    "member.erase",
    "member.erasure_decline",
    "fraud.release",
    "fraud.reverse",
    "fraud.freeze",
    "fraud.dismiss",
    "report.reply",
    "report.resolve",
    "program.apply",
    "staff.create",
    "staff.two_factor_on",
    "staff.two_factor_off",
    "staff.two_factor_reset",
    "staff.recovery_codes_new",
    "api_key.create",
    "api_key.revoke",
    "webhook.create",
    "webhook.delete",
    "webhook.replay",
    "segment.create",
    "segment.delete",
    "books.estimate",
    "books.close",
    "membership.start",
    "membership.cancel",
    "gift_card.unlock",
    "approval.request",
    "approval.approve",
    "approval.reject",
    "approval.withdraw",
];

/// What an action is called: its words, or "another action" for a name this console does not
/// know (one recorded by a later version).
pub fn action(l: Locale, action: &str) -> String {
    let key = format!("staff_pages.action_{}", action.replace('.', "_"));
    let t = l.strings();
    t.find(&key)
        .unwrap_or(t.get("staff_pages.action_other"))
        .to_owned()
}

/// What an action was done on, in words (`member:42` is "Member 42"), and the member's page
/// when it was a member.
pub fn subject(l: Locale, subject: &str) -> (String, Option<String>) {
    let t = l.strings();
    let Some((kind, id)) = subject
        .split_once(':')
        .filter(|(_, id)| id.parse::<i64>().is_ok())
    else {
        return (t.get("staff_pages.subject_other").to_owned(), None);
    };
    let key = format!("staff_pages.subject_{kind}");
    match t.find(&key) {
        Some(_) => {
            let link = (kind == "member").then(|| format!("/admin/members/{id}"));
            (t.with(&key, "id", id), link)
        }
        None => (t.get("staff_pages.subject_other").to_owned(), None),
    }
}

/// What changed, in a sentence, from the state recorded before and after; empty when the
/// action's name says it all or the state is not what this console recorded.
pub fn details(l: Locale, action: &str, before: Option<&str>, after: Option<&str>) -> String {
    let t = l.strings();
    let parse = |json: Option<&str>| {
        json.and_then(|j| serde_json::from_str::<Value>(j).ok())
            .unwrap_or(Value::Null)
    };
    let (before, after) = (parse(before), parse(after));
    let text = |state: &Value, field: &str| match &state[field] {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.as_i64().map_or_else(|| n.to_string(), |n| l.integer(n)),
        _ => String::new(),
    };
    let word = |prefix: &str, state: &Value, field: &str| {
        t.find(&format!("{prefix}{}", text(state, field)))
            .unwrap_or_default()
            .to_owned()
    };
    let tier_or_none = |tier: String| {
        if tier.is_empty() {
            t.get("member.no_tier").to_owned()
        } else {
            tier
        }
    };
    match action {
        "points.adjust" => {
            let moved = t.fill(
                "staff_pages.detail_adjust",
                &[
                    ("from", &text(&before, "available")),
                    ("to", &text(&after, "available")),
                ],
            );
            let told = with_note(
                l,
                moved,
                "staff_pages.detail_reason",
                &text(&after, "reason"),
            );
            with_note(
                l,
                told,
                "staff_pages.detail_staff_note",
                &text(&after, "note"),
            )
        }
        "program.apply" => with_note(
            l,
            t.with(
                "staff_pages.detail_version",
                "version",
                &text(&after, "version"),
            ),
            "staff_pages.detail_note",
            &text(&after, "note"),
        ),
        "report.reply" => t.with("staff_pages.detail_reply", "reply", &text(&after, "reply")),
        "tier.assign" => with_note(
            l,
            t.fill(
                "staff_pages.detail_tier",
                &[
                    ("from", &tier_or_none(text(&before, "tier"))),
                    ("to", &tier_or_none(text(&after, "tier"))),
                ],
            ),
            "staff_pages.detail_reason",
            &text(&after, "reason"),
        ),
        "approval.request" | "approval.approve" | "approval.reject" | "approval.withdraw" => {
            word("approvals.kind_", &after, "kind")
        }
        "staff.create" => t.fill(
            "staff_pages.detail_staff",
            &[
                ("name", &text(&after, "name")),
                ("email", &text(&after, "email")),
                ("role", &word("staff.role_", &after, "role")),
            ],
        ),
        "staff.two_factor_on"
        | "staff.two_factor_off"
        | "staff.two_factor_reset"
        | "staff.recovery_codes_new" => t.fill(
            "staff_pages.detail_staff_member",
            &[
                ("name", &text(&after, "name")),
                ("email", &text(&after, "email")),
            ],
        ),
        "api_key.create" | "api_key.revoke" => {
            let key = if after["name"].is_string() {
                &after
            } else {
                &before
            };
            t.fill(
                "staff_pages.detail_key",
                &[
                    ("name", &text(key, "name")),
                    ("scope", &word("keys.scope_", key, "scope")),
                    ("prefix", &text(key, "prefix")),
                ],
            )
        }
        "webhook.create" | "webhook.delete" => {
            let hook = if after["url"].is_string() {
                &after
            } else {
                &before
            };
            let names = hook["event_types"].as_array().into_iter().flatten();
            t.fill(
                "staff_pages.detail_webhook",
                &[
                    ("url", &text(hook, "url")),
                    (
                        "events",
                        &webhook_words::event_types(l, names.filter_map(Value::as_str)),
                    ),
                ],
            )
        }
        // An id, not an amount: no thousands separators.
        "webhook.replay" => after["delivery"].as_i64().map_or_else(String::new, |id| {
            t.with("staff_pages.detail_replay", "delivery", &id.to_string())
        }),
        "books.estimate" => with_note(
            l,
            t.with(
                "staff_pages.detail_books_estimate",
                "rate",
                &text(&after, "expected_redemption_rate")
                    .parse()
                    .map_or_else(|_| String::new(), crate::books_words::rate),
            ),
            "staff_pages.detail_note",
            &text(&after, "note"),
        ),
        "books.close" => t.fill(
            "staff_pages.detail_books_close",
            &[
                ("period", &text(&after, "period")),
                ("closing", &text(&after, "closing_liability")),
            ],
        ),
        _ => String::new(),
    }
}

/// `sentence`, followed by `note` under `key` when there is one.
fn with_note(l: Locale, sentence: String, key: &str, note: &str) -> String {
    if note.trim().is_empty() {
        sentence
    } else {
        format!("{sentence} {}", l.strings().with(key, "note", note.trim()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_the_console_records_has_words_in_both_languages() {
        for locale in Locale::ALL {
            for name in ACTIONS {
                let words = action(locale, name);
                assert_ne!(words, action(locale, "no.such"), "{name}");
                assert!(!words.contains('.'), "{name}: {words}");
            }
        }
    }

    #[test]
    fn an_adjustment_reads_as_the_balance_it_moved_and_its_reason() {
        let details = details(
            Locale::En,
            "points.adjust",
            Some(r#"{"available":1200,"pending":0}"#),
            Some(r#"{"available":1250,"pending":0,"reason":"coffee was cold"}"#),
        );
        assert_eq!(
            details,
            "Available points 1,200 → 1,250. Reason: coffee was cold"
        );
        let noted = super::details(
            Locale::ZhCn,
            "points.adjust",
            Some(r#"{"available":1200,"pending":0}"#),
            Some(r#"{"available":1250,"pending":0,"reason":"补发","note":"店长同意"}"#),
        );
        assert!(noted.ends_with("原因：补发 员工备注：店长同意"), "{noted}");
        assert_eq!(
            super::details(
                Locale::En,
                "report.reply",
                None,
                Some(r#"{"reply":"Fixed it"}"#)
            ),
            "Replied: “Fixed it”"
        );
    }

    #[test]
    fn a_webhook_subscription_is_told_by_its_address_and_events_in_words() {
        let hook = r#"{"url":"https://crm.example.com/in","event_types":["points.earned","tier.changed"],"description":""}"#;
        assert_eq!(
            details(Locale::ZhCn, "webhook.create", None, Some(hook)),
            "https://crm.example.com/in，事件：积分获得、等级变更"
        );
        assert_eq!(
            details(
                Locale::En,
                "webhook.delete",
                Some(hook),
                Some(r#"{"deleted":true}"#)
            ),
            "https://crm.example.com/in, for: Points earned, Tier changed"
        );
        assert_eq!(
            details(
                Locale::En,
                "webhook.replay",
                None,
                Some(r#"{"delivery":7}"#)
            ),
            "Delivery 7 queued again."
        );
    }

    #[test]
    fn a_subject_is_named_in_words_and_a_member_is_linked() {
        assert_eq!(
            subject(Locale::ZhCn, "member:42"),
            ("会员 42".to_owned(), Some("/admin/members/42".to_owned()))
        );
        assert_eq!(subject(Locale::En, "api_key:3").1, None);
        assert_eq!(
            subject(Locale::En, "junk"),
            subject(Locale::En, "what:ever")
        );
    }
}
