//! The privacy notice (`/portal/privacy`, no sign-in needed): what the program keeps about a
//! member, what it does with it, who else sees it, how long it is kept and how to use one's
//! rights — every sentence written from the engine's `PrivacyNotice`, the program in force,
//! so a section appears only when the program does what it says.

use super::web::{Chrome, PortalError};
use crate::Console;
use crate::i18n::Locale;
use crate::page::{locale, render};
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use laurel_engine::PrivacyNotice;

/// A section of the notice: its heading's key, its id and its sentences.
struct Part {
    id: &'static str,
    heading: String,
    sentences: Vec<String>,
}

#[derive(Template)]
#[template(path = "portal/privacy.html")]
struct PrivacyPage {
    chrome: Chrome,
    parts: Vec<Part>,
}

/// The notice, in the visitor's language.
pub(crate) async fn page(
    State(console): State<Console>,
    headers: HeaderMap,
) -> Result<Response, PortalError> {
    let l = locale(&headers);
    let notice = console
        .engine
        .privacy_notice()
        .await
        .map_err(|e| PortalError::from_engine(e, l))?;
    let page = PrivacyPage {
        chrome: Chrome::anonymous(l, String::new(), "/portal/privacy"),
        parts: parts(l, &notice),
    };
    Ok(render(StatusCode::OK, &page))
}

/// The sentence `key` says, with `values` in it.
fn say(l: Locale, key: &str, values: &[(&str, &str)]) -> String {
    l.strings().fill(&format!("privacy_notice.{key}"), values)
}

/// Names joined as a list in `l`.
fn listed(l: Locale, names: impl IntoIterator<Item = String>) -> String {
    names
        .into_iter()
        .collect::<Vec<_>>()
        .join(l.strings().get("privacy_notice.and"))
}

/// The notice's sections, in order.
fn parts(l: Locale, n: &PrivacyNotice) -> Vec<Part> {
    let part = |id, sentences| Part {
        id,
        heading: say(l, &format!("{id}_h"), &[]),
        sentences,
    };
    vec![
        part("who", who(l, n)),
        part("kept", kept(l, n)),
        part("letters", letters(l, n)),
        part("profiling", profiling(l, n)),
        part("shared", shared(l, n)),
        part("how_long", how_long(l, n)),
        part(
            "rights",
            [
                "rights_see",
                "rights_consent",
                "rights_correct",
                "rights_close",
            ]
            .iter()
            .map(|k| say(l, k, &[]))
            .collect(),
        ),
        part("cookies", vec![say(l, "cookies", &[])]),
    ]
}

fn who(l: Locale, n: &PrivacyNotice) -> Vec<String> {
    vec![
        match &n.controller {
            Some(name) => say(l, "controller", &[("name", name)]),
            None => say(l, "no_controller", &[]),
        },
        match &n.contact {
            Some(contact) => say(l, "contact", &[("contact", contact)]),
            None => say(l, "no_contact", &[]),
        },
    ]
}

fn kept(l: Locale, n: &PrivacyNotice) -> Vec<String> {
    let mut out = vec![say(l, "kept_profile", &[])];
    if !n.attributes.is_empty() {
        let names = listed(l, n.attributes.iter().cloned());
        out.push(say(l, "kept_attributes", &[("names", &names)]));
    }
    out.push(say(l, "kept_purchases", &[]));
    out.push(say(l, "kept_points", &[]));
    if !n.events.is_empty() {
        let names = listed(
            l,
            n.events.iter().map(|(kind, name)| {
                name.as_ref()
                    .map_or_else(|| kind.clone(), |name| l.text(name).to_owned())
            }),
        );
        out.push(say(l, "kept_events", &[("names", &names)]));
    }
    if n.wallet {
        out.push(say(l, "kept_wallet", &[]));
    }
    if n.devices {
        out.push(say(l, "kept_device", &[]));
    }
    out
}

fn letters(l: Locale, n: &PrivacyNotice) -> Vec<String> {
    let t = l.strings();
    let channels = listed(
        l,
        n.channels
            .iter()
            .map(|c| t.get(&format!("consent.about_{c}")).to_owned()),
    );
    let mut out = vec![say(l, "letters_channels", &[("channels", &channels)])];
    if !n.letters.is_empty() {
        let names = listed(
            l,
            n.letters
                .iter()
                .map(|k| t.get(&format!("letters.kind_{}", k.as_str())).to_owned()),
        );
        out.push(say(l, "letters_sent", &[("names", &names)]));
    }
    if n.automation_letters {
        out.push(say(l, "letters_automations", &[]));
    }
    out.push(say(l, "letters_codes", &[]));
    out
}

fn profiling(l: Locale, n: &PrivacyNotice) -> Vec<String> {
    let mut out = vec![say(l, "profiling", &[])];
    if n.segments > 0 {
        let count = l.integer(i64::try_from(n.segments).unwrap_or(i64::MAX));
        out.push(say(l, "profiling_segments", &[("count", &count)]));
    }
    out.push(say(l, "profiling_off", &[]));
    if n.fraud_checks {
        out.push(say(l, "profiling_fraud", &[]));
    }
    out
}

fn shared(l: Locale, n: &PrivacyNotice) -> Vec<String> {
    let mut out = vec![say(l, "shared_staff", &[])];
    if !n.partners.is_empty() {
        let names = listed(l, n.partners.iter().map(|p| l.text(p).to_owned()));
        out.push(say(l, "shared_partners", &[("names", &names)]));
    }
    for (offered, key) in [
        (n.households, "shared_households"),
        (n.transfers, "shared_transfers"),
        (n.referrals, "shared_referrals"),
        (n.webhooks, "shared_webhooks"),
    ] {
        if offered {
            out.push(say(l, key, &[]));
        }
    }
    out
}

fn how_long(l: Locale, n: &PrivacyNotice) -> Vec<String> {
    let first = match n.retention {
        Some(r) => say(
            l,
            "retention",
            &[
                ("days", &l.integer(i64::from(r.inactive_days))),
                ("warning", &l.integer(i64::from(r.warning_days))),
            ],
        ),
        None => say(l, "no_retention", &[]),
    };
    vec![first, say(l, "after_erasure", &[])]
}
