//! Program versions: the texts that were in force and from when, and what a new version must
//! not break (tiers members hold).

use crate::db::connect::Store;
use crate::db::sql::{Sql, args};
use crate::error::Result;
use crate::types::{instant, micros};
use crate::write::tx::Tx;
use jiff::Timestamp;

/// Where a program version came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgramSource {
    /// Read from the program file when Laurel started.
    File,
    /// Applied through the admin API.
    Api,
}

impl ProgramSource {
    /// Stable name, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            ProgramSource::File => "file",
            ProgramSource::Api => "api",
        }
    }

    fn parse(text: &str) -> Option<ProgramSource> {
        match text {
            "file" => Some(ProgramSource::File),
            "api" => Some(ProgramSource::Api),
            _ => None,
        }
    }
}

/// A version to store; its number is given by the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProgramVersion {
    /// In force from this instant.
    pub effective_from: Timestamp,
    /// When it was stored.
    pub created_at: Timestamp,
    /// File or API.
    pub source: ProgramSource,
    /// The API key that applied it.
    pub actor: Option<String>,
    /// Why it was changed, in the admin's words.
    pub note: Option<String>,
    /// SHA-256 of `text`, hex.
    pub sha256: String,
    /// The program text (TOML).
    pub text: String,
}

/// A stored program version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramVersionRecord {
    /// 1, 2, 3… in the order versions were stored.
    pub version: i64,
    /// What was stored.
    pub stored: NewProgramVersion,
}

/// Attempts at numbering a version when another node stores one at the same moment.
pub const NUMBERING_ATTEMPTS: usize = 5;

impl Store {
    /// Every stored version, oldest first.
    pub async fn program_versions(&self) -> Result<Vec<ProgramVersionRecord>> {
        let mut db = self;
        let rows = db
            .rows(
                "SELECT version, effective_from, created_at, source, actor, note, sha256, text \
                 FROM program_versions ORDER BY version",
                &[],
            )
            .await?;
        rows.iter()
            .map(|row| {
                let source: String = row.get("source")?;
                Ok(ProgramVersionRecord {
                    version: row.get("version")?,
                    stored: NewProgramVersion {
                        effective_from: instant(row.get("effective_from")?)?,
                        created_at: instant(row.get("created_at")?)?,
                        source: ProgramSource::parse(&source).ok_or_else(|| {
                            crate::error::StoreError::Corrupt(format!("program source {source}"))
                        })?,
                        actor: row.get("actor")?,
                        note: row.get("note")?,
                        sha256: row.get("sha256")?,
                        text: row.get("text")?,
                    },
                })
            })
            .collect()
    }

    /// How many versions are stored: a cheap check before reading them all again.
    pub async fn program_version_count(&self) -> Result<i64> {
        let mut db = self;
        db.row("SELECT COUNT(*) FROM program_versions", &[])
            .await?
            .get(0)
    }
}

impl Tx {
    /// The newest stored version's number, as this transaction sees it (none stored: none).
    pub async fn newest_program_version(&mut self) -> Result<Option<i64>> {
        self.row("SELECT MAX(version) FROM program_versions", &[])
            .await?
            .get(0)
    }

    /// Stores a version under the next number. Two nodes storing at once: one commits, the
    /// other's commit or insert is a unique violation, and it tries again (see
    /// [`NUMBERING_ATTEMPTS`]).
    pub async fn insert_program_version(
        &mut self,
        new: &NewProgramVersion,
    ) -> Result<ProgramVersionRecord> {
        let version: i64 = self
            .row(
                "SELECT COALESCE(MAX(version), 0) + 1 FROM program_versions",
                &[],
            )
            .await?
            .get(0)?;
        self.run(
            "INSERT INTO program_versions (version, effective_from, created_at, source, actor, note, sha256, text) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            args![
                version,
                micros(new.effective_from),
                micros(new.created_at),
                new.source.as_str(),
                &new.actor,
                &new.note,
                &new.sha256,
                &new.text,
            ],
        )
        .await?;
        Ok(ProgramVersionRecord {
            version,
            stored: new.clone(),
        })
    }
}

impl Store {
    /// The tiers members hold now, each once: a new version may not drop one of them.
    pub async fn tiers_held(&self) -> Result<Vec<String>> {
        let mut db = self;
        let rows = db
            .rows(
                "SELECT DISTINCT tier FROM members WHERE tier IS NOT NULL",
                &[],
            )
            .await?;
        rows.iter().map(|r| r.get("tier")).collect()
    }
}
