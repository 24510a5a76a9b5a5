//! What text a caller may store: printable characters within a length. Databases differ on the
//! rest (PostgreSQL refuses a NUL byte in a text value; SQLite stores it), so text is judged
//! here, before it can reach either, and both backends see the same answer. Also how such a
//! text is written into a spreadsheet's cell without running as a formula.

use std::fmt;

/// How a text may be laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One line: a name, an id, a code, a reason.
    Line,
    /// Several lines: a message a member writes to staff, a note. Line breaks and tabs are
    /// allowed; other control characters are not.
    Lines,
}

/// Why a text was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextProblem {
    /// Empty or only white space.
    Empty,
    /// Longer than allowed.
    TooLong {
        /// Characters allowed.
        chars_max: usize,
    },
    /// Holds a character that is not allowed: a control character (NUL among them), or a line
    /// break in a one-line text.
    Control {
        /// Where it is, in characters from the start.
        position: usize,
        /// The character's code point.
        code_point: u32,
    },
}

impl fmt::Display for TextProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TextProblem::Empty => write!(f, "must not be empty"),
            TextProblem::TooLong { chars_max } => {
                write!(f, "must be at most {chars_max} characters")
            }
            TextProblem::Control {
                position,
                code_point,
            } => write!(
                f,
                "holds the control character U+{code_point:04X} at position {position}"
            ),
        }
    }
}

/// Whether `id` is an id things are named by in programs and the API: 1 to 64 lower-case
/// letters, digits and underscores.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Checks a required text: not blank, at most `chars_max` characters (as JSON Schema's
/// `maxLength` counts them), and only characters a person could mean in that layout.
pub fn check(value: &str, layout: Layout, chars_max: usize) -> Result<(), TextProblem> {
    if value.trim().is_empty() {
        return Err(TextProblem::Empty);
    }
    check_characters(value, layout, chars_max)
}

/// Checks a text that may be empty (an attribute's value): the length and the characters only.
pub fn check_characters(value: &str, layout: Layout, chars_max: usize) -> Result<(), TextProblem> {
    if value.chars().count() > chars_max {
        return Err(TextProblem::TooLong { chars_max });
    }
    characters(value, layout)
}

/// Checks only the characters, for a text whose length is bounded some other way.
pub fn characters(value: &str, layout: Layout) -> Result<(), TextProblem> {
    for (position, c) in value.chars().enumerate() {
        let code_point = u32::from(c);
        if c.is_control() && !allowed_control(c, layout) {
            return Err(TextProblem::Control {
                position,
                code_point,
            });
        }
    }
    Ok(())
}

fn allowed_control(c: char, layout: Layout) -> bool {
    layout == Layout::Lines && matches!(c, '\n' | '\r' | '\t')
}

/// Whether `id` may name a tier or a plan: 1 to 40 lower-case letters, digits, `_` or `-`.
pub(crate) fn is_identifier(id: &str) -> bool {
    (1..=40).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_text_in_any_script_is_accepted() {
        for value in [
            "CUST-1001",
            "王芳",
            "café au lait",
            "emoji 🎉 ok",
            "Zoë O'Brien",
        ] {
            assert_eq!(check(value, Layout::Line, 200), Ok(()), "{value}");
        }
    }

    #[test]
    fn a_nul_or_other_control_character_is_refused_with_its_position() {
        assert_eq!(
            check("ab\u{0}c", Layout::Line, 200),
            Err(TextProblem::Control {
                position: 2,
                code_point: 0
            })
        );
        assert!(check("bell\u{7}", Layout::Lines, 200).is_err());
        assert!(check("esc\u{1b}[31m", Layout::Line, 200).is_err());
        assert!(check("c1\u{85}", Layout::Line, 200).is_err());
    }

    #[test]
    fn line_breaks_are_allowed_only_where_several_lines_make_sense() {
        assert!(check("first\nsecond", Layout::Line, 200).is_err());
        assert_eq!(check("first\r\nsecond\tthird", Layout::Lines, 200), Ok(()));
        assert!(check("first\u{0}", Layout::Lines, 200).is_err());
    }

    #[test]
    fn length_is_counted_in_characters_not_bytes() {
        assert_eq!(check(&"芳".repeat(200), Layout::Line, 200), Ok(()));
        assert!(check(&"芳".repeat(201), Layout::Line, 200).is_err());
    }

    #[test]
    fn blank_text_is_empty_and_long_text_is_too_long() {
        assert_eq!(check("  \n", Layout::Lines, 200), Err(TextProblem::Empty));
        assert_eq!(
            check(&"x".repeat(201), Layout::Line, 200),
            Err(TextProblem::TooLong { chars_max: 200 })
        );
        assert_eq!(check_characters("", Layout::Line, 200), Ok(()));
    }
}

/// Whether a spreadsheet opening `field` as a CSV cell would run it as a formula: it starts
/// with `=`, `+`, `-`, `@`, a tab or a return and is not just a number as pages write one (a
/// sign, digits with grouping commas and a decimal point, perhaps a percent sign), which a
/// spreadsheet reads as the number it is. Downloads lead such a field with an apostrophe.
pub fn runs_as_formula(field: &str) -> bool {
    field.starts_with(['=', '+', '-', '@', '\t', '\r']) && !plain_number(field)
}

fn plain_number(field: &str) -> bool {
    let unsigned = field.strip_prefix(['+', '-']).unwrap_or(field);
    let digits = unsigned.strip_suffix('%').unwrap_or(unsigned);
    digits.starts_with(|c: char| c.is_ascii_digit())
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
}

/// `field` as a spreadsheet may open it: led by an apostrophe when it would run as a formula
/// ([`runs_as_formula`]).
pub fn spreadsheet_safe(field: &str) -> std::borrow::Cow<'_, str> {
    if runs_as_formula(field) {
        format!("'{field}").into()
    } else {
        field.into()
    }
}

#[cfg(test)]
mod spreadsheet_tests {
    use super::*;

    #[test]
    fn a_formula_is_led_by_an_apostrophe_and_a_signed_number_is_left_alone() {
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(spreadsheet_safe("-0.50"), "-0.50");
        assert_eq!(spreadsheet_safe("+12.5%"), "+12.5%");
        assert_eq!(spreadsheet_safe("-1+1"), "'-1+1");
        assert_eq!(spreadsheet_safe("ORD-1"), "ORD-1");
    }
}
