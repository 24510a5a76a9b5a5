//! The JSON shapes of program versions: applying one, and reading them back.

use crate::error::ApiError;
use jiff::Timestamp;
use laurel_engine::{ApplyProgram, ProgramDefinition, ProgramVersion};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A new program version.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyProgramBody {
    /// The program text: TOML, as in a program file.
    #[schema(min_length = 1)]
    pub text: String,
    /// In force from this RFC 3339 instant (not in the past); now when absent.
    #[schema(format = DateTime)]
    pub effective_from: Option<String>,
    /// Why the program changes.
    #[schema(max_length = 500)]
    pub note: Option<String>,
    /// Validate only; nothing is stored.
    #[serde(default)]
    pub dry_run: bool,
}

impl ApplyProgramBody {
    /// The engine's request.
    pub fn into_request(self) -> Result<ApplyProgram, ApiError> {
        Ok(ApplyProgram {
            effective_from: self
                .effective_from
                .as_deref()
                .map(|at| super::instant("effective_from", at))
                .transpose()?,
            text: self.text,
            note: self.note,
            dry_run: self.dry_run,
        })
    }
}

/// What a program version defines, in counts.
#[derive(Serialize, ToSchema)]
pub struct ProgramSummaryBody {
    /// The program's name.
    pub name: String,
    /// Its currency (ISO 4217).
    pub currency: String,
    /// Its time zone (IANA).
    pub time_zone: String,
    /// Base rate: points per currency unit.
    pub points_per_unit: String,
    /// Earning rules.
    pub rules: usize,
    /// Tier ids, lowest first.
    pub tiers: Vec<String>,
    /// Rewards in the catalog.
    pub rewards: usize,
    /// Whether referrals pay.
    pub referrals: bool,
}

impl From<&ProgramDefinition> for ProgramSummaryBody {
    fn from(d: &ProgramDefinition) -> ProgramSummaryBody {
        ProgramSummaryBody {
            name: d.program.name.fallback().to_owned(),
            currency: d.program.currency.to_string(),
            time_zone: d.program.time_zone.iana_name().unwrap_or("").to_owned(),
            points_per_unit: super::decimal(d.program.points_per_unit),
            rules: d.rules.len(),
            tiers: d
                .tiers
                .as_ref()
                .map(|t| t.tiers().iter().map(|t| t.id.clone()).collect())
                .unwrap_or_default(),
            rewards: d.catalog.rewards().len(),
            referrals: d.referrals.is_some(),
        }
    }
}

/// One program version.
#[derive(Serialize, ToSchema)]
pub struct ProgramVersionBody {
    /// Its number; absent for a program given in code, or a dry run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    /// in_force, scheduled (takes effect later), superseded, or checked (a dry run).
    pub status: String,
    /// In force from; absent for a program given in code (in force from the beginning).
    pub effective_from: Option<String>,
    /// When it was stored.
    pub created_at: Option<String>,
    /// file (read from the program file at start), api, or code.
    pub source: String,
    /// The API key that applied it.
    pub actor: Option<String>,
    /// Why it changed.
    pub note: Option<String>,
    /// SHA-256 of the text, hex.
    pub sha256: Option<String>,
    /// What it defines.
    pub summary: ProgramSummaryBody,
    /// The program text (in reads of one version).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl ProgramVersionBody {
    /// A version as shown at `now`, when `in_force` is the version in force.
    pub fn new(
        v: &ProgramVersion,
        in_force: &ProgramVersion,
        now: Timestamp,
        with_text: bool,
    ) -> ProgramVersionBody {
        let status = if v.version == in_force.version {
            "in_force"
        } else if v.effective_from > now {
            "scheduled"
        } else {
            "superseded"
        };
        ProgramVersionBody::shown(v, status, with_text)
    }

    /// A dry run's version: what would be stored.
    pub fn checked(v: &ProgramVersion) -> ProgramVersionBody {
        ProgramVersionBody::shown(v, "checked", false)
    }

    fn shown(v: &ProgramVersion, status: &str, with_text: bool) -> ProgramVersionBody {
        let stored = v.stored.as_ref();
        ProgramVersionBody {
            version: v.version,
            status: status.to_owned(),
            effective_from: stored.map(|s| s.effective_from.to_string()),
            created_at: stored.map(|s| s.created_at.to_string()),
            source: stored.map_or("code", |s| s.source.as_str()).to_owned(),
            actor: stored.and_then(|s| s.actor.clone()),
            note: stored.and_then(|s| s.note.clone()),
            sha256: stored.map(|s| s.sha256.clone()),
            summary: v.definition.as_ref().into(),
            text: stored.filter(|_| with_text).map(|s| s.text.clone()),
        }
    }
}

/// The answer to applying a program.
#[derive(Serialize, ToSchema)]
pub struct ApplyProgramResponse {
    /// created (a new version), unchanged (the text is already in force then), or checked
    /// (a dry run that validated).
    pub outcome: String,
    /// The version.
    pub version: ProgramVersionBody,
}

/// Every program version, by when it takes effect.
#[derive(Serialize, ToSchema)]
pub struct ProgramVersionsResponse {
    /// The versions.
    pub versions: Vec<ProgramVersionBody>,
}
