//! Whole numbers in JSON bodies: an integer, or a number with no fractional part (`15.0`),
//! which JSON Schema (and so the OpenAPI document's `integer`) counts as an integer too.

use serde::{Deserialize, Deserializer, de};
use std::fmt;

/// 2^63: the first `f64` above `i64::MAX` (which rounds up to it).
const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;

struct Whole;

impl de::Visitor<'_> for Whole {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a whole number")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
        if v.fract() == 0.0 && (-TWO_POW_63..TWO_POW_63).contains(&v) {
            // Whole and within i64's range (checked above), so the cast is exact.
            #[allow(clippy::cast_possible_truncation)]
            return Ok(v as i64);
        }
        Err(E::invalid_type(de::Unexpected::Float(v), &self))
    }
}

/// Deserializes an `i64`; for `#[serde(deserialize_with)]`.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    deserializer.deserialize_any(Whole)
}

/// Deserializes a `u32`.
pub fn deserialize_u32<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    let v = deserialize(deserializer)?;
    u32::try_from(v).map_err(|_| {
        de::Error::invalid_value(
            de::Unexpected::Signed(v),
            &"a whole number from 0 to 2^32-1",
        )
    })
}

/// Deserializes an optional `i64`.
pub fn deserialize_option<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<i64>, D::Error> {
    #[derive(Deserialize)]
    struct Wrapped(#[serde(deserialize_with = "deserialize")] i64);
    Option::<Wrapped>::deserialize(deserializer).map(|w| w.map(|Wrapped(v)| v))
}
