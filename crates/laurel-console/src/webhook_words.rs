//! Webhooks in the page's language: event types by their words (`[event_type]`, never the
//! stable dotted name), where a delivery stands, and what its receiver last answered — one
//! wording for the subscriptions, the delivery log and the audit log.

use crate::i18n::Locale;
use laurel_core::events::DeliveryState;

/// The translation key of an event type (`points.earned` → `event_type.points_earned`).
fn key(name: &str) -> String {
    format!("event_type.{}", name.replace('.', "_"))
}

/// An event type in words ("Points earned"); a name this console has no words for (one a
/// later version sends) is shown as it is.
pub fn event_type(l: Locale, name: &str) -> String {
    l.strings()
        .find(&key(name))
        .map_or_else(|| name.to_owned(), str::to_owned)
}

/// Event types in words, as one list in the page's language.
pub fn event_types<'a>(l: Locale, names: impl IntoIterator<Item = &'a str>) -> String {
    names
        .into_iter()
        .map(|name| event_type(l, name))
        .collect::<Vec<_>>()
        .join(l.strings().get("webhooks.separator"))
}

/// Where a delivery stands, in words.
pub fn state(l: Locale, state: DeliveryState) -> &'static str {
    l.strings().get(match state {
        DeliveryState::Pending => "webhooks.state_pending",
        DeliveryState::Delivered => "webhooks.state_delivered",
        DeliveryState::Failed => "webhooks.state_failed",
    })
}

/// What the receiver last answered: its HTTP status, or — when it never answered — the
/// connection's own diagnostic (a technical detail for whoever runs the receiver).
pub fn last_answer(l: Locale, status: Option<i64>, error: Option<&str>) -> String {
    let t = l.strings();
    match (status, error) {
        (Some(status), _) => t.with("webhooks.answered", "status", &status.to_string()),
        (None, Some(error)) => t.with("webhooks.unreachable", "error", error),
        (None, None) => t.get("webhooks.not_tried").to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use laurel_core::events::EventKind;

    #[test]
    fn every_event_type_has_words_in_both_languages() {
        for kind in EventKind::ALL {
            for locale in Locale::ALL {
                assert!(
                    locale.strings().has(&key(kind.as_str())),
                    "no words for `{kind}` in {}",
                    locale.tag()
                );
            }
        }
    }

    #[test]
    fn event_types_read_as_a_list_in_the_page_language() {
        let names = ["points.earned", "tier.changed"];
        assert_eq!(
            event_types(Locale::En, names),
            "Points earned, Tier changed"
        );
        assert_eq!(event_types(Locale::ZhCn, names), "积分获得、等级变更");
        assert_eq!(event_type(Locale::En, "later.kind"), "later.kind");
    }

    #[test]
    fn the_last_answer_is_the_status_or_why_there_was_none() {
        assert_eq!(
            last_answer(Locale::En, Some(503), Some("answered 503")),
            "Answered 503"
        );
        assert_eq!(
            last_answer(Locale::ZhCn, None, Some("connection refused")),
            "无应答：connection refused"
        );
        assert_eq!(last_answer(Locale::En, None, None), "Not tried yet");
    }
}
