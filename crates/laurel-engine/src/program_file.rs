//! The program file (TOML): parsed into a spec and earning rules, then validated by the core.

mod automations;
mod books;
pub mod edit;
mod fraud;
#[cfg(test)]
mod fuzz;
mod households;
mod memberships;
mod names;
mod notices;
mod partners;
mod privacy;
mod referrals;
mod rewards;
mod rules;
mod staff;
mod tiers;
mod transfers;
mod wallet;
mod words;

pub use rewards::{read_instant, write_instant};
pub use rules::{WEEKDAYS, weekday, weekday_name};
use words::Words;

use crate::decimal;
use crate::staff::AdjustPolicy;
use jiff::tz::TimeZone;
use laurel_core::issue::{Issue, Message};
use laurel_core::message;
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
    /// The same problems with their templates and lines, for pages that translate them.
    pub issues: Vec<Issue>,
}

impl ProgramFileError {
    fn new(path: &Path, issues: Vec<Issue>) -> ProgramFileError {
        ProgramFileError {
            path: path.to_owned(),
            problems: issues.iter().map(ToString::to_string).collect(),
            issues,
        }
    }
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
    #[serde(default)]
    staff: Option<staff::StaffSection>,
    #[serde(default)]
    names: Option<names::NamesSection>,
    #[serde(default)]
    notices: Option<notices::NoticesSection>,
    #[serde(default)]
    automations: Vec<automations::AutomationSection>,
    #[serde(default)]
    books: Option<books::BooksSection>,
    #[serde(default)]
    wallet: Option<wallet::WalletSection>,
    #[serde(default)]
    memberships: Vec<memberships::PlanSection>,
    #[serde(default)]
    transfers: Option<transfers::TransfersSection>,
    #[serde(default)]
    households: Option<households::HouseholdsSection>,
    #[serde(default)]
    partners: Vec<partners::PartnerSection>,
    #[serde(default)]
    privacy: Option<privacy::PrivacySection>,
    #[serde(default)]
    fraud: Option<fraud::FraudSection>,
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
    /// The most points one staff adjustment may move, per role (`[staff] adjust_max`).
    pub adjust_policy: AdjustPolicy,
    /// What a second staff member must approve before it takes effect (`[staff.approval]`).
    pub approval: crate::staff::ApprovalPolicy,
    /// What people call the codes its rules name (`[names]`).
    pub names: laurel_core::Names,
    /// What the program tells members by itself, and how politely (`[notices]`).
    pub notices: laurel_core::notices::NoticePolicy,
    /// What the program does by itself when something happens or every day
    /// (`[[automations]]`).
    pub automations: Vec<laurel_core::automations::Automation>,
    /// How the program keeps its books, if it says (`[books]`); see
    /// [`ProgramDefinition::books_policy`].
    pub books: Option<laurel_core::books::BooksPolicy>,
    /// Its members' wallets of stored value, if it offers them (`[wallet]`).
    pub wallet: Option<laurel_core::wallet::WalletPolicy>,
    /// The paid membership plans it offers (`[[memberships]]`).
    pub memberships: laurel_core::membership::MembershipPlans,
    /// Whether members may send each other points, within what limits (`[transfers]`).
    pub transfers: Option<laurel_core::transfers::TransferPolicy>,
    /// Whether members may pool their points in households, and how (`[households]`).
    pub households: Option<laurel_core::households::HouseholdPolicy>,
    /// The coalition's partners, where members earn and spend the program's points
    /// (`[[partners]]`).
    pub partners: laurel_core::partners::Partners,
    /// Who answers for members' data and how long inactive members are kept (`[privacy]`).
    pub privacy: laurel_core::privacy::PrivacyPolicy,
    /// Its velocity rules against fraud (`[[fraud.rules]]`).
    pub fraud: laurel_core::fraud::FraudPolicy,
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

impl ProgramDefinition {
    /// How the program keeps its books: as `[books]` says, or as a program without it does.
    pub fn books_policy(&self) -> laurel_core::books::BooksPolicy {
        self.books
            .clone()
            .unwrap_or_else(|| books::implied(self.program.point_value))
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
            adjust_policy: AdjustPolicy::default(),
            approval: crate::staff::ApprovalPolicy::default(),
            names: laurel_core::Names::default(),
            notices: laurel_core::notices::NoticePolicy::default(),
            automations: Vec::new(),
            books: None,
            wallet: None,
            memberships: laurel_core::membership::MembershipPlans::default(),
            transfers: None,
            households: None,
            partners: laurel_core::partners::Partners::default(),
            privacy: laurel_core::privacy::PrivacyPolicy::default(),
            fraud: laurel_core::fraud::FraudPolicy::default(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProgramSection {
    name: Words,
    currency: String,
    time_zone: String,
    #[serde(default = "default_points_name")]
    points_name: Words,
}

/// What members call points when the program does not say: in each page's language.
fn default_points_name() -> Words {
    Words(laurel_core::Localized::PerLanguage(
        [("en", "points"), ("zh-CN", "积分")]
            .into_iter()
            .map(|(tag, text)| (tag.to_owned(), text.to_owned()))
            .collect(),
    ))
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
    let fail = |mut issues: Vec<Issue>| {
        for issue in &mut issues {
            if issue.line.is_none() {
                issue.line = line_of(text, &issue.key);
            }
        }
        ProgramFileError::new(path, issues)
    };
    let file: File = toml::from_str(text).map_err(|e| fail(vec![unreadable(text, &e)]))?;
    let spec = ProgramSpec {
        name: file.program.name.0,
        currency: file.program.currency,
        time_zone: file.program.time_zone,
        points_name: file.program.points_name.0,
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
    let point_value = spec.point_value;
    let program = Program::new(spec);
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
    let file_rule_ids: Vec<String> = file.rules.iter().map(rules::RuleSection::id).collect();
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
    );
    let referrals = file.referrals.map(referrals::convert).transpose();
    let staff = staff::convert(file.staff);
    let names = names::convert(file.names);
    let notices = notices::convert(file.notices);
    let automations =
        automations::convert(file.automations, tier_ids.as_deref().unwrap_or_default());
    let books = file
        .books
        .map(|b| books::convert(b, Some(point_value).filter(|v| *v > Decimal::ZERO)))
        .transpose();
    let wallet = file
        .wallet
        .map(|w| wallet::convert(w, currency, tier_ids.as_deref().unwrap_or_default()))
        .transpose();
    let memberships = memberships::convert(file.memberships, currency, tier_ids.as_deref());
    let transfers = file.transfers.map(transfers::convert).transpose();
    let households = file.households.map(households::convert).transpose();
    let partners = partners::convert(file.partners);
    let privacy = privacy::convert(file.privacy);
    let fraud = fraud::convert(file.fraud);
    // Every section's problems, in the file's order, before any is given up on.
    let mut problems = Vec::new();
    let program = kept(program, &mut problems);
    let rules = kept(rules, &mut problems);
    let tiers = kept(tiers, &mut problems);
    let catalog = kept(catalog, &mut problems);
    let referrals = kept(referrals, &mut problems);
    let staff = kept(staff, &mut problems);
    let names = kept(names, &mut problems);
    let notices = kept(notices, &mut problems);
    let automations = kept(automations, &mut problems);
    let books = kept(books, &mut problems);
    let wallet = kept(wallet, &mut problems);
    let memberships = kept(memberships, &mut problems);
    let transfers = kept(transfers, &mut problems);
    let households = kept(households, &mut problems);
    let partners = kept(partners, &mut problems);
    let privacy = kept(privacy, &mut problems);
    let fraud = kept(fraud, &mut problems);
    if let (Some(rules), Some(catalog), Some(partners)) = (&rules, &catalog, &partners) {
        problems.extend(partners::unknown_partners(
            rules,
            &file_rule_ids,
            catalog,
            partners,
        ));
    }
    let definition = || {
        Some(ProgramDefinition {
            program: program?,
            rules: rules?,
            declared_events: declared.unwrap_or_default(),
            tiers: tiers?,
            catalog: catalog?,
            referrals: referrals?,
            adjust_policy: staff.as_ref()?.adjust.clone(),
            approval: staff.as_ref()?.approval,
            names: names?,
            notices: notices?,
            automations: automations?,
            books: books?,
            wallet: wallet?,
            memberships: memberships?,
            transfers: transfers?,
            households: households?,
            partners: partners?,
            privacy: privacy?,
            fraud: fraud?,
        })
    };
    match definition() {
        Some(definition) if problems.is_empty() => Ok(definition),
        _ => Err(fail(problems)),
    }
}

/// The smallest program a section's tests add their section to.
#[cfg(test)]
pub(crate) const MINIMAL_PROGRAM: &str = "[program]\nname = \"Minimal\"\ncurrency = \"CNY\"\n\
    time_zone = \"Asia/Shanghai\"\npoints_name = \"points\"\n[earn]\npoints_per_unit = \"1\"\n\
    [points]\nvalue = \"0.01\"\nexpiry = { policy = \"never\" }\n";

/// A section as converted, its problems added to `problems` if it has any.
fn kept<T>(section: Result<T, Vec<Issue>>, problems: &mut Vec<Issue>) -> Option<T> {
    section.map_err(|found| problems.extend(found)).ok()
}

/// A text that is not TOML, or not the shape of a program file, as one problem: in English as
/// the TOML reader words it (line, column, the line itself), with a translatable form of
/// what it found and the line.
fn unreadable(text: &str, error: &toml::de::Error) -> Issue {
    let found = error.message().trim();
    let quoted = |prefix: &str| {
        found
            .strip_prefix(prefix)
            .and_then(|rest| rest.split('`').next())
            .map(str::to_owned)
    };
    let words: Message = if let Some(name) = quoted("missing field `") {
        message!("missing key `{name}`", name = name)
    } else if let Some(name) = quoted("unknown field `") {
        message!("unknown key `{name}`", name = name)
    } else if let Some(value) = quoted("unknown variant `") {
        // The rest names the choices in backquotes: `floor`, `nearest` or `ceil`.
        let expected = found
            .split_once("expected")
            .map(|(_, choices)| choices.split('`').skip(1).step_by(2).collect::<Vec<_>>())
            .unwrap_or_default();
        rules::one_of(&value, &expected.join(", "))
    } else if found.starts_with("invalid type") {
        Message::plain("is not the kind of value this key takes")
    } else if found.starts_with("duplicate key") {
        Message::plain("a key is written twice")
    } else if let Some(value) = found
        .strip_prefix('`')
        .and_then(|rest| rest.strip_suffix("` is not a decimal number"))
    {
        message!("`{text}` is not a decimal number", text = value)
    } else if found.starts_with("expected a decimal") {
        Message::plain("expected a decimal number or a string such as \"12.50\"")
    } else {
        message!("the text is not valid TOML: {detail}", detail = found)
    };
    let mut issue = Issue::new("", words);
    issue.message = error.to_string().trim_end().to_owned();
    issue.line = error.span().map(|span| line_at(text, span.start));
    issue
}

/// The line (from 1) where `key` (`rules[2].effect.multiplier`) is written in `text`: of the
/// deepest part of the path that is written, so a missing key points at its table.
pub fn line_of(text: &str, key: &str) -> Option<usize> {
    use toml::de::{DeTable, DeValue};
    let root = DeTable::parse(text).ok()?;
    let mut at: Option<usize> = None;
    let mut table = Some(root.get_ref());
    let mut value: Option<&DeValue<'_>> = None;
    'path: for part in key.split('.').filter(|p| !p.is_empty()) {
        let (name, indexes) = part.split_once('[').unwrap_or((part, ""));
        let Some(current) = table.take().or(match value {
            Some(DeValue::Table(t)) => Some(t),
            _ => None,
        }) else {
            break;
        };
        let Some((k, v)) = current.iter().find(|(k, _)| k.get_ref().as_ref() == name) else {
            break;
        };
        at = Some(k.span().start);
        value = Some(v.get_ref());
        for index in indexes
            .split('[')
            .filter_map(|i| i.trim_end_matches(']').parse::<usize>().ok())
        {
            let Some(DeValue::Array(items)) = value else {
                break 'path;
            };
            let Some(item) = items.get(index) else {
                break 'path;
            };
            at = Some(item.span().start);
            value = Some(item.get_ref());
        }
    }
    at.map(|offset| line_at(text, offset))
}

/// The line (from 1) of a byte offset.
fn line_at(text: &str, offset: usize) -> usize {
    text.get(..offset).unwrap_or(text).matches('\n').count() + 1
}

/// Reads and validates a program file.
pub fn load_program(path: &Path) -> Result<ProgramDefinition, ProgramFileError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        ProgramFileError::new(
            path,
            vec![Issue::new(
                "",
                message!("cannot read the file: {error}", error = e),
            )],
        )
    })?;
    parse_program(&text, path)
}
