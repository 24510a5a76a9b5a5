//! A program text changed one earning rule, tier or reward at a time, the rest of it — the
//! author's comments, order and layout — kept as written: what the console's drafting forms
//! do to a draft, in one place so the API may do it too.
//!
//! What is written is read back by the program file's own readers as exactly the rule, tier or
//! reward given (the tests hold it), so a form never says one thing and the text another.

mod write;

use super::{rewards, rules, tiers};
use jiff::tz::TimeZone;
use laurel_core::issue::{Issue, Issues};
use laurel_core::rewards::Reward;
use laurel_core::rules::EarningRule;
use laurel_core::tiers::Tier;
use rust_decimal::Decimal;
use serde::Deserialize;
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table};

/// Which kind of item of the program a change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// An earning rule, a `[[rules]]` table.
    Rule,
    /// A tier, a `[[tiers.levels]]` table.
    Tier,
    /// A reward, a `[[rewards]]` table.
    Reward,
}

impl Part {
    /// Where its tables are written, as the program's problems name it (`tiers.levels`).
    pub fn key(self) -> &'static str {
        match self {
            Part::Rule => "rules",
            Part::Tier => "tiers.levels",
            Part::Reward => "rewards",
        }
    }
}

/// Why a draft could not be changed or read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DraftError {
    /// The text is not TOML; its problem (with its line) is the one checking it reports.
    #[error("the text is not valid TOML")]
    Unreadable,
    /// The part's tables are written in some other shape (an inline array, a value).
    #[error("`{}` is not written as tables", .0.key())]
    NotTables(Part),
    /// No item of that part has that id.
    #[error("no `{part}` has the id `{id}`", part = .0.key(), id = .1)]
    NotFound(Part, String),
    /// The item is written but cannot be read as one: its problems, with their keys.
    #[error("`{part}` with the id `{id}` has problems", part = .0.key(), id = .1)]
    Invalid(Part, String, Vec<Issue>),
}

/// A program text being changed: parsed once, changed in place, written out again.
pub struct Draft {
    doc: DocumentMut,
}

impl Draft {
    /// The draft of `text`, or [`DraftError::Unreadable`] when it is not TOML.
    pub fn parse(text: &str) -> Result<Draft, DraftError> {
        text.parse::<DocumentMut>()
            .map(|doc| Draft { doc })
            .map_err(|_| DraftError::Unreadable)
    }

    /// The program's time zone as the text names it (UTC when it names none it knows), which
    /// rewards' dates are read in.
    pub fn time_zone(&self) -> TimeZone {
        self.doc
            .get("program")
            .and_then(|p| p.get("time_zone"))
            .and_then(Item::as_str)
            .and_then(|name| TimeZone::get(name).ok())
            .unwrap_or(TimeZone::UTC)
    }

    /// The ids of the part's items, in the order written.
    pub fn ids(&self, part: Part) -> Vec<String> {
        let Some(Item::ArrayOfTables(tables)) = self.item(part) else {
            return Vec::new();
        };
        tables
            .iter()
            .filter_map(|t| t.get("id").and_then(Item::as_str).map(str::to_owned))
            .collect()
    }

    /// The earning rule with this id, as the program file reads it.
    pub fn rule(&self, id: &str) -> Result<EarningRule, DraftError> {
        self.read(
            Part::Rule,
            id,
            |problems, key, section: rules::RuleSection| rules::rule(problems, key, section),
        )
    }

    /// The tier with this id, as the program file reads it.
    pub fn tier(&self, id: &str) -> Result<Tier, DraftError> {
        self.read(Part::Tier, id, |_, _, section: tiers::LevelSection| {
            tiers::level(section)
        })
    }

    /// The reward with this id, as the program file reads it.
    pub fn reward(&self, id: &str) -> Result<Reward, DraftError> {
        let tz = self.time_zone();
        self.read(Part::Reward, id, |problems, key, section| {
            rewards::reward(problems, key, section, &tz)
        })
    }

    /// Writes `rule` in place of the rule with the id `replacing` (its own id when `None`),
    /// or after the last rule when there is none.
    pub fn put_rule(
        &mut self,
        rule: &EarningRule,
        replacing: Option<&str>,
    ) -> Result<(), DraftError> {
        let id = replacing.unwrap_or(&rule.id).to_owned();
        self.put(Part::Rule, &id, write::rule(rule), |_| None)
    }

    /// Writes `tier` in place of the tier with the id `replacing` (its own id when `None`), or
    /// among the others by its threshold, lowest first. A program without tiers gains a
    /// `[tiers]` table measuring spend over the calendar year, to be changed in the text.
    pub fn put_tier(&mut self, tier: &Tier, replacing: Option<&str>) -> Result<(), DraftError> {
        let id = replacing.unwrap_or(&tier.id).to_owned();
        if self.doc.get("tiers").is_none() {
            let mut section = Table::new();
            section.insert("metric", toml_edit::value("spend"));
            section.insert("window", toml_edit::value("calendar_year"));
            section.insert("levels", Item::ArrayOfTables(ArrayOfTables::new()));
            self.doc.insert("tiers", Item::Table(section));
        }
        let threshold = tier.threshold;
        self.put(Part::Tier, &id, write::tier(tier), |levels| {
            levels
                .iter()
                .position(|level| written_decimal(level.get("threshold")) > Some(threshold))
        })
    }

    /// Writes `reward` in place of the reward with the id `replacing` (its own id when
    /// `None`), or after the last reward when there is none. Its instants are written in the
    /// program's time zone, as dates when they fall on the start of a day.
    pub fn put_reward(
        &mut self,
        reward: &Reward,
        replacing: Option<&str>,
    ) -> Result<(), DraftError> {
        let id = replacing.unwrap_or(&reward.id).to_owned();
        let keys = write::reward(reward, &self.time_zone());
        self.put(Part::Reward, &id, keys, |_| None)
    }

    /// Removes the item of `part` with this id. Removing the last tier removes the `[tiers]`
    /// table, so the program has none rather than a policy without levels.
    pub fn remove(&mut self, part: Part, id: &str) -> Result<(), DraftError> {
        let tables = self.tables_mut(part)?;
        let index =
            position(tables, id).ok_or_else(|| DraftError::NotFound(part, id.to_owned()))?;
        tables.remove(index);
        if tables.is_empty() {
            match part {
                Part::Tier => self.doc.remove("tiers"),
                Part::Rule | Part::Reward => self.doc.remove(part.key()),
            };
        }
        Ok(())
    }

    /// The item at `part`'s key, if written.
    fn item(&self, part: Part) -> Option<&Item> {
        match part {
            Part::Tier => self.doc.get("tiers")?.get("levels"),
            Part::Rule | Part::Reward => self.doc.get(part.key()),
        }
    }

    /// The part's tables, made when not written (under an existing `[tiers]` for tiers).
    fn tables_mut(&mut self, part: Part) -> Result<&mut ArrayOfTables, DraftError> {
        let parent = match part {
            Part::Tier => self
                .doc
                .get_mut("tiers")
                .and_then(Item::as_table_mut)
                .ok_or(DraftError::NotTables(part))?,
            Part::Rule | Part::Reward => self.doc.as_table_mut(),
        };
        let name = part.key().rsplit('.').next().unwrap_or_default();
        parent
            .entry(name)
            .or_insert(Item::ArrayOfTables(ArrayOfTables::new()))
            .as_array_of_tables_mut()
            .ok_or(DraftError::NotTables(part))
    }

    /// Writes `keys` into the table of `part` with the id `id`, each key where it was (with
    /// its comments), or a new table at the index `place` picks (the end when it picks none).
    fn put(
        &mut self,
        part: Part,
        id: &str,
        keys: Vec<(&'static str, Option<toml_edit::Value>)>,
        place: impl FnOnce(&ArrayOfTables) -> Option<usize>,
    ) -> Result<(), DraftError> {
        let tables = self.tables_mut(part)?;
        match position(tables, id).and_then(|i| tables.get_mut(i)) {
            Some(table) => {
                for (key, value) in keys {
                    write::set(table, key, value);
                }
            }
            None => {
                let mut table = Table::new();
                for (key, value) in keys {
                    write::set(&mut table, key, value);
                }
                match place(tables) {
                    Some(index) => tables.insert(index, table),
                    None => tables.push(table),
                }
            }
        }
        Ok(())
    }

    /// Reads the item of `part` with the id `id` through the program file's own reader
    /// `convert`, which adds its problems under the item's key.
    fn read<S, T>(
        &self,
        part: Part,
        id: &str,
        convert: impl FnOnce(&mut Issues, &str, S) -> T,
    ) -> Result<T, DraftError>
    where
        S: for<'de> Deserialize<'de>,
    {
        let not_found = || DraftError::NotFound(part, id.to_owned());
        let Some(Item::ArrayOfTables(tables)) = self.item(part) else {
            return Err(not_found());
        };
        let index = position(tables, id).ok_or_else(not_found)?;
        let key = format!("{}[{index}]", part.key());
        let invalid = |issues| DraftError::Invalid(part, id.to_owned(), issues);
        // Read as the file is read, whatever way the table is written (sub-tables, dotted
        // keys): the whole text through `toml`, then the one table.
        let root: toml::Table = toml::from_str(&self.text()).map_err(|_| DraftError::Unreadable)?;
        let table = match part {
            Part::Tier => root.get("tiers").and_then(|t| t.get("levels")),
            Part::Rule | Part::Reward => root.get(part.key()),
        }
        .and_then(toml::Value::as_array)
        .and_then(|tables| tables.get(index))
        .cloned()
        .ok_or_else(not_found)?;
        let section: S = table.try_into().map_err(|e| {
            let mut issue = super::unreadable("", &e);
            // Its place is the table's: the key says which.
            issue.key = key.clone();
            issue.line = None;
            invalid(vec![issue])
        })?;
        let mut problems = Issues::under("");
        let item = convert(&mut problems, &key, section);
        problems.result(item).map_err(invalid)
    }

    /// The text as changed.
    pub fn text(&self) -> String {
        self.doc.to_string()
    }
}

/// The index of the table with this id.
fn position(tables: &ArrayOfTables, id: &str) -> Option<usize> {
    tables
        .iter()
        .position(|t| t.get("id").and_then(Item::as_str) == Some(id))
}

/// A decimal as the text writes it (a string or a number), if it is one.
fn written_decimal(item: Option<&Item>) -> Option<Decimal> {
    let value = item?.as_value()?;
    match value {
        toml_edit::Value::String(s) => s.value().trim().parse().ok(),
        toml_edit::Value::Integer(i) => Some(Decimal::from(*i.value())),
        toml_edit::Value::Float(f) => Decimal::try_from(*f.value()).ok(),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests;
