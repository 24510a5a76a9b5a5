//! The program file's `[[fraud.rules]]`: velocity rules on members' (and staff's) recent
//! activity, each with what it does past its most. Without them nothing is judged.

use crate::decimal;
use laurel_core::fraud::{FraudPolicy, FraudRuleSpec};
use laurel_core::issue::Issue;
use rust_decimal::Decimal;
use serde::Deserialize;

/// `[fraud]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FraudSection {
    #[serde(default)]
    rules: Vec<RuleSection>,
}

/// `[[fraud.rules]]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSection {
    id: String,
    measure: String,
    #[serde(deserialize_with = "decimal::deserialize")]
    max: Decimal,
    window: String,
    action: String,
    min_purchases: Option<i64>,
    #[serde(default)]
    except: Vec<String>,
    prefix_digits: Option<i64>,
}

/// The section as a checked policy, or every problem with its key.
pub(super) fn convert(section: Option<FraudSection>) -> Result<FraudPolicy, Vec<Issue>> {
    let specs: Vec<FraudRuleSpec> = section
        .map(|s| s.rules)
        .unwrap_or_default()
        .into_iter()
        .map(|r| FraudRuleSpec {
            id: r.id,
            measure: r.measure,
            max: r.max,
            window: r.window,
            action: r.action,
            min_purchases: r.min_purchases,
            except: r.except,
            prefix_digits: r.prefix_digits,
        })
        .collect();
    FraudPolicy::new(&specs)
}
