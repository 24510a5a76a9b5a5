//! Reading decimal amounts from text formats without ever passing through a float.

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, de};
use std::str::FromStr;

/// A decimal written as a string (`"12.50"`, exact) or a number (`12.5`, read by its shortest
/// decimal spelling). Used for money in JSON bodies and rates in program files.
#[derive(Deserialize)]
#[serde(untagged)]
enum Written {
    Text(String),
    Integer(i64),
    Float(f64),
}

/// Deserializes a [`Decimal`] from a string or a number; for `#[serde(deserialize_with)]`.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
    let text = match Written::deserialize(deserializer)
        .map_err(|_| de::Error::custom("expected a decimal number or a string such as \"12.50\""))?
    {
        Written::Text(text) => text,
        Written::Integer(i) => return Ok(Decimal::from(i)),
        // A float's Display is its shortest round-trip spelling: 0.1 prints as "0.1".
        Written::Float(f) if f.is_finite() => f.to_string(),
        Written::Float(_) => return Err(de::Error::custom("expected a finite number")),
    };
    Decimal::from_str(text.trim())
        .map_err(|_| de::Error::custom(format!("`{text}` is not a decimal number")))
}

/// Like [`deserialize`] for an optional field.
pub fn deserialize_option<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Decimal>, D::Error> {
    #[derive(Deserialize)]
    struct Wrapped(#[serde(deserialize_with = "deserialize")] Decimal);
    Option::<Wrapped>::deserialize(deserializer).map(|w| w.map(|Wrapped(d)| d))
}
