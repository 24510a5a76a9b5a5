//! Words a program's author writes for people — a program's, rule's, tier's or reward's name
//! and description — in one language for everyone, or one per language the pages speak.

use crate::issue::{Message, NOT_EMPTY};
use std::collections::BTreeMap;
use std::fmt;

/// The languages a program may write its words in, by the tags pages use.
pub const LANGUAGES: [&str; 2] = ["en", "zh-CN"];

/// The language read when a text has none for the one asked for: English, else the first
/// written.
const FALLBACK: &str = "en";

/// A text for people, the same in every language or written per language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Localized {
    /// One text whatever the language.
    Plain(String),
    /// A text per language tag (tags among [`LANGUAGES`], at least one).
    PerLanguage(BTreeMap<String, String>),
}

impl Localized {
    /// The text in `language`, or in the fallback language when it has none for it.
    pub fn get(&self, language: &str) -> &str {
        match self {
            Localized::Plain(text) => text,
            Localized::PerLanguage(texts) => texts
                .get(language)
                .or_else(|| texts.get(FALLBACK))
                .or_else(|| texts.values().next())
                .map_or("", String::as_str),
        }
    }

    /// The text for a reader with no language (the API, the log): English when written,
    /// else the first.
    pub fn fallback(&self) -> &str {
        self.get(FALLBACK)
    }

    /// Every text it holds, with the language each is for (`None` for a plain one).
    pub fn texts(&self) -> Vec<(Option<&str>, &str)> {
        match self {
            Localized::Plain(text) => vec![(None, text.as_str())],
            Localized::PerLanguage(texts) => texts
                .iter()
                .map(|(tag, text)| (Some(tag.as_str()), text.as_str()))
                .collect(),
        }
    }

    /// The problems with it as written at `key`: a blank text (`required` says whether none
    /// at all is one) or a language no page speaks. Each is `(key, message)`.
    pub fn problems(&self, key: &str, required: bool) -> Vec<(String, Message)> {
        let mut problems = Vec::new();
        match self {
            Localized::Plain(text) if required && text.trim().is_empty() => {
                problems.push((key.to_owned(), NOT_EMPTY));
            }
            Localized::Plain(_) => {}
            Localized::PerLanguage(texts) if texts.is_empty() => {
                problems.push((
                    key.to_owned(),
                    crate::message!(
                        "write one text, or a table of texts by language ({known})",
                        known = LANGUAGES.join(", ")
                    ),
                ));
            }
            Localized::PerLanguage(texts) => {
                for (tag, text) in texts {
                    let at = format!("{key}.{tag}");
                    if !LANGUAGES.contains(&tag.as_str()) {
                        problems.push((
                            at,
                            crate::message!(
                                "unknown language `{tag}`: expected one of {known}",
                                tag = tag,
                                known = LANGUAGES.join(", ")
                            ),
                        ));
                    } else if text.trim().is_empty() {
                        problems.push((at, NOT_EMPTY));
                    }
                }
            }
        }
        problems
    }
}

/// What people call the codes a program's rules name — product categories, SKUs, stores and
/// event kinds — so that pages say "零售商品" where a rule says `retail`. A code with no name
/// is shown as written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Names {
    /// Product categories, by code.
    pub categories: BTreeMap<String, Localized>,
    /// SKUs, by code.
    pub skus: BTreeMap<String, Localized>,
    /// Stores, by code.
    pub stores: BTreeMap<String, Localized>,
    /// Event kinds, by kind.
    pub events: BTreeMap<String, Localized>,
}

impl Names {
    /// Every problem with the names, each at its key (`names.categories.retail.zh`).
    pub fn problems(&self) -> Vec<(String, Message)> {
        let kinds = [
            ("categories", &self.categories),
            ("skus", &self.skus),
            ("stores", &self.stores),
            ("events", &self.events),
        ];
        kinds
            .into_iter()
            .flat_map(|(kind, names)| {
                names.iter().flat_map(move |(code, name)| {
                    name.problems(&format!("names.{kind}.{code}"), true)
                })
            })
            .collect()
    }
}

impl Default for Localized {
    fn default() -> Localized {
        Localized::Plain(String::new())
    }
}

impl From<&str> for Localized {
    fn from(text: &str) -> Localized {
        Localized::Plain(text.to_owned())
    }
}

impl From<String> for Localized {
    fn from(text: String) -> Localized {
        Localized::Plain(text)
    }
}

/// The fallback text (see [`Localized::fallback`]).
impl fmt::Display for Localized {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.fallback())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gold() -> Localized {
        Localized::PerLanguage(BTreeMap::from([
            ("en".to_owned(), "Gold".to_owned()),
            ("zh-CN".to_owned(), "金卡".to_owned()),
        ]))
    }

    #[test]
    fn a_text_per_language_reads_in_the_language_asked_for_and_falls_back_to_english() {
        assert_eq!(gold().get("zh-CN"), "金卡");
        assert_eq!(gold().get("en"), "Gold");
        assert_eq!(gold().get("fr"), "Gold");
        assert_eq!(gold().to_string(), "Gold");
        let chinese_only =
            Localized::PerLanguage(BTreeMap::from([("zh-CN".to_owned(), "金卡".to_owned())]));
        assert_eq!(
            chinese_only.get("en"),
            "金卡",
            "the first written, when no English"
        );
    }

    #[test]
    fn a_plain_text_reads_the_same_in_every_language() {
        let plain = Localized::from("Gold");
        assert_eq!((plain.get("zh-CN"), plain.get("en")), ("Gold", "Gold"));
    }

    #[test]
    fn an_unknown_language_or_a_blank_text_is_a_problem_at_its_key() {
        let texts = Localized::PerLanguage(BTreeMap::from([
            ("zh".to_owned(), "金卡".to_owned()),
            ("en".to_owned(), " ".to_owned()),
        ]));
        let keys: Vec<String> = texts
            .problems("tiers.levels[0].name", true)
            .into_iter()
            .map(|(key, _)| key)
            .collect();
        assert_eq!(keys, ["tiers.levels[0].name.en", "tiers.levels[0].name.zh"]);
        assert!(gold().problems("name", true).is_empty());
        assert_eq!(Localized::from("").problems("name", true).len(), 1);
        assert!(
            Localized::from("")
                .problems("description", false)
                .is_empty()
        );
    }
}
