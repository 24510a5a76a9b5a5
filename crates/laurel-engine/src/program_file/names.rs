//! The program file's `[names]`: what people call the codes its rules name (categories, SKUs,
//! stores, event kinds), each once or per language.

use super::words::Words;
use laurel_core::Names;
use laurel_core::issue::Issue;
use serde::Deserialize;
use std::collections::BTreeMap;

/// `[names]`: a table per kind of code, each code's name as [`Words`].
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct NamesSection {
    #[serde(default)]
    categories: BTreeMap<String, Words>,
    #[serde(default)]
    skus: BTreeMap<String, Words>,
    #[serde(default)]
    stores: BTreeMap<String, Words>,
    #[serde(default)]
    events: BTreeMap<String, Words>,
}

/// The names, or every problem with them.
pub(super) fn convert(section: Option<NamesSection>) -> Result<Names, Vec<Issue>> {
    let section = section.unwrap_or_default();
    let read = |names: BTreeMap<String, Words>| -> BTreeMap<_, _> {
        names
            .into_iter()
            .map(|(code, words)| (code, words.0))
            .collect()
    };
    let names = Names {
        categories: read(section.categories),
        skus: read(section.skus),
        stores: read(section.stores),
        events: read(section.events),
    };
    let problems: Vec<Issue> = names
        .problems()
        .into_iter()
        .map(|(key, words)| Issue::new(key, words))
        .collect();
    if problems.is_empty() {
        Ok(names)
    } else {
        Err(problems)
    }
}
