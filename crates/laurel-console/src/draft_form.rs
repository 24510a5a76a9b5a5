//! What the drafting forms share: reading a form's typed values (each value that cannot be
//! read is a problem at its field, in the page's language) and writing an item's values back
//! into the form's fields to edit them.

use crate::form_fields::{Fields, all, field};
use crate::i18n::Locale;
use crate::messages::Problem;
use laurel_core::Localized;
use std::collections::BTreeMap;
use std::str::FromStr;

/// The languages a name is typed in: one field each, by suffix, English first.
const LANGUAGES: [(&str, &str); 2] = [("en", "en"), ("zh", "zh-CN")];

/// Reads one form's fields (all named `<prefix><name>`), gathering what could not be read.
pub(crate) struct Reader<'a> {
    fields: &'a Fields,
    prefix: &'static str,
    l: Locale,
    problems: Vec<Problem>,
}

impl<'a> Reader<'a> {
    /// Reads the fields of the form whose names start with `prefix`.
    pub(crate) fn new(fields: &'a Fields, prefix: &'static str, l: Locale) -> Reader<'a> {
        Reader {
            fields,
            prefix,
            l,
            problems: Vec::new(),
        }
    }

    /// What was typed into `name`, trimmed.
    pub(crate) fn text(&self, name: &str) -> &'a str {
        field(self.fields, &format!("{}{name}", self.prefix))
    }

    /// Every value posted under `name` (the boxes ticked).
    pub(crate) fn ticked(&self, name: &str) -> Vec<String> {
        all(self.fields, &format!("{}{name}", self.prefix))
    }

    /// The items typed into `name`, separated by commas or lines, blanks dropped.
    pub(crate) fn list(&self, name: &str) -> Vec<String> {
        self.text(name)
            .split([',', '，', '\n'])
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// The value typed into `name`, or `None` when it is blank; one that is not a `T` is a
    /// problem worded by `wrong` (a key of `[draft]`).
    pub(crate) fn optional<T: FromStr>(&mut self, name: &str, wrong: &str) -> Option<T> {
        let typed = self.text(name);
        if typed.is_empty() {
            return None;
        }
        let read = typed.parse::<T>().ok();
        if read.is_none() {
            self.problem(name, wrong);
        }
        read
    }

    /// Like [`Reader::optional`], a blank being a problem too.
    pub(crate) fn required<T: FromStr + Default>(&mut self, name: &str, wrong: &str) -> T {
        if self.text(name).is_empty() {
            self.problem(name, "draft.required");
            return T::default();
        }
        self.optional(name, wrong).unwrap_or_default()
    }

    /// The name typed per language under `name` (`name_en`, `name_zh`): both as a text per
    /// language, one of them as one text for every language, neither as `None`.
    pub(crate) fn words(&self, name: &str) -> Option<Localized> {
        let typed: BTreeMap<String, String> = LANGUAGES
            .iter()
            .map(|(suffix, tag)| ((*tag).to_owned(), self.text(&format!("{name}_{suffix}"))))
            .filter(|(_, text)| !text.is_empty())
            .map(|(tag, text)| (tag, text.to_owned()))
            .collect();
        match typed.len() {
            0 => None,
            1 => typed.into_values().next().map(Localized::Plain),
            _ => Some(Localized::PerLanguage(typed)),
        }
    }

    /// A problem at `name`, worded by `key` (of the page's strings), named by its label.
    pub(crate) fn problem(&mut self, name: &str, key: &str) {
        let t = self.l.strings();
        self.problems.push(Problem {
            line: None,
            key: t.get(&format!("draft.{}{name}", self.prefix)).to_owned(),
            text: t.get(key).to_owned(),
        });
    }

    /// `value` when every field read, else every problem found.
    pub(crate) fn finish<T>(self, value: T) -> Result<T, Vec<Problem>> {
        if self.problems.is_empty() {
            Ok(value)
        } else {
            Err(self.problems)
        }
    }
}

/// Writes an item's values into a form's fields (all named `<prefix><name>`).
pub(crate) struct Writer {
    prefix: &'static str,
    fields: Fields,
}

impl Writer {
    /// Writes the fields of the form whose names start with `prefix`.
    pub(crate) fn new(prefix: &'static str) -> Writer {
        Writer {
            prefix,
            fields: Vec::new(),
        }
    }

    /// `name` holds `value` (nothing is written for an empty one).
    pub(crate) fn put(&mut self, name: &str, value: impl ToString) {
        let value = value.to_string();
        if !value.is_empty() {
            self.fields.push((format!("{}{name}", self.prefix), value));
        }
    }

    /// `name` holds `value` when there is one.
    pub(crate) fn maybe(&mut self, name: &str, value: Option<impl ToString>) {
        if let Some(value) = value {
            self.put(name, value);
        }
    }

    /// `name` holds the items, separated by commas.
    pub(crate) fn list(&mut self, name: &str, items: &[String]) {
        self.put(name, items.join(", "));
    }

    /// Each item ticked under `name`.
    pub(crate) fn tick<'i>(&mut self, name: &str, items: impl IntoIterator<Item = &'i str>) {
        for item in items {
            self.put(name, item);
        }
    }

    /// The name per language under `name`: one text for every language goes in the first.
    pub(crate) fn words(&mut self, name: &str, words: &Localized) {
        match words {
            Localized::Plain(text) => self.put(&format!("{name}_{}", LANGUAGES[0].0), text),
            Localized::PerLanguage(texts) => {
                for (suffix, tag) in LANGUAGES {
                    self.maybe(&format!("{name}_{suffix}"), texts.get(tag));
                }
            }
        }
    }

    /// The fields, to replace the form's.
    pub(crate) fn done(self) -> Fields {
        self.fields
    }
}
