//! Program versions: the timeline of definitions, the one in force at an instant, and what a
//! new version may change.
//!
//! A purchase or event is decided under the version in force at its `occurred_at`; everything
//! else under the version in force when it is written. The timeline is rebuilt from the store
//! whenever a version is added, and swapped in whole, so a batch of the write path sees one
//! timeline from start to end.

use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use crate::program_file::{ProgramDefinition, parse_program};
use jiff::Timestamp;
use laurel_store::{NewProgramVersion, ProgramVersionRecord};
use std::path::Path;
use std::sync::{Arc, PoisonError, RwLock};

pub mod apply;

/// One version of the program: when it is in force from, and what it defines.
#[derive(Debug)]
pub struct ProgramVersion {
    /// Its number; `None` for a program given in code (tests, embedding), never stored.
    pub version: Option<i64>,
    /// In force from this instant until the next version's.
    pub effective_from: Timestamp,
    /// What was stored (text, source, who, why); `None` for a program given in code.
    pub stored: Option<NewProgramVersion>,
    /// The validated program.
    pub definition: Arc<ProgramDefinition>,
}

impl ProgramVersion {
    /// A program given in code: in force from the beginning of time, not versioned.
    fn in_code(definition: ProgramDefinition) -> ProgramVersion {
        ProgramVersion {
            version: None,
            effective_from: Timestamp::MIN,
            stored: None,
            definition: Arc::new(definition),
        }
    }

    /// A stored version, parsed again.
    fn from_record(record: &ProgramVersionRecord) -> Result<ProgramVersion> {
        let definition = parse_text(&record.stored.text).map_err(|problems| {
            EngineError::Internal(format!(
                "stored program version {} no longer validates: {}",
                record.version,
                problems
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            ))
        })?;
        Ok(ProgramVersion {
            version: Some(record.version),
            effective_from: record.stored.effective_from,
            stored: Some(record.stored.clone()),
            definition: Arc::new(definition),
        })
    }

    /// The SHA-256 of its text, if it has one.
    pub fn sha256(&self) -> Option<&str> {
        self.stored.as_ref().map(|s| s.sha256.as_str())
    }
}

/// Every version, ordered by when it takes effect (then by number).
#[derive(Debug)]
pub(crate) struct Timeline {
    versions: Vec<Arc<ProgramVersion>>,
}

impl Timeline {
    fn new(mut versions: Vec<Arc<ProgramVersion>>) -> Result<Timeline> {
        if versions.is_empty() {
            return Err(EngineError::NoProgram);
        }
        versions.sort_by_key(|v| (v.effective_from, v.version));
        Ok(Timeline { versions })
    }

    /// The version in force at `at`: the last to take effect at or before it. An instant
    /// before the first version (history imported from before the program was versioned) is
    /// decided under the first.
    pub fn in_force(&self, at: Timestamp) -> &Arc<ProgramVersion> {
        let after = self.versions.partition_point(|v| v.effective_from <= at);
        &self.versions[after.saturating_sub(1)]
    }

    /// Every version, by when it takes effect.
    pub fn versions(&self) -> &[Arc<ProgramVersion>] {
        &self.versions
    }
}

/// The engine's program versions: a program given in code (if any) under the stored ones.
pub(crate) struct Programs {
    in_code: Option<Arc<ProgramVersion>>,
    timeline: RwLock<Arc<Timeline>>,
}

impl Programs {
    /// Only a program given in code.
    pub fn in_code(definition: ProgramDefinition) -> Programs {
        let version = Arc::new(ProgramVersion::in_code(definition));
        Programs {
            timeline: RwLock::new(Arc::new(Timeline {
                versions: vec![version.clone()],
            })),
            in_code: Some(version),
        }
    }

    /// The stored versions.
    pub fn stored(records: &[ProgramVersionRecord]) -> Result<Programs> {
        let programs = Programs {
            in_code: None,
            timeline: RwLock::new(Arc::new(Timeline {
                versions: Vec::new(),
            })),
        };
        programs.refresh(records)?;
        Ok(programs)
    }

    /// The timeline as it is now; later changes do not affect it.
    pub fn snapshot(&self) -> Arc<Timeline> {
        self.timeline
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Rebuilds the timeline from the stored versions.
    pub fn refresh(&self, records: &[ProgramVersionRecord]) -> Result<()> {
        let mut versions: Vec<_> = self.in_code.iter().cloned().collect();
        for record in records {
            versions.push(Arc::new(ProgramVersion::from_record(record)?));
        }
        let timeline = Arc::new(Timeline::new(versions)?);
        *self
            .timeline
            .write()
            .unwrap_or_else(PoisonError::into_inner) = timeline;
        Ok(())
    }

    /// How many stored versions the timeline holds.
    pub fn stored_count(&self) -> usize {
        self.snapshot()
            .versions()
            .iter()
            .filter(|v| v.version.is_some())
            .count()
    }

    /// The newest stored version's number (none stored: none).
    pub fn newest_stored(&self) -> Option<i64> {
        self.snapshot()
            .versions()
            .iter()
            .filter_map(|v| v.version)
            .max()
    }
}

/// Program text parsed and validated; the problems, each with its key, otherwise.
pub(crate) fn parse_text(
    text: &str,
) -> std::result::Result<ProgramDefinition, Vec<laurel_core::issue::Issue>> {
    parse_program(text, Path::new("program")).map_err(|e| e.issues)
}

/// What a new version may not change, given the version it follows and the tiers members hold:
/// the currency (every amount recorded is in it) and any tier a member is in.
/// What stored activity pins down in a program: the tiers members hold, and whether the
/// books were ever closed (their locked month ends are the program's time zone's).
#[derive(Debug, Default)]
pub(crate) struct Pinned {
    /// The tiers members hold.
    pub tiers_held: Vec<String>,
    /// Whether a period of the books was closed.
    pub books_closed: bool,
}

impl Pinned {
    /// What `store` pins down now.
    pub async fn read(store: &laurel_store::Store) -> Result<Pinned> {
        Ok(Pinned {
            tiers_held: store.tiers_held().await?,
            books_closed: !store.books_closes().await?.is_empty(),
        })
    }
}

pub(crate) fn check_change(
    previous: &ProgramDefinition,
    next: &ProgramDefinition,
    pinned: &Pinned,
) -> Result<()> {
    let tiers_held = &pinned.tiers_held;
    if previous.program.currency != next.program.currency {
        return Err(EngineError::ProgramChange {
            code: ErrorCode::ProgramCurrencyChanged,
            message: format!(
                "program.currency: the program is in {}; a new version cannot change it to {}",
                previous.program.currency, next.program.currency
            ),
            args: vec![
                ("from", previous.program.currency.to_string()),
                ("to", next.program.currency.to_string()),
            ],
        });
    }
    let (from, to) = (&previous.program.time_zone, &next.program.time_zone);
    if pinned.books_closed && from != to {
        let name = |tz: &jiff::tz::TimeZone| tz.iana_name().unwrap_or("UTC").to_owned();
        return Err(EngineError::ProgramChange {
            code: ErrorCode::ProgramTimeZoneChanged,
            message: format!(
                "program.time_zone: the books are closed by months in {}; a new version cannot change it to {}",
                name(from),
                name(to)
            ),
            args: vec![("from", name(from)), ("to", name(to))],
        });
    }
    let dropped: Vec<&str> = tiers_held
        .iter()
        .filter(|held| {
            next.tiers
                .as_ref()
                .is_none_or(|policy| policy.tier(held).is_none())
        })
        .map(String::as_str)
        .collect();
    if !dropped.is_empty() {
        return Err(EngineError::ProgramChange {
            code: ErrorCode::ProgramTierInUse,
            message: format!(
                "tiers: members hold {}; keep these tiers (their thresholds may change)",
                dropped.join(", ")
            ),
            args: vec![("tiers", dropped.join(", "))],
        });
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const TEXT: &str = r#"
[program]
name = "T"
currency = "CNY"
time_zone = "Asia/Shanghai"
[earn]
points_per_unit = "1"
[points]
value = "0.01"
expiry = { policy = "never" }
"#;

    fn version(number: i64, from_second: i64) -> Arc<ProgramVersion> {
        Arc::new(ProgramVersion {
            version: Some(number),
            effective_from: Timestamp::from_second(from_second).unwrap(),
            stored: None,
            definition: Arc::new(parse_text(TEXT).unwrap()),
        })
    }

    fn at(second: i64) -> Timestamp {
        Timestamp::from_second(second).unwrap()
    }

    #[test]
    fn the_version_in_force_is_the_last_to_take_effect_and_the_first_judges_what_came_before() {
        // Stored out of order: 3 was scheduled before 2 was applied to take effect earlier;
        // 4 takes effect at the same instant as 3 and, stored later, wins.
        let timeline = Timeline::new(vec![
            version(1, 100),
            version(3, 300),
            version(2, 200),
            version(4, 300),
        ])
        .unwrap();
        let number = |s| timeline.in_force(at(s)).version;
        assert_eq!(number(50), Some(1), "before the first version");
        assert_eq!(number(100), Some(1));
        assert_eq!(number(299), Some(2));
        assert_eq!(number(300), Some(4));
        assert_eq!(number(10_000), Some(4));
    }

    #[test]
    fn a_timeline_needs_a_version() {
        assert!(matches!(
            Timeline::new(Vec::new()),
            Err(EngineError::NoProgram)
        ));
    }
}
