//! A segment as callers write it (the API's JSON, and what is stored): conditions named as
//! the program file's automations name theirs, money in the program's currency, levels and
//! RFM segments by their stable names. Turned into the core's [`Segment`] against the program.

use crate::checks;
use crate::error::{EngineError, Result};
use laurel_core::Currency;
use laurel_core::automations::MemberCondition;
use laurel_core::automations::automation::Range;
use laurel_core::insight::RfmSegment;
use laurel_core::insight::clv::ChurnRiskLevel;
use laurel_core::issue::{Issue, Issues};
use laurel_core::message;
use laurel_core::segments::{Segment, SegmentCondition};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A segment: its id, name, what it is for and its conditions (all must hold).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SegmentSpec {
    /// 1 to 64 lower-case letters, digits and underscores; rules and automations name it by this.
    #[schema(pattern = "^[a-z0-9_]{1,64}$", example = "lapsed_gold")]
    pub id: String,
    /// What staff call it.
    #[schema(min_length = 1, max_length = 200, example = "Lapsed gold")]
    pub name: String,
    /// What it is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1, max_length = 2000)]
    pub description: Option<String>,
    /// What a member must meet, all at once.
    #[schema(min_items = 1, max_items = 20)]
    pub conditions: Vec<ConditionSpec>,
}

/// One condition, written as an object with one key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ConditionSpec {
    /// Holding one of these tiers (their ids).
    Tiers(Vec<String>),
    /// Days since their last purchase (a member who never bought has gone forever).
    DaysSinceLastPurchase(#[serde(deserialize_with = "object")] RangeSpec),
    /// Days since they joined.
    DaysSinceJoining(#[serde(deserialize_with = "object")] RangeSpec),
    /// Points they may spend.
    Balance(#[serde(deserialize_with = "object")] RangeSpec),
    /// Consented to this channel (email, sms, push).
    Consent(String),
    /// What they paid over the last `days` days, net of refunds.
    Spend(#[serde(deserialize_with = "object")] SpendSpec),
    /// How many purchases they made over the last `days` days.
    Purchases(#[serde(deserialize_with = "object")] WindowSpec),
    /// A profile attribute with exactly this value.
    Attribute(#[serde(deserialize_with = "object")] AttributeSpec),
    /// Churn-risk levels (low, medium, high) at the last insight refresh.
    ChurnRisk(Vec<String>),
    /// RFM segments (champions, loyal, promising, at_risk, cant_lose, hibernating, lost) at
    /// the last insight refresh.
    Rfm(Vec<String>),
}

/// An inclusive range; an end left out is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RangeSpec {
    /// The least value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least: Option<i64>,
    /// The greatest value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_most: Option<i64>,
}

/// A count over the last `days` days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WindowSpec {
    /// How many days back from each refresh.
    #[schema(minimum = 1, maximum = 3660)]
    pub days: i64,
    /// The least count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least: Option<i64>,
    /// The greatest count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_most: Option<i64>,
}

/// Money paid over the last `days` days, in the program's currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpendSpec {
    /// How many days back from each refresh.
    #[schema(minimum = 1, maximum = 3660)]
    pub days: i64,
    /// The least, as a decimal string.
    #[serde(
        default,
        deserialize_with = "decimal_text",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, example = "500.00", pattern = r"^[0-9]{1,11}(\.[0-9]{1,4})?$")]
    pub at_least: Option<Decimal>,
    /// The most, as a decimal string.
    #[serde(
        default,
        deserialize_with = "decimal_text",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, example = "2000.00", pattern = r"^[0-9]{1,11}(\.[0-9]{1,4})?$")]
    pub at_most: Option<Decimal>,
}

/// A profile attribute's exact value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttributeSpec {
    /// The attribute's name.
    #[schema(min_length = 1, max_length = 64)]
    pub key: String,
    /// Its value.
    #[schema(min_length = 1, max_length = 200)]
    pub value: String,
}

/// `T` read only from a JSON object, as the schema says: serde's derive would also read a
/// struct from an array of its fields.
fn object<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let value = serde_json::Value::deserialize(d)?;
    if !value.is_object() {
        return Err(serde::de::Error::custom("expected an object"));
    }
    T::deserialize(value).map_err(serde::de::Error::custom)
}

/// An amount written as a string (`"500.00"`), exactly as the schema says: a segment's money
/// is read as the program's currency writes it, never through a float.
fn decimal_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    let text: Option<String> = Option::deserialize(d)?;
    text.map(|t| {
        t.trim().parse::<Decimal>().map_err(|_| {
            serde::de::Error::custom(format!("`{t}` is not an amount such as \"500.00\""))
        })
    })
    .transpose()
}

impl SegmentSpec {
    /// The core's segment in a program with this currency and these tiers, or every problem
    /// with its key.
    pub(crate) fn to_segment(&self, currency: Currency, tier_ids: &[String]) -> Result<Segment> {
        checks::text("name", &self.name)?;
        checks::optional_text("description", &self.description)?;
        // What the segment compares exactly is text a caller typed, held to the same rules.
        for (n, condition) in self.conditions.iter().enumerate() {
            if let ConditionSpec::Attribute(a) = condition {
                checks::text(&format!("conditions[{n}].attribute.key"), &a.key)?;
                checks::text(&format!("conditions[{n}].attribute.value"), &a.value)?;
            }
        }
        let mut problems = Issues::under("");
        let conditions = self
            .conditions
            .iter()
            .enumerate()
            .filter_map(|(n, c)| match c.to_condition(currency) {
                Ok(condition) => Some(condition),
                Err(words) => {
                    problems.add(format!("conditions[{n}]"), words);
                    None
                }
            })
            .collect();
        let segment = Segment {
            id: self.id.clone(),
            name: self.name.trim().to_owned(),
            description: self.description.as_deref().map(|d| d.trim().to_owned()),
            conditions,
        };
        let mut found: Vec<Issue> = problems.into_vec();
        if let Err(more) = segment.check(tier_ids) {
            found.extend(more);
        }
        if found.is_empty() {
            Ok(segment)
        } else {
            Err(EngineError::InvalidSegment(found))
        }
    }
}

fn range(at_least: Option<i64>, at_most: Option<i64>) -> Range {
    Range { at_least, at_most }
}

fn minor(
    amount: Option<Decimal>,
    currency: Currency,
) -> Result<Option<i64>, laurel_core::issue::Message> {
    amount
        .map(|a| {
            checks::amount_minor("spend", a, currency).map_err(|e| {
                let why = match e {
                    EngineError::InvalidField { message, .. } => message,
                    other => other.to_string(),
                };
                message!(
                    "not an amount in {currency}: {why}",
                    currency = currency,
                    why = why
                )
            })
        })
        .transpose()
}

fn parse_all<T>(
    names: &[String],
    parse: impl Fn(&str) -> Option<T>,
    expected: &str,
) -> Result<Vec<T>, laurel_core::issue::Message> {
    names
        .iter()
        .map(|name| {
            parse(name).ok_or_else(|| {
                message!(
                    "unknown value `{got}`: expected one of {expected}",
                    got = name,
                    expected = expected
                )
            })
        })
        .collect()
}

impl ConditionSpec {
    fn to_condition(
        &self,
        currency: Currency,
    ) -> Result<SegmentCondition, laurel_core::issue::Message> {
        Ok(match self {
            ConditionSpec::Tiers(t) => SegmentCondition::Member(MemberCondition::Tiers(t.clone())),
            ConditionSpec::DaysSinceLastPurchase(r) => SegmentCondition::Member(
                MemberCondition::DaysSinceLastPurchase(range(r.at_least, r.at_most)),
            ),
            ConditionSpec::DaysSinceJoining(r) => SegmentCondition::Member(
                MemberCondition::DaysSinceJoining(range(r.at_least, r.at_most)),
            ),
            ConditionSpec::Balance(r) => {
                SegmentCondition::Member(MemberCondition::Balance(range(r.at_least, r.at_most)))
            }
            ConditionSpec::Consent(c) => {
                SegmentCondition::Member(MemberCondition::Consent(c.clone()))
            }
            ConditionSpec::Spend(s) => SegmentCondition::Spend {
                days: s.days,
                range: range(minor(s.at_least, currency)?, minor(s.at_most, currency)?),
            },
            ConditionSpec::Purchases(w) => SegmentCondition::Purchases {
                days: w.days,
                range: range(w.at_least, w.at_most),
            },
            ConditionSpec::Attribute(a) => SegmentCondition::Attribute {
                key: a.key.clone(),
                value: a.value.clone(),
            },
            ConditionSpec::ChurnRisk(levels) => SegmentCondition::ChurnRisk(parse_all(
                levels,
                ChurnRiskLevel::parse,
                "low, medium, high",
            )?),
            ConditionSpec::Rfm(segments) => SegmentCondition::Rfm(parse_all(
                segments,
                |s| s.parse::<RfmSegment>().ok(),
                &RfmSegment::ALL
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            )?),
        })
    }
}
