//! One problem found while validating a program part, with the key path it concerns, and a
//! collector that keys problems under a prefix (`rules[2]`, `rewards[0]`).

use std::fmt;

/// One problem with the key path it concerns (`rules[2].effect.multiplier`), as written in a
/// program file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// Key path of the offending field.
    pub key: String,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "key `{}`: {}", self.key, self.message)
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
    pub fn add(&mut self, key: impl fmt::Display, message: impl Into<String>) {
        let key = if self.prefix.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.prefix)
        };
        self.found.push(Issue {
            key,
            message: message.into(),
        });
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
