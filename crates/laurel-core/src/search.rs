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

#[cfg(test)]
mod tests {
    use super::*;

    fn phone(typed: &str) -> Option<String> {
        MemberQuery::parse(typed).and_then(|q| q.phone)
    }

    #[test]
    fn local_and_international_forms_of_a_number_look_for_the_same_digits() {
        assert_eq!(phone("13800001001").as_deref(), Some("3800001001"));
        assert_eq!(phone("+86 138 0000 1001").as_deref(), Some("3800001001"));
        assert_eq!(phone("0086-138-0000-1001").as_deref(), Some("3800001001"));
        assert_eq!(
            phone("138 0000").as_deref(),
            Some("1380000"),
            "part of a number"
        );
    }

    #[test]
    fn ids_and_names_with_a_few_digits_are_no_phone_number() {
        assert_eq!(phone("cust-10"), None);
        assert_eq!(phone("10"), None);
        assert_eq!(phone("王芳"), None);
    }

    #[test]
    fn a_query_is_trimmed_and_lower_cased_and_a_blank_one_is_none() {
        let q = MemberQuery::parse("  CUST-10 ").unwrap();
        assert_eq!(q.text, "cust-10");
        assert_eq!(MemberQuery::parse("   "), None);
    }
}
