//! How pages word what the engine refuses and what is wrong with a program text: by the
//! refusal's code, or the problem's template, in the page's language, filled with their
//! arguments — never the engine's English message, so a Chinese page stays Chinese.

use crate::i18n::Locale;
use laurel_core::issue::{Issue, fill};
use laurel_engine::{EngineError, ErrorCode};

/// A refusal in the page's language: the translation under `code.{code}` (or `code.other`)
/// with the error's arguments in place — numbers grouped as the locale writes them, a field
/// by its label, a role by its name.
pub fn refusal(l: Locale, error: &EngineError) -> String {
    let t = l.strings();
    let code = error.code();
    let template = t
        .find(&format!("code.{code}"))
        .unwrap_or_else(|| t.get("code.other"));
    let mut args: Vec<(&str, String)> = error
        .args()
        .into_iter()
        .map(|(name, value)| (name, argument(l, name, value)))
        .collect();
    args.push(("code", code.to_string()));
    fill(template, &args)
}

/// One argument as the page shows it.
fn argument(l: Locale, name: &str, value: String) -> String {
    let t = l.strings();
    match name {
        "field" => t
            .find(&format!("field_name.{value}"))
            .map_or(value, str::to_owned),
        "role" => t
            .find(&format!("staff.role_{value}"))
            .map_or(value, str::to_owned),
        _ => match value.parse::<i64>() {
            Ok(n) => l.integer(n),
            Err(_) => money(l, &value).unwrap_or(value),
        },
    }
}

/// An amount of money as the engine writes it in an argument (`50.00 CNY`, a wallet's
/// refusals) in the page's way (`¥50.00`), or `None` when `value` is not one.
fn money(l: Locale, value: &str) -> Option<String> {
    let (amount, code) = value.split_once(' ')?;
    let money = laurel_core::Money::new(amount.parse().ok()?, code.parse().ok()?).ok()?;
    Some(l.money(money))
}

/// A program problem as the program page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// "Line 12", when the problem's line is known.
    pub line: Option<String>,
    /// The key it concerns, as written in the file (may be empty).
    pub key: String,
    /// What is wrong, in the page's language.
    pub text: String,
}

/// Why a message someone wrote (a report, a reply) was refused for its field `code`: it was
/// blank, or too long (the other refusals a text can have are not typable in a form).
pub fn message_refused(l: Locale, code: ErrorCode) -> String {
    l.strings()
        .get(if code == ErrorCode::MissingField {
            "field.required"
        } else {
            "portal.too_long"
        })
        .to_owned()
}

/// A program problem in the page's language: its template's translation (under
/// `problem.{template}`) with its arguments in place, its line and its key.
pub fn problem(l: Locale, issue: &Issue) -> Problem {
    let t = l.strings();
    let words = &issue.words;
    let template = t
        .find(&format!("problem.{}", words.template))
        .unwrap_or(words.template);
    Problem {
        line: issue.line.map(|n| {
            t.with(
                "program.line",
                "line",
                &l.integer(i64::try_from(n).unwrap_or(i64::MAX)),
            )
        }),
        key: issue.key.clone(),
        text: fill(template, &words.args),
    }
}

/// A ledger entry's reason as pages show it: a reason the engine writes (`purchase`,
/// `reward: …`) in the page's language; one staff typed, as typed.
pub fn ledger_reason(l: Locale, reason: &str) -> String {
    let t = l.strings();
    let whole = match reason {
        "purchase" => Some("reason.purchase"),
        "refund" => Some("reason.refund"),
        "redemption" => Some("reason.redemption"),
        "expired" => Some("reason.expired"),
        "return window closed" => Some("reason.released"),
        "birthday gift" => Some("reason.birthday_gift"),
        "transfer" => Some("reason.transfer"),
        "household" => Some("reason.household"),
        "checkout hold" => Some("reason.checkout_hold"),
        _ => None,
    };
    if let Some(key) = whole {
        return t.get(key).to_owned();
    }
    [
        ("event: ", "reason.event"),
        ("reward: ", "reason.reward"),
        ("reward cancelled: ", "reason.reward_cancelled"),
        ("referral: ", "reason.referral"),
    ]
    .into_iter()
    .find_map(|(prefix, key)| {
        reason
            .strip_prefix(prefix)
            .map(|what| t.with(key, "what", what))
    })
    .unwrap_or_else(|| reason.to_owned())
}
