//! A name or description as the program file writes it: one text (`name = "Gold"`), or a
//! table of texts by language (`name = { en = "Gold", zh-CN = "金卡" }`).

use laurel_core::Localized;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;

/// A [`Localized`] read from TOML.
pub(super) struct Words(pub(super) Localized);

impl<'de> serde::Deserialize<'de> for Words {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Words, D::Error> {
        deserializer.deserialize_any(WordsVisitor)
    }
}

struct WordsVisitor;

impl<'de> Visitor<'de> for WordsVisitor {
    type Value = Words;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a text, or a table of texts by language ({})",
            laurel_core::localized::LANGUAGES.join(", ")
        )
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Words, E> {
        Ok(Words(Localized::Plain(text.to_owned())))
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Words, M::Error> {
        let mut texts = BTreeMap::new();
        while let Some((language, text)) = map.next_entry::<String, String>()? {
            texts.insert(language, text);
        }
        // Unknown languages and blank texts are the core's to report, with their keys.
        Ok(Words(Localized::PerLanguage(texts)))
    }
}
