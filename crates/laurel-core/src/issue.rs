//! One problem found while validating a program part, with the key path it concerns, and a
//! collector that keys problems under a prefix (`rules[2]`, `rewards[0]`).
//!
//! A problem's words are a [`Message`]: an English template with named arguments
//! (`must be between {min} and {max}, got {got}`). The template is the stable key pages
//! translate it by; the arguments fill the translation, so a problem reads the same in every
//! language the pages speak.

use std::fmt;

/// What is wrong, as a template and its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// English, with `{name}` where an argument goes; the key translations are found by.
    pub template: &'static str,
    /// Each `{name}` in the template and its value, as written.
    pub args: Vec<(&'static str, String)>,
}

impl Message {
    /// A message without arguments.
    pub const fn plain(template: &'static str) -> Message {
        Message {
            template,
            args: Vec::new(),
        }
    }

    /// `template` with each argument in its place.
    pub fn text(&self) -> String {
        fill(self.template, &self.args)
    }
}

/// The most common problem: a text that must say something.
pub const NOT_EMPTY: Message = Message::plain("must not be empty");

/// `template` with each `{name}` replaced by its value.
pub fn fill(template: &str, args: &[(&str, String)]) -> String {
    args.iter()
        .fold(template.to_owned(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
}

impl From<&'static str> for Message {
    fn from(template: &'static str) -> Message {
        Message::plain(template)
    }
}

/// A [`Message`] from a template literal and its named arguments:
/// `message!("must be at most {max}, got {got}", max = 365, got = days)`.
#[macro_export]
macro_rules! message {
    ($template:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::issue::Message {
            template: $template,
            args: vec![$((stringify!($name), ($value).to_string())),*],
        }
    };
}

/// One problem with the key path it concerns (`rules[2].effect.multiplier`), as written in a
/// program file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// Key path of the offending field (empty when the text could not be read as a whole).
    pub key: String,
    /// What is wrong with it, in English.
    pub message: String,
    /// The same, as a template and arguments, for pages that translate it.
    pub words: Message,
    /// The line of the program text it concerns (from 1), when the text is at hand.
    pub line: Option<usize>,
}

impl Issue {
    /// A problem with `key`.
    pub fn new(key: impl Into<String>, words: impl Into<Message>) -> Issue {
        let words = words.into();
        Issue {
            key: key.into(),
            message: words.text(),
            words,
            line: None,
        }
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "key `{}`: {}", self.key, self.message)
        }
    }
}

/// Collects issues under one key prefix.
#[derive(Debug, Clone, Default)]
pub struct Issues {
    prefix: String,
    found: Vec<Issue>,
}

impl Issues {
    /// A collector whose keys start with `prefix` (empty for keys given whole).
    pub fn under(prefix: impl Into<String>) -> Issues {
        Issues {
            prefix: prefix.into(),
            found: Vec::new(),
        }
    }

    /// Records a problem with `key` under the prefix.
    pub fn add(&mut self, key: impl fmt::Display, words: impl Into<Message>) {
        let key = if self.prefix.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.prefix)
        };
        self.found.push(Issue::new(key, words));
    }

    /// Whether nothing was found.
    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    /// The problems found, in the order found.
    pub fn into_vec(self) -> Vec<Issue> {
        self.found
    }

    /// `Ok(value)` when nothing was found, else every problem.
    pub fn result<T>(self, value: T) -> Result<T, Vec<Issue>> {
        if self.found.is_empty() {
            Ok(value)
        } else {
            Err(self.found)
        }
    }
}
