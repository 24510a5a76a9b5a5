//! A ledger row's reference and who made it, as a person reads them: the order id of a
//! purchase rather than `pos:order`, a short form of a long key with the whole value in a
//! tooltip, a staff member's name rather than `staff:email`.

use crate::i18n::Locale;
use laurel_engine::{Engine, EngineError};
use std::collections::HashMap;

/// References longer than this are shortened on the page.
const REFERENCE_SHOWN_MAX: usize = 20;
/// Characters a shortened reference keeps.
const REFERENCE_SHORT: usize = 10;

/// A value as shown, and the whole of it for a tooltip when what is shown is not all of it.
pub(crate) struct Shown {
    /// What the cell says.
    pub text: String,
    /// The title attribute; empty when the text says it all.
    pub title: String,
}

impl Shown {
    fn plain(text: impl Into<String>) -> Shown {
        Shown {
            text: text.into(),
            title: String::new(),
        }
    }
}

/// A posting's reference: a purchase's or refund's order id (the channel is the ledger's
/// business, not the reader's), a job's none (its kind says it), anything long shortened.
pub(crate) fn reference(reason: &str, reference: &str) -> Shown {
    if reference.starts_with("job:") {
        return Shown::plain("");
    }
    // The engine keys a purchase `channel:order id`.
    let shown = match (reason, reference.split_once(':')) {
        ("purchase", Some((_, order))) => order,
        _ => reference,
    };
    if shown.chars().count() <= REFERENCE_SHOWN_MAX {
        return Shown {
            text: shown.to_owned(),
            title: if shown == reference {
                String::new()
            } else {
                reference.to_owned()
            },
        };
    }
    // A console adjustment's key is a prefix and 64 random hex digits: its start is enough
    // to tell two apart, and the whole is in the tooltip to compare with the audit log.
    let short: String = shown
        .trim_start_matches("console:")
        .chars()
        .take(REFERENCE_SHORT)
        .collect();
    Shown {
        text: format!("{short}…"),
        title: reference.to_owned(),
    }
}

/// Staff members' names by their email, to name who made a posting.
pub(crate) struct StaffNames(HashMap<String, String>);

impl StaffNames {
    /// Every staff account's name (there are few; one read per page).
    pub(crate) async fn read(engine: &Engine) -> Result<StaffNames, EngineError> {
        let accounts = engine.staff_users().await?;
        Ok(StaffNames(
            accounts.into_iter().map(|a| (a.email, a.name)).collect(),
        ))
    }

    /// Who made a posting: a staff member by name (their email in the tooltip), an API key
    /// by its prefix, the scheduled jobs as such.
    pub(crate) fn actor(&self, l: Locale, actor: Option<&str>) -> Shown {
        let t = l.strings();
        match actor.map(|a| a.split_once(':').unwrap_or(("", a))) {
            None => Shown::plain(""),
            Some(("staff", email)) => match self.0.get(email) {
                Some(name) => Shown {
                    text: name.clone(),
                    title: email.to_owned(),
                },
                None => Shown::plain(email),
            },
            Some(("key", prefix)) => Shown::plain(t.with("finding.api_key", "prefix", prefix)),
            Some(("", "scheduler")) => Shown::plain(t.get("finding.schedule")),
            Some(_) => Shown::plain(actor.unwrap_or_default()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_purchase_shows_its_order_id_and_a_console_key_a_short_form_with_the_whole_as_title() {
        let order = reference("purchase", "pos:o-1");
        assert_eq!(
            (order.text.as_str(), order.title.as_str()),
            ("o-1", "pos:o-1")
        );
        let key = format!("console:{}", "ab".repeat(32));
        let adjusted = reference("coffee was cold", &key);
        assert_eq!(adjusted.text, "ababababab…");
        assert_eq!(adjusted.title, key);
        assert_eq!(reference("expired", "job:expire").text, "");
        let short = reference("refund", "o-1:r-1");
        assert_eq!((short.text.as_str(), short.title.as_str()), ("o-1:r-1", ""));
    }
}
