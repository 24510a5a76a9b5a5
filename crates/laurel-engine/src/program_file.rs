//! The program file (TOML): parsed into a spec and earning rules, then validated by the core.

mod referrals;
mod rewards;
mod rules;
mod tiers;

use crate::decimal;
use jiff::tz::TimeZone;
use laurel_core::referrals::ReferralPolicy;
use laurel_core::rewards::Catalog;
use laurel_core::rules::{RuleSet, STANDARD_EVENT_KINDS, Trigger};
use laurel_core::tiers::TierPolicy;
use laurel_core::{ClawbackPolicy, Currency, ExpiryPolicy, Program, ProgramSpec, Rounding};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// A program file that could not be used: where, and everything that is wrong with it.
#[derive(Debug, thiserror::Error)]
#[error("{}: {}", path.display(), problems.join("; "))]
pub struct ProgramFileError {
    /// The file.
    pub path: PathBuf,
    /// Each problem, naming the key it concerns.
    pub problems: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    program: ProgramSection,
    earn: EarnSection,
    points: PointsSection,
    #[serde(default)]
    events: Option<rules::EventsSection>,
    #[serde(default)]
    rules: Vec<rules::RuleSection>,
    #[serde(default)]
    tiers: Option<tiers::TiersSection>,
    #[serde(default)]
    rewards: Vec<rewards::RewardSection>,
    #[serde(default)]
    referrals: Option<referrals::ReferralsSection>,
}

/// Everything a program file defines: the program and its earning rules.
#[derive(Debug, Clone)]
pub struct ProgramDefinition {
    /// The program: currency, base rate, expiry…
    pub program: Program,
    /// Its earning rules, validated and in evaluation order.
    pub rules: RuleSet,
    /// The custom event kinds the program declares in `[events] declared`, beyond the
    /// standard ones.
    pub declared_events: Vec<String>,
    /// Its tiers, if it has any.
    pub tiers: Option<TierPolicy>,
    /// Its rewards catalog.
    pub catalog: Catalog,
    /// What referrals pay, if the program has them.
    pub referrals: Option<ReferralPolicy>,
}

impl ProgramDefinition {
    /// Whether members may record events of this kind: a standard kind, a declared one, or
    /// one a rule is triggered by.
    pub fn knows_event(&self, kind: &str) -> bool {
        STANDARD_EVENT_KINDS.contains(&kind)
            || self.declared_events.iter().any(|d| d == kind)
            || self
                .rules
                .in_order()
                .iter()
                .any(|r| matches!(&r.trigger, Trigger::Event(k) if k == kind))
    }
}

impl From<Program> for ProgramDefinition {
    /// A program with no earning rules: purchases earn the base rate only.
    fn from(program: Program) -> ProgramDefinition {
        ProgramDefinition {
            program,
            rules: RuleSet::empty(),
            declared_events: Vec::new(),
            tiers: None,
            catalog: Catalog::empty(),
            referrals: None,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProgramSection {
    name: String,
    currency: String,
    time_zone: String,
    #[serde(default = "default_points_name")]
    points_name: String,
}

fn default_points_name() -> String {
    "points".into()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EarnSection {
    #[serde(deserialize_with = "decimal::deserialize")]
    points_per_unit: Decimal,
    #[serde(default)]
    rounding: RoundingName,
    #[serde(default = "default_backdating_days")]
    backdating_days: u32,
}

fn default_backdating_days() -> u32 {
    laurel_core::program::BACKDATING_DAYS_DEFAULT
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "snake_case")]
enum RoundingName {
    #[default]
    Floor,
    Nearest,
    Ceil,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PointsSection {
    #[serde(deserialize_with = "decimal::deserialize")]
    value: Decimal,
    expiry: ExpirySection,
    #[serde(default)]
    pending_days: u32,
    #[serde(default)]
    clawback: ClawbackName,
}

#[derive(Deserialize)]
#[serde(tag = "policy", rename_all = "snake_case", deny_unknown_fields)]
enum ExpirySection {
    Never,
    MonthsAfterEarning { months: u32 },
    EndOfNextCalendarYear,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "snake_case")]
enum ClawbackName {
    #[default]
    AllowNegative,
    CapAtZero,
}

/// Parses and validates program text; `path` is only used in messages. Every problem is
/// reported, the program's and the rules' together.
pub fn parse_program(text: &str, path: &Path) -> Result<ProgramDefinition, ProgramFileError> {
    let fail = |problems: Vec<String>| ProgramFileError {
        path: path.to_owned(),
        problems,
    };
    let file: File =
        toml::from_str(text).map_err(|e| fail(vec![e.to_string().trim_end().to_owned()]))?;
    let spec = ProgramSpec {
        name: file.program.name,
        currency: file.program.currency,
        time_zone: file.program.time_zone,
        points_name: file.program.points_name,
        points_per_unit: file.earn.points_per_unit,
        rounding: match file.earn.rounding {
            RoundingName::Floor => Rounding::Floor,
            RoundingName::Nearest => Rounding::Nearest,
            RoundingName::Ceil => Rounding::Ceil,
        },
        point_value: file.points.value,
        expiry: match file.points.expiry {
            ExpirySection::Never => ExpiryPolicy::Never,
            ExpirySection::MonthsAfterEarning { months } => {
                ExpiryPolicy::MonthsAfterEarning(months)
            }
            ExpirySection::EndOfNextCalendarYear => ExpiryPolicy::EndOfNextCalendarYear,
        },
        pending_days: file.points.pending_days,
        clawback: match file.points.clawback {
            ClawbackName::AllowNegative => ClawbackPolicy::AllowNegative,
            ClawbackName::CapAtZero => ClawbackPolicy::CapAtZero,
        },
        backdating_days: file.earn.backdating_days,
    };
    let currency = spec.currency.parse::<Currency>().ok();
    let time_zone = TimeZone::get(&spec.time_zone).unwrap_or(TimeZone::UTC);
    let program = Program::new(spec).map_err(texts);
    let declared = file.events.map(|e| e.declared);
    let tiers = file.tiers.map(tiers::convert).transpose();
    let tier_ids: Option<Vec<String>> = match &tiers {
        Ok(policy) => Some(
            policy
                .iter()
                .flat_map(|p| p.tiers())
                .map(|t| t.id.clone())
                .collect(),
        ),
        // The rules' tier names cannot be checked against tiers that did not parse.
        Err(_) => None,
    };
    let rules = rules::convert(file.rules)
        .and_then(|r| match &tier_ids {
            Some(ids) => rules::check_tier_names(r, ids),
            None => Ok(r),
        })
        .and_then(|r| RuleSet::new(r, declared.as_deref()));
    let catalog = rewards::convert(
        file.rewards,
        currency,
        &time_zone,
        tier_ids.as_deref().unwrap_or_default(),
    )
    .map_err(texts);
    let referrals = file
        .referrals
        .map(referrals::convert)
        .transpose()
        .map_err(texts);
    let rules = rules.map_err(texts);
    let tiers = tiers.map_err(texts);
    match (program, rules, tiers, catalog, referrals) {
        (Ok(program), Ok(rules), Ok(tiers), Ok(catalog), Ok(referrals)) => Ok(ProgramDefinition {
            program,
            rules,
            declared_events: declared.unwrap_or_default(),
            tiers,
            catalog,
            referrals,
        }),
        (program, rules, tiers, catalog, referrals) => {
            let mut problems: Vec<String> = program.err().unwrap_or_default();
            problems.extend(rules.err().unwrap_or_default());
            problems.extend(tiers.err().unwrap_or_default());
            problems.extend(catalog.err().unwrap_or_default());
            problems.extend(referrals.err().unwrap_or_default());
            Err(fail(problems))
        }
    }
}

/// Problems as the messages a [`ProgramFileError`] lists.
fn texts<T: ToString>(issues: Vec<T>) -> Vec<String> {
    issues.iter().map(ToString::to_string).collect()
}

/// Reads and validates a program file.
pub fn load_program(path: &Path) -> Result<ProgramDefinition, ProgramFileError> {
    let text = std::fs::read_to_string(path).map_err(|e| ProgramFileError {
        path: path.to_owned(),
        problems: vec![format!("cannot read the file: {e}")],
    })?;
    parse_program(&text, path)
}
