//! A member's personal values found in stored text and replaced: the pseudonym for their
//! external id (so what names them still names one member), `[erased]` for the rest.
//!
//! Values are matched without regard to case and only as whole words (the characters on either
//! side not letters or digits), so erasing "Ann" leaves "Annual" and "Anna" alone while "Hi
//! Ann," and `"name":"Ann"` lose it. A value is also looked for as JSON writes it (quotes and
//! backslashes escaped), since events, audit entries and stored answers are JSON documents.

/// What takes the place of an erased value.
pub const ERASED: &str = "[erased]";

/// Values shorter than this are not searched for in other rows: too many words would match.
const SHORTEST: usize = 3;

/// The personal values an erasure looks for, each with what replaces it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Redaction {
    needles: Vec<Needle>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Needle {
    text: Vec<char>,
    replacement: String,
}

impl Redaction {
    /// Nothing to look for yet.
    pub fn new() -> Redaction {
        Redaction::default()
    }

    /// Looks for `value` (trimmed) and puts `with` in its place; a blank or too short value is
    /// ignored.
    pub fn replace(mut self, value: &str, with: &str) -> Redaction {
        let value = value.trim();
        if value.chars().count() < SHORTEST {
            return self;
        }
        let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
        for form in [value.to_owned(), escaped] {
            let text: Vec<char> = form.chars().collect();
            if !self.needles.iter().any(|n| same(&n.text, &text)) {
                self.needles.push(Needle {
                    text,
                    replacement: with.to_owned(),
                });
            }
        }
        // The longest first: a value inside another is replaced only where the other is not.
        self.needles
            .sort_by_key(|n| std::cmp::Reverse(n.text.len()));
        self
    }

    /// Looks for `value` and puts [`ERASED`] in its place.
    pub fn erase(self, value: &str) -> Redaction {
        self.replace(value, ERASED)
    }

    /// The values looked for, as given and lower-cased: what a store may search its text for
    /// first. Both, since a database may fold only ASCII letters (SQLite's `lower`), so that
    /// "Élodie" stored is found by what was given, and "ÉLODIE" by neither.
    pub fn needles(&self) -> Vec<String> {
        let mut all: Vec<String> = Vec::new();
        for needle in &self.needles {
            let given: String = needle.text.iter().collect();
            let lower = given.to_lowercase();
            for form in [given, lower] {
                if !all.contains(&form) {
                    all.push(form);
                }
            }
        }
        all
    }

    /// True when nothing is looked for.
    pub fn is_empty(&self) -> bool {
        self.needles.is_empty()
    }

    /// `text` with every value found replaced; `None` when none was found.
    pub fn apply(&self, text: &str) -> Option<String> {
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::with_capacity(text.len());
        let mut found = false;
        let mut i = 0;
        'scan: while i < chars.len() {
            for needle in &self.needles {
                if whole_word_at(&chars, i, &needle.text) {
                    out.push_str(&needle.replacement);
                    i += needle.text.len();
                    found = true;
                    continue 'scan;
                }
            }
            out.push(chars[i]);
            i += 1;
        }
        found.then_some(out)
    }
}

/// Whether `needle` is at `at` in `text`, without regard to case, with no letter or digit
/// right before or after it.
fn whole_word_at(text: &[char], at: usize, needle: &[char]) -> bool {
    let end = at + needle.len();
    end <= text.len()
        && same(&text[at..end], needle)
        && (at == 0 || !text[at - 1].is_alphanumeric())
        && text.get(end).is_none_or(|c| !c.is_alphanumeric())
}

fn same(a: &[char], b: &[char]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.to_lowercase().eq(y.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zelda() -> Redaction {
        Redaction::new()
            .replace("zq-1001", "erased-7f3a")
            .erase("Zelda Quist")
            .erase("Zelda.Q@Example.net")
            .erase("Ann")
    }

    #[test]
    fn a_value_is_replaced_wherever_it_stands_as_a_word() {
        let r = zelda();
        assert_eq!(
            r.apply(r#"{"member":{"external_id":"zq-1001"},"name":"Zelda Quist"}"#)
                .as_deref(),
            Some(r#"{"member":{"external_id":"erased-7f3a"},"name":"[erased]"}"#)
        );
        assert_eq!(
            r.apply("Hello zelda quist, write to zelda.q@example.NET.")
                .as_deref(),
            Some("Hello [erased], write to [erased].")
        );
    }

    #[test]
    fn a_value_inside_a_longer_word_is_left_alone() {
        let r = zelda();
        assert_eq!(r.apply("Annual report for Anna and Joanne"), None);
        assert_eq!(r.apply("zq-10012"), None);
        assert_eq!(r.apply("Ann, Anna").as_deref(), Some("[erased], Anna"));
    }

    #[test]
    fn a_value_is_found_as_json_escapes_it() {
        let r = Redaction::new().erase(r#"Bob "the Builder""#);
        assert_eq!(
            r.apply(r#"{"name":"Bob \"the Builder\""}"#).as_deref(),
            Some(r#"{"name":"[erased]"}"#)
        );
    }

    #[test]
    fn blank_and_short_values_are_not_looked_for() {
        let r = Redaction::new().erase("  ").erase("Al");
        assert!(r.is_empty());
        assert_eq!(r.apply("Al and Bo"), None);
    }

    #[test]
    fn the_longest_value_is_replaced_first() {
        let r = Redaction::new().erase("Zelda").replace("Zelda Quist", "Z.");
        assert_eq!(
            r.apply("Zelda Quist and Zelda").as_deref(),
            Some("Z. and [erased]")
        );
    }

    #[test]
    fn needles_are_lower_cased_for_a_store_to_search() {
        assert!(
            zelda()
                .needles()
                .contains(&"zelda.q@example.net".to_owned())
        );
    }
}
