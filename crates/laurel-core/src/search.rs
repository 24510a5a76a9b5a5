//! Finding members: what a staff member typed, as compared with what is stored. Both sides are
//! folded the same way here, so a search forgives case, spacing and the form of a phone number
//! whichever way the member's details were written when they enrolled.

use crate::referrals;

/// Digits a phone query keeps from its end: the national number, whatever country code,
/// trunk prefix (`0`) or international prefix (`+`, `00`) was typed before it. Ten trailing
/// digits name one subscriber in every numbering plan the program's members use (a Chinese
/// mobile's `13800001001` and `+86 138 0000 1001` both end in `3800001001`).
pub const PHONE_TAIL_DIGITS: usize = 10;

/// Fewer digits than this are part of an id or a name, not a phone number.
pub const PHONE_MIN_DIGITS: usize = 4;

/// A search as stored keys are compared with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberQuery {
    /// Lower-cased and trimmed: found anywhere in an external id, a name or an email.
    pub text: String,
    /// When the query reads as a phone number: the digits a stored phone (digits only) must
    /// contain.
    pub phone: Option<String>,
}

impl MemberQuery {
    /// The query for what was typed; `None` when nothing was.
    pub fn parse(typed: &str) -> Option<MemberQuery> {
        let text = fold(typed);
        if text.is_empty() {
            return None;
        }
        Some(MemberQuery {
            phone: phone_query(&text),
            text,
        })
    }
}

/// A text as searches compare it: trimmed and lower-cased. The store keeps external ids and
/// names in this form beside the originals.
pub fn fold(text: &str) -> String {
    text.trim().to_lowercase()
}

/// A stored phone as searches compare it: its digits only (the key referrals use too).
pub fn phone_key(phone: &str) -> String {
    referrals::phone(phone)
}

/// The digits to look for when `text` is written as a phone number (digits, spaces and
/// `+ - ( ) .` only, with enough digits), keeping at most [`PHONE_TAIL_DIGITS`] from the end.
fn phone_query(text: &str) -> Option<String> {
    let phone_like = text
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')' | '.'));
    let digits = phone_key(text);
    if !phone_like || digits.len() < PHONE_MIN_DIGITS {
        return None;
    }
    let skip = digits.len().saturating_sub(PHONE_TAIL_DIGITS);
    Some(digits[skip..].to_owned())
}
